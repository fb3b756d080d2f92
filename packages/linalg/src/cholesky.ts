/**
 * Blocked Cholesky factorisation and solve, with the O(n³) work on the native GEMM.
 *
 * Why: ridge regression in dual form solves `(K + αI)·X = Y` for an n×n kernel of ~3000 training
 * stimuli in every cross-validation split. An unblocked JavaScript Cholesky spends ~10 s on that
 * (n³/3 multiply–adds at under 1 GFLOP/s); the right-looking blocked algorithm (Golub & Van Loan,
 * "Matrix Computations", 4th ed., Alg. 4.2.10) puts all but O(n²·b) of the work into matrix
 * products, which onnxruntime's MLAS runs two orders of magnitude faster.
 */
import { matrix, type Matrix } from './matrix.ts';
import { runGemm } from './onnx-kernels.ts';

/** Columns per diagonal block: the unblocked work (n·b² per step) stays small next to the GEMMs. */
const BLOCK = 192;

/**
 * Rows per native trailing-update product, as in `centeredGram`: onnxruntime's output-sized
 * temporaries stay a few MiB.
 */
const PANEL_ROWS = 512;

/**
 * Solves `A·X = B` for a symmetric positive-definite `A` (n×n) and `B` (n×q) by a blocked Cholesky
 * factorisation `A = L·Lᵀ` and two blocked triangular solves.
 *
 * `A` is overwritten with `L` (lower triangle; the strict upper triangle is left as it was), so a
 * caller that reuses a scratch buffer pays no copy; pass a copy to keep `A`.
 *
 * @throws RangeError when `A` is not square, `B` has the wrong number of rows, or `A` is not
 *   positive definite (a pivot ≤ 0, naming it).
 * @example
 * const X = await choleskySolve(matrix(2, 2, [4, 2, 2, 3]), matrix(2, 1, [2, 1])); // [[0.5], [0]]
 */
export async function choleskySolve(A: Matrix, B: Matrix): Promise<Matrix> {
  const n = A.rows;
  if (A.cols !== n) throw new RangeError(`choleskySolve: A must be square, got ${A.rows}×${A.cols}`);
  if (B.rows !== n) throw new RangeError(`choleskySolve: B has ${B.rows} rows, expected ${n} (the order of A)`);
  const inverses = await factorInPlace(A);
  const X = matrix(B.rows, B.cols, B.data);
  await forwardSubstitute(A, inverses, X);
  await backSubstitute(A, inverses, X);
  return X;
}

/**
 * Right-looking blocked Cholesky: A ← L (lower triangle). Returns the inverse of each diagonal
 * block of L (b×b, row-major), which turn the triangular solves into matrix products.
 */
async function factorInPlace(A: Matrix): Promise<Float64Array[]> {
  const n = A.rows;
  const a = A.data;
  const inverses: Float64Array[] = [];
  for (let k0 = 0; k0 < n; k0 += BLOCK) {
    const b = Math.min(BLOCK, n - k0);
    const k1 = k0 + b;
    const m = n - k1;
    // 1. The diagonal block, unblocked (its trailing updates from earlier blocks are already in).
    for (let i = k0; i < k1; i++) {
      for (let j = k0; j <= i; j++) {
        let s = a[i * n + j];
        for (let k = k0; k < j; k++) s -= a[i * n + k] * a[j * n + k];
        if (i === j) {
          if (!(s > 0)) throw new RangeError(`choleskySolve: A is not positive definite (pivot ${i} is ${s})`);
          a[i * n + i] = Math.sqrt(s);
        } else {
          a[i * n + j] = s / a[j * n + j];
        }
      }
    }
    const inverse = lowerInverse(a, n, k0, b);
    inverses.push(inverse);
    if (m === 0) continue;
    // 2. The panel below it: L21 = A21·L11⁻ᵀ.
    const a21 = new Float64Array(m * b);
    for (let r = 0; r < m; r++) a21.set(a.subarray((k1 + r) * n + k0, (k1 + r) * n + k1), r * b);
    const panel = new Float64Array(m * b);
    await runGemm({ data: a21, rows: m, cols: b }, { data: inverse, rows: b, cols: b }, panel, { transB: true });
    for (let r = 0; r < m; r++) a.set(panel.subarray(r * b, (r + 1) * b), (k1 + r) * n + k0);
    // 3. The trailing matrix, lower triangle only: A22 −= L21·L21ᵀ, in row panels on the native GEMM.
    const scratch = new Float64Array(Math.min(PANEL_ROWS, m) * m);
    for (let r0 = 0; r0 < m; r0 += PANEL_ROWS) {
      const rows = Math.min(PANEL_ROWS, m - r0);
      const cols = r0 + rows; // columns 0 … r0 + rows − 1 cover this panel's lower triangle
      const out = scratch.subarray(0, rows * cols);
      await runGemm(
        { data: panel.subarray(r0 * b, (r0 + rows) * b), rows, cols: b },
        { data: panel.subarray(0, cols * b), rows: cols, cols: b },
        out,
        { transB: true },
      );
      for (let r = 0; r < rows; r++) {
        const row = (k1 + r0 + r) * n + k1;
        for (let c = 0; c <= r0 + r; c++) a[row + c] -= out[r * cols + c];
      }
    }
  }
  return inverses;
}

/** The inverse of the lower-triangular diagonal block L[k0 : k0+b, k0 : k0+b], by forward substitution. */
function lowerInverse(a: Float64Array, n: number, k0: number, b: number): Float64Array {
  const inv = new Float64Array(b * b);
  for (let i = 0; i < b; i++) {
    const lii = a[(k0 + i) * n + k0 + i];
    inv[i * b + i] = 1 / lii;
    for (let j = 0; j < i; j++) {
      let s = 0;
      for (let k = j; k < i; k++) s += a[(k0 + i) * n + k0 + k] * inv[k * b + j];
      inv[i * b + j] = -s / lii;
    }
  }
  return inv;
}

/** X ← L⁻¹·X, block row by block row: X_k = L_kk⁻¹·(X_k − L_k,<k·X_<k). */
async function forwardSubstitute(L: Matrix, inverses: Float64Array[], X: Matrix): Promise<void> {
  const n = L.rows;
  for (let k0 = 0, block = 0; k0 < n; k0 += BLOCK, block++) {
    const b = Math.min(BLOCK, n - k0);
    if (k0 > 0) await subtractProduct(L, k0, b, 0, k0, X, 0, false);
    await multiplyRows(inverses[block], b, X, k0, false);
  }
}

/** X ← L⁻ᵀ·X, block row by block row from the bottom: X_k = L_kk⁻ᵀ·(X_k − (L_>k,k)ᵀ·X_>k). */
async function backSubstitute(L: Matrix, inverses: Float64Array[], X: Matrix): Promise<void> {
  const n = L.rows;
  for (let block = inverses.length - 1; block >= 0; block--) {
    const k0 = block * BLOCK;
    const b = Math.min(BLOCK, n - k0);
    const k1 = k0 + b;
    if (k1 < n) await subtractProduct(L, k1, n - k1, k0, b, X, k1, true);
    await multiplyRows(inverses[block], b, X, k0, true);
  }
}

/** X[k0 : k0+b] ← op(M)·X[k0 : k0+b] for a b×b matrix M, on the native GEMM. */
async function multiplyRows(M: Float64Array, b: number, X: Matrix, k0: number, transpose: boolean): Promise<void> {
  const q = X.cols;
  const rows = X.data.subarray(k0 * q, (k0 + b) * q);
  const product = new Float64Array(b * q);
  await runGemm({ data: M, rows: b, cols: b }, { data: rows, rows: b, cols: q }, product, { transA: transpose });
  rows.set(product);
}

/**
 * X[target rows] −= op(L[r0 : r0+rows, c0 : c0+cols])·X[source rows], on the native GEMM. Without
 * transposition the target rows are r0… and the source rows c0…; transposed, the block is used as
 * its transpose: target rows c0…, source rows `sourceRow`….
 */
async function subtractProduct(
  L: Matrix,
  r0: number,
  rows: number,
  c0: number,
  cols: number,
  X: Matrix,
  sourceRow: number,
  transpose: boolean,
): Promise<void> {
  const n = L.rows;
  const q = X.cols;
  const block = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) block.set(L.data.subarray((r0 + i) * n + c0, (r0 + i) * n + c0 + cols), i * cols);
  const targetRow = transpose ? c0 : r0;
  const targetRows = transpose ? cols : rows;
  const sourceRows = transpose ? rows : cols;
  const source = X.data.subarray(sourceRow * q, (sourceRow + sourceRows) * q);
  const product = new Float64Array(targetRows * q);
  await runGemm({ data: block, rows, cols }, { data: source, rows: sourceRows, cols: q }, product, { transA: transpose });
  const target = X.data.subarray(targetRow * q, (targetRow + targetRows) * q);
  for (let t = 0; t < target.length; t++) target[t] -= product[t];
}
