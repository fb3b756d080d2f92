/**
 * Pearson correlation as scipy 1.10's `scipy.stats.pearsonr` computes it, per-column correlation
 * of two matrices (Brain-Score's per-neuroid r), and the Spearman–Brown prophecy formula.
 */
import type { MatrixLike } from '@vvs/linalg';
import { mean } from './descriptive.ts';

/**
 * Pearson's r, computed as scipy 1.10.1's `scipy.stats.pearsonr(x, y)[0]`:
 *
 * 1. an input whose values all equal its first value is constant: r is undefined, NaN
 *    (scipy warns `ConstantInputWarning` and returns nan);
 * 2. two points give sign(x₁ − x₀)·sign(y₁ − y₀);
 * 3. otherwise xm = x − mean(x), ym = y − mean(y), r = (xm/‖xm‖)·(ym/‖ym‖), clipped to [−1, 1].
 *
 * Normalising before the dot product (rather than dividing the dot by the norms) is scipy's order
 * of operations, and the clip removes |r| > 1 rounding artefacts; both matter for parity at 1e-15.
 * A NaN anywhere gives NaN, as in scipy.
 *
 * @throws RangeError when the lengths differ or fewer than 2 values are given (scipy raises
 *   ValueError).
 * @example
 * pearson([1, 2, 3, 4], [2, 4, 5, 9]); // 0.9647638212377322
 * pearson([1, 1, 1], [1, 2, 3]); // NaN (constant input)
 */
export function pearson(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = x.length;
  if (y.length !== n) {
    throw new RangeError(`pearson: x and y must have the same length, got ${n} and ${y.length}`);
  }
  if (n < 2) {
    throw new RangeError(`pearson: x and y must have length at least 2, got ${n}`);
  }
  if (isConstant(x) || isConstant(y)) return Number.NaN;
  if (n === 2) return Math.sign(x[1] - x[0]) * Math.sign(y[1] - y[0]);

  const xm = centred(x);
  const ym = centred(y);
  const xNorm = euclideanNorm(xm);
  const yNorm = euclideanNorm(ym);
  let r = 0;
  for (let i = 0; i < n; i++) r += (xm[i] / xNorm) * (ym[i] / yNorm);
  return Math.max(Math.min(r, 1), -1);
}

/**
 * Pearson's r between matching columns of two same-shape matrices — column j of `a` against column
 * j of `b`, each exactly as {@link pearson} — as Brain-Score's per-neuroid correlation
 * (`pearsonr(target[:, j], prediction[:, j])` for every neuroid j). A column that is constant in
 * either matrix gives NaN. r is symmetric, bit for bit, in its two arguments.
 *
 * @throws RangeError when the shapes differ or there are fewer than 2 rows.
 * @example
 * const a = matrix(3, 2, [1, 5, 2, 5, 3, 5]);
 * const b = matrix(3, 2, [1, 0, 2, 1, 4, 0]);
 * pearsonColumns(a, b); // Float64Array [0.9819805060619655, NaN]  (column 1 of a is constant)
 */
export function pearsonColumns(a: MatrixLike, b: MatrixLike): Float64Array {
  if (a.rows !== b.rows || a.cols !== b.cols) {
    throw new RangeError(`pearsonColumns: shapes differ, ${a.rows}×${a.cols} and ${b.rows}×${b.cols}`);
  }
  if (a.rows < 2) {
    throw new RangeError(`pearsonColumns: need at least 2 rows to correlate columns, got ${a.rows}`);
  }
  const { rows, cols } = a;
  const columnA = new Float64Array(rows);
  const columnB = new Float64Array(rows);
  const r = new Float64Array(cols);
  for (let j = 0; j < cols; j++) {
    for (let i = 0; i < rows; i++) {
      columnA[i] = a.data[i * cols + j];
      columnB[i] = b.data[i * cols + j];
    }
    r[j] = pearson(columnA, columnB);
  }
  return r;
}

/**
 * The Spearman–Brown prophecy formula: the reliability of a test `factor` times as long as one with
 * reliability `r`, factor·r / (1 + (factor − 1)·r). Brain-Score corrects split-half correlations
 * with factor 2 (`spearman_brown_correction(correlation, n=2)` = 2r / (1 + r)).
 *
 * @example
 * spearmanBrown(0.5); // 0.6666666666666666
 * spearmanBrown(0.5, 3); // 0.75
 */
export function spearmanBrown(r: number, factor = 2): number {
  return (factor * r) / (1 + (factor - 1) * r);
}

/** scipy's constant-input test, `(x == x[0]).all()` (so a NaN first value is never "constant"). */
function isConstant(x: ArrayLike<number>): boolean {
  const first = x[0];
  for (let i = 1; i < x.length; i++) if (x[i] !== first) return false;
  return true;
}

function centred(x: ArrayLike<number>): Float64Array {
  const centre = mean(x);
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = x[i] - centre;
  return out;
}

/**
 * ‖v‖₂ with the squares summed by Neumaier's compensated summation. scipy's `linalg.norm` calls
 * OpenBLAS `dnrm2`, whose x86-64 kernel accumulates in 80-bit extended precision, so its result is
 * the correctly rounded norm in practice; a plain float64 sum would drift from it by a few ulps on
 * long vectors.
 */
function euclideanNorm(v: Float64Array): number {
  let total = 0;
  let compensation = 0;
  for (let i = 0; i < v.length; i++) {
    const square = v[i] * v[i];
    const next = total + square;
    // Keep the low-order bits lost from the smaller addend (both are ≥ 0, so no Math.abs).
    compensation += total >= square ? total - next + square : square - next + total;
    total = next;
  }
  return Math.sqrt(total + compensation);
}
