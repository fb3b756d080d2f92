import type { Assembly } from './assembly.ts';
import type { Score } from './score.ts';

/**
 * A comparison of model data with target data: Brain-Score's `Metric` (`metric(source, target)`),
 * e.g. cross-validated PLS regression then Pearson r per neuroid (`'pls'`), or the I2n behavioural
 * consistency (`'i2n'`).
 *
 * It returns an unceiled {@link Score}: `value = unclipped = raw`, `ceiling = 1`,
 * `normalization = 'none'`, with `error` the standard error over splits. Benchmarks ceil it.
 *
 * @typeParam TSource - what the model provides (default: an activations assembly).
 * @typeParam TTarget - what the experiment provides (default: a neural or behavioural assembly).
 *
 * @example
 * const pls: Metric = { id: 'pls', compute: async (source, target) => crossValidatedPls(source, target) };
 * const raw = await pls.compute(activations, neural);
 */
export interface Metric<TSource = Assembly, TTarget = Assembly> {
  /** Registry id, e.g. `'pls'`, `'i2n'`, `'error_consistency'`. */
  readonly id: string;
  /** Compares `source` with `target`; both must cover the same stimuli. */
  compute(source: TSource, target: TTarget): Promise<Score>;
}

/**
 * How well the experimental data agree with themselves: Brain-Score's `Ceiling`, e.g. split-half
 * internal consistency with the Spearman–Brown correction (neural benchmarks) or the correlation
 * between two halves of the human trials (I2n).
 *
 * It returns an unceiled {@link Score} holding the ceiling estimate in `value` and `raw`, and its
 * standard error in `error`.
 *
 * @typeParam TTarget - the experimental data (default: an assembly with repetitions).
 *
 * @example
 * const consistency: Ceiling = { id: 'internal_consistency', compute: async (t) => splitHalf(t) };
 * const ceiling = (await consistency.compute(neural)).value;
 */
export interface Ceiling<TTarget = Assembly> {
  /** Registry-style id, e.g. `'internal_consistency'`. */
  readonly id: string;
  /** Estimates the ceiling of `target`. */
  compute(target: TTarget): Promise<Score>;
}

/**
 * A metric whatever its input types: what a registry stores. Every `Metric<S, T>` is assignable to
 * it; to call one, state the input types again (`registry.metric<S, T>(id)`).
 *
 * @example
 * const metrics: AnyMetric[] = [plsMetric, i2nMetric];
 */
export type AnyMetric = Metric<never, never>;
