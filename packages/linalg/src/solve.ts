/**
 * Small dense solves: LU inverse, SVD pseudo-inverse and Cholesky solve.
 *
 * These serve the regression estimators, whose systems are small (PLS: k × k with k ≤ a few dozen;
 * ridge: min(n_samples, n_features) square), so they are plain row-major loops without blocking.
 */
import { matrix, transpose } from './matrix.ts';
import type { Matrix } from './matrix.ts';

/** float64 machine epsilon, 2⁻⁵² (numpy's `np.finfo(np.float64).eps`). */
const EPS = Number.EPSILON;

/**
 * Upper bound on one-sided Jacobi sweeps. Convergence is quadratic once the columns are nearly
 * orthogonal, so well-scaled inputs finish in under a dozen sweeps; hitting this bound means the
 * input holds values (huge or subnormal) the rotations cannot resolve.
 */
const MAX_JACOBI_SWEEPS = 80;

/**
 * Two columns count as orthogonal once |cos θ| ≤ rows·eps: the computed inner product of
 * orthogonal length-`rows` vectors carries rounding of about that size, so a tighter test could
 * keep rotating on noise (LAPACK `dgesvj` uses a threshold of the same kind).
 */
const JACOBI_ORTHOGONALITY_PER_ROW = EPS;

/**
 * Relative tolerance of the symmetry check in {@link solveSymmetricPositiveDefinite}: entries mirrored
 * across the diagonal may differ by this fraction of the largest |entry| (Gram matrices built in a
 * different summation order are symmetric only up to rounding).
 */
const SYMMETRY_RTOL = 1e-12;

function assertSquare(m: Matrix, fn: string, arg: string): void {
  if (m.rows !== m.cols) throw new RangeError(`${fn}: ${arg} must be square, got ${m.rows}×${m.cols}`);
}

/**
 * The inverse of a square matrix by LU factorisation with partial pivoting, solved against the
 * identity (LAPACK `gesv`, as `numpy.linalg.inv`). Like numpy it refuses only an exactly zero pivot; a nearly
 * singular input gives a large, inaccurate inverse.
 *
 * @throws RangeError when `m` is not square or is singular.
 * @example
 * inverse(matrix(2, 2, [4, 7, 2, 6])).data; // ≈ [0.6, -0.7, -0.2, 0.4]
 */
export function inverse(m: Matrix): Matrix {
  assertSquare(m, 'inverse', 'm');
  const n = m.rows;
  const lu = Float64Array.from(m.data);
  const inv = matrix(n, n);
  const X = inv.data;
  // Row i of P·I: the pivoting permutation is applied to the identity as the factorisation proceeds.
  const perm = new Int32Array(n);
  for (let i = 0; i < n; i++) perm[i] = i;

  for (let k = 0; k < n; k++) {
    let piv = k;
    let best = Math.abs(lu[k * n + k]);
    for (let i = k + 1; i < n; i++) {
      const v = Math.abs(lu[i * n + k]);
      if (v > best) {
        best = v;
        piv = i;
      }
    }
    if (best === 0 || Number.isNaN(best)) {
      throw new RangeError(`inverse: m is singular (zero pivot in column ${k})`);
    }
    if (piv !== k) {
      for (let j = 0; j < n; j++) {
        const t = lu[k * n + j];
        lu[k * n + j] = lu[piv * n + j];
        lu[piv * n + j] = t;
      }
      const t = perm[k];
      perm[k] = perm[piv];
      perm[piv] = t;
    }
    const d = lu[k * n + k];
    for (let i = k + 1; i < n; i++) {
      const f = (lu[i * n + k] /= d);
      if (f === 0) continue;
      for (let j = k + 1; j < n; j++) lu[i * n + j] -= f * lu[k * n + j];
    }
  }

  for (let i = 0; i < n; i++) X[i * n + perm[i]] = 1;
  // Forward substitution with the unit lower factor, then back substitution with the upper one,
  // both as row operations on all n right-hand sides at once.
  for (let i = 1; i < n; i++) {
    for (let k = 0; k < i; k++) {
      const f = lu[i * n + k];
      if (f === 0) continue;
      for (let j = 0; j < n; j++) X[i * n + j] -= f * X[k * n + j];
    }
  }
  for (let i = n - 1; i >= 0; i--) {
    for (let k = i + 1; k < n; k++) {
      const f = lu[i * n + k];
      if (f === 0) continue;
      for (let j = 0; j < n; j++) X[i * n + j] -= f * X[k * n + j];
    }
    const d = lu[i * n + i];
    for (let j = 0; j < n; j++) X[i * n + j] /= d;
  }
  return inv;
}

/**
 * Thin SVD of a tall matrix (`rows ≥ cols`) by one-sided Jacobi rotations (Hestenes 1958; Demmel &
 * Veselić 1992, which also shows it is at least as accurate as bidiagonalisation). Returns the
 * orthogonalised columns `uS[j] = s_j·u_j` and `v[j]` (both stored one vector per row), so that
 * `a = Σ_j uS[j] ⊗ v[j]`; singular values are the row norms of `uS`, unsorted.
 */
function jacobiSvdTall(a: Matrix): { uS: Float64Array; v: Float64Array } {
  const m = a.rows;
  const n = a.cols;
  // Columns of `a` as contiguous rows so each rotation touches two contiguous vectors.
  const uS = transpose(a).data;
  const v = new Float64Array(n * n);
  for (let j = 0; j < n; j++) v[j * n + j] = 1;
  const orthogonalityTol = JACOBI_ORTHOGONALITY_PER_ROW * m;

  for (let sweep = 0; sweep < MAX_JACOBI_SWEEPS; sweep++) {
    let rotated = false;
    for (let p = 0; p < n - 1; p++) {
      const pOff = p * m;
      for (let q = p + 1; q < n; q++) {
        const qOff = q * m;
        let alpha = 0;
        let beta = 0;
        let gamma = 0;
        for (let i = 0; i < m; i++) {
          const x = uS[pOff + i];
          const y = uS[qOff + i];
          alpha += x * x;
          beta += y * y;
          gamma += x * y;
        }
        if (gamma === 0 || Math.abs(gamma) <= orthogonalityTol * Math.sqrt(alpha * beta)) continue;
        rotated = true;
        const zeta = (beta - alpha) / (2 * gamma);
        const t = (zeta >= 0 ? 1 : -1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const c = 1 / Math.sqrt(1 + t * t);
        const s = c * t;
        rotate(uS, pOff, qOff, m, c, s);
        rotate(v, p * n, q * n, n, c, s);
      }
    }
    if (!rotated) return { uS, v };
  }
  throw new RangeError(`pinv: Jacobi SVD did not converge in ${MAX_JACOBI_SWEEPS} sweeps (non-finite or extreme values?)`);
}

/**
 * The Moore–Penrose pseudo-inverse, reproducing `scipy.linalg.pinv` (scipy ≥ 1.7 defaults): singular
 * values `s_j ≤ max(rows, cols)·eps·max(s)` are treated as zero and the rest inverted,
 * `pinv(a) = V · diag(1/s) · Uᵀ`. The SVD is a one-sided Jacobi SVD instead of LAPACK `gesdd`; for
 * the small matrices this module is for, it is as accurate, so full-rank results agree to rounding
 * and rank-deficient ones (e.g. zero rows and columns) get the same rank decision unless a singular
 * value lies within rounding of the cutoff. A tall input is decomposed directly; a wide one through
 * its transpose, `pinv(a) = pinv(aᵀ)ᵀ`.
 *
 * @throws RangeError when `m` has non-finite values.
 * @example
 * pinv(matrix(2, 2, [1, 0, 0, 0])).data; // Float64Array [1, 0, 0, 0]
 */
export function pinv(m: Matrix): Matrix {
  for (let i = 0; i < m.data.length; i++) {
    if (!Number.isFinite(m.data[i])) throw new RangeError(`pinv: m has a non-finite value at flat index ${i}`);
  }
  if (m.rows < m.cols) return transpose(pinv(transpose(m)));
  const rows = m.rows;
  const cols = m.cols;
  const { uS, v } = jacobiSvdTall(m);
  const s = new Float64Array(cols);
  let sMax = 0;
  for (let j = 0; j < cols; j++) {
    let ss = 0;
    for (let i = 0; i < rows; i++) ss += uS[j * rows + i] * uS[j * rows + i];
    s[j] = Math.sqrt(ss);
    if (s[j] > sMax) sMax = s[j];
  }
  const cutoff = Math.max(rows, cols) * EPS * sMax;
  // pinv = Σ_j v_j ⊗ u_j / s_j, with u_j = uS_j / s_j, so each kept term is v_j ⊗ uS_j / s_j².
  const out = matrix(cols, rows);
  const P = out.data;
  for (let j = 0; j < cols; j++) {
    if (!(s[j] > cutoff)) continue;
    const s2 = s[j] * s[j];
    for (let a = 0; a < cols; a++) {
      const f = v[j * cols + a] / s2;
      if (f === 0) continue;
      const off = a * rows;
      for (let b = 0; b < rows; b++) P[off + b] += f * uS[j * rows + b];
    }
  }
  return out;
}

/**
 * Solves `A · X = B` for symmetric positive definite `A` by Cholesky factorisation `A = L·Lᵀ`
 * (LAPACK `potrf` + `potrs`, as `scipy.linalg.solve(A, B, assume_a='pos')`). Only the lower
 * triangle is used in the factorisation, after checking that `A` is symmetric to rounding.
 *
 * @throws RangeError when `A` is not square, not symmetric, not positive definite, or when `B`'s
 *   row count differs from `A`'s order.
 * @example
 * solveSymmetricPositiveDefinite(matrix(2, 2, [4, 2, 2, 3]), matrix(2, 1, [2, 1])).data; // ≈ [0.5, 0]
 */
export function solveSymmetricPositiveDefinite(A: Matrix, B: Matrix): Matrix {
  assertSquare(A, 'solveSymmetricPositiveDefinite', 'A');
  const n = A.rows;
  if (B.rows !== n) {
    throw new RangeError(`solveSymmetricPositiveDefinite: B has ${B.rows} rows, expected ${n} (the order of A)`);
  }
  const a = A.data;
  let maxAbs = 0;
  for (let i = 0; i < a.length; i++) maxAbs = Math.max(maxAbs, Math.abs(a[i]));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i; j++) {
      if (!(Math.abs(a[i * n + j] - a[j * n + i]) <= SYMMETRY_RTOL * maxAbs)) {
        throw new RangeError(
          `solveSymmetricPositiveDefinite: A is not symmetric (A[${i}][${j}] = ${a[i * n + j]}, A[${j}][${i}] = ${a[j * n + i]})`,
        );
      }
    }
  }

  const L = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const iOff = i * n;
    for (let j = 0; j <= i; j++) {
      const jOff = j * n;
      let s = a[iOff + j];
      for (let k = 0; k < j; k++) s -= L[iOff + k] * L[jOff + k];
      if (i === j) {
        if (!(s > 0)) {
          throw new RangeError(
            `solveSymmetricPositiveDefinite: A is not positive definite (pivot ${i} is ${s})`,
          );
        }
        L[iOff + i] = Math.sqrt(s);
      } else {
        L[iOff + j] = s / L[jOff + j];
      }
    }
  }

  const q = B.cols;
  const X = Float64Array.from(B.data);
  // L·Z = B, then Lᵀ·X = Z, as row operations on all right-hand sides at once.
  for (let i = 0; i < n; i++) {
    const xi = i * q;
    for (let k = 0; k < i; k++) {
      const f = L[i * n + k];
      const xk = k * q;
      for (let j = 0; j < q; j++) X[xi + j] -= f * X[xk + j];
    }
    const d = L[i * n + i];
    for (let j = 0; j < q; j++) X[xi + j] /= d;
  }
  for (let i = n - 1; i >= 0; i--) {
    const xi = i * q;
    for (let k = i + 1; k < n; k++) {
      const f = L[k * n + i];
      const xk = k * q;
      for (let j = 0; j < q; j++) X[xi + j] -= f * X[xk + j];
    }
    const d = L[i * n + i];
    for (let j = 0; j < q; j++) X[xi + j] /= d;
  }
  return matrix(n, q, X);
}

/** Applies the plane rotation [c −s; s c] to the length-`len` vectors at offsets `p` and `q` of `a`. */
function rotate(a: Float64Array, p: number, q: number, len: number, c: number, s: number): void {
  for (let i = 0; i < len; i++) {
    const x = a[p + i];
    const y = a[q + i];
    a[p + i] = c * x - s * y;
    a[q + i] = s * x + c * y;
  }
}
