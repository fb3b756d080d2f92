import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { vvs } from './run-cli.ts';

const scratch = mkdtempSync(join(tmpdir(), 'vvs-cli-run-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('vvs run and vvs results', () => {
  it('scores into the database, resumes without rescoring, and vvs results reproduces the printed scores', async () => {
    const store = join(scratch, 'results.duckdb');
    const args = ['run', '--models', 'builtin:pixels', '--benchmarks', 'synthetic.V1,synthetic.V2', '--store', store];
    const first = await vvs(...args);
    expect(first.code).toBe(0);
    expect(first.stderr).toContain('vvs: 2 scored, 0 already in');
    const printed = first.stdout.trim().split('\n').slice(1).map((line) => line.split(/\s+/));
    expect(printed.map((cells) => [cells[0], cells[1], cells[2], cells[6]])).toEqual([
      ['builtin:pixels', 'synthetic.V1', 'pixels', 'synthetic'],
      ['builtin:pixels', 'synthetic.V2', 'pixels', 'synthetic'],
    ]);

    const again = await vvs(...args);
    expect(again.code).toBe(0);
    expect(again.stderr).toContain('vvs: 0 scored, 2 already in');
    expect(again.stdout).toBe(first.stdout);

    const csv = await vvs('results', '--store', store, '--format', 'csv');
    const [header, ...lines] = csv.stdout.trim().split('\n');
    const columns = header.split(',');
    const score = columns.indexOf('score');
    expect(lines.map((line) => Number(line.split(',')[score]).toFixed(4))).toEqual(printed.map((cells) => cells[3]));
    const json = JSON.parse((await vvs('results', '--store', store, '--format', 'json')).stdout) as { model: string; benchmark: string; score: number }[];
    expect(json.map((r) => [r.model, r.benchmark, r.score.toFixed(4)])).toEqual(printed.map((cells) => [cells[0], cells[1], cells[3]]));
  });

  it('refuses an unknown format and an unknown benchmark before any work', async () => {
    const format = await vvs('results', '--store', join(scratch, 'none.duckdb'), '--format', 'xml');
    expect(format.code).toBe(2);
    expect(format.stderr).toContain("--format: expected one of table, csv, json, parquet, got 'xml'");
    const unknown = await vvs('run', '--benchmarks', 'synthetic.V3', '--store', join(scratch, 'x.duckdb'));
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no benchmark is registered with id "synthetic.V3"');
  });
});
