/**
 * The seed's bootstrap of a scaling-law fit (FIT-SEMANTICS §5): resamples drawn with
 * `numpy.random.default_rng(seed).integers(0, n, size=(num_bootstraps, int(n · data_fraction)))`,
 * each refitted with the full grid of starts, and numpy's percentiles to summarise them.
 */
import { fitLaw, type StartGrid } from './fit-grid.ts';
import type { LawForm, LawFormName } from './forms.ts';
import { defaultRng } from './pcg64.ts';
import { DEFAULT_NUM_BOOTSTRAPS, DEFAULT_RANDOM_STATE } from './config.ts';

/** Options of {@link bootstrapResamples}. */
export interface BootstrapResampleOptions {
  /** Number of resamples (`fitting_parameters.num_bootstraps`, default 1000). */
  numBootstraps?: number;
  /** Resample size as a fraction of n (`data_fraction`, default 1); the size is int(n · fraction). */
  dataFraction?: number;
  /** Seed of `numpy.random.default_rng` (`fitting_parameters.random_state`, default 42). */
  seed?: number;
}

/**
 * The seed's bootstrap resamples: row i lists the (0-based) rows of the selected table that make up
 * resample i, drawn with replacement by ONE call
 * `numpy.random.default_rng(seed).integers(0, n, size=(numBootstraps, int(n · dataFraction)))`,
 * so resample i is the same as the seed's whatever the number of resamples used afterwards.
 *
 * @param n number of rows in the selected table (FIT-SEMANTICS §2, its final order).
 * @throws RangeError when n, numBootstraps or dataFraction are out of range.
 * @example
 * const resamples = bootstrapResamples(620);
 * resamples.length;                       // 1000
 * Array.from(resamples[0].subarray(0, 3)); // [55, 479, 405], as the seed's first resample
 */
export function bootstrapResamples(n: number, options: BootstrapResampleOptions = {}): Int32Array[] {
  const { numBootstraps = DEFAULT_NUM_BOOTSTRAPS, dataFraction = 1, seed = DEFAULT_RANDOM_STATE } = options;
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`n: expected a positive integer number of rows, got ${n}`);
  if (!Number.isInteger(numBootstraps) || numBootstraps < 0) {
    throw new RangeError(`numBootstraps: expected a non-negative integer, got ${numBootstraps}`);
  }
  if (!(dataFraction > 0)) throw new RangeError(`dataFraction: expected a positive number, got ${dataFraction}`);
  // Python's int() truncates toward zero.
  const size = Math.trunc(n * dataFraction);
  const draws = defaultRng(seed).integers(0, n, [numBootstraps, size]);
  return Array.from({ length: numBootstraps }, (_, i) => Int32Array.from(draws.subarray(i * size, (i + 1) * size)));
}

/** The data a bootstrap resamples: x (one-variable laws) or n and d (Chinchilla), and log(1 − S). */
export interface BootstrapData {
  x?: Float64Array;
  n?: Float64Array;
  d?: Float64Array;
  /** log(1 − S) per row; `null` (a config with `use_log: false`) is rejected. */
  logY: Float64Array | null;
}

/** Options of {@link bootstrapFits}. */
export interface BootstrapFitOptions extends BootstrapResampleOptions {
  /** Fit only the first `first` resamples (the draws are still those of the full matrix). */
  first?: number;
  /** Called after each resample is fitted, with the number done and the number to do. */
  onProgress?: (done: number, total: number) => void;
}

/** The best fit of one resample. */
export interface BootstrapFit {
  /** Sum of Huber losses at `params` (the seed's stored bootstrap `loss`). */
  loss: number;
  /** Fitted parameters by the function's parameter names. */
  params: Record<string, number>;
  /** Linear-space parameters (E, A, alpha, S_inf, …). */
  converted: Record<string, number>;
}

/** The rows of `values` listed in `rows`. */
function takeValues(values: Float64Array, rows: Int32Array): Float64Array {
  const out = new Float64Array(rows.length);
  for (let i = 0; i < rows.length; i++) out[i] = values[rows[i]];
  return out;
}

/**
 * The seed's bootstrap fits (FIT-SEMANTICS §5): every resample of {@link bootstrapResamples} is
 * refitted with {@link fitLaw} from the full grid of starts and its best fit kept, in resample
 * order (the seed stores them sorted by loss instead).
 *
 * @param data the selected data (a `SelectedData` of select.ts fits).
 * @param form the law, as in {@link fitLaw}.
 * @param grid the start grid, in the config's key order.
 * @param delta the Huber threshold (1e-3 in every config).
 * @throws RangeError when `data` lacks the form's variables, when the arrays differ in length, or
 *   when `first` is out of range; see also {@link fitLaw}.
 * @example
 * const data = selectData(table, config) as OneVariableData;
 * const fits = bootstrapFits(data, 'power_law_LSE', config.fitting.initialParameters, 1e-3, { first: 10 });
 * percentiles(fits.map((f) => f.converted.alpha), [2.5, 50, 97.5]);
 */
export function bootstrapFits(
  data: BootstrapData,
  form: LawFormName | LawForm,
  grid: StartGrid,
  delta: number,
  options: BootstrapFitOptions = {},
): BootstrapFit[] {
  const { logY } = data;
  if (logY === null) throw new TypeError('data.logY: the log-space laws need log(1 − S); got null (use_log: false)');
  const n = logY.length;
  for (const key of ['x', 'n', 'd'] as const) {
    const column = data[key];
    if (column !== undefined && column.length !== n) {
      throw new RangeError(`data.${key}: expected ${n} values (as logY), got ${column.length}`);
    }
  }
  const resamples = bootstrapResamples(n, options);
  const total = options.first ?? resamples.length;
  if (!Number.isInteger(total) || total < 0 || total > resamples.length) {
    throw new RangeError(`first: expected an integer in [0, ${resamples.length}], got ${options.first}`);
  }
  const fits: BootstrapFit[] = [];
  for (let i = 0; i < total; i++) {
    const rows = resamples[i];
    const pick = (values: Float64Array | undefined) => (values === undefined ? undefined : takeValues(values, rows));
    const fit = fitLaw({ form, x: pick(data.x), n: pick(data.n), d: pick(data.d), logY: takeValues(logY, rows), delta, grid });
    fits.push({ loss: fit.loss, params: fit.params, converted: fit.converted });
    options.onProgress?.(i + 1, total);
  }
  return fits;
}

/**
 * `numpy.percentile(values, qs)` with numpy's default `method='linear'`: for q in percent, the
 * value at virtual index (n − 1)·q/100 of the sorted values, interpolated between its neighbours
 * with numpy's `_lerp` (a + (b − a)·t below t = 0.5, b − (b − a)·(1 − t) from 0.5 on), so the
 * results match numpy to the last bit. Any NaN in `values` makes every percentile NaN, as numpy.
 *
 * @throws RangeError when `values` is empty or a q lies outside [0, 100].
 * @example
 * percentiles([3, 1, 2, 10], [2.5, 50, 97.5]); // [1.075, 2.5, 9.474999999999998]
 */
export function percentiles(values: ArrayLike<number>, qs: readonly number[]): number[] {
  const n = values.length;
  if (n === 0) throw new RangeError('values: expected at least one value');
  for (const q of qs) {
    if (!(q >= 0 && q <= 100)) throw new RangeError(`qs: expected percentiles in [0, 100], got ${q}`);
  }
  const sorted = Float64Array.from(values).sort();
  if (Number.isNaN(sorted[n - 1])) return qs.map(() => NaN);
  return qs.map((q) => {
    const h = (n - 1) * (q / 100);
    if (h >= n - 1) return sorted[n - 1];
    const below = Math.floor(h);
    const t = h - below;
    const a = sorted[below];
    const b = sorted[below + 1];
    const diff = b - a;
    return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
  });
}
