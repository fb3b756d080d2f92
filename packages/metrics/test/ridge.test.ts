import { describe, expect, it } from 'vitest';
import { columnMeans, fromRows, matmulSync, matrix, pinv } from '@vvs/linalg';
import type { Matrix } from '@vvs/linalg';
import { expectAllClose } from '@vvs/test-utils';
import { Ridge } from '../src/regression/ridge.ts';
import { centerColumns } from '../src/regression/types.ts';

/** mulberry32: a tiny seeded 32-bit generator, uniform in [0, 1). */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A rows × cols matrix of uniform values in [offset − 1, offset + 1) (off-centre, so the intercept matters). */
function randomMatrix(rows: number, cols: number, next: () => number, offset = 0): Matrix {
  const m = matrix(rows, cols);
  for (let i = 0; i < m.data.length; i++) m.data[i] = offset + 2 * next() - 1;
  return m;
}

/** Targets with a linear signal plus noise: Y = X·B + 0.1·noise + 3. */
function targets(X: Matrix, q: number, next: () => number): Matrix {
  const Y = matmulSync(X, randomMatrix(X.cols, q, next));
  for (let i = 0; i < Y.data.length; i++) Y.data[i] += 0.1 * (2 * next() - 1) + 3;
  return Y;
}

function maxAbs(values: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < values.length; i++) m = Math.max(m, Math.abs(values[i]));
  return m;
}

const next = mulberry32(20240611);
const problems = {
  wide: { X: randomMatrix(30, 80, next, 0.5) },
  tall: { X: randomMatrix(80, 10, next, -2) },
};
const Ywide = targets(problems.wide.X, 3, next);
const Ytall = targets(problems.tall.X, 3, next);
const cases: [string, Matrix, Matrix, 'primal' | 'dual'][] = [
  ['wide (30×80)', problems.wide.X, Ywide, 'dual'],
  ['tall (80×10)', problems.tall.X, Ytall, 'primal'],
];

describe.each(cases)('Ridge on a %s problem', (_name, X, Y, autoSolver) => {
  const alpha = 0.7;
  const primal = new Ridge({ alpha, solver: 'primal' }).fit(X, Y);
  const dual = new Ridge({ alpha, solver: 'dual' }).fit(X, Y);

  it(`chooses the ${autoSolver} solve by default, as scikit-learn's cholesky solver does`, () => {
    const auto = new Ridge({ alpha }).fit(X, Y);
    expect(auto.solverUsed).toBe(autoSolver);
    expect(primal.solverUsed).toBe('primal');
    expect(dual.solverUsed).toBe('dual');
  });

  it('gives the same coefficients from the primal and the dual solve', () => {
    expectAllClose(dual.coef.data, primal.coef.data, { rtol: 1e-10, atol: 1e-12 * maxAbs(primal.coef.data) }, 'coef');
    expectAllClose(dual.intercept, primal.intercept, { rtol: 1e-10 }, 'intercept');
  });

  it('satisfies the normal equations Xcᵀ(Yc − Xc·W) = α·W', () => {
    const Xc = centerColumns(X, columnMeans(X));
    const Yc = centerColumns(Y, columnMeans(Y));
    for (const model of [primal, dual]) {
      const residual = matmulSync(Xc, model.coef);
      for (let i = 0; i < residual.data.length; i++) residual.data[i] = Yc.data[i] - residual.data[i];
      const lhs = matmulSync(Xc, residual, { transA: true });
      const rhs = Array.from(model.coef.data, (w) => alpha * w);
      const scale = maxAbs(matmulSync(Xc, Yc, { transA: true }).data);
      expectAllClose(lhs.data, rhs, { atol: 1e-12 * scale }, `${model.solverUsed} normal equations`);
    }
  });

  it('has an unpenalised intercept: ȳ − x̄·coef, and zero mean training residual', () => {
    const xMean = columnMeans(X);
    const yMean = columnMeans(Y);
    const expected = Array.from(yMean, (m, t) => {
      let s = m;
      for (let j = 0; j < X.cols; j++) s -= xMean[j] * primal.coef.data[j * Y.cols + t];
      return s;
    });
    expectAllClose(primal.intercept, expected, { rtol: 1e-14, atol: 1e-14 }, 'intercept');
    const residualMean = columnMeans(primal.predict(X));
    expectAllClose(residualMean, yMean, { rtol: 1e-12 }, 'mean prediction = ȳ');
  });
});

describe('Ridge limits and hand-checked values', () => {
  it('tends to ordinary least squares as alpha → 0 on a tall full-rank problem', () => {
    // OLS with intercept through the SVD pseudo-inverse of [1 | X]: another algorithm entirely.
    const X = problems.tall.X;
    const design = matrix(X.rows, X.cols + 1);
    for (let i = 0; i < X.rows; i++) {
      design.data[i * (X.cols + 1)] = 1;
      design.data.set(X.data.subarray(i * X.cols, (i + 1) * X.cols), i * (X.cols + 1) + 1);
    }
    const beta = matmulSync(pinv(design), Ytall);
    const ridge = new Ridge({ alpha: 1e-10 }).fit(X, Ytall);
    const q = Ytall.cols;
    expectAllClose(ridge.intercept, beta.data.subarray(0, q), { rtol: 1e-8 }, 'intercept');
    expectAllClose(ridge.coef.data, beta.data.subarray(q), { rtol: 1e-8, atol: 1e-12 * maxAbs(beta.data) }, 'coef');
  });

  it('fits y = x with alpha = 1 on three points by hand: coef 2/3, intercept 1/3', () => {
    // xc = [−1, 0, 1], Σxc² = 2, coef = 2 / (2 + 1), intercept = ȳ − x̄·coef = 1 − 2/3.
    const ridge = new Ridge().fit(fromRows([[0], [1], [2]]), fromRows([[0], [1], [2]]));
    expectAllClose(ridge.coef.data, [2 / 3], { rtol: 1e-15 });
    expectAllClose(ridge.intercept, [1 / 3], { rtol: 1e-15 });
    expectAllClose(ridge.predict(fromRows([[3]])).data, [7 / 3], { rtol: 1e-15 });
  });

  it('solveDual gives the dual coefficients whose Xcᵀ-image is the coefficient matrix', () => {
    const X = problems.wide.X;
    const Xc = centerColumns(X, columnMeans(X));
    const kernel = matmulSync(Xc, Xc, { transB: true });
    const before = Float64Array.from(kernel.data);
    const ridge = new Ridge({ alpha: 0.7 });
    const dualCoef = ridge.solveDual(kernel, centerColumns(Ywide, columnMeans(Ywide)));
    expect(Array.from(kernel.data)).toEqual(Array.from(before));
    const coef = ridge.fit(X, Ywide).coef;
    expectAllClose(matmulSync(Xc, dualCoef, { transA: true }).data, coef.data, { rtol: 1e-10, atol: 1e-12 * maxAbs(coef.data) });
  });

  it('validates alpha, solver and inputs with clear errors', () => {
    for (const alpha of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => new Ridge({ alpha })).toThrow(/alpha/);
    }
    expect(() => new Ridge({ solver: 'svd' as never })).toThrow(/solver/);
    expect(() => new Ridge().fit(matrix(3, 2), matrix(4, 1))).toThrow(/same number of rows/);
    expect(() => new Ridge().fit(fromRows([[1], [Number.NaN]]), fromRows([[1], [2]]))).toThrow(/finite/);
    expect(() => new Ridge().predict(matrix(1, 1))).toThrow(/fit\(\)/);
    expect(() => new Ridge().fit(problems.tall.X, Ytall).predict(matrix(1, 3))).toThrow(/features/);
  });
});
