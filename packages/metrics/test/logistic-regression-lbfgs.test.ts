import { describe, expect, it } from 'vitest';
import { dot, matmul, matrix, norm, type Matrix } from '@vvs/linalg';
import { LogisticRegression, RandomState, StandardScaler, BRAINSCORE_READOUT_C, BRAINSCORE_READOUT_TOL } from '@vvs/metrics';

/**
 * The objective LogisticRegression minimises, `C·Σᵢ −log p(yᵢ | xᵢ) + ‖W‖²/2` with θ = [W (p×k), b (k)],
 * computed in the same arithmetic order as its `lossAndGradient` (same products, same loops).
 */
async function lossAndGradient(X: Matrix, target: Int32Array, theta: Float64Array, C: number, p: number, k: number): Promise<{ loss: number; gradient: Float64Array }> {
  const W = matrix(p, k, theta.subarray(0, p * k));
  const b = theta.subarray(p * k);
  const P = await matmul(X, W);
  let loss = 0;
  const n = X.rows;
  for (let i = 0; i < n; i++) {
    const row = P.data.subarray(i * k, (i + 1) * k);
    let max = -Infinity;
    for (let c = 0; c < k; c++) max = Math.max(max, row[c]! + b[c]!);
    let sum = 0;
    for (let c = 0; c < k; c++) sum += Math.exp(row[c]! + b[c]! - max);
    loss -= row[target[i]!]! + b[target[i]!]! - max - Math.log(sum);
    for (let c = 0; c < k; c++) row[c] = Math.exp(row[c]! + b[c]! - max) / sum;
    row[target[i]!]! -= 1;
  }
  const gradW = await matmul(X, P, { transA: true });
  const gradient = new Float64Array(p * k + k);
  let penalty = 0;
  for (let t = 0; t < p * k; t++) {
    gradient[t] = C * gradW.data[t]! + theta[t]!;
    penalty += theta[t]! * theta[t]!;
  }
  for (let i = 0; i < n; i++) for (let c = 0; c < k; c++) gradient[p * k + c]! += C * P.data[i * k + c]!;
  return { loss: C * loss + penalty / 2, gradient };
}

interface Pair {
  s: Float64Array;
  y: Float64Array;
  rho: number;
}

/** Nocedal & Wright Alg. 7.4, textbook form: separate dot and axpy passes, a fresh array for q. */
function twoLoop(gradient: Float64Array, history: readonly Pair[]): Float64Array {
  const q = Float64Array.from(gradient);
  const alpha = new Float64Array(history.length);
  for (let i = history.length - 1; i >= 0; i--) {
    const { s, y, rho } = history[i]!;
    alpha[i] = rho * dot(s, q);
    for (let t = 0; t < q.length; t++) q[t]! -= alpha[i]! * y[t]!;
  }
  if (history.length > 0) {
    const { s, y } = history[history.length - 1]!;
    const gamma = dot(s, y) / dot(y, y);
    for (let t = 0; t < q.length; t++) q[t]! *= gamma;
  }
  for (let i = 0; i < history.length; i++) {
    const { s, y, rho } = history[i]!;
    const beta = rho * dot(y, q);
    for (let t = 0; t < q.length; t++) q[t]! += s[t]! * (alpha[i]! - beta);
  }
  for (let t = 0; t < q.length; t++) q[t] = -q[t]!;
  return q;
}

const maxAbs = (a: Float64Array) => a.reduce((m, v) => Math.max(m, Math.abs(v)), 0);

/**
 * L-BFGS with a backtracking Armijo search, fresh arrays everywhere: what LogisticRegression.fit
 * computes, written the straightforward way. Labels are class indices 0..k−1.
 */
async function referenceFit(X: Matrix, target: Int32Array, k: number, { C, tol, maxIter, memory }: { C: number; tol: number; maxIter: number; memory: number }) {
  const p = X.cols;
  let theta: Float64Array = new Float64Array(p * k + k);
  let { loss, gradient } = await lossAndGradient(X, target, theta, C, p, k);
  const history: Pair[] = [];
  const scale = Math.max(1, C * X.rows);
  let iter = 0;
  let shifts = 0;
  let rejected = 0;
  for (; iter < maxIter; iter++) {
    if (maxAbs(gradient) <= tol * scale) break;
    const direction = twoLoop(gradient, history);
    let step = iter === 0 ? 1 / Math.max(1, norm(gradient)) : 1;
    const slope = dot(gradient, direction);
    let candidate: Float64Array;
    let next: { loss: number; gradient: Float64Array };
    for (;;) {
      candidate = theta.map((t, i) => t + step * direction[i]!);
      next = await lossAndGradient(X, target, candidate, C, p, k);
      if (next.loss <= loss + 1e-4 * step * slope || step < 1e-20) break;
      step /= 2;
    }
    const s = candidate.map((c, i) => c - theta[i]!);
    const y = next.gradient.map((g, i) => g - gradient[i]!);
    const sy = dot(s, y);
    if (sy > 1e-12 * norm(s) * norm(y)) {
      history.push({ s, y, rho: 1 / sy });
      if (history.length > memory) {
        history.shift();
        shifts++;
      }
    } else rejected++;
    theta = candidate;
    loss = next.loss;
    gradient = next.gradient;
  }
  return { coef: theta.subarray(0, p * k), intercept: theta.subarray(p * k), nIter: iter, shifts, rejected };
}

/** n samples × p features with k classes that overlap (a class mean plus uniform noise). */
function problem(seed: number, n: number, p: number, k: number) {
  const rng = new RandomState(seed);
  const centers = Array.from({ length: k }, () => Array.from({ length: p }, () => rng.randomSample() - 0.5));
  const target = Int32Array.from({ length: n }, (_, i) => i % k);
  const X = matrix(n, p);
  for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) X.data[i * p + j] = centers[target[i]!]![j]! + 2 * (rng.randomSample() - 0.5);
  return { X, target };
}

async function expectSameFit(X: Matrix, target: Int32Array, k: number, options: { C: number; tol: number; maxIter: number; memory: number }) {
  const reference = await referenceFit(X, target, k, options);
  const fitted = await new LogisticRegression(options).fit(X, Array.from(target));
  expect(fitted.classes).toEqual(Array.from({ length: k }, (_, c) => c));
  expect(fitted.nIter).toBe(reference.nIter);
  expect(Array.from(fitted.coef!.data)).toEqual(Array.from(reference.coef));
  expect(Array.from(fitted.intercept!)).toEqual(Array.from(reference.intercept));
  return { reference, fitted };
}

/**
 * float32 features like a network layer's: class structure plus noise, each column with its own
 * non-zero mean and scale (so that standardising them changes every value).
 */
function float32Features(seed: number, n: number, p: number, k: number) {
  const rng = new RandomState(seed);
  const means = Array.from({ length: p }, () => 10 * rng.randomSample() - 2);
  const scales = Array.from({ length: p }, () => 10 ** (3 * rng.randomSample() - 1.5));
  const centers = Array.from({ length: k }, () => Array.from({ length: p }, () => rng.randomSample() - 0.5));
  const labels = Array.from({ length: n }, (_, i) => i % k);
  const data = new Float32Array(n * p);
  for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) data[i * p + j] = means[j]! + scales[j]! * (centers[labels[i]!]![j]! + 2 * (rng.randomSample() - 0.5));
  return { features: { rows: n, cols: p, data }, labels };
}

/** Class probabilities softmax(X·W + b), rows summing to 1. */
async function probabilities(X: Matrix, coef: Float64Array, intercept: Float64Array, k: number): Promise<number[]> {
  const scores = await matmul(X, matrix(X.cols, k, coef));
  const out: number[] = [];
  for (let i = 0; i < X.rows; i++) {
    const row = Array.from(scores.data.subarray(i * k, (i + 1) * k), (v, c) => v + intercept[c]!);
    const max = Math.max(...row);
    const e = row.map((v) => Math.exp(v - max));
    const sum = e.reduce((a, b) => a + b, 0);
    out.push(...e.map((v) => v / sum));
  }
  return out;
}

describe('LogisticRegression L-BFGS', () => {
  it('is bit-identical to the textbook loop over many iterations and history shifts (60 × 40, 3 classes, C = 1)', async () => {
    const { X, target } = problem(4, 60, 40, 3);
    const options = { C: 1, tol: 1e-10, maxIter: 200, memory: 10 };
    const { reference } = await expectSameFit(X, target, 3, options);
    expect(reference.nIter).toBeGreaterThan(10);
    expect(reference.shifts).toBeGreaterThan(0);
  });

  it('is bit-identical with a short memory and when it stops at maxIter', async () => {
    const { X, target } = problem(9, 60, 40, 3);
    const { reference } = await expectSameFit(X, target, 3, { C: 1, tol: 1e-10, maxIter: 40, memory: 3 });
    expect(reference.nIter).toBe(40);
    expect(reference.shifts).toBeGreaterThan(10);
  });

  it("is bit-identical on Brain-Score's readout setting (standardised features, C = 1e-3, 4 classes)", async () => {
    const { X, target } = problem(2, 80, 20, 4);
    const Z = new StandardScaler().fit(X).transform(X);
    const { reference } = await expectSameFit(Z, target, 4, { C: BRAINSCORE_READOUT_C, tol: 1e-10, maxIter: 200, memory: 10 });
    expect(reference.nIter).toBeGreaterThan(10);
  });

  it('is bit-identical past convergence, at the rounding floor where correction pairs are rejected (tol 0)', async () => {
    const { X, target } = problem(4, 60, 40, 3);
    const { reference } = await expectSameFit(X, target, 3, { C: 1, tol: 0, maxIter: 150, memory: 10 });
    expect(reference.nIter).toBe(150);
    expect(reference.rejected).toBeGreaterThan(0);
  });

  it('fits the same twice on one instance (no state carried between fits)', async () => {
    const { X, target } = problem(4, 60, 40, 3);
    const clf = new LogisticRegression({ C: 1, tol: 1e-10, maxIter: 200 });
    await clf.fit(X, Array.from(target));
    const first = { coef: Array.from(clf.coef!.data), intercept: Array.from(clf.intercept!), nIter: clf.nIter };
    await clf.fit(X, Array.from(target));
    expect({ coef: Array.from(clf.coef!.data), intercept: Array.from(clf.intercept!), nIter: clf.nIter }).toEqual(first);
  });

  it('StandardScaler fits and transforms float32 features to the same bits as their float64 widening', () => {
    const { features } = float32Features(5, 30, 50, 3);
    const widened = matrix(features.rows, features.cols, features.data);
    const direct = new StandardScaler().fit(features);
    const viaWidened = new StandardScaler().fit(widened);
    expect(Array.from(direct.mean!)).toEqual(Array.from(viaWidened.mean!));
    expect(Array.from(direct.scale!)).toEqual(Array.from(viaWidened.scale!));
    expect(Array.from(direct.transform(features).data)).toEqual(Array.from(viaWidened.transform(widened).data));
  });

  it("the readout path on float32 features gives the textbook fit's probabilities on the widened, standardised features (60 × 500, 4 classes, native products)", async () => {
    const k = 4;
    const fitting = float32Features(11, 60, 500, k);
    const test = float32Features(12, 20, 500, k).features;
    const options = { C: BRAINSCORE_READOUT_C, tol: BRAINSCORE_READOUT_TOL, maxIter: 1000, memory: 10 };
    // The readout as it runs: the scaler reads float32, LogisticRegression fits its float64 output.
    const scaler = new StandardScaler().fit(fitting.features);
    const clf = await new LogisticRegression(options).fit(scaler.transform(fitting.features), fitting.labels);
    const actual = Array.from((await clf.predictProba(scaler.transform(test))).data);
    // The straightforward path: widen, standardise, textbook L-BFGS with fresh arrays everywhere.
    const widened = matrix(60, 500, fitting.features.data);
    const reference = new StandardScaler().fit(widened);
    const ref = await referenceFit(reference.transform(widened), Int32Array.from(fitting.labels), k, options);
    const expected = await probabilities(reference.transform(matrix(20, 500, test.data)), ref.coef, ref.intercept, k);
    expect(ref.nIter).toBeGreaterThan(10);
    expect(clf.nIter).toBe(ref.nIter);
    for (let t = 0; t < expected.length; t++) expect(Math.abs(actual[t]! - expected[t]!)).toBeLessThanOrEqual(1e-9 + 1e-9 * Math.abs(expected[t]!));
  });
});
