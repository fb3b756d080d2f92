import { realpathSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { dirname, basename, join, resolve } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import { InputError, isBenchmarkTarget } from '@vvs/core';
import type { BenchmarkTarget, Score } from '@vvs/core';

/**
 * Version of the on-disk layout (the `scores` table's columns and the `schema_version` table). A store
 * written with another version is refused rather than read wrongly; bump it with every column change.
 */
export const SCHEMA_VERSION = 1;

/** Outcome of one scoring attempt: `'ok'` holds a score, `'failed'` holds `errorMessage` and is retried on resume. */
export type ScoreStatus = 'ok' | 'failed';

/** The statuses a row may have, in the order a report lists them. */
export const SCORE_STATUSES = ['ok', 'failed'] as const satisfies readonly ScoreStatus[];

/**
 * What identifies one row: the primary key of the `scores` table. `layer` is the model layer the
 * benchmark was scored on; use `''` for a model scored without a layer choice (behaviour, a committed model).
 */
export interface ScoreKey {
  readonly model: string;
  readonly benchmark: string;
  readonly benchmarkVersion: string;
  readonly layer: string;
}

/**
 * One (model, benchmark, benchmark version, layer) result as the store keeps it. The numeric fields
 * mirror {@link Score} (`score` is `Score.value`); they are `null` on a failed attempt and may be NaN
 * where Brain-Score's are (e.g. an undefined correlation).
 */
export interface ScoreRow extends ScoreKey {
  /** The brain region or `'behavior'` the benchmark targets. */
  readonly target: BenchmarkTarget;
  /** The reported score, clipped as the normalisation says (`Score.value`). */
  readonly score: number | null;
  /** The normalised score before clipping (`Score.unclipped`). */
  readonly unclipped: number | null;
  /** The metric's value before ceiling normalisation (`Score.raw`). */
  readonly raw: number | null;
  /** The ceiling `raw` was normalised by (`Score.ceiling`). */
  readonly ceiling: number | null;
  /** Standard error of `raw` over splits (`Score.error`). */
  readonly error: number | null;
  /** Standard error of the ceiling (`Score.ceilingError`). */
  readonly ceilingError: number | null;
  /** Name of the normalisation, e.g. `'(r/c)^2'` (`Score.normalization`). */
  readonly normalization: string | null;
  /** The metric's id, e.g. `'pls'`. */
  readonly metric: string | null;
  /** The metric's parameters (components, splits, seeds…), stored as JSON text. */
  readonly metricParams: Readonly<Record<string, unknown>> | null;
  /** Wall-clock seconds per phase (activations, metric, ceiling…), stored as JSON text. */
  readonly timings: Readonly<Record<string, number>> | null;
  /** Versions of the packages that produced the row (`{"@vvs/core": "0.1.0", …}`), stored as JSON text. */
  readonly packageVersions: Readonly<Record<string, string>> | null;
  /** Content hash of the model weights. */
  readonly modelHash: string | null;
  /** Content hash of the benchmark's data. */
  readonly dataHash: string | null;
  /** Whether the benchmark is a synthetic (simulated-data) one. */
  readonly synthetic: boolean;
  readonly status: ScoreStatus;
  /** Why a `'failed'` attempt failed; `null` for `'ok'`. */
  readonly errorMessage: string | null;
  readonly startedAt: Date;
  readonly finishedAt: Date;
}

/** Fields of a {@link ScoreRow} that {@link ResultsStore.record} lets you leave out; they are stored as `null`/`false`. */
type OptionalFields = Exclude<keyof ScoreRow, keyof ScoreKey | 'target' | 'status' | 'startedAt' | 'finishedAt'>;

/** What {@link ResultsStore.record} takes: a {@link ScoreRow} whose descriptive fields may be omitted. */
export type ScoreRecord = Omit<ScoreRow, OptionalFields> & Partial<Pick<ScoreRow, OptionalFields>>;

/**
 * What {@link ResultsStore.record} did: wrote a row for a new key, replaced an existing row (a failed
 * one, or any with `force`), or kept an existing `'ok'` row untouched.
 */
export type RecordOutcome = 'inserted' | 'replaced' | 'kept';

/** Options of {@link ResultsStore.record}. */
export interface RecordOptions {
  /** Replace an existing `'ok'` row too (by default a finished score is never overwritten). */
  readonly force?: boolean;
}

/** Options of {@link ResultsStore.open}. */
export interface OpenOptions {
  /**
   * Open for reading only: the file must exist, `record` is refused, and several read-only
   * processes may share the file (DuckDB allows one writer or many readers, not both).
   */
  readonly readOnly?: boolean;
}

/** Which rows {@link ResultsStore.rows} returns: every given field must match exactly. */
export type RowFilter = Partial<ScoreKey> & { readonly status?: ScoreStatus };

/**
 * The columns of the `scores` table in DDL order, mapped from {@link ScoreRow} fields. One list drives
 * the CREATE, the INSERT and the SELECT, so the three cannot drift apart.
 */
const COLUMNS = [
  ['model', 'model', 'VARCHAR NOT NULL'],
  ['benchmark', 'benchmark', 'VARCHAR NOT NULL'],
  ['benchmarkVersion', 'benchmark_version', 'VARCHAR NOT NULL'],
  ['layer', 'layer', 'VARCHAR NOT NULL'],
  ['target', 'target', 'VARCHAR NOT NULL'],
  ['score', 'score', 'DOUBLE'],
  ['unclipped', 'unclipped', 'DOUBLE'],
  ['raw', 'raw', 'DOUBLE'],
  ['ceiling', 'ceiling', 'DOUBLE'],
  ['error', 'error', 'DOUBLE'],
  ['ceilingError', 'ceiling_error', 'DOUBLE'],
  ['normalization', 'normalization', 'VARCHAR'],
  ['metric', 'metric', 'VARCHAR'],
  ['metricParams', 'metric_params', 'VARCHAR'],
  ['timings', 'timings', 'VARCHAR'],
  ['packageVersions', 'package_versions', 'VARCHAR'],
  ['modelHash', 'model_hash', 'VARCHAR'],
  ['dataHash', 'data_hash', 'VARCHAR'],
  ['synthetic', 'synthetic', 'BOOLEAN NOT NULL'],
  ['status', 'status', "VARCHAR NOT NULL CHECK (status IN ('ok', 'failed'))"],
  ['errorMessage', 'error_message', 'VARCHAR'],
  ['startedAt', 'started_at', 'TIMESTAMPTZ NOT NULL'],
  ['finishedAt', 'finished_at', 'TIMESTAMPTZ NOT NULL'],
] as const satisfies readonly (readonly [keyof ScoreRow, string, string])[];

/** Fields stored as JSON text. */
const JSON_FIELDS = new Set<keyof ScoreRow>(['metricParams', 'timings', 'packageVersions']);
/** Fields stored as TIMESTAMPTZ. */
const TIME_FIELDS = new Set<keyof ScoreRow>(['startedAt', 'finishedAt']);
/** Numeric fields copied from a {@link Score}. */
const NUMBER_FIELDS = ['score', 'unclipped', 'raw', 'ceiling', 'error', 'ceilingError'] as const;

const CREATE_SQL = [
  'CREATE TABLE schema_version (version INTEGER NOT NULL)',
  `CREATE TABLE scores (\n  ${COLUMNS.map(([, column, type]) => `${column} ${type}`).join(',\n  ')},\n` +
    '  PRIMARY KEY (model, benchmark, benchmark_version, layer)\n)',
];
const INSERT_SQL =
  `INSERT OR REPLACE INTO scores (${COLUMNS.map(([, column]) => column).join(', ')}) ` +
  `VALUES (${COLUMNS.map(([field], i) => (TIME_FIELDS.has(field) ? `$${i + 1}::TIMESTAMPTZ` : `$${i + 1}`)).join(', ')})`;
const SELECT_COLUMNS = COLUMNS.map(([field, column]) => `${column} AS "${field}"`).join(', ');
const KEY_WHERE = 'model = $1 AND benchmark = $2 AND benchmark_version = $3 AND layer = $4';
const ORDER_BY = 'ORDER BY model, benchmark, benchmark_version, layer';

/** DuckDB's message when another process holds the file's lock (its OS-level advisory lock). */
const LOCK_CONFLICT = /Could not set lock on file/;

/**
 * Files this process has open. DuckDB's lock is an OS advisory lock, which a process does not hold
 * against itself, so a second `open` of the same file in one process must be refused here.
 */
const openInThisProcess = new Set<string>();

/**
 * The results database of a suite run: one DuckDB file with a `scores` table holding one row per
 * (model, benchmark, benchmark version, layer), written one transaction per row.
 *
 * Guarantees a runner builds on:
 * - a row `record` has returned from is committed (DuckDB's write-ahead log), so a crash — SIGKILL
 *   included — loses at most the row being written, and never leaves half of one;
 * - the primary key makes a resumed run idempotent: recording a key again replaces, never duplicates;
 * - a finished (`'ok'`) score is never overwritten unless `force` is given, while a `'failed'` one is
 *   replaced by the next attempt;
 * - only one process may have the file open for writing: a second `open` fails with an
 *   {@link InputError} naming the file (DuckDB's own file lock, translated).
 *
 * @example
 * const store = await ResultsStore.open('results.duckdb');
 * try {
 *   const key = { model: 'alexnet', benchmark: 'MajajHong2015public.IT-pls', benchmarkVersion: '1', layer: 'features.12' };
 *   if (!(await store.done(key.model, key.benchmark, key.benchmarkVersion))) {
 *     const startedAt = new Date();
 *     const score = await benchmark.score(model);
 *     await store.record({ ...key, target: 'IT', ...scoreFields(score), synthetic: false, status: 'ok', startedAt, finishedAt: new Date() });
 *   }
 *   console.table(await store.rows({ status: 'ok' }));
 * } finally {
 *   store.close();
 * }
 */
export class ResultsStore {
  /** The file the store lives in, as given to {@link ResultsStore.open} (resolved to an absolute path). */
  readonly path: string;
  /** Whether the store was opened read-only. */
  readonly readOnly: boolean;
  readonly #instance: DuckDBInstance;
  readonly #connection: DuckDBConnection;
  readonly #lockKey: string;
  /** Tail of the chain that serialises statements: one connection runs one transaction at a time. */
  #queue: Promise<unknown> = Promise.resolve();
  #closed = false;

  private constructor(path: string, readOnly: boolean, instance: DuckDBInstance, connection: DuckDBConnection, lockKey: string) {
    this.path = path;
    this.readOnly = readOnly;
    this.#instance = instance;
    this.#connection = connection;
    this.#lockKey = lockKey;
  }

  /**
   * Opens (creating it when writable and absent) the results store at `path`.
   *
   * @throws {InputError} naming the file when another process (or this one) has it open, when a
   *   read-only store does not exist, when the file is not a DuckDB database, or when it was written
   *   with another {@link SCHEMA_VERSION}.
   *
   * @example
   * const store = await ResultsStore.open('runs/2024-06.duckdb');
   * const report = await ResultsStore.open('runs/2024-06.duckdb', { readOnly: true }); // in another process
   */
  static async open(path: string, options: OpenOptions = {}): Promise<ResultsStore> {
    if (typeof path !== 'string' || path === '') {
      throw new TypeError(`ResultsStore.open: path must be a non-empty file path, got ${JSON.stringify(path)}`);
    }
    const readOnly = options.readOnly ?? false;
    const absolute = resolve(path);
    const lockKey = canonicalPath(absolute);
    if (openInThisProcess.has(lockKey)) {
      throw new InputError(`results store "${absolute}" is already open in this process; close it before opening it again`, {
        file: absolute,
      });
    }
    let instance: DuckDBInstance;
    try {
      instance = await DuckDBInstance.create(absolute, { access_mode: readOnly ? 'READ_ONLY' : 'READ_WRITE' });
    } catch (e) {
      throw openError(absolute, readOnly, e);
    }
    let connection: DuckDBConnection | undefined;
    try {
      connection = await instance.connect();
      await ensureSchema(connection, absolute, readOnly);
    } catch (e) {
      connection?.closeSync();
      instance.closeSync();
      throw e instanceof InputError ? e : openError(absolute, readOnly, e);
    }
    openInThisProcess.add(lockKey);
    return new ResultsStore(absolute, readOnly, instance, connection, lockKey);
  }

  /**
   * Writes one result in its own transaction and returns what happened. A `'failed'` row is replaced
   * by any later attempt; an `'ok'` row is kept (outcome `'kept'`) unless `force` is set.
   *
   * @throws {InputError} when the store is read-only or the row is malformed (empty key field,
   *   unknown status or target, invalid date, an `'ok'` row without a score).
   *
   * @example
   * await store.record({
   *   model: 'alexnet', benchmark: 'MajajHong2015public.IT-pls', benchmarkVersion: '1', layer: 'features.12',
   *   target: 'IT', synthetic: false, status: 'failed', errorMessage: 'out of memory',
   *   startedAt, finishedAt: new Date(),
   * }); // 'inserted'; a later 'ok' attempt returns 'replaced'
   */
  async record(row: ScoreRecord, options: RecordOptions = {}): Promise<RecordOutcome> {
    this.#assertOpen();
    if (this.readOnly) {
      throw new InputError(`results store "${this.path}" was opened read-only; cannot record`, { file: this.path });
    }
    const values = rowValues(row, this.path);
    return this.#serial(async () => {
      const connection = this.#connection;
      await connection.run('BEGIN TRANSACTION');
      try {
        const existing = await connection.runAndReadAll(`SELECT status FROM scores WHERE ${KEY_WHERE}`, keyValues(row));
        const previous = existing.getRowObjectsJS()[0]?.status;
        if (previous === 'ok' && options.force !== true) {
          await connection.run('ROLLBACK');
          return 'kept';
        }
        await connection.run(INSERT_SQL, values);
        await connection.run('COMMIT');
        return previous === undefined ? 'inserted' : 'replaced';
      } catch (e) {
        await connection.run('ROLLBACK').catch(() => undefined);
        throw e;
      }
    });
  }

  /**
   * Whether a row (of either status) exists for exactly this key.
   *
   * @example
   * await store.has({ model: 'alexnet', benchmark: 'synthetic.IT', benchmarkVersion: '1', layer: 'stage4' });
   */
  async has(key: ScoreKey): Promise<boolean> {
    this.#assertOpen();
    checkKey(key, this.path);
    return this.#serial(async () => {
      const result = await this.#connection.runAndReadAll(`SELECT 1 FROM scores WHERE ${KEY_WHERE}`, keyValues(key));
      return result.currentRowCount > 0;
    });
  }

  /**
   * Whether the (model, benchmark, version) pair has a finished `'ok'` score on any layer — the test a
   * resumed run uses to skip a pair. A pair with only `'failed'` rows is not done.
   *
   * @example
   * if (!(await store.done('alexnet', 'synthetic.IT', '1'))) await runPair('alexnet', 'synthetic.IT');
   */
  async done(model: string, benchmark: string, benchmarkVersion: string): Promise<boolean> {
    this.#assertOpen();
    checkKey({ model, benchmark, benchmarkVersion, layer: '' }, this.path);
    return this.#serial(async () => {
      const result = await this.#connection.runAndReadAll(
        "SELECT 1 FROM scores WHERE model = $1 AND benchmark = $2 AND benchmark_version = $3 AND status = 'ok' LIMIT 1",
        [model, benchmark, benchmarkVersion],
      );
      return result.currentRowCount > 0;
    });
  }

  /**
   * The stored rows matching `filter` (all rows without one), sorted by model, benchmark, benchmark
   * version and layer.
   *
   * @example
   * const failed = await store.rows({ status: 'failed' });
   * for (const r of failed) console.log(`${r.model} × ${r.benchmark}: ${r.errorMessage}`);
   */
  async rows(filter: RowFilter = {}): Promise<ScoreRow[]> {
    this.#assertOpen();
    const conditions: string[] = [];
    const values: DuckDBValue[] = [];
    for (const [field, column] of COLUMNS) {
      const wanted = (filter as Record<string, unknown>)[field];
      if (wanted === undefined) continue;
      if (typeof wanted !== 'string') {
        throw new TypeError(`ResultsStore.rows: filter.${field} must be a string, got ${typeof wanted}`);
      }
      values.push(wanted);
      conditions.push(`${column} = $${values.length}`);
    }
    const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
    return this.#serial(async () => {
      const result = await this.#connection.runAndReadAll(`SELECT ${SELECT_COLUMNS} FROM scores ${where} ${ORDER_BY}`, values);
      return result.getRowObjectsJS().map(fromStored);
    });
  }

  /**
   * Writes every row to a Parquet file at `path` with DuckDB's `COPY … TO … (FORMAT parquet)` and
   * returns the number of rows written. Columns carry the {@link ScoreRow} field names, rows come in
   * {@link rows}' order, JSON fields stay JSON text and timestamps are UTC. The file is written to
   * `path.partial` and renamed over `path`, so `path` never holds half a file. Works on a read-only
   * store.
   *
   * @throws {InputError} naming the file when it cannot be written (no such directory, no permission).
   *
   * @example
   * const n = await store.exportParquet('scores.parquet');
   * // pandas.read_parquet('scores.parquet'), or in DuckDB: SELECT model, score FROM 'scores.parquet'
   */
  async exportParquet(path: string): Promise<number> {
    this.#assertOpen();
    if (typeof path !== 'string' || path === '') {
      throw new TypeError(`ResultsStore.exportParquet: path must be a non-empty file path, got ${JSON.stringify(path)}`);
    }
    const target = resolve(path);
    const partial = `${target}.partial`;
    const literal = `'${partial.replaceAll("'", "''")}'`;
    return this.#serial(async () => {
      try {
        const result = await this.#connection.runAndReadAll(`COPY (SELECT ${SELECT_COLUMNS} FROM scores ${ORDER_BY}) TO ${literal} (FORMAT parquet)`);
        await rename(partial, target);
        return Number(result.getRows()[0][0]);
      } catch (e) {
        await rm(partial, { force: true });
        throw new InputError(`cannot write Parquet file "${target}": ${e instanceof Error ? e.message : String(e)}`, { file: target, cause: e });
      }
    });
  }

  /**
   * Closes the database (DuckDB checkpoints its write-ahead log into the file) and releases the file
   * for other processes. Safe to call twice; any later call on the store throws.
   *
   * @example
   * store.close();
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#connection.closeSync();
    this.#instance.closeSync();
    openInThisProcess.delete(this.#lockKey);
  }

  #assertOpen(): void {
    if (this.#closed) throw new Error(`results store "${this.path}" is closed`);
  }

  /** Runs `task` after every earlier statement of this store has finished. */
  #serial<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(task, task);
    this.#queue = run.catch(() => undefined);
    return run;
  }
}

/**
 * The numeric fields of a {@link ScoreRecord} taken from a {@link Score}: `score` is `Score.value`, the
 * others keep their names; a missing `ceilingError` or `normalization` becomes `null`.
 *
 * @example
 * await store.record({ ...key, target: 'IT', ...scoreFields(score), synthetic: true, status: 'ok', startedAt, finishedAt });
 */
export function scoreFields(
  score: Score,
): Pick<ScoreRow, 'score' | 'unclipped' | 'raw' | 'ceiling' | 'error' | 'ceilingError' | 'normalization'> {
  return {
    score: score.value,
    unclipped: score.unclipped,
    raw: score.raw,
    ceiling: score.ceiling,
    error: score.error,
    ceilingError: score.ceilingError ?? null,
    normalization: score.normalization ?? null,
  };
}

/** The path DuckDB will lock, with symlinks resolved so two spellings of one file share a key. */
function canonicalPath(absolute: string): string {
  try {
    return realpathSync(absolute);
  } catch {
    // The file does not exist yet; its directory may still be reached through a link.
    try {
      return join(realpathSync(dirname(absolute)), basename(absolute));
    } catch {
      return absolute;
    }
  }
}

/** Turns DuckDB's failure to open `path` into an {@link InputError} that says what to do. */
function openError(path: string, readOnly: boolean, cause: unknown): InputError {
  const message = cause instanceof Error ? cause.message : String(cause);
  if (LOCK_CONFLICT.test(message)) {
    const holder = /Conflicting lock is held in (.*?) \(PID (\d+)\)/.exec(message);
    const who = holder ? `process ${holder[2]} (${holder[1]})` : 'another process';
    return new InputError(
      `results store "${path}" is in use by ${who}; wait for that run to finish or use another results file`,
      { file: path, cause },
    );
  }
  if (readOnly && /No such file|does not exist|Cannot open/i.test(message)) {
    return new InputError(`results store "${path}" does not exist (opened read-only)`, { file: path, cause });
  }
  return new InputError(`cannot open results store "${path}": ${message}`, { file: path, cause });
}

/** Creates the tables of a new store, or checks the schema version of an existing one. */
async function ensureSchema(connection: DuckDBConnection, path: string, readOnly: boolean): Promise<void> {
  const tables = await connection.runAndReadAll(
    "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' AND table_name IN ('schema_version', 'scores')",
  );
  const present = tables.getRowObjectsJS().map((r) => r.table_name);
  if (present.length === 0) {
    if (readOnly) throw new InputError(`"${path}" is not a vvs results store (it has no scores table)`, { file: path });
    await connection.run('BEGIN TRANSACTION');
    for (const sql of CREATE_SQL) await connection.run(sql);
    await connection.run('INSERT INTO schema_version VALUES ($1)', [SCHEMA_VERSION]);
    await connection.run('COMMIT');
    return;
  }
  if (!present.includes('schema_version') || !present.includes('scores')) {
    throw new InputError(`"${path}" is not a vvs results store (it lacks the ${present.includes('scores') ? 'schema_version' : 'scores'} table)`, {
      file: path,
    });
  }
  const versions = (await connection.runAndReadAll('SELECT version FROM schema_version')).getRowObjectsJS();
  const version = versions.length === 1 ? Number(versions[0].version) : NaN;
  if (version !== SCHEMA_VERSION) {
    throw new InputError(
      `results store "${path}" has schema version ${Number.isNaN(version) ? 'unknown' : version}; ` +
        `this vvs reads version ${SCHEMA_VERSION}`,
      { file: path, field: 'schema_version' },
    );
  }
}

/** Rejects a key with a non-string or empty part (only `layer` may be empty). */
function checkKey(key: ScoreKey, path: string): void {
  for (const field of ['model', 'benchmark', 'benchmarkVersion', 'layer'] as const) {
    const value: unknown = key[field];
    if (typeof value !== 'string' || (value === '' && field !== 'layer')) {
      throw new InputError(`results store "${path}": ${field} must be a non-empty string, got ${JSON.stringify(value)}`, {
        file: path,
        field,
      });
    }
  }
}

function keyValues(key: ScoreKey): DuckDBValue[] {
  return [key.model, key.benchmark, key.benchmarkVersion, key.layer];
}

/** Validates `row` and lays it out as INSERT parameters, in {@link COLUMNS} order. */
function rowValues(row: ScoreRecord, path: string): DuckDBValue[] {
  checkKey(row, path);
  const bad = (field: string, expected: string, got: unknown): InputError =>
    new InputError(`results store "${path}": ${field} must be ${expected}, got ${JSON.stringify(got)}`, { file: path, field });
  if (!isBenchmarkTarget(row.target)) throw bad('target', 'V1, V2, V4, IT or behavior', row.target);
  if (!(SCORE_STATUSES as readonly string[]).includes(row.status)) throw bad('status', "'ok' or 'failed'", row.status);
  for (const field of NUMBER_FIELDS) {
    const value = row[field];
    if (value !== undefined && value !== null && typeof value !== 'number') throw bad(field, 'a number or null', value);
  }
  if (row.status === 'ok' && typeof row.score !== 'number') throw bad('score', "a number on an 'ok' row", row.score);
  for (const field of TIME_FIELDS) {
    const value = row[field as 'startedAt' | 'finishedAt'];
    if (!(value instanceof Date) || Number.isNaN(value.getTime())) throw bad(field, 'a valid Date', value);
  }
  return COLUMNS.map(([field]) => {
    const value = row[field];
    if (value === undefined || value === null) return field === 'synthetic' ? false : null;
    if (JSON_FIELDS.has(field)) return JSON.stringify(value);
    if (value instanceof Date) return value.toISOString();
    return value as DuckDBValue;
  });
}

/** Turns a SELECTed row (aliased to field names) back into a {@link ScoreRow}. */
function fromStored(stored: Record<string, unknown>): ScoreRow {
  const row: Record<string, unknown> = {};
  for (const [field] of COLUMNS) {
    const value = stored[field];
    row[field] = JSON_FIELDS.has(field) && typeof value === 'string' ? JSON.parse(value) : value;
  }
  return row as unknown as ScoreRow;
}
