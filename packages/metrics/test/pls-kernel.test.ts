import { describe, expect, it } from 'vitest';
import { columnMeans, fromRows, matmulSync, matrix, matvec, toRows, type Matrix } from '@vvs/linalg';
import { expectAllClose, loadFixture, seededValues } from '@vvs/test-utils';
import { KernelPLSRegression, fitKernelPls, kernelPlsProducts, kernelPlsSteps } from '../src/regression/pls-kernel.ts';
import { PLSRegression } from '../src/regression/pls-nipals.ts';
import { centerColumns } from '../src/regression/types.ts';

describe.each(['pls_small', 'pls_wide', 'pls_single'])('KernelPLSRegression on %s', (name) => {
  const c = loadFixture(`reference/metrics/${name}.json`).cases[0];

  it("reproduces sklearn's predictions (1e-8 relative) and iteration counts", () => {
    const pls = new KernelPLSRegression({ nComponents: c.params.n_components }).fit(fromRows(c.inputs.X_train), fromRows(c.inputs.Y_train));
    expect(pls.fitted.nIter).toEqual(c.expected.n_iter);
    expect(pls.fitted.warnings).toEqual([]);
    const scale = Math.max(...(c.expected.predictions as number[][]).flat().map(Math.abs));
    expectAllClose(toRows(pls.predict(fromRows(c.inputs.X_test))), c.expected.predictions, { rtol: 1e-8, atol: 1e-12 * scale }, 'test predictions');
    expectAllClose(toRows(pls.predict(fromRows(c.inputs.X_train))), c.expected.predictions_train, { rtol: 1e-8, atol: 1e-12 * scale }, 'train predictions');
    // Scores equal sklearn's x_scores_ up to each component's sign.
    const T = pls.fitted.xScores;
    const expected = c.expected.x_scores as number[][];
    for (let k = 0; k < T.cols; k++) {
      const sign = Math.sign(T.data[k]) === Math.sign(expected[0][k]) ? 1 : -1;
      for (let i = 0; i < T.rows; i++) expect(sign * T.data[i * T.cols + k]).toBeCloseTo(expected[i][k], 8);
    }
  });
});

const filled = (rows: number, cols: number, seed: number): Matrix => matrix(rows, cols, seededValues(rows * cols, seed));

describe('kernel PLS against the NIPALS port', () => {
  it('masks a constant target column as sklearn does', () => {
    const X = filled(40, 60, 1);
    const Y = matmulSync(X, filled(60, 4, 2));
    for (let i = 0; i < Y.rows; i++) Y.data[i * Y.cols + 2] = 3.5; // a neuroid with zero variance
    const kernel = new KernelPLSRegression({ nComponents: 6 }).fit(X, Y);
    const nipals = new PLSRegression({ nComponents: 6 }).fit(X, Y);
    expect(kernel.fitted.nIter).toEqual(nipals.nIter);
    const Xtest = filled(7, 60, 3);
    expectAllClose(kernel.predict(Xtest).data, nipals.predict(Xtest).data, { rtol: 1e-8, atol: 1e-12 }, 'predictions');
  });

  it('the coroutine driven by hand equals fitKernelPls', () => {
    const X = filled(30, 20, 4);
    const Y = filled(30, 3, 5);
    const xc = centerColumns(X, columnMeans(X));
    const K = matmulSync(xc, xc, { transB: true });
    const direct = fitKernelPls(K, kernelPlsProducts(K, Y), { nComponents: 5 });
    const steps = kernelPlsSteps(kernelPlsProducts(K, Y), { nComponents: 5 });
    let requests = 0;
    let request = steps.next();
    while (!request.done) {
      requests++;
      request = steps.next(matvec(K, request.value));
    }
    expect(requests).toBe(5); // one kernel product per component
    expect(Array.from(request.value.dualCoef.data)).toEqual(Array.from(direct.dualCoef.data));
  });

  it('refuses more components than training samples', () => {
    expect(() => new KernelPLSRegression({ nComponents: 9 }).fit(filled(8, 20, 6), filled(8, 2, 7))).toThrow(/nComponents \(9\) must be ≤ min\(n_samples, n_features\) = 8/);
  });
});
