/**
 * Per-group means of matrix rows: how Brain-Score averages an assembly over repetitions
 * (`assembly.groupby('stimulus_id').mean()` — xarray skips NaN by default).
 */
import { matrix, type Matrix, type MatrixLike } from '@vvs/linalg';

/**
 * Averages the rows of `values` that share a group, skipping NaN entries (xarray's default
 * `skipna=True`); a group with no valid entry in a column gets NaN there.
 *
 * @param group group index (0 ≤ g < nGroups) of each row.
 * @param out nGroups × cols matrix to write into (reused across calls), else a new one.
 * @example
 * // rows 0 and 2 belong to stimulus 0, row 1 to stimulus 1
 * meanByGroup(matrix(3, 1, [1, 5, 3]), Int32Array.of(0, 1, 0), 2); // [[2], [5]]
 */
export function meanByGroup(values: MatrixLike, group: ArrayLike<number>, nGroups: number, out?: Matrix): Matrix {
  if (group.length !== values.rows) {
    throw new RangeError(`meanByGroup: ${group.length} group indices for ${values.rows} rows`);
  }
  const q = values.cols;
  if (out && (out.rows !== nGroups || out.cols !== q)) throw new RangeError(`meanByGroup: out is ${out.rows}×${out.cols}, expected ${nGroups}×${q}`);
  const sums = out ?? matrix(nGroups, q);
  sums.data.fill(0);
  const src = values.data;
  let hasNaN = false;
  for (let i = 0; i < src.length && !hasNaN; i++) hasNaN = src[i] !== src[i];
  // Without NaN every column of a group has the same count, so one counter per group suffices.
  const counts = new Float64Array(hasNaN ? nGroups * q : nGroups);
  const means = sums.data;
  for (let i = 0; i < values.rows; i++) {
    const g = group[i];
    if (!(g >= 0 && g < nGroups)) throw new RangeError(`meanByGroup: row ${i} has group ${g}, outside 0..${nGroups - 1}`);
    const off = i * q;
    const dst = g * q;
    if (!hasNaN) {
      for (let j = 0; j < q; j++) means[dst + j] += src[off + j];
      counts[g] += 1;
      continue;
    }
    for (let j = 0; j < q; j++) {
      const v = src[off + j];
      if (Number.isNaN(v)) continue;
      means[dst + j] += v;
      counts[dst + j] += 1;
    }
  }
  for (let g = 0; g < nGroups; g++) {
    for (let j = 0; j < q; j++) {
      const t = g * q + j;
      const count = hasNaN ? counts[t] : counts[g];
      means[t] = count > 0 ? means[t] / count : Number.NaN;
    }
  }
  return sums;
}
