/**
 * A fitted law as a curve of the score, and the seed's 95 % band around it: at each x, the 2.5 and
 * 97.5 percentiles of the curves that the bootstrap fits predict (FIT-SEMANTICS §5), not a curve
 * drawn from percentiles of the parameters.
 */
import { percentiles, type BootstrapFit } from './bootstrap.ts';
import { lawForm, prepareInputs, type LawFormName } from './forms.ts';

/** How a fit's log-space prediction maps back to the score (FIT-SEMANTICS §3). */
export interface ScoreScale {
  /** The fit compared log(1 − score) (the configs' default `invert_Y: true`), else log(score). */
  readonly invertY: boolean;
}

/**
 * The score a log-space prediction stands for.
 *
 * @example
 * scoreOf(Math.log(0.6), { invertY: true }); // 0.4
 */
export function scoreOf(logY: number, { invertY }: ScoreScale): number {
  return invertY ? 1 - Math.exp(logY) : Math.exp(logY);
}

/**
 * The score a one-variable law predicts at each x (x in the fit's units, X / X_scaler).
 *
 * @throws RangeError for the two-variable law, or parameters the form does not name.
 * @example
 * lawCurve('power_law_LSE', { e: -0.65, a: -0.6, alpha: 0.157 }, Float64Array.of(1, 10), { invertY: true });
 * // 1 − (E + A·x^−alpha) at x = 1 and 10
 */
export function lawCurve(form: LawFormName, params: Readonly<Record<string, number>>, xs: Float64Array, scale: ScoreScale): Float64Array {
  const law = lawForm(form);
  if (law.nVariables !== 1) throw new RangeError(`${form}: a curve over one x needs a one-variable law`);
  const vector = Float64Array.from(law.parameterNames, (name) => {
    const value = params[name];
    if (value === undefined) throw new RangeError(`params: ${form} needs '${name}' (got ${Object.keys(params).join(', ')})`);
    return value;
  });
  const predicted = new Float64Array(xs.length);
  law.evaluate(vector, prepareInputs(law, { x: xs }), predicted, null);
  return predicted.map((v) => scoreOf(v, scale));
}

/** The band of {@link curveBand}: at each x, the low and high percentiles of the bootstrap curves. */
export interface CurveBand {
  readonly x: Float64Array;
  readonly low: Float64Array;
  readonly high: Float64Array;
}

/** The 95 % band's percentiles. */
export const BAND_PERCENTILES = [2.5, 97.5] as const;

/**
 * The seed's 95 % band (FIT-SEMANTICS §5): at each x, numpy's linear 2.5 and 97.5 percentiles of
 * the scores the bootstrap fits predict there (curves that are not finite at an x are left out there).
 *
 * @throws RangeError when `fits` is empty, or as {@link lawCurve}.
 * @example
 * const band = curveBand('power_law_LSE', fits, logSpace(1e-2, 1e3, 100), { invertY: true });
 * band.low[0] <= band.high[0]; // true
 */
export function curveBand(form: LawFormName, fits: readonly BootstrapFit[], xs: Float64Array, scale: ScoreScale): CurveBand {
  if (fits.length === 0) throw new RangeError('fits: expected at least one bootstrap fit');
  return percentileBand(fits.map((fit) => lawCurve(form, fit.params, xs, scale)), xs);
}

/**
 * At each x, numpy's linear 2.5 and 97.5 percentiles of `curves` (each sampled at `xs`), over the
 * curves that are finite there (NaN where none is): the band of {@link curveBand}, for curves of any law.
 *
 * @example
 * percentileBand([Float64Array.of(1, 2), Float64Array.of(3, 4)], Float64Array.of(10, 100)).low; // [1.05, 2.05]
 */
export function percentileBand(curves: readonly Float64Array[], xs: Float64Array): CurveBand {
  const low = new Float64Array(xs.length);
  const high = new Float64Array(xs.length);
  const column = new Float64Array(curves.length);
  for (let j = 0; j < xs.length; j++) {
    let finite = 0;
    for (const curve of curves) if (Number.isFinite(curve[j])) column[finite++] = curve[j]!;
    const [lo, hi] = finite === 0 ? [NaN, NaN] : percentiles(column.subarray(0, finite), BAND_PERCENTILES);
    low[j] = lo!;
    high[j] = hi!;
  }
  return { x: xs, low, high };
}

/**
 * `count` points evenly spaced in log between `from` and `to` (both included), as `numpy.geomspace`.
 *
 * @throws RangeError unless 0 < from < to and count ≥ 2.
 * @example
 * logSpace(1, 100, 3); // Float64Array [1, 10, 100]
 */
export function logSpace(from: number, to: number, count: number): Float64Array {
  if (!(from > 0 && to > from)) throw new RangeError(`from, to: expected 0 < from < to, got ${from}, ${to}`);
  if (!(Number.isInteger(count) && count >= 2)) throw new RangeError(`count: expected an integer ≥ 2, got ${count}`);
  const step = Math.log(to / from) / (count - 1);
  const out = Float64Array.from({ length: count }, (_, i) => from * Math.exp(step * i));
  out[count - 1] = to;
  return out;
}
