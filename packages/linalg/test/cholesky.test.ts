import { describe, expect, it } from 'vitest';
import { expectAllClose, seededValues } from '@vvs/test-utils';
import { choleskySolve, matmulSync, matrix, solveSymmetricPositiveDefinite, type Matrix } from '../src/index.ts';

/** A well-conditioned SPD matrix: Gᵀ·G/p + I for a seeded G. */
function spd(n: number, seed: number): Matrix {
  const g = matrix(2 * n, n, seededValues(2 * n * n, seed));
  const a = matmulSync(g, g, { transA: true });
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) a.data[i * n + j] = a.data[i * n + j] / (2 * n) + (i === j ? 1 : 0);
  return a;
}

describe('choleskySolve', () => {
  it.each([
    [1, 3],
    [7, 2],
    [192, 5], // exactly one block
    [500, 4], // three blocks, the last partial; trailing updates in two panels
  ])('solves an SPD system of order %i with %i right-hand sides like the unblocked Cholesky', async (n, q) => {
    const a = spd(n, n);
    const b = matrix(n, q, seededValues(n * q, 7 * n));
    const reference = solveSymmetricPositiveDefinite(a, b);
    const x = await choleskySolve(matrix(n, n, a.data), b);
    expectAllClose(x.data, reference.data, { rtol: 1e-10, atol: 1e-12 }, `order ${n}`);
    // and the residual A·X − B is tiny
    expectAllClose(matmulSync(a, x).data, b.data, { atol: 1e-10 }, 'residual');
  });

  it('the documented 2×2 example', async () => {
    expect(Array.from((await choleskySolve(matrix(2, 2, [4, 2, 2, 3]), matrix(2, 1, [2, 1]))).data)).toEqual([0.5, 0]);
  });

  it('names the pivot of a matrix that is not positive definite', async () => {
    await expect(choleskySolve(matrix(2, 2, [1, 2, 2, 1]), matrix(2, 1, [1, 1]))).rejects.toThrow(/not positive definite \(pivot 1 is -3\)/);
    await expect(choleskySolve(matrix(2, 3), matrix(2, 1))).rejects.toThrow(/must be square/);
  });
});
