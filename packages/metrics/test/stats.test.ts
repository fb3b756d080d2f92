import { fromRows, matrix, takeRows } from '@vvs/linalg';
import { expectAllClose, loadFixture } from '@vvs/test-utils';
import { describe, expect, it } from 'vitest';
import { pearson, pearsonColumns, spearmanBrown } from '../src/stats/correlation.ts';
import { mean, nanMean, nanMedian, std, sum } from '../src/stats/descriptive.ts';
import { normalQuantile } from '../src/stats/normal.ts';

interface NeuralFixture {
  cases: {
    expected: {
      stimulus_ids_sorted: string[];
      averaged: number[][];
      splits: { test_stimulus_ids_sorted: string[]; predictions: number[][]; per_neuroid_r: (number | null)[]; median: number }[];
      split_medians: number[];
      raw: number;
      error: number;
      ceiling_splits: { per_neuroid_r: (number | null)[]; per_neuroid_spearman_brown: (number | null)[]; median: number }[];
      ceiling_split_medians: number[];
      ceiling: number;
      ceiling_error: number;
    };
  }[];
}

/**
 * pearson follows scipy 1.10's operation order; the remaining differences are the order of
 * OpenBLAS's dot and norm kernels, a few ulps of r (measured ≤ 3e-16 on these fixtures).
 */
const R_TOL = 1e-14;
/** Medians, means and deviations of these values reuse numpy's summation order (measured ≤ 1e-16). */
const REDUCTION_TOL = 1e-15;

describe.each(['neural_basic', 'neural_reps28'])('statistics of the %s fixture', (name) => {
  const e = loadFixture<NeuralFixture>(`reference/metrics/${name}.json`).cases[0].expected;
  const averaged = fromRows(e.averaged);
  const rowOf = new Map(e.stimulus_ids_sorted.map((id, k) => [id, k] as const));

  it('pearsonColumns equals scipy pearsonr per neuroid (actual vs PLS prediction), NaN-free median', () => {
    for (const split of e.splits) {
      const actual = takeRows(averaged, split.test_stimulus_ids_sorted.map((id) => rowOf.get(id)!));
      const r = pearsonColumns(actual, fromRows(split.predictions));
      expectAllClose(r, split.per_neuroid_r, { atol: R_TOL }, 'per_neuroid_r');
      // r is symmetric bit for bit.
      expect(pearsonColumns(fromRows(split.predictions), actual)).toEqual(r);
      expect(Math.abs(nanMedian(r) - split.median)).toBeLessThanOrEqual(REDUCTION_TOL);
    }
  });

  it('mean and std(ddof 0) of the split medians give raw and error', () => {
    expect(Math.abs(mean(e.split_medians) - e.raw)).toBeLessThanOrEqual(REDUCTION_TOL);
    expect(Math.abs(std(e.split_medians, 0) / Math.sqrt(e.split_medians.length) - e.error)).toBeLessThanOrEqual(REDUCTION_TOL);
  });

  it('spearmanBrown and nanMedian give the ceiling per split; mean/std give ceiling and error', () => {
    for (const split of e.ceiling_splits) {
      const corrected = split.per_neuroid_r.map((r) => spearmanBrown(r ?? Number.NaN));
      expectAllClose(corrected, split.per_neuroid_spearman_brown, { atol: REDUCTION_TOL }, 'spearman_brown');
      expect(Math.abs(nanMedian(corrected) - split.median)).toBeLessThanOrEqual(REDUCTION_TOL);
    }
    const medians = e.ceiling_split_medians;
    expect(Math.abs(mean(medians) - e.ceiling)).toBeLessThanOrEqual(REDUCTION_TOL);
    expect(Math.abs(std(medians) / Math.sqrt(medians.length) - e.ceiling_error)).toBeLessThanOrEqual(REDUCTION_TOL);
  });
});

describe('pearson edge cases (scipy 1.10 behaviour)', () => {
  it('constant input gives NaN, two points give the sign product, NaN propagates', () => {
    expect(pearson([2, 2, 2], [1, 2, 3])).toBeNaN();
    expect(pearson([1, 2, 3], [5, 5, 5])).toBeNaN();
    expect(pearson([1, 3], [10, 2])).toBe(-1);
    expect(pearson([1, 3], [2, 10])).toBe(1);
    expect(pearson([1, Number.NaN, 3], [1, 2, 3])).toBeNaN();
    expect(pearson([Number.NaN, Number.NaN, Number.NaN], [1, 2, 3])).toBeNaN();
  });

  it('stays within [-1, 1] for (anti-)collinear inputs', () => {
    const x = Array.from({ length: 97 }, (_, i) => Math.sin(i) * 1e3 + 0.1 * i);
    const up = pearson(x, x.map((v) => 3 * v + 7));
    const down = pearson(x, x.map((v) => -0.3 * v + 1));
    expect(up).toBeLessThanOrEqual(1);
    expect(up).toBeGreaterThan(1 - 1e-15);
    expect(down).toBeGreaterThanOrEqual(-1);
    expect(down).toBeLessThan(-1 + 1e-15);
  });

  it('rejects bad lengths and shapes', () => {
    expect(() => pearson([1, 2], [1, 2, 3])).toThrow(RangeError);
    expect(() => pearson([1], [1])).toThrow(/at least 2/);
    expect(() => pearsonColumns(matrix(3, 2), matrix(2, 3))).toThrow(/shapes differ/);
    expect(() => pearsonColumns(matrix(1, 2), matrix(1, 2))).toThrow(/2 rows/);
  });

  it('pearsonColumns gives NaN for a zero-variance column only', () => {
    const a = matrix(3, 2, [1, 5, 2, 5, 3, 5]);
    const b = matrix(3, 2, [1, 0, 2, 1, 4, 0]);
    const r = pearsonColumns(a, b);
    expect(r[0]).toBe(pearson([1, 2, 3], [1, 2, 4]));
    expect(r[1]).toBeNaN();
  });
});

describe('numpy reductions', () => {
  it("sum uses numpy's pairwise order (np.sum(np.full(1000, 0.1)) = 100.00000000000001)", () => {
    const tenths = new Float64Array(1000).fill(0.1);
    expect(sum(tenths)).toBe(100.00000000000001);
    // A left-to-right sum would give 99.9999999999986.
    expect(Array.from(tenths).reduce((a, b) => a + b, 0)).toBe(99.9999999999986);
  });

  it('mean, nanMean, std match numpy to the last bit', () => {
    const alternating = Array.from({ length: 300 }, (_, k) => 0.1 * (k + 1) * ((k + 1) % 2 === 0 ? 1 : -1));
    expect(nanMean([...alternating, ...new Array(7).fill(Number.NaN)])).toBe(0.049999999999999954);
    const ramp = Array.from({ length: 200 }, (_, k) => (k + 1) * 0.37);
    expect(std(ramp)).toBe(21.361692933847728);
    expect(std(ramp, 1)).toBe(21.415298270161916);
    expect(mean([])).toBeNaN();
    expect(nanMean([Number.NaN])).toBeNaN();
    expect(() => std([1, 2], -1)).toThrow(/ddof/);
  });

  it('nanMedian skips NaN, averages the middle pair, and is NaN when nothing is left', () => {
    expect(nanMedian([3, Number.NaN, 1, 2])).toBe(2);
    expect(nanMedian([4, 1, Number.NaN, 3, 2])).toBe(2.5);
    expect(nanMedian([Number.NaN, Number.NaN])).toBeNaN();
    expect(nanMedian([])).toBeNaN();
  });

  it('spearmanBrown is factor·r / (1 + (factor − 1)·r)', () => {
    expect(spearmanBrown(0.5)).toBe(2 / 3);
    expect(spearmanBrown(0.5, 3)).toBe(0.75);
    expect(spearmanBrown(1)).toBe(1);
    expect(spearmanBrown(Number.NaN)).toBeNaN();
  });
});

describe('normalQuantile (scipy.stats.norm.ppf)', () => {
  /** [p, scipy.stats.norm.ppf(p)] across the body and both tails. */
  const SCIPY: [number, number][] = [
    [1e-20, -9.262340089798409],
    [1e-12, -7.034483825301131],
    [1e-5, -4.264890793922825],
    [0.01, -2.3263478740408408],
    [0.2, -0.8416212335729142],
    [0.25, -0.6744897501960817],
    [0.3, -0.5244005127080409],
    [0.5, 0],
    [0.7, 0.5244005127080407],
    [0.975, 1.959963984540054],
    [0.999999, 4.753424308817087],
    [1 - 2 ** -40, 7.047700256664409],
  ];
  /** Measured agreement for p ≥ 1e-16: ≤ 5 ulps (see normal.ts). */
  const PPF_RTOL = 1e-14;
  /** Below p = 1e-16 stdlib's erfcinv is less accurate than scipy's ndtri (measured ≤ 7e-12). */
  const FAR_TAIL_TOL = 1e-11;

  it.each(SCIPY)('Φ⁻¹(%s) = %s', (p, expected) => {
    expect(Math.abs(normalQuantile(p) - expected)).toBeLessThanOrEqual(PPF_RTOL * Math.abs(expected));
  });

  it('stays finite and accurate deep in the lower tail, where erfinv(2p − 1) would not', () => {
    expect(Math.abs(normalQuantile(1e-100) - -21.273453560965322)).toBeLessThanOrEqual(FAR_TAIL_TOL);
    expect(Math.abs(normalQuantile(1e-300) - -37.0470962993612)).toBeLessThanOrEqual(FAR_TAIL_TOL);
  });

  it('is ∓∞ at 0 and 1, NaN outside [0, 1], and odd around 1/2', () => {
    expect(normalQuantile(0)).toBe(Number.NEGATIVE_INFINITY);
    expect(normalQuantile(1)).toBe(Number.POSITIVE_INFINITY);
    expect(normalQuantile(-0.1)).toBeNaN();
    expect(normalQuantile(1.1)).toBeNaN();
    expect(normalQuantile(Number.NaN)).toBeNaN();
    for (const p of [0.001, 0.1, 0.2, 0.24, 0.26, 0.4]) {
      expect(Math.abs(normalQuantile(p) + normalQuantile(1 - p))).toBeLessThanOrEqual(4e-16 * Math.abs(normalQuantile(p)) + 1e-16);
    }
  });
});
