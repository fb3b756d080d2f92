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

/** The distinct rows of a resample, ascending, and how many times each was drawn. */
function distinctRows(rows: Int32Array, n: number): { rows: Int32Array; counts: Float64Array } {
  const counts = new Int32Array(n);
  for (let i = 0; i < rows.length; i++) counts[rows[i]]++;
  let distinct = 0;
  for (let r = 0; r < n; r++) if (counts[r] > 0) distinct++;
  const out = { rows: new Int32Array(distinct), counts: new Float64Array(distinct) };
  for (let r = 0, k = 0; r < n; r++) {
    if (counts[r] > 0) {
      out.rows[k] = r;
      out.counts[k++] = counts[r];
    }
  }
  return out;
}

/** Checks that `data` has log(1 − S) and columns of one length; returns that length. */
export function checkedLength(data: BootstrapData): number {
  const { logY } = data;
  if (logY === null) throw new TypeError('data.logY: the log-space laws need log(1 − S); got null (use_log: false)');
  const n = logY.length;
  for (const key of ['x', 'n', 'd'] as const) {
    const column = data[key];
    if (column !== undefined && column.length !== n) {
      throw new RangeError(`data.${key}: expected ${n} values (as logY), got ${column.length}`);
    }
  }
  return n;
}

/**
 * Refits one resample (rows of `data`, with repetitions) with {@link fitLaw} from the full grid. The
 * distinct rows are fitted weighted by how often they were drawn: the same loss as the seed's fit
 * of the repeated rows, up to the order of the additions.
 *
 * @example
 * const fit = fitResample(data, bootstrapResamples(data.logY!.length)[0], 'power_law_LSE', grid, 1e-3);
 * fit.converted.alpha;
 */
export function fitResample(data: BootstrapData, rows: Int32Array, form: LawFormName | LawForm, grid: StartGrid, delta: number): BootstrapFit {
  const n = checkedLength(data);
  const distinct = distinctRows(rows, n);
  const pick = (values: Float64Array | undefined) => (values === undefined ? undefined : takeValues(values, distinct.rows));
  const fit = fitLaw({ form, x: pick(data.x), n: pick(data.n), d: pick(data.d), logY: takeValues(data.logY!, distinct.rows), weights: distinct.counts, delta, grid });
  return { loss: fit.loss, params: fit.params, converted: fit.converted };
}

/**
 * The seed's bootstrap fits (FIT-SEMANTICS §5): every resample of {@link bootstrapResamples} is
 * refitted with {@link fitResample} from the full grid of starts and its best fit kept, in resample
 * order (the seed stores them sorted by loss instead). This runs in the calling thread; see
 * `bootstrapFitsOnPool` for the same fits on worker threads.
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
  const resamples = bootstrapResamples(checkedLength(data), options);
  const total = firstCount(options.first, resamples.length);
  const fits: BootstrapFit[] = [];
  for (let i = 0; i < total; i++) {
    fits.push(fitResample(data, resamples[i], form, grid, delta));
    options.onProgress?.(i + 1, total);
  }
  return fits;
}

/**
 * How many resamples to fit: `first`, or all of them.
 *
 * @throws RangeError when `first` is not an integer in [0, available].
 */
export function firstCount(first: number | undefined, available: number): number {
  const total = first ?? available;
  if (!Number.isInteger(total) || total < 0 || total > available) {
    throw new RangeError(`first: expected an integer in [0, ${available}], got ${first}`);
  }
  return total;
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

/** The seed's percentiles of one bootstrapped quantity, as its stored summaries name them. */
export interface PercentileSummary {
  readonly 'p2.5': number;
  readonly p50: number;
  readonly 'p97.5': number;
  /** Resamples whose value was finite (the percentiles are over these). */
  readonly n_finite: number;
}

/** Percentiles of every parameter and of the loss over a bootstrap's fits. */
export interface BootstrapSummary {
  /** Log-space parameters (e, a, alpha, …) by name. */
  readonly raw: Readonly<Record<string, PercentileSummary>>;
  /** Linear-space parameters (E, A, alpha, S_inf, …) by name. */
  readonly converted: Readonly<Record<string, PercentileSummary>>;
  /** The best Huber loss of each resample. */
  readonly loss: PercentileSummary;
}

/** The 2.5, 50 and 97.5 percentiles the seed reports (a 95 % interval and the median). */
export const BOOTSTRAP_PERCENTILES = [2.5, 50, 97.5] as const;

/**
 * The seed's bootstrap summary (FIT-SEMANTICS §8): numpy's linear percentiles 2.5, 50 and 97.5 of
 * every raw and converted parameter and of the loss, each over the resamples where it is finite.
 *
 * @throws RangeError when `fits` is empty.
 * @example
 * summarizeBootstrap(fits).converted.alpha; // { 'p2.5': 0.110, p50: 0.160, 'p97.5': 0.213, n_finite: 1000 }
 */
export function summarizeBootstrap(fits: readonly BootstrapFit[]): BootstrapSummary {
  if (fits.length === 0) throw new RangeError('fits: expected at least one bootstrap fit');
  const summarize = (values: number[]): PercentileSummary => {
    const finite = values.filter(Number.isFinite);
    if (finite.length === 0) return { 'p2.5': NaN, p50: NaN, 'p97.5': NaN, n_finite: 0 };
    const [low, median, high] = percentiles(finite, BOOTSTRAP_PERCENTILES);
    return { 'p2.5': low!, p50: median!, 'p97.5': high!, n_finite: finite.length };
  };
  const byName = (pick: (fit: BootstrapFit) => Record<string, number>) =>
    Object.fromEntries(Object.keys(pick(fits[0]!)).map((name) => [name, summarize(fits.map((fit) => pick(fit)[name]!))]));
  return { raw: byName((f) => f.params), converted: byName((f) => f.converted), loss: summarize(fits.map((f) => f.loss)) };
}
