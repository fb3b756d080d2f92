/**
 * Eigendecomposition of a small symmetric matrix (a stimulus-by-stimulus Gram matrix).
 */
import { matrix, type Matrix } from '@vvs/linalg';

/** Sweeps of the cyclic Jacobi method before giving up: it converges quadratically, in well under 20 sweeps for n ≤ 1000. */
const MAX_JACOBI_SWEEPS = 50;

/** Off-diagonal mass, relative to the whole matrix's, below which the matrix counts as diagonal. */
const JACOBI_TOLERANCE = 1e-22;

/**
 * Eigenvalues (descending) and unit eigenvectors (columns of `vectors`, same order) of a symmetric
 * matrix, by the cyclic Jacobi method with threshold-free rotations (Golub & Van Loan, Matrix
 * Computations, §8.5; numpy's `eigh` returns the same pairs up to each vector's sign, which is
 * fixed here so that each vector's largest-magnitude entry is positive).
 *
 * @throws RangeError when `a` is not square.
 * @example
 * const { values } = symmetricEigen(fromRows([[2, 1], [1, 2]])); // Float64Array [3, 1]
 */
export function symmetricEigen(a: Matrix): { values: Float64Array; vectors: Matrix } {
  const n = a.rows;
  if (a.cols !== n) throw new RangeError(`a: expected a square matrix, got ${a.rows}×${a.cols}`);
  const m = Float64Array.from(a.data);
  const v = matrix(n, n);
  for (let i = 0; i < n; i++) v.data[i * n + i] = 1;
  let total = 0;
  for (let i = 0; i < m.length; i++) total += m[i] * m[i];
  for (let sweep = 0; sweep < MAX_JACOBI_SWEEPS; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += 2 * m[p * n + q] ** 2;
    if (off <= JACOBI_TOLERANCE * total) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = m[p * n + q];
        if (apq === 0) continue;
        // The rotation angle that zeroes a[p, q] (Golub & Van Loan's sym.schur2).
        const theta = (m[q * n + q] - m[p * n + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = m[k * n + p];
          const akq = m[k * n + q];
          m[k * n + p] = c * akp - s * akq;
          m[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = m[p * n + k];
          const aqk = m[q * n + k];
          m[p * n + k] = c * apk - s * aqk;
          m[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v.data[k * n + p];
          const vkq = v.data[k * n + q];
          v.data[k * n + p] = c * vkp - s * vkq;
          v.data[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => m[j * n + j] - m[i * n + i]);
  const values = Float64Array.from(order, (i) => m[i * n + i]);
  const vectors = matrix(n, n);
  order.forEach((from, to) => {
    let largest = 0;
    for (let k = 0; k < n; k++) if (Math.abs(v.data[k * n + from]) > Math.abs(largest)) largest = v.data[k * n + from];
    const sign = largest < 0 ? -1 : 1;
    for (let k = 0; k < n; k++) vectors.data[k * n + to] = sign * v.data[k * n + from];
  });
  return { values, vectors };
}
