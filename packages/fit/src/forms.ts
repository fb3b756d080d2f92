/**
 * The seed's scaling-law forms, fitted in log space (FIT-SEMANTICS §4).
 *
 * Each form predicts log(1 − S) as a log-sum-exp of power-law terms and a constant, so that the fit
 * compares predictions with log(1 − S) directly. The forms here evaluate the prediction and its
 * Jacobian with respect to the parameters for every data point in one pass over Float64Arrays, which
 * is what the Huber objective (huber.ts) and BFGS (optimize.ts) consume thousands of times per grid fit.
 */

/** Names of the seed's log-space loss functions (`fitting_parameters.loss_function`). */
export type LawFormName = 'power_law_LSE' | 'power_law_shift_LSE' | 'chinchilla_LSE';

/** Data of a one-variable law: x = row[X] / X_scaler (FIT-SEMANTICS §3). */
export interface OneVariableInputs {
  x: Float64Array;
}

/** Data of the two-variable (Chinchilla) law: N = row[X1] / X1_scaler, D = row[X2] / X2_scaler. */
export interface TwoVariableInputs {
  n: Float64Array;
  d: Float64Array;
}

/** Inputs of any form: `{ x }` for the one-variable forms, `{ n, d }` for `chinchilla_LSE`. */
export type LawInputs = OneVariableInputs | TwoVariableInputs;

/**
 * Inputs validated and transformed once per fit: the raw values the shift form needs and the
 * natural logs the other forms need, so the hot loops never recompute a logarithm of the data.
 */
export interface PreparedInputs {
  /** Number of data points. */
  length: number;
  /** First variable (x, or N for the two-variable form). */
  x1: Float64Array;
  /** log of `x1`. */
  logX1: Float64Array;
  /** log of the second variable (D); empty for one-variable forms. */
  logX2: Float64Array;
}

/**
 * One functional form: parameter names in the optimiser's order, the prediction of log(1 − S) with
 * its Jacobian, and the conversions to the linear-space parameters the seed reports.
 */
export interface LawForm {
  /** The seed's name of the form. */
  readonly name: LawFormName;
  /** Parameter names in the order the seed's function (and the optimiser) takes them. */
  readonly parameterNames: readonly string[];
  /** Number of input variables: 1 (`x`) or 2 (`n`, `d`). */
  readonly nVariables: 1 | 2;
  /**
   * Writes the prediction of log(1 − S) for every point into `pred`, and, when `jac` is given, the
   * derivatives of each prediction with respect to the parameters into `jac` (row-major,
   * `length × parameterNames.length`).
   */
  evaluate(params: Float64Array, inputs: PreparedInputs, pred: Float64Array, jac: Float64Array | null): void;
  /** Linear-space parameters: E = exp(e), A = exp(a), exponents, S_inf = 1 − E (the JSON's `params_converted`). */
  convert(params: ArrayLike<number>): Record<string, number>;
  /** The seed's plotting vector: (E, A, −alpha, …), the JSON's `seed_visualization_vector`. */
  visualizationVector(params: ArrayLike<number>): number[];
}

/** ln(10), the derivative factor of 10^lambda_ with respect to lambda_ (shift form). */
const LN10 = Math.LN10;

/**
 * `power_law_LSE`: log(1 − S) = log(exp(a − alpha·log x) + exp(e)), i.e. 1 − S = E + A·x^(−alpha).
 *
 * @example
 * const prepared = prepareInputs(powerLawLSE, { x: Float64Array.of(1, 10) });
 * const pred = new Float64Array(2);
 * powerLawLSE.evaluate(Float64Array.of(-1, 0, 0.5), prepared, pred, null);
 * // pred[0] = log(exp(0) + exp(-1)); pred[1] = log(10^-0.5 + exp(-1))
 */
export const powerLawLSE: LawForm = {
  name: 'power_law_LSE',
  parameterNames: ['e', 'a', 'alpha'],
  nVariables: 1,
  evaluate(params, inputs, pred, jac) {
    const e = params[0];
    const a = params[1];
    const alpha = params[2];
    const logX = inputs.logX1;
    for (let i = 0; i < inputs.length; i++) {
      const u = a - alpha * logX[i];
      // log(exp(u) + exp(e)) = max + log1p(exp(−|u − e|)): one exponential, and it cannot overflow.
      const t = Math.exp(-Math.abs(u - e));
      pred[i] = (u > e ? u : e) + Math.log1p(t);
      if (jac !== null) {
        // Softmax weights of the two terms: the larger one gets 1/(1 + t), the other t/(1 + t).
        const wMax = 1 / (1 + t);
        const wu = u > e ? wMax : t * wMax;
        const k = 3 * i;
        jac[k] = u > e ? t * wMax : wMax;
        jac[k + 1] = wu;
        jac[k + 2] = -wu * logX[i];
      }
    }
  },
  convert(params) {
    const E = Math.exp(params[0]);
    return { E, A: Math.exp(params[1]), alpha: params[2], S_inf: 1 - E };
  },
  visualizationVector(params) {
    return [Math.exp(params[0]), Math.exp(params[1]), -params[2]];
  },
};

/**
 * `power_law_shift_LSE`: log(1 − S) = log(exp(a − alpha·log(x + 10^lambda_)) + exp(e)), i.e.
 * 1 − S = E + A·(x + 10^lambda_)^(−alpha). Parameters in the function's order e, a, lambda_, alpha
 * (the configs list alpha before lambda_; see fit-grid.ts for how the seed's grid fills them).
 *
 * @example
 * const prepared = prepareInputs(powerLawShiftLSE, { x: Float64Array.of(1) });
 * const pred = new Float64Array(1);
 * powerLawShiftLSE.evaluate(Float64Array.of(-1, 0, 0, 1), prepared, pred, null);
 * // pred[0] = log((1 + 1)^-1 + exp(-1))
 */
export const powerLawShiftLSE: LawForm = {
  name: 'power_law_shift_LSE',
  parameterNames: ['e', 'a', 'lambda_', 'alpha'],
  nVariables: 1,
  evaluate(params, inputs, pred, jac) {
    const e = params[0];
    const a = params[1];
    const lambda = params[2];
    const alpha = params[3];
    const shift = Math.pow(10, lambda);
    const dShift = shift * LN10;
    const x = inputs.x1;
    for (let i = 0; i < inputs.length; i++) {
      const xs = x[i] + shift;
      const t = Math.log(xs);
      const u = a - alpha * t;
      const q = Math.exp(-Math.abs(u - e));
      pred[i] = (u > e ? u : e) + Math.log1p(q);
      if (jac !== null) {
        const wMax = 1 / (1 + q);
        const wu = u > e ? wMax : q * wMax;
        const k = 4 * i;
        jac[k] = u > e ? q * wMax : wMax;
        jac[k + 1] = wu;
        jac[k + 2] = (-wu * alpha * dShift) / xs;
        jac[k + 3] = -wu * t;
      }
    }
  },
  convert(params) {
    const E = Math.exp(params[0]);
    return { E, A: Math.exp(params[1]), lambda_: params[2], alpha: params[3], S_inf: 1 - E };
  },
  visualizationVector(params) {
    return [Math.exp(params[0]), Math.exp(params[1]), params[2], -params[3]];
  },
};

/**
 * `chinchilla_LSE` (Hoffmann et al. 2022, eq. 2 in log space): log(1 − S) =
 * log(exp(a − alpha·log N) + exp(b − beta·log D) + exp(e)), i.e. 1 − S = E + A·N^(−alpha) + B·D^(−beta).
 *
 * @example
 * const prepared = prepareInputs(chinchillaLSE, { n: Float64Array.of(1), d: Float64Array.of(1) });
 * const pred = new Float64Array(1);
 * chinchillaLSE.evaluate(Float64Array.of(0, 0, 0.3, 0, 0.3), prepared, pred, null); // pred[0] = log(3)
 */
export const chinchillaLSE: LawForm = {
  name: 'chinchilla_LSE',
  parameterNames: ['e', 'a', 'alpha', 'b', 'beta'],
  nVariables: 2,
  evaluate(params, inputs, pred, jac) {
    const e = params[0];
    const a = params[1];
    const alpha = params[2];
    const b = params[3];
    const beta = params[4];
    const logN = inputs.logX1;
    const logD = inputs.logX2;
    for (let i = 0; i < inputs.length; i++) {
      const u = a - alpha * logN[i];
      const v = b - beta * logD[i];
      let m = u > v ? u : v;
      if (e > m) m = e;
      // The largest term is exp(0) = 1: skipping its exponential saves a third of the work.
      const eu = u === m ? 1 : Math.exp(u - m);
      const ev = v === m ? 1 : Math.exp(v - m);
      const ee = e === m ? 1 : Math.exp(e - m);
      const s = eu + ev + ee;
      pred[i] = m + Math.log(s);
      if (jac !== null) {
        const wu = eu / s;
        const wv = ev / s;
        const k = 5 * i;
        jac[k] = ee / s;
        jac[k + 1] = wu;
        jac[k + 2] = -wu * logN[i];
        jac[k + 3] = wv;
        jac[k + 4] = -wv * logD[i];
      }
    }
  },
  convert(params) {
    const E = Math.exp(params[0]);
    return {
      E,
      A: Math.exp(params[1]),
      alpha: params[2],
      B: Math.exp(params[3]),
      beta: params[4],
      S_inf: 1 - E,
    };
  },
  visualizationVector(params) {
    return [Math.exp(params[0]), Math.exp(params[1]), -params[2], Math.exp(params[3]), -params[4]];
  },
};

const FORMS: Record<LawFormName, LawForm> = {
  power_law_LSE: powerLawLSE,
  power_law_shift_LSE: powerLawShiftLSE,
  chinchilla_LSE: chinchillaLSE,
};

/**
 * Looks up a form by the seed's `loss_function` name.
 *
 * @throws RangeError for a name that is not one of the three log-space forms.
 * @example
 * lawForm('power_law_LSE').parameterNames; // ['e', 'a', 'alpha']
 */
export function lawForm(name: string): LawForm {
  const form = (FORMS as Record<string, LawForm | undefined>)[name];
  if (form === undefined) {
    throw new RangeError(`loss_function: expected one of ${Object.keys(FORMS).join(', ')}, got '${name}'`);
  }
  return form;
}

function checkPositive(values: Float64Array, label: string, allowZero: boolean): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!(allowZero ? v >= 0 : v > 0) || !Number.isFinite(v)) {
      throw new RangeError(`${label}[${i}]: expected a finite ${allowZero ? 'non-negative' : 'positive'} number, got ${v}`);
    }
  }
}

/**
 * Validates a form's inputs and precomputes the logarithms its hot loop needs.
 *
 * The power law and Chinchilla forms take log x (so x must be positive); the shift form takes
 * log(x + 10^lambda_) and accepts x = 0.
 *
 * @throws TypeError when the inputs do not match the form's number of variables;
 *   RangeError for mismatched lengths or values outside the form's domain.
 * @example
 * prepareInputs(powerLawLSE, { x: Float64Array.of(1, Math.E) }).logX1; // Float64Array [0, 1]
 */
export function prepareInputs(form: LawForm, inputs: LawInputs): PreparedInputs {
  if (form.nVariables === 1) {
    if (!('x' in inputs) || !(inputs.x instanceof Float64Array)) {
      throw new TypeError(`${form.name}: expected inputs { x: Float64Array }`);
    }
    const x = inputs.x;
    checkPositive(x, 'x', form.name === 'power_law_shift_LSE');
    const logX1 = new Float64Array(x.length);
    for (let i = 0; i < x.length; i++) logX1[i] = Math.log(x[i]);
    return { length: x.length, x1: x, logX1, logX2: new Float64Array(0) };
  }
  if (!('n' in inputs) || !(inputs.n instanceof Float64Array) || !(inputs.d instanceof Float64Array)) {
    throw new TypeError(`${form.name}: expected inputs { n: Float64Array, d: Float64Array }`);
  }
  const { n, d } = inputs;
  if (n.length !== d.length) {
    throw new RangeError(`inputs: n and d must have the same length, got ${n.length} and ${d.length}`);
  }
  checkPositive(n, 'n', false);
  checkPositive(d, 'd', false);
  const logX1 = new Float64Array(n.length);
  const logX2 = new Float64Array(n.length);
  for (let i = 0; i < n.length; i++) {
    logX1[i] = Math.log(n[i]);
    logX2[i] = Math.log(d[i]);
  }
  return { length: n.length, x1: n, logX1, logX2 };
}
