import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DuckDBInstance } from '@duckdb/node-api';
import { InputError } from '@vvs/core';
import type { Score } from '@vvs/core';
import { ResultsStore, SCHEMA_VERSION, scoreFields } from '../src/index.ts';
import type { ScoreRecord } from '../src/index.ts';
import { sequenceRow } from './fixtures/rows.ts';

let dir: string;
let file: string;
const opened: ResultsStore[] = [];

async function open(path = file, readOnly = false): Promise<ResultsStore> {
  const store = await ResultsStore.open(path, { readOnly });
  opened.push(store);
  return store;
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'vvs-results-'));
  file = join(dir, 'results.duckdb');
});

afterEach(() => {
  for (const store of opened.splice(0)) store.close();
  rmSync(dir, { recursive: true, force: true });
});

const KEY = { model: 'alexnet', benchmark: 'synthetic.IT', benchmarkVersion: '1', layer: 'stage4' };
const T0 = new Date('2024-06-01T10:00:00.250Z');
const T1 = new Date('2024-06-01T10:03:20.750Z');

function failed(message: string): ScoreRecord {
  return { ...KEY, target: 'IT', synthetic: true, status: 'failed', errorMessage: message, startedAt: T0, finishedAt: T1 };
}

function ok(score: number): ScoreRecord {
  return { ...KEY, target: 'IT', score, unclipped: score, raw: score, ceiling: 1, error: 0, synthetic: true, status: 'ok', startedAt: T0, finishedAt: T1 };
}

describe('ResultsStore: rows', () => {
  it('round-trips every field, NaN, JSON and timestamps included, and fills omitted fields with null/false', async () => {
    const store = await open();
    const full = { ...sequenceRow(4), unclipped: NaN };
    expect(await store.record(full)).toBe('inserted');
    expect(await store.record({ ...KEY, target: 'V4', score: 0.5, status: 'ok', startedAt: T0, finishedAt: T1 })).toBe('inserted');
    const rows = await store.rows();
    expect(rows).toHaveLength(2);
    expect(rows[0]).toEqual({ ...KEY, target: 'V4', score: 0.5, unclipped: null, raw: null, ceiling: null, error: null,
      ceilingError: null, normalization: null, metric: null, metricParams: null, timings: null, packageVersions: null,
      modelHash: null, dataHash: null, synthetic: false, status: 'ok', errorMessage: null, startedAt: T0, finishedAt: T1 });
    expect(rows[1]).toEqual(full);
    expect(Number.isNaN(rows[1].unclipped)).toBe(true);
    expect(rows[1].startedAt).toBeInstanceOf(Date);
  });

  it('keeps rows across close and reopen, and writes schema_version', async () => {
    const store = await open();
    await store.record(sequenceRow(1));
    store.close();
    const again = await open();
    expect(await again.rows()).toEqual([sequenceRow(1)]);
    again.close();
    const db = await DuckDBInstance.create(file, { access_mode: 'READ_ONLY' });
    const connection = await db.connect();
    const version = (await connection.runAndReadAll('SELECT version FROM schema_version')).getRowObjectsJS();
    connection.closeSync();
    db.closeSync();
    expect(version).toEqual([{ version: SCHEMA_VERSION }]);
  });

  it('sorts by model then benchmark whatever the insertion order, and filters', async () => {
    const store = await open();
    const order = [9, 2, 14, 0, 7, 21, 5];
    for (const i of order) await store.record(sequenceRow(i));
    await store.record({ ...sequenceRow(3), status: 'failed', score: null, errorMessage: 'boom' });
    const rows = await store.rows();
    const keys = rows.map((r) => `${r.model}|${r.benchmark}`);
    expect(keys).toEqual([...keys].sort());
    expect(new Set(rows.map((r) => r.benchmark)).size).toBe(order.length + 1);
    expect((await store.rows({ model: 'model-00' })).map((r) => r.benchmark)).toEqual(['bench-000000', 'bench-000007', 'bench-000014', 'bench-000021']);
    expect((await store.rows({ status: 'failed' })).map((r) => r.errorMessage)).toEqual(['boom']);
    expect(await store.rows({ model: 'model-00', layer: 'layer1' })).toEqual([sequenceRow(7)]);
  });

  it('serialises concurrent record calls on one store', async () => {
    const store = await open();
    const outcomes = await Promise.all(Array.from({ length: 25 }, (_, i) => store.record(sequenceRow(i))));
    expect(outcomes).toEqual(Array(25).fill('inserted'));
    expect(await store.rows()).toHaveLength(25);
  });

  it('maps a Score onto the numeric columns', () => {
    const score: Score = { value: 1, unclipped: 1.2, raw: 0.6, ceiling: 0.5, error: 0.01, normalization: 'r/c' };
    expect(scoreFields(score)).toEqual({ score: 1, unclipped: 1.2, raw: 0.6, ceiling: 0.5, error: 0.01, ceilingError: null, normalization: 'r/c' });
  });
});

describe('ResultsStore: replacement rules', () => {
  it('replaces a failed row by a later attempt, never an ok row without force', async () => {
    const store = await open();
    expect(await store.record(failed('out of memory'))).toBe('inserted');
    expect(await store.record(failed('out of memory again'))).toBe('replaced');
    expect(await store.record(ok(0.4))).toBe('replaced');
    expect(await store.record(failed('flaky'))).toBe('kept');
    expect(await store.record(ok(0.9))).toBe('kept');
    expect((await store.rows()).map((r) => [r.status, r.score, r.errorMessage])).toEqual([['ok', 0.4, null]]);
    expect(await store.record(ok(0.9), { force: true })).toBe('replaced');
    expect((await store.rows()).map((r) => r.score)).toEqual([0.9]);
  });

  it('has() sees a key of either status; done() needs an ok row on some layer', async () => {
    const store = await open();
    expect(await store.has(KEY)).toBe(false);
    await store.record(failed('nope'));
    expect(await store.has(KEY)).toBe(true);
    expect(await store.done(KEY.model, KEY.benchmark, KEY.benchmarkVersion)).toBe(false);
    await store.record({ ...ok(0.3), layer: 'stage3' });
    expect(await store.done(KEY.model, KEY.benchmark, KEY.benchmarkVersion)).toBe(true);
    expect(await store.done(KEY.model, KEY.benchmark, '2')).toBe(false);
    expect(await store.has({ ...KEY, layer: 'stage2' })).toBe(false);
  });

  it('rejects malformed rows with an InputError naming the field, and writes nothing', async () => {
    const store = await open();
    await expect(store.record({ ...ok(1), model: '' })).rejects.toThrow(/model must be a non-empty string/);
    await expect(store.record({ ...ok(1), status: 'done' as 'ok' })).rejects.toThrow(InputError);
    await expect(store.record({ ...ok(1), target: 'V3' as 'V4' })).rejects.toThrow(/target/);
    await expect(store.record({ ...ok(1), score: null })).rejects.toThrow(/score must be a number on an 'ok' row/);
    await expect(store.record({ ...ok(1), finishedAt: new Date('x') })).rejects.toThrow(/finishedAt must be a valid Date/);
    expect(await store.rows()).toEqual([]);
  });
});

describe('ResultsStore: opening', () => {
  it('refuses a second open of the same file in this process, naming it', async () => {
    const store = await open();
    await expect(ResultsStore.open(file)).rejects.toThrow(new RegExp(`"${file.replace(/[.]/g, '\\.')}" is already open`));
    store.close();
    const again = await open();
    expect(await again.rows()).toEqual([]);
  });

  it('read-only: refuses record, and a missing file is an InputError naming it', async () => {
    (await open()).close();
    const reader = await open(file, true);
    await expect(reader.record(ok(1))).rejects.toThrow(/opened read-only/);
    expect(await reader.rows()).toEqual([]);
    const missing = join(dir, 'missing.duckdb');
    const error = await ResultsStore.open(missing, { readOnly: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).file).toBe(missing);
  });

  it('refuses a file that is not a DuckDB database or has another schema version', async () => {
    const text = join(dir, 'notes.duckdb');
    writeFileSync(text, 'this is not a database\n'.repeat(1000));
    await expect(ResultsStore.open(text)).rejects.toThrow(new RegExp(`cannot open results store ".*notes\\.duckdb"`));

    (await open()).close();
    const db = await DuckDBInstance.create(file);
    const connection = await db.connect();
    await connection.run('UPDATE schema_version SET version = 99');
    connection.closeSync();
    db.closeSync();
    await expect(ResultsStore.open(file)).rejects.toThrow(/has schema version 99; this vvs reads version 1/);
  });
});
