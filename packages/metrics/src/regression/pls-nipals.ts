/**
 * Partial least squares regression (PLS2) by NIPALS, an exact port of scikit-learn 1.2.1's
 * `PLSRegression(scale=False)` — the path Brain-Score's neural predictivity runs, so its predictions
 * must agree with scikit-learn's to rounding.
 */
import { columnMeans, matmulSync, matrix, pinv } from '@vvs/linalg';
import type { Matrix } from '@vvs/linalg';
import { centerColumns, checkFitInputs, checkPredictInput } from './types.ts';
import type { Regression } from './types.ts';

/** scikit-learn's default `n_components`. Brain-Score's `pls_regression` uses 25. */
export const DEFAULT_N_COMPONENTS = 2;
/** scikit-learn's default `max_iter`: the power-method iteration cap per component. */
export const DEFAULT_MAX_ITER = 500;
/** scikit-learn's default `tol`: the power method stops when ‖Δx_weights‖² falls below it. */
export const DEFAULT_TOL = 1e-6;

/** float64 machine epsilon (`np.finfo(np.float64).eps`), used by scikit-learn's `+ eps` guards. */
const EPS = Number.EPSILON;
/** Y residual columns with every |value| below this are set to exactly zero before each component. */
const Y_ZERO_COLUMN_THRESHOLD = 10 * EPS;
/**
 * scikit-learn's initial `x_weights_old` (a scalar): ‖x_w − 100‖² is huge, so a multi-target fit
 * never stops after its first iteration.
 */
const X_WEIGHTS_OLD_INIT = 100;
/** scikit-learn's `ensure_min_samples=2` for PLS. */
const MIN_SAMPLES = 2;

/** The warning scikit-learn raises (`ConvergenceWarning`) when a component used all `max_iter` iterations. */
export const MAX_ITER_WARNING = 'Maximum number of iterations reached';

/** Options of {@link PLSRegression}; the names mirror scikit-learn's parameters. */
export interface PLSRegressionOptions {
  /** Number of components, `n_components` (default {@link DEFAULT_N_COMPONENTS}; Brain-Score uses 25). */
  nComponents?: number;
  /** Power-method iteration cap per component, `max_iter` (default {@link DEFAULT_MAX_ITER}). */
  maxIter?: number;
  /** Power-method tolerance on ‖Δx_weights‖², `tol` (default {@link DEFAULT_TOL}). */
  tol?: number;
}

interface PLSFit {
  xMean: Float64Array;
  yMean: Float64Array;
  xWeights: Matrix;
  yWeights: Matrix;
  xLoadings: Matrix;
  yLoadings: Matrix;
  xRotations: Matrix;
  xScores: Matrix;
  coef: Matrix;
  intercept: Float64Array;
  nIter: number[];
  warnings: string[];
}

/** Work vectors of the power method, allocated once per fit. */
interface PowerWork {
  xWeights: Float64Array; // p
  xWeightsOld: Float64Array; // p
  xScore: Float64Array; // n
  yWeights: Float64Array; // q
  yScore: Float64Array; // n
}

/**
 * First left/right singular vectors of XkᵀYk by the power method, mode A, no y-weight
 * normalisation: scikit-learn 1.2.1's `_get_first_singular_vectors_power_method`, which starts
 * at Wegelin (2000) §11.3's "update saliences" step. Leaves the weights in `w` and returns the
 * iteration count. Operation order follows scikit-learn's (divide, don't multiply by reciprocals)
 * so rounding stays close to it.
 */
function powerMethod(
  Xk: Float64Array,
  Yk: Float64Array,
  n: number,
  p: number,
  q: number,
  startColumn: number,
  maxIter: number,
  tol: number,
  w: PowerWork,
  component: number,
): number {
  const { xWeights: xw, xWeightsOld: xwOld, xScore: xs, yWeights: yw, yScore: ys } = w;
  for (let i = 0; i < n; i++) ys[i] = Yk[i * q + startColumn];

  for (let iter = 0; iter < maxIter; iter++) {
    // x_weights = Xkᵀ y_score / (y_score · y_score), then normalised with a `+ eps` guard.
    let yy = 0;
    for (let i = 0; i < n; i++) yy += ys[i] * ys[i];
    xw.fill(0);
    for (let i = 0; i < n; i++) {
      const a = ys[i];
      const off = i * p;
      for (let j = 0; j < p; j++) xw[j] += a * Xk[off + j];
    }
    let ww = 0;
    for (let j = 0; j < p; j++) {
      xw[j] /= yy;
      ww += xw[j] * xw[j];
    }
    const xNorm = Math.sqrt(ww) + EPS;
    for (let j = 0; j < p; j++) xw[j] /= xNorm;

    // x_score = Xk x_weights
    let xx = 0;
    for (let i = 0; i < n; i++) {
      const off = i * p;
      let s = 0;
      for (let j = 0; j < p; j++) s += Xk[off + j] * xw[j];
      xs[i] = s;
      xx += s * s;
    }
    if (xx === 0) {
      // scikit-learn divides 0/0 here and fills every attribute with NaN; say why instead.
      throw new RangeError(
        `PLSRegression.fit: the X residual has no variance along the Y direction at component ${component} ` +
          `(X has rank < nComponents, or constant columns); reduce nComponents`,
      );
    }

    // y_weights = Ykᵀ x_score / (x_score · x_score); y_score = Yk y_weights / (y_weights · y_weights + eps)
    yw.fill(0);
    for (let i = 0; i < n; i++) {
      const a = xs[i];
      const off = i * q;
      for (let t = 0; t < q; t++) yw[t] += a * Yk[off + t];
    }
    let vv = 0;
    for (let t = 0; t < q; t++) {
      yw[t] /= xx;
      vv += yw[t] * yw[t];
    }
    const yDenom = vv + EPS;
    for (let i = 0; i < n; i++) {
      const off = i * q;
      let s = 0;
      for (let t = 0; t < q; t++) s += Yk[off + t] * yw[t];
      ys[i] = s / yDenom;
    }

    let diff2 = 0;
    for (let j = 0; j < p; j++) {
      const d = xw[j] - (iter === 0 ? X_WEIGHTS_OLD_INIT : xwOld[j]);
      diff2 += d * d;
    }
    // A single target makes the iteration exact after one step (scikit-learn's `Y.shape[1] == 1`).
    if (diff2 < tol || q === 1) return iter + 1;
    xwOld.set(xw);
  }
  return maxIter;
}

/**
 * PLS regression (PLS2; PLS1 for one target) fitted by NIPALS: scikit-learn 1.2.1's
 * `PLSRegression(n_components=k, scale=False, max_iter, tol)` with `algorithm="nipals"`, `mode="A"`,
 * `deflation_mode="regression"` (Wegelin 2000, "A survey of partial least squares (PLS) methods",
 * §4.1). Only `scale=False` is implemented — the setting Brain-Score uses; X and Y are centred, not
 * standardised.
 *
 * Per component k: Yk columns whose every |value| < 10·eps are zeroed; the power method starts from
 * the first Yk column with some |value| > eps (none left: stop adding components with the warning
 * `"Y residual is constant at iteration k"`, like scikit-learn); the weights are sign-flipped so
 * the largest-|·| entry of x_weights is positive (`_svd_flip_1d`); then X and Y are deflated on the
 * x scores. Finally `xRotations = W·pinv(PᵀW)`, `coef = xRotations·Cᵀ` (p × q, scikit-learn 1.2's
 * `coef_` shape; 1.3 transposed it) and `predict(X) = (X − xMean)·coef + intercept`.
 *
 * Fitted attributes mirror scikit-learn's (`x_weights_` → `xWeights`, private `_x_mean` → `xMean`,
 * …); they are the model's own arrays, not copies.
 *
 * @example
 * const pls = new PLSRegression({ nComponents: 25 }).fit(Xtrain, Ytrain);
 * const Yhat = pls.predict(Xtest); // Xtest.rows × Ytrain.cols
 * pls.nIter; // power-method iterations per component, as scikit-learn's n_iter_
 */
export class PLSRegression implements Regression {
  /** Number of components (`n_components`). */
  readonly nComponents: number;
  /** Power-method iteration cap per component (`max_iter`). */
  readonly maxIter: number;
  /** Power-method tolerance on ‖Δx_weights‖² (`tol`). */
  readonly tol: number;
  private fitted: PLSFit | undefined;

  /** @throws RangeError for a non-integer or < 1 `nComponents`/`maxIter`, or a negative `tol`. */
  constructor({ nComponents = DEFAULT_N_COMPONENTS, maxIter = DEFAULT_MAX_ITER, tol = DEFAULT_TOL }: PLSRegressionOptions = {}) {
    if (!Number.isInteger(nComponents) || nComponents < 1) {
      throw new RangeError(`PLSRegression: nComponents must be an integer ≥ 1, got ${nComponents}`);
    }
    if (!Number.isInteger(maxIter) || maxIter < 1) {
      throw new RangeError(`PLSRegression: maxIter must be an integer ≥ 1, got ${maxIter}`);
    }
    if (!(tol >= 0) || !Number.isFinite(tol)) {
      throw new RangeError(`PLSRegression: tol must be a finite number ≥ 0, got ${tol}`);
    }
    this.nComponents = nComponents;
    this.maxIter = maxIter;
    this.tol = tol;
  }

  /**
   * Fits on `X` (n_samples × n_features) and `Y` (n_samples × n_targets).
   *
   * @throws RangeError when the row counts differ, there are fewer than 2 samples, a value is not
   *   finite, or `nComponents > min(n_samples, n_features)`. (scikit-learn 1.2.1 itself checks only
   *   `n_components ≤ n_features`; beyond n_samples components the centred X has no rank left and
   *   the extra components fit rounding noise, so they are refused here.)
   */
  fit(X: Matrix, Y: Matrix): this {
    const who = 'PLSRegression.fit';
    checkFitInputs(X, Y, who, MIN_SAMPLES);
    const n = X.rows;
    const p = X.cols;
    const q = Y.cols;
    const K = this.nComponents;
    const bound = Math.min(n, p);
    if (K > bound) {
      throw new RangeError(
        `${who}: nComponents must be ≤ min(n_samples, n_features) = min(${n}, ${p}) = ${bound}, got ${K}; reduce nComponents`,
      );
    }

    const xMean = columnMeans(X);
    const yMean = columnMeans(Y);
    const Xk = centerColumns(X, xMean).data;
    const Yk = centerColumns(Y, yMean).data;

    const xWeights = matrix(p, K);
    const yWeights = matrix(q, K);
    const xLoadings = matrix(p, K);
    const yLoadings = matrix(q, K);
    const xScores = matrix(n, K);
    const nIter: number[] = [];
    const warnings: string[] = [];
    const warn = (message: string): void => {
      if (!warnings.includes(message)) warnings.push(message);
    };

    const work: PowerWork = {
      xWeights: new Float64Array(p),
      xWeightsOld: new Float64Array(p),
      xScore: new Float64Array(n),
      yWeights: new Float64Array(q),
      yScore: new Float64Array(n),
    };
    const { xWeights: xw, yWeights: yw, xScore: xs } = work;
    const xl = new Float64Array(p);
    const yl = new Float64Array(q);

    for (let k = 0; k < K; k++) {
      for (let t = 0; t < q; t++) {
        let allSmall = true;
        for (let i = 0; i < n && allSmall; i++) allSmall = Math.abs(Yk[i * q + t]) < Y_ZERO_COLUMN_THRESHOLD;
        if (allSmall) for (let i = 0; i < n; i++) Yk[i * q + t] = 0;
      }
      let start = -1;
      for (let t = 0; t < q && start < 0; t++) {
        for (let i = 0; i < n; i++) {
          if (Math.abs(Yk[i * q + t]) > EPS) {
            start = t;
            break;
          }
        }
      }
      if (start < 0) {
        warn(`Y residual is constant at iteration ${k}`);
        break;
      }

      const iterations = powerMethod(Xk, Yk, n, p, q, start, this.maxIter, this.tol, work, k);
      nIter.push(iterations);
      if (iterations === this.maxIter) warn(MAX_ITER_WARNING);

      // _svd_flip_1d: the largest-|·| entry of x_weights (first on ties) becomes positive.
      let big = 0;
      for (let j = 1; j < p; j++) if (Math.abs(xw[j]) > Math.abs(xw[big])) big = j;
      const sign = Math.sign(xw[big]);
      for (let j = 0; j < p; j++) xw[j] *= sign;
      for (let t = 0; t < q; t++) yw[t] *= sign;

      // Scores of the flipped weights, then regression deflation of X and Y on them.
      let xx = 0;
      for (let i = 0; i < n; i++) {
        const off = i * p;
        let s = 0;
        for (let j = 0; j < p; j++) s += Xk[off + j] * xw[j];
        xs[i] = s;
        xx += s * s;
      }
      xl.fill(0);
      yl.fill(0);
      for (let i = 0; i < n; i++) {
        const a = xs[i];
        const xOff = i * p;
        for (let j = 0; j < p; j++) xl[j] += a * Xk[xOff + j];
        const yOff = i * q;
        for (let t = 0; t < q; t++) yl[t] += a * Yk[yOff + t];
      }
      for (let j = 0; j < p; j++) xl[j] /= xx;
      for (let t = 0; t < q; t++) yl[t] /= xx;
      for (let i = 0; i < n; i++) {
        const a = xs[i];
        const xOff = i * p;
        for (let j = 0; j < p; j++) Xk[xOff + j] -= a * xl[j];
        const yOff = i * q;
        for (let t = 0; t < q; t++) Yk[yOff + t] -= a * yl[t];
      }

      for (let j = 0; j < p; j++) {
        xWeights.data[j * K + k] = xw[j];
        xLoadings.data[j * K + k] = xl[j];
      }
      for (let t = 0; t < q; t++) {
        yWeights.data[t * K + k] = yw[t];
        yLoadings.data[t * K + k] = yl[t];
      }
      for (let i = 0; i < n; i++) xScores.data[i * K + k] = xs[i];
    }

    // Components skipped after a constant Y residual stay zero; pinv gives them zero rotations.
    const xRotations = matmulSync(xWeights, pinv(matmulSync(xLoadings, xWeights, { transA: true })));
    const coef = matmulSync(xRotations, yLoadings, { transB: true });
    this.fitted = {
      xMean,
      yMean,
      xWeights,
      yWeights,
      xLoadings,
      yLoadings,
      xRotations,
      xScores,
      coef,
      intercept: Float64Array.from(yMean),
      nIter,
      warnings,
    };
    return this;
  }

  /**
   * Predicts `(X − xMean)·coef + intercept` for `X` (m × n_features), as scikit-learn's `predict`.
   *
   * @throws Error when not fitted; RangeError for a wrong feature count or non-finite values.
   */
  predict(X: Matrix): Matrix {
    const { xMean, coef, intercept } = this.state();
    const p = xMean.length;
    const q = intercept.length;
    checkPredictInput(X, p, 'PLSRegression.predict');
    const out = matrix(X.rows, q);
    const O = out.data;
    const C = coef.data;
    const xc = new Float64Array(p);
    for (let i = 0; i < X.rows; i++) {
      const xOff = i * p;
      for (let j = 0; j < p; j++) xc[j] = X.data[xOff + j] - xMean[j];
      const oOff = i * q;
      for (let j = 0; j < p; j++) {
        const a = xc[j];
        const cOff = j * q;
        for (let t = 0; t < q; t++) O[oOff + t] += a * C[cOff + t];
      }
      for (let t = 0; t < q; t++) O[oOff + t] += intercept[t];
    }
    return out;
  }

  private state(): PLSFit {
    if (this.fitted === undefined) throw new Error('PLSRegression: call fit() before using the model');
    return this.fitted;
  }

  /** Training column means of X (n_features), scikit-learn's `_x_mean`. */
  get xMean(): Float64Array {
    return this.state().xMean;
  }
  /** Training column means of Y (n_targets), scikit-learn's `_y_mean`. */
  get yMean(): Float64Array {
    return this.state().yMean;
  }
  /** X weights W (n_features × nComponents), `x_weights_`. */
  get xWeights(): Matrix {
    return this.state().xWeights;
  }
  /** Y weights (n_targets × nComponents), `y_weights_`. */
  get yWeights(): Matrix {
    return this.state().yWeights;
  }
  /** X loadings P (n_features × nComponents), `x_loadings_`. */
  get xLoadings(): Matrix {
    return this.state().xLoadings;
  }
  /** Y loadings C (n_targets × nComponents), `y_loadings_`. */
  get yLoadings(): Matrix {
    return this.state().yLoadings;
  }
  /** X rotations W·pinv(PᵀW) (n_features × nComponents), `x_rotations_`. */
  get xRotations(): Matrix {
    return this.state().xRotations;
  }
  /** Training X scores (n_samples × nComponents), scikit-learn's `_x_scores`. */
  get xScores(): Matrix {
    return this.state().xScores;
  }
  /** Coefficients (n_features × n_targets), scikit-learn 1.2's `coef_`. */
  get coef(): Matrix {
    return this.state().coef;
  }
  /** Intercept (n_targets) = yMean, `intercept_`. */
  get intercept(): Float64Array {
    return this.state().intercept;
  }
  /** Power-method iterations per fitted component, `n_iter_`. */
  get nIter(): readonly number[] {
    return this.state().nIter;
  }
  /** Distinct warnings raised while fitting, in order (scikit-learn's messages). */
  get warnings(): readonly string[] {
    return this.state().warnings;
  }
}
