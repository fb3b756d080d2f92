/**
 * Eigendecomposition of a small symmetric matrix (e.g. a stimulus-by-stimulus Gram matrix, whose
 * eigenvectors are the principal components of the stimuli).
 */
import { matrix, type Matrix } from './matrix.ts';

/** Machine epsilon of doubles: the QL iteration stops when a sub-diagonal entry is this small relative to its neighbours. */
const EPSILON = 2 ** -52;

/**
 * Eigenvalues (descending) and unit eigenvectors (the columns of `vectors`, same order) of a
 * symmetric matrix: Householder reduction to tridiagonal form followed by the implicit QL method
 * (EISPACK's `tred2` and `tql2`, as ported in JAMA's `EigenvalueDecomposition`; Wilkinson & Reinsch,
 * Handbook for Automatic Computation II, 1971). numpy's `eigh` returns the same pairs up to each
 * vector's sign, which is fixed here so that each vector's largest-magnitude entry is positive.
 * Only the lower triangle of `a` is read.
 *
 * @throws RangeError when `a` is not square.
 * @example
 * const { values, vectors } = symmetricEigen(fromRows([[2, 1], [1, 2]]));
 * values; // Float64Array [3, 1]
 * vectors.data; // [√½, √½, √½, −√½] (row-major): columns (√½, √½) and (√½, −√½)
 */
export function symmetricEigen(a: Matrix): { values: Float64Array; vectors: Matrix } {
  const n = a.rows;
  if (a.cols !== n) throw new RangeError(`a: expected a square matrix, got ${a.rows}×${a.cols}`);
  // V holds the rows of the matrix as JAMA's V[i][j]; d and e the diagonal and sub-diagonal.
  const V = Array.from({ length: n }, (_, i) => Float64Array.from({ length: n }, (_, j) => a.data[Math.max(i, j) * n + Math.min(i, j)]));
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  if (n > 0) {
    tridiagonalize(V, d, e);
    diagonalize(V, d, e);
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => d[j] - d[i]);
  const values = Float64Array.from(order, (i) => d[i]);
  const vectors = matrix(n, n);
  order.forEach((from, to) => {
    let largest = 0;
    for (let k = 0; k < n; k++) if (Math.abs(V[k][from]) > Math.abs(largest)) largest = V[k][from];
    const sign = largest < 0 ? -1 : 1;
    for (let k = 0; k < n; k++) vectors.data[k * n + to] = sign * V[k][from];
  });
  return { values, vectors };
}

/** Householder reduction of V to tridiagonal form (EISPACK `tred2`): d diagonal, e sub-diagonal, V the accumulated transform. */
function tridiagonalize(V: Float64Array[], d: Float64Array, e: Float64Array): void {
  const n = d.length;
  for (let j = 0; j < n; j++) d[j] = V[n - 1][j];
  for (let i = n - 1; i > 0; i--) {
    // Scale the row to avoid under- and overflow.
    let scale = 0;
    let h = 0;
    for (let k = 0; k < i; k++) scale += Math.abs(d[k]);
    if (scale === 0) {
      e[i] = d[i - 1];
      for (let j = 0; j < i; j++) {
        d[j] = V[i - 1][j];
        V[i][j] = 0;
        V[j][i] = 0;
      }
    } else {
      for (let k = 0; k < i; k++) {
        d[k] /= scale;
        h += d[k] * d[k];
      }
      let f = d[i - 1];
      let g = Math.sqrt(h);
      if (f > 0) g = -g;
      e[i] = scale * g;
      h -= f * g;
      d[i - 1] = f - g;
      for (let j = 0; j < i; j++) e[j] = 0;
      // Apply the similarity transformation to the remaining columns.
      for (let j = 0; j < i; j++) {
        f = d[j];
        V[j][i] = f;
        g = e[j] + V[j][j] * f;
        for (let k = j + 1; k <= i - 1; k++) {
          g += V[k][j] * d[k];
          e[k] += V[k][j] * f;
        }
        e[j] = g;
      }
      f = 0;
      for (let j = 0; j < i; j++) {
        e[j] /= h;
        f += e[j] * d[j];
      }
      const hh = f / (h + h);
      for (let j = 0; j < i; j++) e[j] -= hh * d[j];
      for (let j = 0; j < i; j++) {
        f = d[j];
        g = e[j];
        for (let k = j; k <= i - 1; k++) V[k][j] -= f * e[k] + g * d[k];
        d[j] = V[i - 1][j];
        V[i][j] = 0;
      }
    }
    d[i] = h;
  }
  // Accumulate the transformations.
  for (let i = 0; i < n - 1; i++) {
    V[n - 1][i] = V[i][i];
    V[i][i] = 1;
    const h = d[i + 1];
    if (h !== 0) {
      for (let k = 0; k <= i; k++) d[k] = V[k][i + 1] / h;
      for (let j = 0; j <= i; j++) {
        let g = 0;
        for (let k = 0; k <= i; k++) g += V[k][i + 1] * V[k][j];
        for (let k = 0; k <= i; k++) V[k][j] -= g * d[k];
      }
    }
    for (let k = 0; k <= i; k++) V[k][i + 1] = 0;
  }
  for (let j = 0; j < n; j++) {
    d[j] = V[n - 1][j];
    V[n - 1][j] = 0;
  }
  V[n - 1][n - 1] = 1;
  e[0] = 0;
}

/** Implicit QL iteration on the tridiagonal (d, e) (EISPACK `tql2`), rotating V's columns into the eigenvectors. */
function diagonalize(V: Float64Array[], d: Float64Array, e: Float64Array): void {
  const n = d.length;
  for (let i = 1; i < n; i++) e[i - 1] = e[i];
  e[n - 1] = 0;
  let f = 0;
  let tst1 = 0;
  for (let l = 0; l < n; l++) {
    // Find a negligible sub-diagonal element.
    tst1 = Math.max(tst1, Math.abs(d[l]) + Math.abs(e[l]));
    let m = l;
    while (m < n && Math.abs(e[m]) > EPSILON * tst1) m++;
    // m === l: d[l] is already an eigenvalue; otherwise iterate.
    if (m > l) {
      do {
        // The implicit (Wilkinson) shift.
        let g = d[l];
        let p = (d[l + 1] - g) / (2 * e[l]);
        let r = Math.hypot(p, 1);
        if (p < 0) r = -r;
        d[l] = e[l] / (p + r);
        d[l + 1] = e[l] * (p + r);
        const dl1 = d[l + 1];
        let h = g - d[l];
        for (let i = l + 2; i < n; i++) d[i] -= h;
        f += h;
        // The QL transformation.
        p = d[m];
        let c = 1;
        let c2 = c;
        let c3 = c;
        const el1 = e[l + 1];
        let s = 0;
        let s2 = 0;
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * e[i];
          h = c * p;
          r = Math.hypot(p, e[i]);
          e[i + 1] = s * r;
          s = e[i] / r;
          c = p / r;
          p = c * d[i] - s * g;
          d[i + 1] = h + s * (c * g + s * d[i]);
          for (let k = 0; k < n; k++) {
            const row = V[k];
            h = row[i + 1];
            row[i + 1] = s * row[i] + c * h;
            row[i] = c * row[i] - s * h;
          }
        }
        p = (-s * s2 * c3 * el1 * e[l]) / dl1;
        e[l] = s * p;
        d[l] = c * p;
      } while (Math.abs(e[l]) > EPSILON * tst1);
    }
    d[l] += f;
    e[l] = 0;
  }
}
