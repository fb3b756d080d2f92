/**
 * Ridge regression in closed form, with scikit-learn's `Ridge(alpha, fit_intercept=True)` semantics.
 */
import { columnMeans, matmulSync, matrix, solveSymmetricPositiveDefinite } from '@vvs/linalg';
import type { Matrix } from '@vvs/linalg';
import { centerColumns, checkFitInputs, checkPredictInput } from './types.ts';
import type { Regression } from './types.ts';

/** scikit-learn's default `alpha`. */
export const DEFAULT_ALPHA = 1.0;

/**
 * How {@link Ridge} solves the normal equations:
 * - `'primal'`: `coef = (XcᵀXc + αI)⁻¹ XcᵀYc`, a p × p Cholesky solve, O(n·p² + p³);
 * - `'dual'`: `coef = Xcᵀ (XcXcᵀ + αI)⁻¹ Yc`, an n × n (kernel) Cholesky solve, O(n²·p + n³);
 * - `'auto'`: `'primal'` when n_samples ≥ n_features, else `'dual'` — scikit-learn's choice in
 *   `_solve_cholesky` / `_solve_cholesky_kernel`. Both give the same coefficients (the push-through
 *   identity `(XᵀX + αI)⁻¹Xᵀ = Xᵀ(XXᵀ + αI)⁻¹`), so the choice only sets the cost: with many more
 *   features than samples (deep-net activations) the dual's n³ replaces the primal's p³.
 */
export type RidgeSolver = 'auto' | 'primal' | 'dual';

/** Options of {@link Ridge}. */
export interface RidgeOptions {
  /** L2 penalty α > 0 (default {@link DEFAULT_ALPHA}, scikit-learn's). */
  alpha?: number;
  /** Which closed form to use (default `'auto'`). */
  solver?: RidgeSolver;
}

/** One sample is enough for the closed form (the penalty makes the system definite). */
const MIN_SAMPLES = 1;

interface RidgeFit {
  coef: Matrix;
  intercept: Float64Array;
  xMean: Float64Array;
  yMean: Float64Array;
  solver: 'primal' | 'dual';
}

/** Solves `(S + αI)·X = B` for symmetric positive semi-definite `S` (left unchanged) by Cholesky. */
function solveShifted(S: Matrix, alpha: number, B: Matrix): Matrix {
  const shifted = matrix(S.rows, S.cols, S.data);
  for (let i = 0; i < S.rows; i++) shifted.data[i * S.cols + i] += alpha;
  return solveSymmetricPositiveDefinite(shifted, B);
}

/**
 * Multi-output ridge regression: minimises ‖Y − X·coef − 1·interceptᵀ‖²_F + α‖coef‖²_F, as
 * scikit-learn's `Ridge(alpha, fit_intercept=True)` (dense `solver="cholesky"`). The intercept is
 * not penalised: X and Y are centred on their training means, the centred problem is solved in
 * closed form (see {@link RidgeSolver}), and `intercept = ȳ − x̄·coef`.
 *
 * `coef` is n_features × n_targets so that `predict(X) = X·coef + intercept` (the transpose of
 * scikit-learn's `Ridge.coef_`, and the same layout as `PLSRegression`'s `coef`).
 *
 * @example
 * const ridge = new Ridge({ alpha: 1 }).fit(Xtrain, Ytrain);
 * const Yhat = ridge.predict(Xtest); // Xtest.rows × Ytrain.cols
 */
export class Ridge implements Regression {
  /** The L2 penalty α. */
  readonly alpha: number;
  /** The requested solver; {@link Ridge.solverUsed} says which ran. */
  readonly solver: RidgeSolver;
  private fitted: RidgeFit | undefined;

  /** @throws RangeError for α that is not a finite number > 0, or an unknown solver. */
  constructor({ alpha = DEFAULT_ALPHA, solver = 'auto' }: RidgeOptions = {}) {
    if (!(alpha > 0) || !Number.isFinite(alpha)) {
      throw new RangeError(`Ridge: alpha must be a finite number > 0, got ${alpha}`);
    }
    if (solver !== 'auto' && solver !== 'primal' && solver !== 'dual') {
      throw new RangeError(`Ridge: solver must be 'auto', 'primal' or 'dual', got ${String(solver)}`);
    }
    this.alpha = alpha;
    this.solver = solver;
  }

  /**
   * Fits on `X` (n_samples × n_features) and `Y` (n_samples × n_targets).
   *
   * @throws RangeError when the row counts differ, X is empty, or a value is not finite.
   */
  fit(X: Matrix, Y: Matrix): this {
    checkFitInputs(X, Y, 'Ridge.fit', MIN_SAMPLES);
    const xMean = columnMeans(X);
    const yMean = columnMeans(Y);
    const Xc = centerColumns(X, xMean);
    const Yc = centerColumns(Y, yMean);
    const solver = this.solver === 'auto' ? (X.rows >= X.cols ? 'primal' : 'dual') : this.solver;

    const coef =
      solver === 'primal'
        ? solveShifted(matmulSync(Xc, Xc, { transA: true }), this.alpha, matmulSync(Xc, Yc, { transA: true }))
        : matmulSync(Xc, this.solveDual(matmulSync(Xc, Xc, { transB: true }), Yc), { transA: true });

    const p = X.cols;
    const q = Y.cols;
    const intercept = Float64Array.from(yMean);
    for (let j = 0; j < p; j++) {
      const m = xMean[j];
      const off = j * q;
      for (let t = 0; t < q; t++) intercept[t] -= m * coef.data[off + t];
    }
    this.fitted = { coef, intercept, xMean, yMean, solver };
    return this;
  }

  /**
   * The dual coefficients `(K + αI)⁻¹·Yc` for a linear kernel `K = Xc·Xcᵀ` of training rows centred
   * on their mean and targets `Yc` centred likewise (scikit-learn's `_solve_cholesky_kernel`). Then
   * `coef = Xcᵀ·dual`, and a test row x predicts `k(x)·dual + ȳ` with `k(x) = (x − x̄)·Xcᵀ`, which
   * lets callers that already hold a kernel skip the features entirely. `kernel` is not modified.
   *
   * @throws RangeError when `kernel` is not square and symmetric, or its order differs from Yc's rows.
   * @example
   * const dual = new Ridge({ alpha: 1 }).solveDual(trainKernel, yCentred); // n_train × n_targets
   */
  solveDual(kernel: Matrix, yCentered: Matrix): Matrix {
    return solveShifted(kernel, this.alpha, yCentered);
  }

  /**
   * Predicts `X·coef + intercept` for `X` (m × n_features).
   *
   * @throws Error when not fitted; RangeError for a wrong feature count or non-finite values.
   */
  predict(X: Matrix): Matrix {
    const { coef, intercept } = this.state();
    const p = coef.rows;
    const q = coef.cols;
    checkPredictInput(X, p, 'Ridge.predict');
    const out = matrix(X.rows, q);
    const O = out.data;
    const C = coef.data;
    for (let i = 0; i < X.rows; i++) {
      const xOff = i * p;
      const oOff = i * q;
      for (let j = 0; j < p; j++) {
        const a = X.data[xOff + j];
        const cOff = j * q;
        for (let t = 0; t < q; t++) O[oOff + t] += a * C[cOff + t];
      }
      for (let t = 0; t < q; t++) O[oOff + t] += intercept[t];
    }
    return out;
  }

  private state(): RidgeFit {
    if (this.fitted === undefined) throw new Error('Ridge: call fit() before using the model');
    return this.fitted;
  }

  /** Coefficients (n_features × n_targets); scikit-learn's `coef_` transposed. */
  get coef(): Matrix {
    return this.state().coef;
  }
  /** Intercept (n_targets) = ȳ − x̄·coef, `intercept_`. */
  get intercept(): Float64Array {
    return this.state().intercept;
  }
  /** Training column means of X (scikit-learn's `X_offset_`). */
  get xMean(): Float64Array {
    return this.state().xMean;
  }
  /** Training column means of Y. */
  get yMean(): Float64Array {
    return this.state().yMean;
  }
  /** The closed form that ran in the last fit. */
  get solverUsed(): 'primal' | 'dual' {
    return this.state().solver;
  }
}
