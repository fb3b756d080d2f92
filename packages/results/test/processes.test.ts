import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InputError } from '@vvs/core';
import { ResultsStore } from '../src/index.ts';
import { sequenceRow } from './fixtures/rows.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
const CHILD = join(HERE, 'fixtures', 'child.ts');
/** The repository root, where `tsx` (a root devDependency) resolves for `node --import tsx`. */
const ROOT = resolve(HERE, '../../..');
/** Commits the writer must report before it is killed: enough that the kill lands mid-loop, well into it. */
const COMMITS_BEFORE_KILL = 40;
/** Rows the writer would record if left alone: far more than it reaches before the kill. */
const LOOP_LENGTH = 1_000_000;

let dir: string;
let file: string;
const children: ChildProcess[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'vvs-results-proc-'));
  file = join(dir, 'results.duckdb');
});

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

/** Starts the child fixture; `onLine` sees each stdout line, `exited` settles with its exit. */
function startChild(args: string[], onLine: (line: string, child: ChildProcess) => void) {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let pending = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop()!;
    for (const line of lines) onLine(line, child);
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((done) =>
    child.on('close', (code, signal) => done({ code, signal, stderr })),
  );
  return { child, exited };
}

describe('ResultsStore across processes', () => {
  it('refuses to open a store another process holds, naming the file and the holder; opens once it is gone', async () => {
    let ready!: () => void;
    const isReady = new Promise<void>((r) => (ready = r));
    const { child, exited } = startChild(['hold', file], (line) => line === 'ready' && ready());
    await Promise.race([isReady, exited.then((e) => Promise.reject(new Error(`holder exited early: ${e.stderr}`)))]);

    for (const readOnly of [false, true]) {
      const error = await ResultsStore.open(file, { readOnly }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InputError);
      expect((error as InputError).file).toBe(file);
      expect((error as Error).message).toContain(`results store "${file}" is in use by process ${child.pid}`);
    }

    child.kill('SIGKILL');
    await exited;
    const store = await ResultsStore.open(file);
    expect(await store.rows()).toEqual([]);
    store.close();
  });

  it('a writer killed with SIGKILL mid-loop leaves only complete, committed rows; resuming adds no duplicates', async () => {
    let reported = 0;
    const { exited } = startChild(['loop', file, String(LOOP_LENGTH)], (line, child) => {
      expect(Number(line)).toBe(reported);
      reported += 1;
      if (reported === COMMITS_BEFORE_KILL) child.kill('SIGKILL');
    });
    const exit = await exited;
    expect(exit.signal, exit.stderr).toBe('SIGKILL');
    expect(reported).toBeLessThan(LOOP_LENGTH);

    const store = await ResultsStore.open(file);
    try {
      const rows = await store.rows();
      // Every reported row committed; at most one more committed after its index was printed.
      expect(rows.length).toBeGreaterThanOrEqual(reported);
      expect(rows.length).toBeLessThanOrEqual(reported + 1);
      const expected = Array.from({ length: rows.length }, (_, i) => sequenceRow(i));
      const byBenchmark = (a: { benchmark: string }, b: { benchmark: string }) => a.benchmark.localeCompare(b.benchmark);
      expect([...rows].sort(byBenchmark)).toEqual(expected.sort(byBenchmark));

      // Resume: record what is missing, skipping what is there, as a suite runner would.
      const target = rows.length + 25;
      let recorded = 0;
      for (let i = 0; i < target; i++) {
        const row = sequenceRow(i);
        if (await store.has(row)) {
          expect(await store.record(row)).toBe('kept');
        } else {
          expect(await store.record(row)).toBe('inserted');
          recorded += 1;
        }
      }
      expect(recorded).toBe(25);
      const after = await store.rows();
      expect(after).toHaveLength(target);
      expect(new Set(after.map((r) => `${r.model}|${r.benchmark}|${r.benchmarkVersion}|${r.layer}`)).size).toBe(target);
    } finally {
      store.close();
    }
  });
});
