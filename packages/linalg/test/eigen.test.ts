import { describe, expect, it } from 'vitest';
import { fromRows, matmulSync, matrix, symmetricEigen, transpose } from '../src/index.ts';
import { expectAllClose, seededValues } from '@vvs/test-utils';


describe('symmetricEigen', () => {
  it("matches numpy.linalg.eigh on a 3×3 matrix (descending, largest entry of each vector positive)", () => {
    const { values, vectors } = symmetricEigen(fromRows([[4, 1, 2], [1, 3, 0.5], [2, 0.5, 1]]));
    // np.linalg.eigh, reversed to descending order, signs fixed
    expectAllClose(values, [5.5, 2.5, 0], { atol: 1e-14 }, 'values');
    expectAllClose(
      vectors.data,
      [0.816496580927726, -0.365148371670111, -0.447213595499958, 0.408248290463863, 0.912870929175277, 0, 0.408248290463863, -0.182574185835055, 0.894427190999916],
      { atol: 1e-14 },
      'vectors',
    );
  });

  it('diagonalises a random symmetric matrix: A·V = V·Λ, VᵀV = I, values descending', () => {
    const n = 40;
    const raw = seededValues(n * n, 7);
    const a = matrix(n, n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) a.data[i * n + j] = raw[Math.max(i, j) * n + Math.min(i, j)];
    const { values, vectors } = symmetricEigen(a);
    const av = matmulSync(a, vectors);
    const vl = matrix(n, n, vectors.data);
    for (let i = 0; i < n; i++) for (let k = 0; k < n; k++) vl.data[i * n + k] *= values[k];
    expectAllClose(av.data, vl.data, { atol: 1e-12 }, 'A·V − V·Λ');
    const identity = matrix(n, n);
    for (let i = 0; i < n; i++) identity.data[i * n + i] = 1;
    expectAllClose(matmulSync(transpose(vectors), vectors).data, identity.data, { atol: 1e-12 }, 'VᵀV');
    for (let k = 1; k < n; k++) expect(values[k]).toBeLessThanOrEqual(values[k - 1]);
  });

  it('rejects a non-square matrix', () => {
    expect(() => symmetricEigen(matrix(2, 3))).toThrow('a: expected a square matrix, got 2×3');
  });
});
