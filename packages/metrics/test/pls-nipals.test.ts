import { describe, expect, it } from 'vitest';
import { fromRows, matmulSync, matrix } from '@vvs/linalg';
import type { Matrix } from '@vvs/linalg';
import { expectAllClose, loadFixture } from '@vvs/test-utils';
import type { Nested } from '@vvs/test-utils';
import { MAX_ITER_WARNING, PLSRegression } from '../src/regression/pls-nipals.ts';

interface PlsCase {
  name: string;
  params: { n_components: number; max_iter: number; tol: number };
  inputs: { X_train: number[][]; Y_train: number[][]; X_test: number[][] };
  expected: {
    predictions: number[][];
    predictions_train: number[][];
    n_iter: number[];
    warnings: string[];
    x_mean: number[];
    y_mean: number[];
    x_weights: number[][];
    y_weights: number[][];
    x_loadings: number[][];
    y_loadings: number[][];
    x_rotations: number[][];
    x_scores: number[][];
    coef: number[][];
    intercept: number[];
  };
}

/** Acceptance tolerance: scikit-learn's values within 1e-8 relative (fixture README, section B). */
const RTOL = 1e-8;
/**
 * Absolute floor, as a fraction of the array's largest |value|, only so that entries near zero
 * (where a relative bound is meaningless) are compared at 1e-12 of the array's scale.
 */
const ATOL_FRACTION = 1e-12;

function maxAbs(x: Nested): number {
  if (x === null) return 0;
  if (typeof x === 'number') return Math.abs(x);
  let m = 0;
  for (const v of x) m = Math.max(m, maxAbs(v));
  return m;
}

/** Compares at rtol 1e-8 with an atol of 1e-12 × the expected array's scale. */
function expectMatchesSklearn(actual: Matrix | Float64Array, expected: Nested, label: string): void {
  const values = actual instanceof Float64Array ? actual : actual.data;
  expectAllClose(values, expected, { rtol: RTOL, atol: ATOL_FRACTION * maxAbs(expected) }, label);
}

describe.each(['pls_small', 'pls_wide', 'pls_single'])('PLSRegression vs scikit-learn 1.2.1 (%s)', (fixture) => {
  const c = loadFixture<{ cases: PlsCase[] }>(`reference/metrics/${fixture}.json`).cases[0];
  const Xtrain = fromRows(c.inputs.X_train);
  const Ytrain = fromRows(c.inputs.Y_train);
  const Xtest = fromRows(c.inputs.X_test);
  const pls = new PLSRegression({ nComponents: c.params.n_components, maxIter: c.params.max_iter, tol: c.params.tol });
  pls.fit(Xtrain, Ytrain);
  const e = c.expected;

  it('predicts test and training rows as scikit-learn does', () => {
    const pred = pls.predict(Xtest);
    expect([pred.rows, pred.cols]).toEqual([Xtest.rows, Ytrain.cols]);
    expectMatchesSklearn(pred, e.predictions, 'predictions');
    expectMatchesSklearn(pls.predict(Xtrain), e.predictions_train, 'predictions_train');
  });

  it('takes the same number of power-method iterations per component, without warnings', () => {
    expect(pls.nIter).toEqual(e.n_iter);
    expect(pls.warnings).toEqual(e.warnings);
  });

  it('matches every fitted attribute', () => {
    expectMatchesSklearn(pls.xMean, e.x_mean, 'x_mean');
    expectMatchesSklearn(pls.yMean, e.y_mean, 'y_mean');
    expectMatchesSklearn(pls.xWeights, e.x_weights, 'x_weights');
    expectMatchesSklearn(pls.yWeights, e.y_weights, 'y_weights');
    expectMatchesSklearn(pls.xLoadings, e.x_loadings, 'x_loadings');
    expectMatchesSklearn(pls.yLoadings, e.y_loadings, 'y_loadings');
    expectMatchesSklearn(pls.xRotations, e.x_rotations, 'x_rotations');
    expectMatchesSklearn(pls.xScores, e.x_scores, 'x_scores');
    expectMatchesSklearn(pls.coef, e.coef, 'coef');
    expectMatchesSklearn(pls.intercept, e.intercept, 'intercept');
    expect([pls.coef.rows, pls.coef.cols]).toEqual([Xtrain.cols, Ytrain.cols]);
  });

  it('has rotations that map the centred training X to its scores (transform = fit scores)', () => {
    const centred = matrix(Xtrain.rows, Xtrain.cols);
    for (let i = 0; i < Xtrain.rows; i++) {
      for (let j = 0; j < Xtrain.cols; j++) {
        centred.data[i * Xtrain.cols + j] = Xtrain.data[i * Xtrain.cols + j] - pls.xMean[j];
      }
    }
    expectMatchesSklearn(matmulSync(centred, pls.xRotations), e.x_scores, 'X·x_rotations');
  });
});

describe('PLSRegression edge cases', () => {
  const small = loadFixture<{ cases: PlsCase[] }>('reference/metrics/pls_small.json').cases[0];
  const X = fromRows(small.inputs.X_train);
  const Y = fromRows(small.inputs.Y_train);

  it('warns as scikit-learn when the power method hits maxIter', () => {
    const pls = new PLSRegression({ nComponents: 2, maxIter: 1 }).fit(X, Y);
    expect(pls.nIter).toEqual([1, 1]);
    expect(pls.warnings).toEqual([MAX_ITER_WARNING]);
  });

  it('stops adding components once the Y residual is constant, with scikit-learn\'s warning', () => {
    // Y is exactly the first X column's centred values doubled, and X has rank 1 after centring,
    // so the first component explains Y to rounding and component 1 finds nothing left.
    const t = [-1.5, -0.5, 0.5, 1.5];
    const Xr = fromRows(t.map((v) => [v + 10, 7]));
    const Yr = fromRows(t.map((v) => [2 * v + 3]));
    const pls = new PLSRegression({ nComponents: 2 }).fit(Xr, Yr);
    expect(pls.warnings).toEqual(['Y residual is constant at iteration 1']);
    expect(pls.nIter).toEqual([1]);
    // The unfitted component stays zero and pinv gives it a zero rotation.
    expect([pls.xWeights.data[1], pls.xWeights.data[3], pls.xRotations.data[1], pls.xRotations.data[3]]).toEqual([0, 0, 0, 0]);
    expectAllClose(pls.predict(Xr).data, Yr.data, { rtol: 1e-14, atol: 1e-14 }, 'predictions');
    expectAllClose(pls.coef.data, [2, 0], { atol: 1e-14 }, 'coef');
  });

  it('validates its options and inputs with clear errors', () => {
    expect(() => new PLSRegression({ nComponents: 0 })).toThrow(/nComponents/);
    expect(() => new PLSRegression({ nComponents: 2.5 })).toThrow(/nComponents/);
    expect(() => new PLSRegression({ maxIter: 0 })).toThrow(/maxIter/);
    expect(() => new PLSRegression({ tol: -1 })).toThrow(/tol/);
    expect(() => new PLSRegression({ nComponents: 41 }).fit(X, Y)).toThrow(/min\(n_samples, n_features\)/);
    expect(() => new PLSRegression({ nComponents: 3 }).fit(fromRows([[1, 2, 3, 4]]), fromRows([[1]]))).toThrow(
      /at least 2 samples/,
    );
    expect(() => new PLSRegression().fit(X, fromRows(small.inputs.Y_train.slice(1)))).toThrow(/same number of rows/);
    const bad = matrix(X.rows, X.cols, X.data);
    bad.data[5] = Number.NaN;
    expect(() => new PLSRegression().fit(bad, Y)).toThrow(/finite/);
    expect(() => new PLSRegression().predict(X)).toThrow(/fit\(\)/);
    const fitted = new PLSRegression().fit(X, Y);
    expect(() => fitted.predict(matrix(2, X.cols - 1))).toThrow(/features/);
    expect(() => fitted.xWeights).not.toThrow();
  });
});
