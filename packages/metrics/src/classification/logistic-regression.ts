/**
 * Brain-Score's behavioural readout: features → `StandardScaler` → multinomial logistic regression
 * with `C = 1e-3` (`brainscore_vision.model_helpers.brain_transformation.behavior.ProbabilitiesMapping`,
 * scikit-learn `LogisticRegression(multi_class='multinomial', C=1e-3)`), whose class probabilities on
 * test images feed I2n.
 */
import { dot, matmul, matrix, norm, type Matrix, type MatrixLike } from '@vvs/linalg';
import { compareCodePoints } from '../split/unique-labels.ts';

/** Brain-Score's inverse regularisation strength for the behavioural readout. */
export const BRAINSCORE_READOUT_C = 1e-3;

/**
 * Stopping tolerance of the behavioural readout (see {@link LogisticRegressionOptions.tol}).
 * Brain-Score fits it with scikit-learn's newton-cg at its default `tol=1e-4`; 1e-6 is a hundred
 * times tighter, and converges in tens of iterations where the class default (1e-10, for parity
 * tests against the exact optimum) can spend its whole iteration budget at the rounding floor.
 */
export const BRAINSCORE_READOUT_TOL = 1e-6;

/**
 * scikit-learn's `StandardScaler`: subtract the column mean, divide by the column standard deviation
 * (ddof 0); a constant column is divided by 1, as sklearn does.
 *
 * Both methods read float32 or float64 rows and compute in float64, so float32 features (as
 * extracted) are fitted and transformed without a widened float64 copy, to the same bits as
 * `fit(matrix(rows, cols, features))`: widening a float32 is exact.
 *
 * @example
 * const scaler = new StandardScaler().fit(Xfit);
 * const Z = scaler.transform(Xtest);
 */
export class StandardScaler {
  mean?: Float64Array;
  scale?: Float64Array;

  fit(X: MatrixLike): this {
    const { rows: n, cols: p, data } = X;
    const mean = new Float64Array(p);
    const sq = new Float64Array(p);
    for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) mean[j] += data[i * p + j];
    for (let j = 0; j < p; j++) mean[j] /= n;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < p; j++) {
        const d = data[i * p + j] - mean[j];
        sq[j] += d * d;
      }
    }
    this.mean = mean;
    this.scale = sq.map((s) => (s > 0 ? Math.sqrt(s / n) : 1));
    return this;
  }

  /** The standardised rows `(X − mean) / scale`, in float64. */
  transform(X: MatrixLike): Matrix {
    const { mean, scale } = this;
    if (!mean || !scale) throw new Error('StandardScaler.transform: call fit first');
    if (X.cols !== mean.length) throw new RangeError(`StandardScaler.transform: ${X.cols} columns, fitted on ${mean.length}`);
    const out = matrix(X.rows, X.cols);
    const p = X.cols;
    for (let i = 0; i < X.rows; i++) for (let j = 0; j < p; j++) out.data[i * p + j] = (X.data[i * p + j] - mean[j]) / scale[j];
    return out;
  }
}

/** Options of {@link LogisticRegression}. */
export interface LogisticRegressionOptions {
  /** Inverse L2 strength (sklearn's `C`); the penalty is ‖W‖²/2 (the intercept is not penalised). */
  C?: number;
  /** L-BFGS iterations at most. */
  maxIter?: number;
  /**
   * Stop when the largest gradient entry is below `tol · max(1, C·n)` (the loss grows with C·n).
   * The default converges to about 1e-9 in probabilities, near double-precision's floor here.
   */
  tol?: number;
  /** Corrections kept by L-BFGS. */
  memory?: number;
}

/**
 * Multinomial (softmax) logistic regression with an intercept, minimising
 * `C·Σᵢ −log p(yᵢ | xᵢ) + ‖W‖²/2` — scikit-learn's objective for `multi_class='multinomial'` — by
 * L-BFGS (Nocedal & Wright, "Numerical Optimization", Alg. 7.4) with a backtracking Armijo search.
 * The objective is strictly convex, so any solver that converges finds sklearn's solution; vvs
 * converges far tighter than sklearn's default `tol=1e-4`.
 *
 * @example
 * const clf = await new LogisticRegression({ C: 1e-3 }).fit(Z, labels);
 * const P = await clf.predictProba(Ztest); // rows sum to 1, columns in clf.classes order
 */
export class LogisticRegression {
  readonly C: number;
  readonly maxIter: number;
  readonly tol: number;
  readonly memory: number;
  /** Sorted class labels (np.unique order); the columns of `predictProba`. */
  classes: (string | number)[] = [];
  /** Weights, n_features × n_classes. */
  coef?: Matrix;
  /** Intercepts, n_classes. */
  intercept?: Float64Array;
  /** L-BFGS iterations used. */
  nIter = 0;

  constructor({ C = 1, maxIter = 1000, tol = 1e-10, memory = 10 }: LogisticRegressionOptions = {}) {
    if (!(C > 0)) throw new RangeError(`LogisticRegression: C must be > 0, got ${C}`);
    this.C = C;
    this.maxIter = maxIter;
    this.tol = tol;
    this.memory = memory;
  }

  async fit(X: Matrix, y: ArrayLike<string | number>): Promise<this> {
    if (y.length !== X.rows) throw new RangeError(`LogisticRegression.fit: ${y.length} labels for ${X.rows} rows`);
    const labels = Array.from(y);
    this.classes = [...new Set(labels)].sort((a, b) => (typeof a === 'number' && typeof b === 'number' ? a - b : compareCodePoints(String(a), String(b))));
    if (this.classes.length < 2) throw new RangeError('LogisticRegression.fit: needs at least 2 classes');
    const k = this.classes.length;
    const p = X.cols;
    const index = new Map(this.classes.map((c, i) => [c, i]));
    const target = Int32Array.from(labels, (l) => index.get(l)!);
    // Parameters θ = [W (p×k, row-major), b (k)].
    const theta = new Float64Array(p * k + k);
    // Two gradient buffers: the accepted point's, and the line search's trial, swapped on acceptance.
    let gradient = new Float64Array(theta.length);
    let trial = new Float64Array(theta.length);
    let { loss, largest } = await this.lossAndGradient(X, target, theta, p, k, gradient);
    const history: Correction[] = [];
    // sklearn scales its stopping rule by the loss's magnitude too; C·n sets that scale here.
    const scale = Math.max(1, this.C * X.rows);
    let iter = 0;
    const direction = new Float64Array(theta.length);
    const alpha = new Float64Array(this.memory);
    // Buffers of a correction pair that left the history (or was rejected), reused for the next one.
    let spare: { s: Float64Array; y: Float64Array } | undefined;
    for (; iter < this.maxIter; iter++) {
      if (largest <= this.tol * scale) break;
      const slope = twoLoop(gradient, history, direction, alpha);
      let step = iter === 0 ? 1 / Math.max(1, norm(gradient)) : 1;
      let next: { loss: number; largest: number };
      const candidate = spare?.s ?? new Float64Array(theta.length);
      for (;;) {
        for (let i = 0; i < theta.length; i++) candidate[i] = theta[i] + step * direction[i];
        next = await this.lossAndGradient(X, target, candidate, p, k, trial);
        if (next.loss <= loss + 1e-4 * step * slope || step < 1e-20) break;
        step /= 2;
      }
      // s = candidate − θ and y = ∇next − ∇ (computed before θ takes the candidate's values), with
      // s·y, s·s and y·y summed in the same pass: three independent sums, each in `dot`'s order.
      const s = candidate;
      const yv = spare?.y ?? new Float64Array(theta.length);
      spare = undefined;
      let sy = 0;
      let ss = 0;
      let yy = 0;
      for (let i = 0; i < theta.length; i++) {
        const t = theta[i];
        theta[i] = candidate[i];
        const si = candidate[i] - t;
        const yi = trial[i] - gradient[i];
        s[i] = si;
        yv[i] = yi;
        sy += si * yi;
        ss += si * si;
        yy += yi * yi;
      }
      if (sy > 1e-12 * Math.sqrt(ss) * Math.sqrt(yy)) {
        history.push({ s, y: yv, rho: 1 / sy, sy, yy });
        if (history.length > this.memory) spare = history.shift();
      } else spare = { s, y: yv };
      loss = next.loss;
      largest = next.largest;
      [gradient, trial] = [trial, gradient];
    }
    this.nIter = iter;
    this.coef = matrix(p, k, theta.subarray(0, p * k));
    this.intercept = Float64Array.from(theta.subarray(p * k));
    return this;
  }

  /** Class probabilities (rows = samples, columns = {@link classes}). */
  async predictProba(X: Matrix): Promise<Matrix> {
    if (!this.coef || !this.intercept) throw new Error('LogisticRegression.predictProba: call fit first');
    const scores = await matmul(X, this.coef);
    softmaxRows(scores, this.intercept);
    return scores;
  }

  /**
   * Writes the objective's gradient at θ into `gradient` (reused across evaluations, so that none
   * allocates a parameter-sized array) and returns the objective and the gradient's largest
   * absolute entry (the stopping rule's measure, taken in the pass that assembles the gradient).
   */
  private async lossAndGradient(X: Matrix, target: Int32Array, theta: Float64Array, p: number, k: number, gradient: Float64Array): Promise<{ loss: number; largest: number }> {
    const W: Matrix = { rows: p, cols: k, data: theta.subarray(0, p * k) };
    const b = theta.subarray(p * k);
    const P = await matmul(X, W);
    let loss = 0;
    const n = X.rows;
    for (let i = 0; i < n; i++) {
      const row = P.data.subarray(i * k, (i + 1) * k);
      let max = -Infinity;
      for (let c = 0; c < k; c++) max = Math.max(max, row[c] + b[c]);
      let sum = 0;
      for (let c = 0; c < k; c++) sum += Math.exp(row[c] + b[c] - max);
      loss -= row[target[i]] + b[target[i]] - max - Math.log(sum);
      for (let c = 0; c < k; c++) row[c] = Math.exp(row[c] + b[c] - max) / sum;
      row[target[i]] -= 1; // P − Y
    }
    const gradW = (await matmul(X, P, { transA: true })).data;
    let penalty = 0;
    let largest = 0;
    for (let t = 0; t < p * k; t++) {
      const g = this.C * gradW[t] + theta[t];
      gradient[t] = g;
      largest = Math.max(largest, Math.abs(g));
      penalty += theta[t] * theta[t];
    }
    const gradB = gradient.subarray(p * k);
    gradB.fill(0);
    for (let i = 0; i < n; i++) for (let c = 0; c < k; c++) gradB[c] += this.C * P.data[i * k + c];
    for (let c = 0; c < k; c++) largest = Math.max(largest, Math.abs(gradB[c]));
    return { loss: this.C * loss + penalty / 2, largest };
  }
}

function softmaxRows(scores: Matrix, intercept: Float64Array): void {
  const k = scores.cols;
  for (let i = 0; i < scores.rows; i++) {
    const row = scores.data.subarray(i * k, (i + 1) * k);
    let max = -Infinity;
    for (let c = 0; c < k; c++) max = Math.max(max, row[c] + intercept[c]);
    let sum = 0;
    for (let c = 0; c < k; c++) sum += row[c] = Math.exp(row[c] + intercept[c] - max);
    for (let c = 0; c < k; c++) row[c] /= sum;
  }
}

/** An L-BFGS correction pair with the products the recursion reuses: ρ = 1/(s·y), s·y and y·y. */
interface Correction {
  s: Float64Array;
  y: Float64Array;
  rho: number;
  sy: number;
  yy: number;
}

/**
 * The L-BFGS two-loop recursion (Nocedal & Wright, Alg. 7.4): writes the direction d = −H·g into
 * `out` and returns the slope g·d. Each update of q is fused with the dot product the next step
 * needs, in the same element order, and the scaling γ = s·y / y·y reuses the products summed when
 * the newest pair was stored, so the result is the textbook loop's to the last bit in a third of
 * the passes over memory.
 */
function twoLoop(gradient: Float64Array, history: readonly Correction[], out: Float64Array, alpha: Float64Array): number {
  const q = out;
  const n = q.length;
  const m = history.length;
  let slope = 0;
  if (m === 0) {
    for (let t = 0; t < n; t++) {
      q[t] = -gradient[t];
      slope += gradient[t] * q[t];
    }
    return slope;
  }
  q.set(gradient);
  // First loop, newest to oldest: α_i = ρ_i·(s_i·q), then q −= α_i·y_i, fused with s_{i−1}·q.
  let sq = dot(history[m - 1]!.s, q);
  for (let i = m - 1; i >= 0; i--) {
    const { y, rho } = history[i]!;
    const a = rho * sq;
    alpha[i] = a;
    const sPrev = i > 0 ? history[i - 1]!.s : undefined;
    if (sPrev) {
      let acc = 0;
      for (let t = 0; t < n; t++) {
        q[t] -= a * y[t];
        acc += sPrev[t] * q[t];
      }
      sq = acc;
    } else {
      for (let t = 0; t < n; t++) q[t] -= a * y[t];
    }
  }
  // q ·= γ, the newest pair's s·y / y·y, fused with the second loop's first y_0·q.
  const newest = history[m - 1]!;
  const gamma = newest.sy / newest.yy;
  const y0 = history[0]!.y;
  let yq = 0;
  for (let t = 0; t < n; t++) {
    q[t] *= gamma;
    yq += y0[t] * q[t];
  }
  // Second loop, oldest to newest: β_i = ρ_i·(y_i·q), q += s_i·(α_i − β_i), fused with y_{i+1}·q;
  // the last pass negates q and sums the slope g·d.
  for (let i = 0; i < m; i++) {
    const { s, rho } = history[i]!;
    const c = alpha[i]! - rho * yq;
    const yNext = i + 1 < m ? history[i + 1]!.y : undefined;
    if (yNext) {
      let acc = 0;
      for (let t = 0; t < n; t++) {
        q[t] += s[t] * c;
        acc += yNext[t] * q[t];
      }
      yq = acc;
    } else {
      for (let t = 0; t < n; t++) {
        q[t] = -(q[t] + s[t] * c);
        slope += gradient[t] * q[t];
      }
    }
  }
  return slope;
}
