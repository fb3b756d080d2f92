/**
 * numpy's reductions over 1-D float64 data (`np.sum`, `np.mean`, `np.nanmean`, `np.std`,
 * `np.nanmedian`), with numpy's summation order so that means and deviations agree with numpy to
 * the last bit rather than to a few ulps.
 */

/** numpy's `PW_BLOCKSIZE`: runs up to this length are summed by the unrolled loop, longer runs are halved. */
const PAIRWISE_BLOCK = 128;
/** numpy's unroll factor in `pairwise_sum`: eight partial sums advance side by side. */
const UNROLL = 8;

/**
 * The sum of `values` in numpy's pairwise order (`np.add.reduce` on a contiguous float64 array,
 * `pairwise_sum` in numpy/core/src/umath/loops_utils.h.src): fewer than 8 values are added left to
 * right; up to 128 values go to 8 interleaved partial sums combined as ((r0+r1)+(r2+r3))+((r4+r5)+(r6+r7))
 * plus the tail; longer runs are split at a multiple of 8 near the middle and the halves summed
 * recursively. The order matters only for the last bits, which is what parity with numpy needs.
 *
 * @example
 * sum([0.1, 0.2, 0.3]); // 0.6000000000000001, as np.sum([0.1, 0.2, 0.3])
 */
export function sum(values: ArrayLike<number>): number {
  return pairwiseSum(values, 0, values.length);
}

function pairwiseSum(a: ArrayLike<number>, start: number, n: number): number {
  if (n < UNROLL) {
    let total = 0;
    for (let i = 0; i < n; i++) total += a[start + i];
    return total;
  }
  if (n <= PAIRWISE_BLOCK) {
    let r0 = a[start];
    let r1 = a[start + 1];
    let r2 = a[start + 2];
    let r3 = a[start + 3];
    let r4 = a[start + 4];
    let r5 = a[start + 5];
    let r6 = a[start + 6];
    let r7 = a[start + 7];
    const unrolledEnd = n - (n % UNROLL);
    let i = UNROLL;
    for (; i < unrolledEnd; i += UNROLL) {
      const k = start + i;
      r0 += a[k];
      r1 += a[k + 1];
      r2 += a[k + 2];
      r3 += a[k + 3];
      r4 += a[k + 4];
      r5 += a[k + 5];
      r6 += a[k + 6];
      r7 += a[k + 7];
    }
    // numpy combines the partial sums in exactly this tree.
    let total = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7));
    for (; i < n; i++) total += a[start + i];
    return total;
  }
  let half = Math.floor(n / 2);
  half -= half % UNROLL;
  return pairwiseSum(a, start, half) + pairwiseSum(a, start + half, n - half);
}

/**
 * The arithmetic mean, as `np.mean` on float64 data: the pairwise sum divided by the count.
 * An empty input gives NaN (numpy warns "Mean of empty slice" and returns nan).
 *
 * @example
 * mean([1, 2, 3, 4]); // 2.5
 */
export function mean(values: ArrayLike<number>): number {
  return sum(values) / values.length;
}

/**
 * The mean of the non-NaN values, as `np.nanmean`: NaNs are replaced by 0 in place (so the pairwise
 * order is that of the full array), summed, and divided by the number of non-NaN values.
 * All-NaN or empty input gives NaN (numpy warns and returns nan).
 *
 * @example
 * nanMean([1, NaN, 3]); // 2
 */
export function nanMean(values: ArrayLike<number>): number {
  const zeroed = Float64Array.from(values);
  let count = 0;
  for (let i = 0; i < zeroed.length; i++) {
    if (Number.isNaN(zeroed[i])) zeroed[i] = 0;
    else count++;
  }
  return sum(zeroed) / count;
}

/**
 * The standard deviation, as `np.std(values, ddof=ddof)`: √(Σ(x − mean)² / (n − ddof)), with the
 * mean and the sum of squares both summed pairwise. Like numpy, n − ddof ≤ 0 divides by zero
 * (giving Infinity or NaN) rather than throwing; any NaN value gives NaN.
 *
 * @param ddof delta degrees of freedom: 0 for the population deviation (numpy's and xarray's
 *   default, used by Brain-Score's score errors), 1 for the sample deviation.
 * @example
 * std([1, 2, 3, 4]); // 1.118033988749895
 * std([1, 2, 3, 4], 1); // 1.2909944487358056
 */
export function std(values: ArrayLike<number>, ddof = 0): number {
  if (!Number.isInteger(ddof) || ddof < 0) {
    throw new RangeError(`std: ddof must be a non-negative integer, got ${ddof}`);
  }
  const n = values.length;
  const centre = mean(values);
  const squares = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const d = values[i] - centre;
    squares[i] = d * d;
  }
  return Math.sqrt(sum(squares) / Math.max(n - ddof, 0));
}

/**
 * The median of the non-NaN values, as `np.nanmedian` on 1-D data: NaNs are dropped, then the
 * middle value (odd count) or the mean (a + b) / 2 of the two middle values (even count) is
 * returned. All-NaN or empty input gives NaN.
 *
 * @example
 * nanMedian([3, NaN, 1, 2]); // 2
 * nanMedian([4, 1, NaN, 3, 2]); // 2.5
 */
export function nanMedian(values: ArrayLike<number>): number {
  const kept: number[] = [];
  for (let i = 0; i < values.length; i++) {
    if (!Number.isNaN(values[i])) kept.push(values[i]);
  }
  if (kept.length === 0) return Number.NaN;
  const sorted = Float64Array.from(kept).sort();
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}
