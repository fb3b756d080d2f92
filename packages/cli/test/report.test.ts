import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BenchmarkTarget } from '@vvs/core';
import { ResultsStore, type ScoreRecord } from '@vvs/results';
import { vvs } from './run-cli.ts';

/** The part of `@duckdb/node-api` the test reads a Parquet file back with. */
interface DuckDB {
  DuckDBInstance: {
    create(path: string): Promise<{
      connect(): Promise<{ runAndReadAll(sql: string): Promise<{ getRowObjectsJS(): Record<string, unknown>[] }>; closeSync(): void }>;
      closeSync(): void;
    }>;
  };
}

/** DuckDB as `@vvs/results` has it: the CLI package does not depend on it directly. */
const duckdb = createRequire(createRequire(import.meta.url).resolve('@vvs/results'))('@duckdb/node-api') as DuckDB;

const scratch = mkdtempSync(join(tmpdir(), 'vvs-cli-report-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const store = join(scratch, 'results.duckdb');
const T0 = new Date('2024-06-01T10:00:00Z');

function record(model: string, benchmark: string, target: BenchmarkTarget, score: number | null): ScoreRecord {
  return {
    model, benchmark, benchmarkVersion: '1', layer: 'stage4', target, score, synthetic: true, startedAt: T0, finishedAt: T0,
    ...(score === null ? { status: 'failed' as const, errorMessage: 'out of memory' } : { status: 'ok' as const }),
  };
}

const RECORDS = [
  record('builtin:cnn', 'synthetic.V1', 'V1', 0.25),
  record('builtin:cnn', 'synthetic.V4', 'V4', 0.5),
  record('builtin:cnn', 'synthetic.IT', 'IT', 0.625),
  record('builtin:cnn', 'other.IT', 'IT', 0.375),
  record('builtin:pixels', 'synthetic.V1', 'V1', 0.125),
  record('builtin:pixels', 'synthetic.V4', 'V4', null),
  record('builtin:pixels', 'synthetic.IT', 'IT', 0.0625),
];

beforeAll(async () => {
  const writer = await ResultsStore.open(store);
  try {
    for (const r of RECORDS) await writer.record(r);
  } finally {
    writer.close();
  }
});

/** The cells of the Markdown table line of `model`. */
function markdownCells(markdown: string, model: string): string[] {
  const line = markdown.split('\n').find((l) => l.split('|')[2]?.trim() === model);
  if (line === undefined) throw new Error(`no line for ${model} in\n${markdown}`);
  return line.split('|').slice(1, -1).map((cell) => cell.trim());
}

const REPORT_FILES = ['model-ranking.png', 'model-ranking.svg', 'report.json', 'scores-per-region.png', 'scores-per-region.svg', 'scores.csv', 'scores.md'];

describe('vvs report', () => {
  it('writes the report files and prints the ranked table with the region means', async () => {
    const out = join(scratch, 'report');
    const { code, stdout, stderr } = await vvs('report', '--store', store, '--out', out);
    expect(code).toBe(0);
    expect(readdirSync(out).sort()).toEqual(REPORT_FILES);
    expect(stderr.trim().split('\n').sort()).toEqual(REPORT_FILES.map((f) => `vvs: wrote ${join(out, f)}`));
    const cnnIT = (0.625 + 0.375) / 2;
    // rank, model, V1, V2, V4, IT, behavior, average, regions, failed
    expect(markdownCells(stdout, 'builtin:cnn')).toEqual(['1', 'builtin:cnn', '0.2500', '—', '0.5000', cnnIT.toFixed(4), '—', ((0.25 + 0.5 + cnnIT) / 3).toFixed(4), '3/5', '0']);
    expect(markdownCells(stdout, 'builtin:pixels')).toEqual(['2', 'builtin:pixels', '0.1250', '—', '—', '0.0625', '—', ((0.125 + 0.0625) / 2).toFixed(4), '2/5', '1']);
  });

  it('keeps only the models and benchmarks asked for', async () => {
    const { code, stdout } = await vvs('report', '--store', store, '--out', join(scratch, 'filtered'), '--models', 'builtin:cnn', '--benchmarks', 'synthetic.IT, synthetic.V1');
    expect(code).toBe(0);
    expect(stdout).not.toContain('builtin:pixels');
    expect(markdownCells(stdout, 'builtin:cnn')).toEqual(['1', 'builtin:cnn', '0.2500', '—', '—', '0.6250', '—', ((0.25 + 0.625) / 2).toFixed(4), '2/5', '0']);
  });

  it('refuses an unknown model, a report without scores and a missing --out, exit 2', async () => {
    const unknown = await vvs('report', '--store', store, '--out', join(scratch, 'x'), '--models', 'alexnet');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("--models: results store");
    expect(unknown.stderr).toContain("has no rows for 'alexnet' (it has builtin:cnn, builtin:pixels)");
    const empty = await vvs('report', '--store', store, '--out', join(scratch, 'none'), '--benchmarks', 'synthetic.V4', '--models', 'builtin:pixels');
    expect(empty.code).toBe(2);
    expect(empty.stderr).toBe(`vvs: no finished ('ok') scores in "${store}": nothing to report\n`);
    expect(existsSync(join(scratch, 'none'))).toBe(false);
    expect((await vvs('report', '--store', store)).code).toBe(2);
  });
});

describe('vvs results --format parquet', () => {
  it('writes a Parquet file DuckDB reads back as the stored rows', async () => {
    const file = join(scratch, "it's.parquet");
    const { code, stderr } = await vvs('results', '--store', store, '--format', 'parquet', '--out', file);
    expect(code).toBe(0);
    expect(stderr).toBe(`vvs: wrote ${RECORDS.length} rows to ${file}\n`);
    expect(existsSync(`${file}.partial`)).toBe(false);

    const instance = await duckdb.DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    const read = (await connection.runAndReadAll(`SELECT model, benchmark, score, status FROM '${file.replaceAll("'", "''")}'`)).getRowObjectsJS();
    connection.closeSync();
    instance.closeSync();
    const reader = await ResultsStore.open(store, { readOnly: true });
    const rows = await reader.rows();
    reader.close();
    expect(read).toEqual(rows.map((r) => ({ model: r.model, benchmark: r.benchmark, score: r.score, status: r.status })));
  });

  it('writes the text formats to --out too', async () => {
    const file = join(scratch, 'scores.csv');
    const { code, stdout } = await vvs('results', '--store', store, '--format', 'csv', '--out', file);
    expect(code).toBe(0);
    expect(stdout).toBe('');
    expect((await vvs('results', '--store', store, '--format', 'csv')).stdout).toBe(readFileSync(file, 'utf8'));
  });

  it('refuses parquet without --out, exit 2', async () => {
    const { code, stderr } = await vvs('results', '--store', store, '--format', 'parquet');
    expect(code).toBe(2);
    expect(stderr).toBe('vvs: --format parquet writes a binary file: give --out <file>\n');
  });
});
