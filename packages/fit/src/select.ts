/**
 * The seed's data selection for a scaling-law fit: `data_filters` applied to the score table in
 * its fixed order, then the fit variables x (or N, D) and y (FIT-SEMANTICS §2–§3).
 */
import { InputError } from '@vvs/core';
import type { DataFilters, FitConfig, FilterValue, GroupBySpec } from './config.ts';
import type { Cell, ScoreRow, ScoreTable } from './scores-table.ts';

/** What every selection carries: the final table and the response. */
interface SelectedBase {
  /** The rows after every filter, in the order the bootstrap indexes them (FIT-SEMANTICS §2, step 9). */
  rows: ScoreRow[];
  /** The columns of `rows` (after a `group_by`: its keys, then the reduced columns). */
  columns: string[];
  /** y = 1 − row[Y] when `invertY`, else row[Y] (FIT-SEMANTICS §3). */
  y: Float64Array;
  /** log(y) when `useLog` (what the log-space forms are compared with), else `null`. */
  logY: Float64Array | null;
}

/** The data of a one-variable law: x = row[X] / X_scaler. */
export interface OneVariableData extends SelectedBase {
  curveType: 'one_variable';
  x: Float64Array;
}

/** The data of a two-variable (chinchilla) law: N = row[X1] / X1_scaler, D = row[X2] / X2_scaler. */
export interface TwoVariableData extends SelectedBase {
  curveType: 'two_variables';
  n: Float64Array;
  d: Float64Array;
}

/** A fit's data, shaped by its `curve_type`. */
export type SelectedData = OneVariableData | TwoVariableData;

/** Python's `==` between cells and config values: True == 1, NaN equals nothing. */
function pyEquals(cell: Cell, value: FilterValue): boolean {
  if (cell === null || value === null) return false;
  const a = typeof cell === 'boolean' ? Number(cell) : cell;
  const b = typeof value === 'boolean' ? Number(value) : value;
  return a === b;
}

/**
 * pandas' `isin`: like `==` for each listed value, except that a NaN (`null`) in the list matches
 * NaN cells.
 */
function isIn(cell: Cell, values: readonly FilterValue[]): boolean {
  return values.some((v) => (v === null ? cell === null : pyEquals(cell, v)));
}

/** Python's string order: by code point (JavaScript's `<` compares UTF-16 code units). */
function compareCodePoints(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i].codePointAt(0)! - y[i].codePointAt(0)!;
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

/** Order of one key column's cells: numbers (and booleans) numerically, strings by code point. */
function compareCells(a: Cell, b: Cell): number {
  if (typeof a === 'string' && typeof b === 'string') return compareCodePoints(a, b);
  if (typeof a === 'string') return 1;
  if (typeof b === 'string') return -1;
  return Number(a) - Number(b);
}

/** The running state of the filters: the table so far and how to report a problem with it. */
class Selection {
  constructor(
    public rows: ScoreRow[],
    public columns: string[],
    private readonly configPath: string,
  ) {}

  error(problem: string, field?: string): InputError {
    return new InputError(`${this.configPath}: ${problem}`, { file: this.configPath, field });
  }

  requireColumn(column: string, where: string): void {
    if (!this.columns.includes(column)) {
      throw this.error(`unknown column ${JSON.stringify(column)} in ${where} (available: ${this.columns.join(', ')})`, where);
    }
  }

  keep(where: string, predicate: (row: ScoreRow) => boolean): void {
    this.rows = this.rows.filter(predicate);
    if (this.rows.length === 0) throw this.error(`no rows left after ${where}`, where);
  }
}

/**
 * `groupby(keys).agg({column: 'mean'}).reset_index()` with pandas defaults (FIT-SEMANTICS §2,
 * step 6): rows with NaN in a key are dropped, groups come out sorted by their key tuple, NaN
 * values are skipped by the mean (all-NaN gives NaN), and only keys and reduced columns survive.
 * The mean accumulates in row order with Kahan compensation, as pandas' `group_mean` does, so
 * averages agree with the seed's to the last bit.
 */
function groupBy(s: Selection, spec: GroupBySpec): void {
  const where = `data_filters.group_by.${spec.name}`;
  for (const key of spec.keys) s.requireColumn(key, `${where}.keys`);
  for (const { column } of spec.reduce) s.requireColumn(column, `${where}.reduce`);
  const reduced = spec.reduce.map((r) => r.column);
  const groups = new Map<string, { key: Cell[]; sum: Float64Array; compensation: Float64Array; count: Float64Array }>();
  for (const row of s.rows) {
    const key = spec.keys.map((k) => row[k]);
    if (key.includes(null)) continue;
    const id = JSON.stringify(key);
    let group = groups.get(id);
    if (group === undefined) {
      const k = reduced.length;
      group = { key, sum: new Float64Array(k), compensation: new Float64Array(k), count: new Float64Array(k) };
      groups.set(id, group);
    }
    for (let j = 0; j < reduced.length; j++) {
      const value = row[reduced[j]];
      if (value === null) continue;
      if (typeof value !== 'number') {
        throw s.error(`${where}.reduce: column ${JSON.stringify(reduced[j])} holds ${JSON.stringify(value)}, not a number`, where);
      }
      group.count[j] += 1;
      const y = value - group.compensation[j];
      const t = group.sum[j] + y;
      group.compensation[j] = t - group.sum[j] - y;
      group.sum[j] = t;
    }
  }
  const sorted = [...groups.values()].sort((g, h) => {
    for (let i = 0; i < g.key.length; i++) {
      const c = compareCells(g.key[i], h.key[i]);
      if (c !== 0) return c;
    }
    return 0;
  });
  s.columns = [...spec.keys, ...reduced.filter((c) => !spec.keys.includes(c))];
  s.rows = sorted.map((g) => {
    const row: ScoreRow = {};
    spec.keys.forEach((k, i) => (row[k] = g.key[i]));
    reduced.forEach((c, j) => (row[c] = g.count[j] > 0 ? g.sum[j] / g.count[j] : null));
    return row;
  });
  if (s.rows.length === 0) throw s.error(`no rows left after ${where} (every row has NaN in a key)`, where);
}

/**
 * Applies a config's `data_filters` to a score table in the seed's fixed order, whatever their order
 * in the file (FIT-SEMANTICS §2): combine_arch_families, boolean_filters, set_filters,
 * range_filters, composite_filters, group_by, arch_families_samples, modifiers.flops_multiplier.
 * The input table is not modified.
 *
 * @param table - the score table (`readScoresTable`).
 * @param filters - the config's typed filters; `configPath` names the config in errors.
 * @returns the filtered (and, with `group_by`, averaged) table, in its final row order.
 * @throws InputError naming the config when a filter names an unknown column, leaves no row, or
 *   uses composite filters (not supported).
 * @example
 * const config = await loadFitConfig('fit-configs/compute/compute_neuro.yaml');
 * const table = applyDataFilters(await readScoresTable('benchmark_scores.csv'), config.dataFilters, config.path);
 * table.rows.length; // 620: one row per model, its V1, V2, V4 and IT scores averaged
 */
export function applyDataFilters(table: ScoreTable, filters: DataFilters, configPath: string): ScoreTable {
  const s = new Selection(table.rows, [...table.columns], configPath);
  if (s.rows.length === 0) throw s.error('the score table has no rows');

  const merges = filters.combineArchFamilies;
  if (merges !== null) {
    s.requireColumn('arch_family', 'data_filters.combine_arch_families');
    s.rows = s.rows.map((row) => {
      const family = row.arch_family;
      return typeof family === 'string' && Object.hasOwn(merges, family) ? { ...row, arch_family: merges[family] } : row;
    });
  }

  const { equalsTrue, equalsFalse } = filters.booleanFilters;
  for (const [columns, wanted, key] of [
    [equalsTrue, true, 'equals_true'],
    [equalsFalse, false, 'equals_false'],
  ] as const) {
    for (const column of columns) {
      const where = `data_filters.boolean_filters.${key}`;
      s.requireColumn(column, where);
      s.keep(`${where} (${column})`, (row) => pyEquals(row[column], wanted));
    }
  }

  for (const { column, values } of filters.setFilters) {
    const where = `data_filters.set_filters.${column}`;
    s.requireColumn(column, where);
    s.keep(where, (row) => isIn(row[column], values));
  }

  for (const { column, lo, hi } of filters.rangeFilters) {
    const where = `data_filters.range_filters.${column}`;
    s.requireColumn(column, where);
    s.keep(where, (row) => {
      const v = row[column];
      if (typeof v === 'string') throw s.error(`${where}: column holds text (${JSON.stringify(v)}), not numbers`, where);
      return v !== null && Number(v) >= lo && Number(v) <= hi;
    });
  }

  if (Object.keys(filters.compositeFilters).length > 0) {
    throw s.error('data_filters.composite_filters is not supported (no seed config uses it)', 'data_filters.composite_filters');
  }

  for (const spec of filters.groupBy) groupBy(s, spec);

  const familySamples = filters.archFamiliesSamples;
  if (familySamples !== null) {
    const where = 'data_filters.arch_families_samples';
    s.requireColumn('arch_family', where);
    s.requireColumn('samples_per_class', where);
    s.keep(where, (row) => !isIn(row.arch_family, familySamples.archFamily) || isIn(row.samples_per_class, familySamples.samplesPerClass));
  }

  if (filters.flopsMultiplier !== 1) {
    s.requireColumn('total_flops', 'data_filters.modifiers.flops_multiplier');
    s.rows = s.rows.map((row) => {
      const flops = row.total_flops;
      return { ...row, total_flops: typeof flops === 'number' ? flops * filters.flopsMultiplier : flops };
    });
  }

  return { columns: s.columns, rows: s.rows };
}

/** A numeric column of the selection divided by `scale`; NaN or text is an error naming the row. */
function variable(s: Selection, column: string, scale: number, field: string): Float64Array {
  s.requireColumn(column, field);
  const out = new Float64Array(s.rows.length);
  for (let i = 0; i < s.rows.length; i++) {
    const v = s.rows[i][column];
    if (typeof v !== 'number' || Number.isNaN(v)) {
      const model = s.rows[i].model_id;
      throw s.error(
        `${field}: column ${JSON.stringify(column)} is ${v === null ? 'NaN' : JSON.stringify(v)} in selected row ${i}${model === undefined ? '' : ` (model_id ${JSON.stringify(model)})`}`,
        field,
      );
    }
    out[i] = v / scale;
  }
  return out;
}

/**
 * Selects a fit's data as the seed does (FIT-SEMANTICS §2–§3): the config's `data_filters` in
 * their fixed order (see {@link applyDataFilters}), then x = row[X] / X_scaler (or N and D for
 * two-variable laws) and y = 1 − row[Y] when `invert_Y` (the "loss"), with log(y) when `use_log`.
 * Whether there are enough rows for the law's parameters is the fitter's check.
 *
 * @param table - the score table (`readScoresTable`).
 * @param config - a loaded config (`loadFitConfig`).
 * @throws InputError naming the config when a filter, X or Y names an unknown column (the message
 *   lists the available ones), no row is left, x or y is NaN, or y ≤ 0 with `use_log` (a score ≥ 1
 *   with `invert_Y`).
 * @example
 * const config = await loadFitConfig('fit-configs/parameter/parameter_scaling.yaml');
 * const data = selectData(await readScoresTable('benchmark_scores.csv'), config);
 * data.rows.length; // 191
 * if (data.curveType === 'one_variable') data.x[0]; // n_params / 1e5 of the first model
 */
export function selectData(table: ScoreTable, config: FitConfig): SelectedData {
  const filtered = applyDataFilters(table, config.dataFilters, config.path);
  const s = new Selection(filtered.rows, filtered.columns, config.path);
  const f = config.fitting;

  const y = variable(s, f.Y, 1, 'fitting_parameters.Y');
  if (f.invertY) for (let i = 0; i < y.length; i++) y[i] = 1 - y[i];
  let logY: Float64Array | null = null;
  if (f.useLog) {
    logY = new Float64Array(y.length);
    for (let i = 0; i < y.length; i++) {
      if (!(y[i] > 0)) {
        const score = s.rows[i][f.Y];
        const model = s.rows[i].model_id;
        throw s.error(
          `fitting_parameters.use_log needs y > 0, but row ${i}${model === undefined ? '' : ` (model_id ${JSON.stringify(model)})`} has ${f.Y} = ${String(score)}, so y = ${y[i]}${f.invertY ? ' (y = 1 − score: a score ≥ 1)' : ''}`,
          'fitting_parameters.Y',
        );
      }
      logY[i] = Math.log(y[i]);
    }
  }

  const base = { rows: s.rows, columns: s.columns, y, logY };
  if (f.curveType === 'one_variable') {
    return { ...base, curveType: 'one_variable', x: variable(s, f.X!, f.xScaler, 'fitting_parameters.X') };
  }
  return {
    ...base,
    curveType: 'two_variables',
    n: variable(s, f.X1!, f.x1Scaler, 'fitting_parameters.X1'),
    d: variable(s, f.X2!, f.x2Scaler, 'fitting_parameters.X2'),
  };
}
