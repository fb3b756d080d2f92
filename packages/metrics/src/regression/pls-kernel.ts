/**
 * PLS regression in kernel form: the same NIPALS power iteration as scikit-learn's
 * `PLSRegression(scale=False)`, carried out on n×n and q×q matrices instead of the n×p feature matrix.
 *
 * Why: scoring one layer runs 10 cross-validation splits of PLS-25 on up to 25,088 feature columns.
 * Every split uses a subset of the same stimuli, so one Gram matrix `K = Xc·Xcᵀ` (computed once on a
 * native GEMM) serves all of them, and the feature dimension never appears again.
 *
 * The derivation (Lindgren, Geladi & Wold 1993, "The kernel algorithm for PLS", J. Chemometrics 7:45;
 * Rännar et al. 1994 for the wide-data case; Rosipal & Trejo 2001, JMLR 2:97, for the prediction
 * formula). With `Xk`, `Yk` the deflated blocks at component k and `Kk = Xk·Xkᵀ`:
 *
 * - sklearn's power iteration starts from a column of `Yk` and keeps `y_score = Yk·c` in the column
 *   space of `Yk`; its next `y_score` is `Yk·(G·c)` up to scale, with `G = Ykᵀ·Kk·Yk` (q×q), and the
 *   x-weights `w ∝ Xkᵀ·Yk·c` have `w·w' ∝ cᵀ·G·c'`. The iteration (same start column, same stopping
 *   rule `‖Δw‖² < tol` on unit weights) therefore costs one q×q product per step instead of O(np).
 *   Only sklearn's `+ eps` guards (relative size 1e-16) are not reproduced.
 * - Deflation by the score `t` is the projection `Q = I − t·tᵀ/tᵀt` on both blocks, which updates
 *   `Yk`, `Kk·Yk` and `G` by rank-one corrections: O(nq) per component plus one product `K·t`.
 * - With dual weights `a` (`w = Xcᵀ·a`), predictions are `Ŷ = K₍test,train₎·A·(Sᵀ·A)⁻¹·Tᵀ·Yc + ȳ`,
 *   where `S = K·T` — algebraically sklearn's `(X−x̄)·W·pinv(PᵀW)·Qᵀ + ȳ`.
 *
 * In exact arithmetic this is sklearn's algorithm; in floating point it agrees to rounding (the
 * reference cases match sklearn's predictions to about 1e-10 relative).
 */
import { addToRows, axpy, columnMeans, dot, inverse, matmul, matmulSync, matrix, matvec, scale, type Matrix } from '@vvs/linalg';
import { centerColumns, checkFitInputs, checkPredictInput, type Regression } from './types.ts';

/** float64 machine epsilon, the `eps` of sklearn's NIPALS (`np.finfo(np.float64).eps`). */
const EPS = 2.220446049250313e-16;

/** Options of {@link KernelPLSRegression} and {@link fitKernelPls}; defaults are sklearn's. */
export interface KernelPlsOptions {
  /** Number of PLS components (Brain-Score uses 25). */
  nComponents?: number;
  /** Power-iteration cap per component (sklearn: 500). */
  maxIter?: number;
  /** Power-iteration stopping threshold on ‖w − w_old‖² (sklearn: 1e-6). */
  tol?: number;
}

/**
 * The centred targets and their products with the centred training kernel `K` (n×n) that the
 * iteration starts from. Callers with a fast GEMM compute them there; {@link kernelPlsProducts}
 * computes them in JavaScript. {@link fitKernelPls} deflates `yCentered` and `kernelY` in place,
 * so a caller can hand over buffers it reuses without copies.
 */
export interface KernelPlsProducts {
  /** Training target means ȳ (q). */
  yMean: Float64Array;
  /** `Yc = Y − 1·ȳᵀ` (n×q). */
  yCentered: Matrix;
  /** `K·Yc` (n×q). Because a centred kernel annihilates constants, `K·Y` gives the same matrix. */
  kernelY: Matrix;
  /** `Ycᵀ·K·Yc` (q×q). */
  yKernelY: Matrix;
}

/** A fitted kernel PLS model: predictions are `crossKernel·dualCoef + yMean`. */
export interface KernelPlsFit {
  /** n_train × q dual coefficients `A·(SᵀA)⁻¹·Tᵀ·Yc`. */
  dualCoef: Matrix;
  /** Training target means ȳ (q). */
  yMean: Float64Array;
  /** X scores `T` (n_train × components), as sklearn's `x_scores_` up to sign. */
  xScores: Matrix;
  /** Power-iteration steps per component (sklearn's `n_iter_`). */
  nIter: number[];
  /** Warnings sklearn would raise (non-convergence, constant Y residual). */
  warnings: string[];
}

/**
 * The products {@link fitKernelPls} starts from, computed in JavaScript (O(n²q + nq²)).
 *
 * @example
 * const fit = fitKernelPls(K, kernelPlsProducts(K, Ytrain), { nComponents: 25 });
 */
export function kernelPlsProducts(kernel: Matrix, y: Matrix): KernelPlsProducts {
  const yMean = columnMeans(y);
  const yc = centerColumns(y, yMean);
  const kernelY = matmulSync(kernel, yc);
  return {
    yMean,
    yCentered: yc,
    kernelY,
    yKernelY: matmulSync(yc, kernelY, { transA: true }),
  };
}

/**
 * Fits PLS on a centred training kernel `K = Xc·Xcᵀ` and targets, following sklearn's NIPALS
 * `PLSRegression(scale=False)` step for step in kernel form (see the module comment).
 *
 * @param kernel centred n×n kernel of the training rows (`H·X·Xᵀ·H`, H the centring matrix).
 * @param products the centred targets and their kernel products ({@link kernelPlsProducts}, or the
 *   same computed on a native GEMM); consumed: their matrices are deflated in place.
 * @example
 * const fit = fitKernelPls(K, kernelPlsProducts(K, Y), { nComponents: 25 });
 */
export function fitKernelPls(kernel: Matrix, products: KernelPlsProducts, options: KernelPlsOptions = {}): KernelPlsFit {
  if (kernel.cols !== kernel.rows || kernel.rows !== products.yCentered.rows) {
    throw new RangeError(`fitKernelPls: kernel is ${kernel.rows}×${kernel.cols}, targets have ${products.yCentered.rows} rows`);
  }
  const steps = kernelPlsSteps(products, options);
  let request = steps.next();
  while (!request.done) request = steps.next(matvec(kernel, request.value));
  return request.value;
}

/**
 * The kernel PLS iteration as a coroutine: it yields each score vector `t` whose kernel product
 * `K·t` it needs (the only O(n²) step, once per component) and expects that product back.
 * {@link fitKernelPls} answers with a matrix–vector product; a driver fitting many
 * cross-validation splits at once can answer all their requests with one product of the shared
 * Gram matrix and a block of vectors.
 *
 * @example
 * const steps = kernelPlsSteps(products, { nComponents: 25 });
 * let request = steps.next();
 * while (!request.done) request = steps.next(matvec(K, request.value));
 * const fit = request.value;
 */
export function* kernelPlsSteps(
  products: KernelPlsProducts,
  options: KernelPlsOptions = {},
): Generator<Float64Array, KernelPlsFit, Float64Array> {
  const { nComponents = 2, maxIter = 500, tol = 1e-6 } = options;
  const { yMean, yCentered: Y, kernelY: B } = products;
  const n = Y.rows;
  const q = Y.cols;
  if (B.rows !== n || B.cols !== q) throw new RangeError(`kernelPlsSteps: K·Y is ${B.rows}×${B.cols}, Y is ${n}×${q}`);
  if (!Number.isInteger(nComponents) || nComponents < 1 || nComponents > n) {
    throw new RangeError(`kernelPlsSteps: nComponents must be an integer in [1, ${n}] (training samples), got ${nComponents}`);
  }
  // Deflated in place, component by component.
  const G = products.yKernelY;
  const masked = new Uint8Array(q);

  const scores: Float64Array[] = []; // t_k
  const dual: Float64Array[] = []; // a_k, with w_k = Xcᵀ·a_k
  const kernelScores: Float64Array[] = []; // s_k = K·t_k
  const scoreNorms: number[] = []; // t_kᵀt_k
  const yLoadings: Float64Array[] = []; // r_k = Ykᵀt_k / t_kᵀt_k
  const nIter: number[] = [];
  const warnings: string[] = [];

  // Yk and Bk = Kk·Yk are kept implicitly, as the initial blocks minus the rank-one deflations so
  // far: Yk = Y − Σ t_i·r_iᵀ and Bk = B − Σ (t̂_i·b_iᵀ + e_i·r_iᵀ). Each component then reads the
  // n×q blocks in two passes instead of rewriting them.
  const deflations: Deflation[] = [];
  const residual = new ImplicitResidual(Y, deflations);
  const Yd = Y.data;
  const Bd = B.data;
  for (let k = 0; k < nComponents; k++) {
    maskConstantColumns(residual, B, G, deflations, masked);
    const start = residual.firstNonZeroColumn();
    if (start < 0) {
      warnings.push(`Y residual is constant at iteration ${k}`);
      break;
    }
    const { c, beta, iterations } = powerIteration(G, start, maxIter, tol);
    nIter.push(iterations);
    if (iterations === maxIter) warnings.push('Maximum number of iterations reached');

    // Scores t = β·Bk·c and dual weights a = β·Yk·c (w = Xkᵀu·β = Xcᵀ(β·u) since u lies in range(Qk)).
    const t = new Float64Array(n);
    const a = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let bt = 0;
      let yu = 0;
      const off = i * q;
      for (let j = 0; j < q; j++) {
        bt += Bd[off + j] * c[j];
        yu += Yd[off + j] * c[j];
      }
      t[i] = bt;
      a[i] = yu;
    }
    for (const d of deflations) {
      axpy(-dot(d.b, c), d.unit, t);
      axpy(-dot(d.r, c), d.e, t);
    }
    for (const d of deflations) axpy(-dot(d.r, c), d.t, a);
    scale(beta, t);
    scale(beta, a);
    const tt = dot(t, t);
    const kt = yield t; // K·t: the one O(n²) step per component
    // Kk·t = Qk·K·t, and e = Q(k+1)·K·t: project out the earlier scores and then t itself.
    const norm = Math.sqrt(tt);
    const unit = t.map((x) => x / norm);
    const e = Float64Array.from(kt);
    for (const d of deflations) axpy(-dot(d.unit, e), d.unit, e);
    axpy(-dot(unit, e), unit, e);

    const r = new Float64Array(q); // Ykᵀt / tᵀt (sklearn's y_loadings)
    const v = new Float64Array(q); // Ykᵀ·K·t
    const b = new Float64Array(q); // Bkᵀ·t̂
    for (let i = 0; i < n; i++) {
      const off = i * q;
      const ti = t[i];
      const si = kt[i];
      const ui = unit[i];
      for (let j = 0; j < q; j++) {
        const y = Yd[off + j];
        r[j] += y * ti;
        v[j] += y * si;
        b[j] += Bd[off + j] * ui;
      }
    }
    for (const d of deflations) {
      axpy(-dot(d.t, t), d.r, r);
      axpy(-dot(d.t, kt), d.r, v);
    }
    for (const d of deflations) {
      axpy(-dot(d.unit, unit), d.b, b);
      axpy(-dot(d.e, unit), d.r, b);
    }
    scale(1 / tt, r);

    // Rank-one update of G (derivation in the module comment).
    const tKt = dot(t, kt);
    for (let i = 0; i < q; i++) {
      for (let j = 0; j < q; j++) G.data[i * q + j] -= v[i] * r[j] + r[i] * v[j] - tKt * r[i] * r[j];
    }

    scores.push(t);
    deflations.push({ t, unit, b, e, r });
    dual.push(a);
    kernelScores.push(kt);
    scoreNorms.push(tt);
    yLoadings.push(r);
  }

  const m = scores.length;
  // (SᵀA)⁻¹·(Tᵀ·Yc), with Tᵀ·Yc row k = (t_kᵀt_k)·r_kᵀ.
  const sa = matrix(m, m);
  for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) sa.data[i * m + j] = dot(kernelScores[i], dual[j]);
  const ty = matrix(m, q);
  for (let i = 0; i < m; i++) for (let j = 0; j < q; j++) ty.data[i * q + j] = scoreNorms[i] * yLoadings[i][j];
  const z = matmulSync(inverse(sa), ty);
  const A = matrix(n, m);
  const T = matrix(n, m);
  for (let k = 0; k < m; k++) {
    for (let i = 0; i < n; i++) {
      A.data[i * m + k] = dual[k][i];
      T.data[i * m + k] = scores[k][i];
    }
  }
  return { dualCoef: matmulSync(A, z), yMean, xScores: T, nIter, warnings };
}

/**
 * Predictions of a kernel PLS fit: `crossKernel·dualCoef + ȳ`, where `crossKernel` is
 * `(Xtest − x̄)·(Xtrain − x̄)ᵀ` with x̄ the training feature means. The product runs on the native
 * GEMM when it is large.
 *
 * @example
 * const Yhat = await predictKernelPls(fit, crossKernel); // m × q
 */
export async function predictKernelPls(fit: KernelPlsFit, crossKernel: Matrix): Promise<Matrix> {
  checkCrossKernel(fit, crossKernel);
  return addToRows(await matmul(crossKernel, fit.dualCoef), fit.yMean);
}

function checkCrossKernel(fit: KernelPlsFit, crossKernel: Matrix): void {
  if (crossKernel.cols !== fit.dualCoef.rows) {
    throw new RangeError(
      `predictKernelPls: cross kernel has ${crossKernel.cols} columns, the fit has ${fit.dualCoef.rows} training samples`,
    );
  }
}

/**
 * scikit-learn's `PLSRegression(scale=False)` computed in kernel form: same fit/predict shape as
 * {@link PLSRegression}, same predictions to rounding, and a cost that depends on the feature count
 * only through one Gram matrix — the fast path for wide activations (features ≫ stimuli).
 *
 * @example
 * const pls = new KernelPLSRegression({ nComponents: 25 }).fit(Xtrain, Ytrain);
 * const Yhat = pls.predict(Xtest);
 */
export class KernelPLSRegression implements Regression {
  readonly nComponents: number;
  readonly maxIter: number;
  readonly tol: number;
  private state?: { fit: KernelPlsFit; xMean: Float64Array; xc: Matrix };

  constructor({ nComponents = 2, maxIter = 500, tol = 1e-6 }: KernelPlsOptions = {}) {
    this.nComponents = nComponents;
    this.maxIter = maxIter;
    this.tol = tol;
  }

  fit(X: Matrix, Y: Matrix): this {
    checkFitInputs(X, Y, 'KernelPLSRegression.fit', 2);
    if (this.nComponents > Math.min(X.rows, X.cols)) {
      throw new RangeError(
        `KernelPLSRegression.fit: nComponents (${this.nComponents}) must be ≤ min(n_samples, n_features) = ${Math.min(X.rows, X.cols)}`,
      );
    }
    const xMean = columnMeans(X);
    const xc = centerColumns(X, xMean);
    const kernel = matmulSync(xc, xc, { transB: true });
    const fit = fitKernelPls(kernel, kernelPlsProducts(kernel, Y), this);
    this.state = { fit, xMean, xc };
    return this;
  }

  predict(X: Matrix): Matrix {
    if (!this.state) throw new Error('KernelPLSRegression.predict: call fit first');
    const { fit, xMean, xc } = this.state;
    checkPredictInput(X, xMean.length, 'KernelPLSRegression.predict');
    const crossKernel = matmulSync(centerColumns(X, xMean), xc, { transB: true });
    checkCrossKernel(fit, crossKernel);
    return addToRows(matmulSync(crossKernel, fit.dualCoef), fit.yMean);
  }

  /** The fitted kernel model (dual coefficients, scores, iteration counts, warnings). */
  get fitted(): KernelPlsFit {
    if (!this.state) throw new Error('KernelPLSRegression: not fitted');
    return this.state.fit;
  }
}

/**
 * sklearn's power iteration (`_get_first_singular_vectors_power_method`, mode A) with
 * `y_score = Yk·c`: the next c is G·c up to scale, and the unit x-weights `w = β·Xkᵀ·Yk·c`
 * (β = 1/√(cᵀGc)) of two steps differ by ‖w − w'‖² = 2 − 2·β·β'·cᵀ·G·c'.
 * Returns the `c` and `β` of the final step's x-weights.
 */
function powerIteration(G: Matrix, start: number, maxIter: number, tol: number): { c: Float64Array; beta: number; iterations: number } {
  const q = G.rows;
  let c = new Float64Array(q);
  c[start] = 1;
  let previous: { c: Float64Array; beta: number } | undefined;
  for (let i = 0; i < maxIter; i++) {
    const Gc = matvec(G, c);
    const beta = 1 / Math.sqrt(dot(c, Gc));
    // sklearn's first w_old is the scalar 100, which never passes the test.
    const diff = previous ? 2 - 2 * beta * previous.beta * dot(previous.c, Gc) : Number.POSITIVE_INFINITY;
    if (diff < tol || q === 1) return { c, beta, iterations: i + 1 };
    previous = { c, beta };
    // Normalised only to keep the numbers in range: the iteration depends on directions alone.
    c = Gc.map((x) => x * beta);
  }
  return { c: previous!.c, beta: previous!.beta, iterations: maxIter };
}

/** One component's rank-one deflations: Y(k+1) = Yk − t·rᵀ and B(k+1) = Bk − t̂·bᵀ − e·rᵀ. */
interface Deflation {
  t: Float64Array;
  unit: Float64Array;
  b: Float64Array;
  e: Float64Array;
  r: Float64Array;
}

/** Entries of the deflated targets `Yk = Y − Σ t_i·r_iᵀ`, computed on demand. */
class ImplicitResidual {
  constructor(
    readonly y: Matrix,
    private readonly deflations: readonly Deflation[],
  ) {}

  entry(i: number, j: number): number {
    let v = this.y.data[i * this.y.cols + j];
    for (const d of this.deflations) v -= d.t[i] * d.r[j];
    return v;
  }

  /** sklearn's starting column: the first with an entry above eps in magnitude; −1 if none. */
  firstNonZeroColumn(): number {
    for (let j = 0; j < this.y.cols; j++) {
      for (let i = 0; i < this.y.rows; i++) if (Math.abs(this.entry(i, j)) > EPS) return j;
    }
    return -1;
  }

  /** Whether every entry of column j is below `bound` in magnitude (stops at the first that is not). */
  columnBelow(j: number, bound: number): boolean {
    for (let i = 0; i < this.y.rows; i++) if (Math.abs(this.entry(i, j)) >= bound) return false;
    return true;
  }
}

/**
 * Zeroes target columns whose residual is all below 10·eps, as sklearn does before each component.
 * The implicit blocks get the column of the deflations so far (so that Yk and Bk are zero there
 * while the stored loadings stay as sklearn stored them), and G loses that row and column.
 */
function maskConstantColumns(residual: ImplicitResidual, B: Matrix, G: Matrix, deflations: readonly Deflation[], masked: Uint8Array): void {
  const { rows: n, cols: q } = residual.y;
  for (let j = 0; j < q; j++) {
    if (masked[j] || !residual.columnBelow(j, 10 * EPS)) continue;
    masked[j] = 1;
    for (let i = 0; i < n; i++) {
      let y = 0;
      let bk = 0;
      for (const d of deflations) {
        y += d.t[i] * d.r[j];
        bk += d.unit[i] * d.b[j] + d.e[i] * d.r[j];
      }
      residual.y.data[i * q + j] = y;
      B.data[i * q + j] = bk;
    }
    for (let i = 0; i < q; i++) {
      G.data[i * q + j] = 0;
      G.data[j * q + i] = 0;
    }
  }
}
