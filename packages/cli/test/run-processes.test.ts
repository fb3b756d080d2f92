/**
 * `vvs run` as users run it, in a child process: killed with SIGKILL midway and rerun, and with a
 * benchmark that fails on one model.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ResultsStore, type ScoreRow } from '@vvs/results';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '../../..');
const BIN = join(ROOT, 'packages/cli/bin/vvs.js');
const scratch = mkdtempSync(join(tmpdir(), 'vvs-cli-run-proc-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `vvs …`; `onLogLine` sees each stderr line as it comes (the run's progress log when not on a
 * terminal) and may send the process a signal.
 */
function vvs(args: string[], onLogLine: (line: string, send: (signal: NodeJS.Signals) => void) => void = () => {}): Promise<Exit> {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let pending = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop()!;
    for (const line of lines) onLogLine(line, (signal) => child.kill(signal));
  });
  return new Promise((done) => child.on('close', (code, signal) => done({ code, signal, stdout, stderr })));
}

async function rowsOf(path: string): Promise<ScoreRow[]> {
  const store = await ResultsStore.open(path, { readOnly: true });
  try {
    return await store.rows();
  } finally {
    store.close();
  }
}

const RUN = ['run', '--models', 'builtin:cnn', '--benchmarks', 'synthetic.V1,synthetic.V2,synthetic.IT', '--workers', '2'];

describe('vvs run in a child process', () => {
  it('killed with SIGKILL after its first score and rerun, holds one row per pair with the scores of an uninterrupted run', async () => {
    const killed = join(scratch, 'killed.duckdb');
    const first = await vvs([...RUN, '--store', killed], (line, send) => {
      if (/: scored /.test(line)) send('SIGKILL');
    });
    expect(first.signal, first.stderr).toBe('SIGKILL');
    const survivors = await rowsOf(killed);
    expect(survivors.length).toBeGreaterThanOrEqual(1);
    expect(survivors.length).toBeLessThan(3);
    expect(survivors.every((r) => r.status === 'ok')).toBe(true);

    const resumed = await vvs([...RUN, '--store', killed]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toContain(`vvs: ${3 - survivors.length} scored, ${survivors.length} already in`);

    const clean = join(scratch, 'clean.duckdb');
    const uninterrupted = await vvs([...RUN, '--store', clean]);
    expect(uninterrupted.code, uninterrupted.stderr).toBe(0);

    const key = (r: ScoreRow) => [r.model, r.benchmark, r.benchmarkVersion, r.layer, r.status, r.score, r.raw, r.ceiling, r.error];
    const after = await rowsOf(killed);
    expect(after.map((r) => `${r.model} ${r.benchmark}`)).toEqual(['builtin:cnn synthetic.IT', 'builtin:cnn synthetic.V1', 'builtin:cnn synthetic.V2']);
    expect(after.map(key)).toEqual((await rowsOf(clean)).map(key));
    // The rows that survived the kill were not rewritten by the rerun.
    for (const survivor of survivors) expect(after.find((r) => r.benchmark === survivor.benchmark)!.finishedAt).toEqual(survivor.finishedAt);
  }, 300_000);

  it('Ctrl-C (SIGINT) stops the run after its first score: what finished is saved, the exit code is 1', async () => {
    const store = join(scratch, 'interrupted.duckdb');
    let interrupted = false;
    const run = await vvs([...RUN, '--store', store], (line, send) => {
      if (!interrupted && /: scored /.test(line)) {
        interrupted = true;
        send('SIGINT');
      }
    });
    expect(run.signal).toBe(null);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('(interrupted)');
    expect(run.stderr).toContain('vvs: the run was interrupted; run the same command to retry what is missing');
    const rows = await rowsOf(store);
    expect(rows.length).toBeGreaterThanOrEqual(1);
    expect(rows.every((r) => r.status === 'ok')).toBe(true);
  }, 300_000);

  it('a benchmark that throws on one model: the other pairs are stored, the failure is reported, the exit code is 1', async () => {
    const store = join(scratch, 'picky.duckdb');
    const run = await vvs([
      'run', '--plugin', join(HERE, 'fixtures/picky-plugin.ts'), '--models', 'builtin:pixels,builtin:cnn',
      '--benchmarks', 'Picky2026.V1-pls', '--store', store, '--workers', '1',
    ]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('vvs: FAILED builtin:pixels × Picky2026.V1-pls: Picky2026 does not score raw pixels');
    expect(run.stderr).toContain('vvs: 1 scored, 0 already in');
    expect(run.stdout).toMatch(/builtin:pixels\s+Picky2026\.V1-pls\s+FAILED/);
    const rows = await rowsOf(store);
    expect(rows.map((r) => [r.model, r.status, r.errorMessage])).toEqual([
      ['builtin:cnn', 'ok', null],
      ['builtin:pixels', 'failed', 'Picky2026 does not score raw pixels'],
    ]);
  }, 300_000);
});
