/**
 * The outcome of a benchmark, a metric or a ceiling: Brain-Score's `Score` (a scalar whose attrs hold
 * `raw`, `ceiling` and `error`), flattened into plain fields.
 *
 * For a ceiled benchmark score, `raw` is the metric's value (e.g. the mean over 10 splits of the median
 * Pearson r), `ceiling` the data's internal consistency, `unclipped` the normalisation of the two
 * (e.g. `(raw / ceiling)²`, Brain-Score's choice from Dec 2019 to Jan 2026), and `value` the same
 * clipped to [0, 1] when the normalisation says so.
 *
 * A score that is not ceiled — a metric's own output, or a ceiling estimate — has `ceiling: 1` and
 * `normalization: 'none'`: `value`, `unclipped` and `raw` then all hold the estimate.
 *
 * @example
 * const itScore: Score = {
 *   value: 0.52, unclipped: 0.52, raw: 0.59, ceiling: 0.82, error: 0.004,
 *   normalization: '(r/c)^2',
 *   attrs: { splitValues: [0.58, 0.60] },
 * };
 */
export interface Score {
  /** The reported score: `unclipped`, clipped to [0, 1] when the normalisation calls for it. */
  readonly value: number;
  /** The normalised score before clipping (may exceed 1 when the model beats the data's ceiling). */
  readonly unclipped: number;
  /** The metric's value before normalisation by the ceiling. */
  readonly raw: number;
  /** The ceiling `raw` was normalised by; 1 for a score that is not ceiled. */
  readonly ceiling: number;
  /** Standard error of `raw` over cross-validation splits (Brain-Score: std over splits, ddof 0, / √n). */
  readonly error: number;
  /** Standard error of the ceiling estimate, when known. */
  readonly ceilingError?: number;
  /** Name of the normalisation that turned `raw` and `ceiling` into `unclipped` (e.g. `'(r/c)^2'`). */
  readonly normalization?: string;
  /** Free-form extras: per-split values, the benchmark id, timings, … (Brain-Score's `Score.attrs`). */
  readonly attrs?: Readonly<Record<string, unknown>>;
}
