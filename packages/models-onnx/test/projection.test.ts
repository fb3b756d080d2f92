import { describe, expect, it } from 'vitest';
import { seededValues } from '@vvs/test-utils';
import { SparseRandomProjection } from '../src/projection.ts';

/** p and k of the statistical checks: d = 1/√p = 0.01, so R has about p·k·d = 100 000 nonzeros. */
const P = 10_000;
const K = 1000;

/**
 * Width, in standard deviations, of every statistical acceptance band below. The matrix is fixed by
 * its seed, so each check is deterministic; 4 sd means a correct implementation would fail for only
 * ~6 in 100 000 seeds, while an off-by-a-factor density, a biased sign or a clustered index lands
 * tens of sds out.
 */
const SDS = 4;

describe('SparseRandomProjection', () => {
  const projection = new SparseRandomProjection({ nFeatures: P, nComponents: K, seed: 7 });

  it("uses scikit-learn's density='auto' = 1/√p and entries ±√(1/d)/√k", () => {
    expect(projection.density).toBe(0.01);
    expect(projection.scale).toBeCloseTo(Math.sqrt(100) / Math.sqrt(1000), 15);
    for (const j of [0, 1, 4999, P - 1]) {
      const { components, values } = projection.featureEntries(j);
      expect(values.every((v) => Math.abs(v) === projection.scale)).toBe(true);
      expect(components.every((c, i) => c >= 0 && c < K && (i === 0 || c > components[i - 1]))).toBe(true);
    }
  });

  it('draws about p·k·d nonzeros, half of them negative, spread evenly over components and features', () => {
    const d = projection.density;
    const trials = P * K;
    // nnz ~ Binomial(p·k, d).
    expect(Math.abs(projection.nonzeros - trials * d)).toBeLessThan(SDS * Math.sqrt(trials * d * (1 - d)));
    let negative = 0;
    let componentSum = 0;
    const perFeature = new Float64Array(P);
    for (let j = 0; j < P; j++) {
      const { components, values } = projection.featureEntries(j);
      perFeature[j] = components.length;
      components.forEach((c) => (componentSum += c));
      values.forEach((v) => (negative += v < 0 ? 1 : 0));
    }
    const nnz = projection.nonzeros;
    // Signs ~ Binomial(nnz, 1/2).
    expect(Math.abs(negative - nnz / 2)).toBeLessThan(SDS * Math.sqrt(nnz) / 2);
    // Component indices uniform on 0..k−1: mean (k−1)/2, variance (k²−1)/12.
    expect(Math.abs(componentSum / nnz - (K - 1) / 2)).toBeLessThan(SDS * Math.sqrt((K * K - 1) / 12 / nnz));
    // Nonzeros per feature ~ Binomial(k, d): variance k·d·(1−d) ≈ 9.9; the sample variance over
    // 10 000 features has a relative sd of about √(2/p) ≈ 1.4 %, so 10 % is > 7 sds.
    const mean = nnz / P;
    const variance = perFeature.reduce((s, n) => s + (n - mean) ** 2, 0) / (P - 1);
    expect(Math.abs(variance / (K * d * (1 - d)) - 1)).toBeLessThan(0.1);
  });

  it('is deterministic for (seed, nFeatures, nComponents) and changes with the seed', () => {
    const rows = Float32Array.from(seededValues(3 * 500, 1));
    const a = new SparseRandomProjection({ nFeatures: 500, nComponents: 64, seed: 3 });
    const b = new SparseRandomProjection({ nFeatures: 500, nComponents: 64, seed: 3 });
    const c = new SparseRandomProjection({ nFeatures: 500, nComponents: 64, seed: 4 });
    expect(a.transform(rows)).toEqual(b.transform(rows));
    expect(a.featureEntries(10)).toEqual(b.featureEntries(10));
    expect(a.transform(rows)).not.toEqual(c.transform(rows));
  });

  it('transforms a batch row by row as the dense product rows · R, with shape n × k', () => {
    const p = 300;
    const k = 40;
    const n = 5;
    const small = new SparseRandomProjection({ nFeatures: p, nComponents: k, seed: 11 });
    const dense = new Float64Array(p * k);
    for (let j = 0; j < p; j++) {
      const { components, values } = small.featureEntries(j);
      components.forEach((c, i) => (dense[j * k + c] = values[i]));
    }
    const rows = seededValues(n * p, 2);
    rows[7] = 0; // zeros are skipped, not mishandled
    const out = small.transform(rows);
    expect(out).toBeInstanceOf(Float32Array);
    expect(out.length).toBe(n * k);
    for (let i = 0; i < n; i++) {
      for (let c = 0; c < k; c++) {
        let sum = 0;
        for (let j = 0; j < p; j++) sum += rows[i * p + j] * dense[j * k + c];
        expect(Math.abs(out[i * k + c] - sum)).toBeLessThanOrEqual(Math.abs(sum) * 2 ** -23 + 1e-12);
      }
    }
    // Each row is projected independently: a batch equals its rows one at a time.
    expect(small.transform(rows.subarray(2 * p, 3 * p))).toEqual(out.subarray(2 * k, 3 * k));
  });

  it('preserves squared norms within ±20 % at k = 1000 (Johnson–Lindenstrauss), unbiased on average', () => {
    // ‖xR‖²/‖x‖² has mean 1 and sd ≈ √(2/k) ≈ 4.5 %, so ±20 % is > 4 sds; the mean of 40 ratios has
    // an sd of ≈ 0.7 %, so ±4 % is > 5 sds. Both centred and non-negative (ReLU-like) vectors.
    const vectors = 40;
    const rows = new Float64Array(vectors * P);
    for (let v = 0; v < vectors; v++) rows.set(seededValues(P, 100 + v, v % 2 === 0 ? 0.5 : 0), v * P);
    const out = projection.transform(rows);
    let meanRatio = 0;
    for (let v = 0; v < vectors; v++) {
      let inNorm = 0;
      let outNorm = 0;
      for (let j = 0; j < P; j++) inNorm += rows[v * P + j] ** 2;
      for (let c = 0; c < K; c++) outNorm += out[v * K + c] ** 2;
      const ratio = outNorm / inNorm;
      expect(ratio).toBeGreaterThan(0.8);
      expect(ratio).toBeLessThan(1.2);
      meanRatio += ratio / vectors;
    }
    expect(Math.abs(meanRatio - 1)).toBeLessThan(0.04);
  });

  it('rejects invalid sizes, density, seed and a batch of the wrong length', () => {
    expect(() => new SparseRandomProjection({ nFeatures: 0 })).toThrow(/nFeatures: expected a positive integer/);
    expect(() => new SparseRandomProjection({ nFeatures: 10, nComponents: 2.5 })).toThrow(/nComponents/);
    expect(() => new SparseRandomProjection({ nFeatures: 10, density: 0 })).toThrow(/density/);
    expect(() => new SparseRandomProjection({ nFeatures: 10, seed: -1 })).toThrow(RangeError);
    expect(() => new SparseRandomProjection({ nFeatures: 10, nComponents: 4 }).transform(new Float32Array(15))).toThrow(
      /multiple of nFeatures = 10/,
    );
  });

  it('with density 1 is a dense ±1/√k matrix', () => {
    const dense = new SparseRandomProjection({ nFeatures: 1, nComponents: 16 });
    expect(dense.nonzeros).toBe(16);
    expect(dense.featureEntries(0).values.every((v) => Math.abs(v) === 0.25)).toBe(true);
  });
});
