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
 *   space of `Yk`, so every quantity it uses is a quadratic form in `c` over the q×q matrices
 *   `G = Ykᵀ·Kk·Yk`, `H = (Kk·Yk)ᵀ(Kk·Yk)` and `F = Ykᵀ·Yk`. The iteration (same start column, same
 *   `+ eps` terms, same stopping rule `‖Δw‖² < tol`) therefore costs O(q²) per step instead of O(np).
 * - Deflation by the score `t` is the projection `Q = I − t·tᵀ/tᵀt` on both blocks, which updates
 *   `Yk`, `Kk·Yk`, `G`, `H`, `F` by rank-one corrections: O(nq) per component plus one product `K·t`.
 * - With dual weights `a` (`w = Xcᵀ·a`), predictions are `Ŷ = K₍test,train₎·A·(Sᵀ·A)⁻¹·Tᵀ·Yc + ȳ`,
 *   where `S = K·T` — algebraically sklearn's `(X−x̄)·W·pinv(PᵀW)·Qᵀ + ȳ`.
 *
 * In exact arithmetic this is sklearn's algorithm; in floating point it agrees to rounding (the
 * reference cases match sklearn's predictions to about 1e-10 relative).
 */
import { addToRows, columnMeans, inverse, matmul, matmulSync, matrix, matvec, type Matrix } from '@vvs/linalg';
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
  /** `(K·Yc)ᵀ·(K·Yc)` (q×q). */
  kernelYSquared: Matrix;
  /** `Ycᵀ·Yc` (q×q). */
  yy: Matrix;
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
    kernelYSquared: matmulSync(kernelY, kernelY, { transA: true }),
    yy: matmulSync(yc, yc, { transA: true }),
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
  const H = products.kernelYSquared;
  const F = products.yy;
  const masked = new Uint8Array(q);

  const scores: Float64Array[] = []; // t_k
  const unitScores: Float64Array[] = []; // t_k / ‖t_k‖
  const dual: Float64Array[] = []; // a_k, with w_k = Xcᵀ·a_k
  const kernelScores: Float64Array[] = []; // s_k = K·t_k
  const scoreNorms: number[] = []; // t_kᵀt_k
  const yLoadings: Float64Array[] = []; // r_k = Ykᵀt_k / t_kᵀt_k
  const nIter: number[] = [];
  const warnings: string[] = [];

  const Yd = Y.data;
  const Bd = B.data;
  for (let k = 0; k < nComponents; k++) {
    maskConstantColumns(Y, B, G, H, F, masked);
    const start = firstNonZeroColumn(Y);
    if (start < 0) {
      warnings.push(`Y residual is constant at iteration ${k}`);
      break;
    }
    const { c, beta, iterations } = powerIteration(G, H, F, start, maxIter, tol);
    nIter.push(iterations);
    if (iterations === maxIter) warnings.push('Maximum number of iterations reached');

    // Scores t = β·B·c and dual weights a = β·Y·c (w = Xkᵀu·β = Xcᵀ(β·u) since u lies in range(Qk)).
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
      t[i] = beta * bt;
      a[i] = beta * yu;
    }
    const tt = dot(t, t);
    const kt = yield t; // K·t: the one O(n²) step per component
    const r = new Float64Array(q); // Ykᵀt / tᵀt (sklearn's y_loadings)
    const v = new Float64Array(q); // Ykᵀ·K·t
    for (let i = 0; i < n; i++) {
      const off = i * q;
      const ti = t[i];
      const si = kt[i];
      for (let j = 0; j < q; j++) {
        r[j] += Yd[off + j] * ti;
        v[j] += Yd[off + j] * si;
      }
    }
    for (let j = 0; j < q; j++) r[j] /= tt;

    // Kk·t = Qk·K·t, and e = Q(k+1)·K·t: project out the earlier scores and then t itself.
    const norm = Math.sqrt(tt);
    const unit = t.map((x) => x / norm);
    const e = Float64Array.from(kt);
    for (const prev of unitScores) axpy(-dot(prev, e), prev, e);
    axpy(-dot(unit, e), unit, e);

    // Rank-one updates of G, H, F (derivation in the module comment) before Y and B change.
    const b = new Float64Array(q); // Bᵀ·t̂
    const be = new Float64Array(q); // Bᵀ·e
    for (let i = 0; i < n; i++) {
      const off = i * q;
      const ui = unit[i];
      const ei = e[i];
      for (let j = 0; j < q; j++) {
        b[j] += Bd[off + j] * ui;
        be[j] += Bd[off + j] * ei;
      }
    }
    const tKt = dot(t, kt);
    const ee = dot(e, e);
    for (let i = 0; i < q; i++) {
      for (let j = 0; j < q; j++) {
        const rr = r[i] * r[j];
        F.data[i * q + j] -= tt * rr;
        G.data[i * q + j] -= v[i] * r[j] + r[i] * v[j] - tKt * rr;
        H.data[i * q + j] -= b[i] * b[j] + be[i] * r[j] + r[i] * be[j] - ee * rr;
      }
    }
    // Deflation: Y ← Y − t·rᵀ;  B ← Q(k+1)·B − e·rᵀ.
    for (let i = 0; i < n; i++) {
      const off = i * q;
      const ti = t[i];
      const ui = unit[i];
      const ei = e[i];
      for (let j = 0; j < q; j++) {
        Yd[off + j] -= ti * r[j];
        Bd[off + j] -= ui * b[j] + ei * r[j];
      }
    }

    scores.push(t);
    unitScores.push(unit);
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
 * `y_score = Yk·c`, expressed through G = YkᵀKkYk, H = (KkYk)ᵀ(KkYk), F = YkᵀYk.
 * Returns the `c` and normalisation `β` of the final step's x_weights (`w = β·Xkᵀ·Yk·c`).
 */
function powerIteration(
  G: Matrix,
  H: Matrix,
  F: Matrix,
  start: number,
  maxIter: number,
  tol: number,
): { c: Float64Array; beta: number; iterations: number } {
  const q = G.rows;
  let c = new Float64Array(q);
  c[start] = 1;
  let previous: { c: Float64Array; beta: number; wNorm2: number } | undefined;
  const Gc = new Float64Array(q);
  const Hc = new Float64Array(q);
  const Fc = new Float64Array(q);
  for (let i = 0; i < maxIter; i++) {
    symmetricProducts(G, H, F, c, Gc, Hc, Fc);
    const cGc = dot(c, Gc);
    const uu = dot(c, Fc); // y_scoreᵀy_score
    // x_weights = Xkᵀu/(uᵀu), then divided by (‖x_weights‖ + eps).
    const beta = 1 / uu / (Math.sqrt(Math.max(cGc, 0)) / uu + EPS);
    const tt = beta * beta * dot(c, Hc); // x_scoreᵀx_score
    // y_weights = Ykᵀt/(tᵀt) = β·G·c/(tᵀt); y_score = Yk·y_weights/(y_weightsᵀy_weights + eps).
    const yw = Gc.map((g) => (beta * g) / tt);
    const ywNorm2 = dot(yw, yw);
    const next = yw.map((x) => x / (ywNorm2 + EPS));
    const wNorm2 = beta * beta * cGc;
    // ‖w − w_old‖² (G is symmetric, so c_oldᵀ·G·c = c_old·Gc); sklearn's first w_old is the
    // scalar 100, which never passes the test.
    const diff = previous ? wNorm2 + previous.wNorm2 - 2 * beta * previous.beta * dot(previous.c, Gc) : Number.POSITIVE_INFINITY;
    if (diff < tol || q === 1) return { c, beta, iterations: i + 1 };
    previous = { c, beta, wNorm2 };
    c = next;
  }
  const last = previous!;
  return { c: last.c, beta: last.beta, iterations: maxIter };
}

/** `G·c`, `H·c` and `F·c` in one pass over the three q×q matrices. */
function symmetricProducts(G: Matrix, H: Matrix, F: Matrix, c: Float64Array, Gc: Float64Array, Hc: Float64Array, Fc: Float64Array): void {
  const q = G.rows;
  const g = G.data;
  const h = H.data;
  const f = F.data;
  for (let i = 0; i < q; i++) {
    let sg = 0;
    let sh = 0;
    let sf = 0;
    const off = i * q;
    for (let j = 0; j < q; j++) {
      const cj = c[j];
      sg += g[off + j] * cj;
      sh += h[off + j] * cj;
      sf += f[off + j] * cj;
    }
    Gc[i] = sg;
    Hc[i] = sh;
    Fc[i] = sf;
  }
}

/** Zeroes target columns whose residual is all below 10·eps, as sklearn does before each component. */
function maskConstantColumns(Y: Matrix, B: Matrix, G: Matrix, H: Matrix, F: Matrix, masked: Uint8Array): void {
  const { rows: n, cols: q, data } = Y;
  for (let j = 0; j < q; j++) {
    if (masked[j]) continue;
    let small = true;
    for (let i = 0; i < n && small; i++) small = Math.abs(data[i * q + j]) < 10 * EPS;
    if (!small) continue;
    masked[j] = 1;
    for (let i = 0; i < n; i++) {
      data[i * q + j] = 0;
      B.data[i * q + j] = 0;
    }
    for (const M of [G, H, F]) {
      for (let i = 0; i < q; i++) {
        M.data[i * q + j] = 0;
        M.data[j * q + i] = 0;
      }
    }
  }
}

/** sklearn's starting column: the first whose residual has an entry above eps in magnitude; −1 if none. */
function firstNonZeroColumn(Y: Matrix): number {
  const { rows: n, cols: q, data } = Y;
  for (let j = 0; j < q; j++) {
    for (let i = 0; i < n; i++) if (Math.abs(data[i * q + j]) > EPS) return j;
  }
  return -1;
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function axpy(alpha: number, x: Float64Array, y: Float64Array): void {
  for (let i = 0; i < x.length; i++) y[i] += alpha * x[i];
}

