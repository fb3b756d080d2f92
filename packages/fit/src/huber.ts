/**
 * The seed's fitting loss: the SUM over data points of the Huber function of the log-space residual
 * (FIT-SEMANTICS §4), with its analytic gradient.
 */
import { prepareInputs, type LawForm, type LawInputs } from './forms.ts';

/** The seed's Huber threshold (`fitting_parameters.delta`, 1e-3 in every config). */
export const DEFAULT_HUBER_DELTA = 1e-3;

/**
 * Huber function, as `scipy.special.huber(delta, r)`: r²/2 when |r| ≤ δ, else δ·(|r| − δ/2).
 *
 * @example
 * huber(1e-3, 0.5e-3); // 1.25e-7
 * huber(1e-3, -0.1); // 1e-3 * (0.1 - 0.5e-3)
 */
export function huber(delta: number, r: number): number {
  const ar = Math.abs(r);
  return ar <= delta ? 0.5 * r * r : delta * (ar - 0.5 * delta);
}

/**
 * An objective in the form BFGS takes: returns f(x) and writes ∇f(x) into `grad`.
 */
export type ObjectiveWithGradient = (x: Float64Array, grad: Float64Array) => number;

/**
 * Builds the seed's loss for a form and data: Σᵢ huber(δ, predᵢ(θ) − logYᵢ), with r = prediction −
 * log(1 − S), and its gradient Σᵢ huber′(rᵢ)·∂predᵢ/∂θ. Buffers for the predictions and the Jacobian
 * are allocated once here, so each evaluation allocates nothing.
 *
 * @param form - the functional form (forms.ts).
 * @param inputs - `{ x }` or `{ n, d }` (already divided by the config's scalers).
 * @param logY - log(1 − S) of each point (the fit's target with `invert_Y` and `use_log`).
 * @param delta - Huber threshold δ (default 1e-3).
 * @param weights - a multiplicity per point (default 1 each): the loss Σᵢ wᵢ·huber(δ, rᵢ). A bootstrap
 *   resample drawn with replacement lists about a third of its rows more than once; fitting its
 *   distinct rows weighted by their counts is the same function at about 63 % of the cost.
 * @throws RangeError when `logY`, the inputs or `weights` differ in length, or δ is not positive.
 * @example
 * const f = huberObjective(powerLawLSE, { x: Float64Array.of(1, 10) }, Float64Array.of(-0.1, -0.3));
 * const grad = new Float64Array(3);
 * const loss = f(Float64Array.of(-1, 0, 0.5), grad); // sum of two Huber terms; grad filled
 */
export function huberObjective(
  form: LawForm,
  inputs: LawInputs,
  logY: Float64Array,
  delta: number = DEFAULT_HUBER_DELTA,
  weights?: Float64Array,
): ObjectiveWithGradient {
  const prepared = prepareInputs(form, inputs);
  const n = prepared.length;
  if (logY.length !== n) {
    throw new RangeError(`logY: expected ${n} values (one per data point), got ${logY.length}`);
  }
  if (weights !== undefined && weights.length !== n) {
    throw new RangeError(`weights: expected ${n} values (one per data point), got ${weights.length}`);
  }
  if (!(delta > 0)) throw new RangeError(`delta: expected a positive number, got ${delta}`);
  const p = form.parameterNames.length;
  const pred = new Float64Array(n);
  const jac = new Float64Array(n * p);
  return (params, grad) => {
    form.evaluate(params, prepared, pred, jac);
    grad.fill(0);
    let loss = 0;
    for (let i = 0; i < n; i++) {
      const r = pred[i] - logY[i];
      const m = weights === undefined ? 1 : weights[i];
      let w: number;
      if (r > delta) {
        loss += m * (delta * (r - 0.5 * delta));
        w = m * delta;
      } else if (r < -delta) {
        loss += m * (delta * (-r - 0.5 * delta));
        w = -m * delta;
      } else {
        loss += m * (0.5 * r * r);
        w = m * r;
      }
      const k = i * p;
      for (let j = 0; j < p; j++) grad[j] += w * jac[k + j];
    }
    return loss;
  };
}
