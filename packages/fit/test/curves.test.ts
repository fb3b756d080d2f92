/**
 * Curves of a fitted law, the seed's 95 % band (percentiles at each x of the bootstrap curves), and
 * the figure data of an experiment.
 */
import { describe, expect, it } from 'vitest';
import { expectAllClose, sharedPath } from '@vvs/test-utils';
import { curveBand, lawCurve, logSpace } from '../src/curves.ts';
import { fitExperiment } from '../src/experiment.ts';
import { scalingLawFigure } from '../src/figure.ts';
import type { BootstrapFit } from '../src/bootstrap.ts';

const fitOf = (E: number, A: number, alpha: number): BootstrapFit => ({
  loss: 0,
  params: { e: Math.log(E), a: Math.log(A), alpha },
  converted: { E, A, alpha, S_inf: 1 - E },
});

describe('lawCurve', () => {
  it('is S = 1 − (E + A·x^−alpha), or E + A·x^−alpha without invert_Y', () => {
    const x = Float64Array.of(0.5, 1, 10, 1e4);
    const { params } = fitOf(0.4, 0.3, 0.25);
    expectAllClose(lawCurve('power_law_LSE', params, x, { invertY: true }), Array.from(x, (v) => 1 - (0.4 + 0.3 * v ** -0.25)), { rtol: 1e-14 }, 'S');
    expectAllClose(lawCurve('power_law_LSE', params, x, { invertY: false }), Array.from(x, (v) => 0.4 + 0.3 * v ** -0.25), { rtol: 1e-14 }, 'y');
    expect(() => lawCurve('power_law_LSE', { e: 0, a: 0 }, x, { invertY: true })).toThrow(/needs 'alpha'/);
    expect(() => lawCurve('chinchilla_LSE', params, x, { invertY: true })).toThrow(/one-variable/);
  });
});

describe('curveBand', () => {
  it("takes numpy's linear 2.5 and 97.5 percentiles of the curves at each x", () => {
    const fits = [fitOf(0.5, 0.3, 0.2), fitOf(0.45, 0.35, 0.25), fitOf(0.55, 0.25, 0.15)];
    const x = Float64Array.of(1, 100, 1e6);
    const band = curveBand('power_law_LSE', fits, x, { invertY: true });
    for (let j = 0; j < x.length; j++) {
      const [v0, v1, v2] = fits.map((f) => 1 - (f.converted.E! + f.converted.A! * x[j]! ** -f.converted.alpha!)).sort((a, b) => a - b) as [number, number, number];
      // Three values: the 2.5th percentile sits at virtual index 0.05, the 97.5th at 1.95.
      expectAllClose([band.low[j]!, band.high[j]!], [v0 + (v1 - v0) * 0.05, v2 - (v2 - v1) * 0.05], { rtol: 1e-14 }, `x = ${x[j]}`);
    }
  });

  it('leaves out curves that are not finite at an x, and refuses no fits', () => {
    const band = curveBand('power_law_LSE', [fitOf(0.5, 0.3, 0.2), { ...fitOf(0.5, 0.3, 0.2), params: { e: NaN, a: 0, alpha: 0 } }], Float64Array.of(1), { invertY: true });
    expect(band.low[0]).toBeCloseTo(0.2, 14);
    expect(band.high[0]).toBeCloseTo(0.2, 14);
    expect(() => curveBand('power_law_LSE', [], Float64Array.of(1), { invertY: true })).toThrow(/at least one/);
  });
});

describe('logSpace', () => {
  it('spaces points evenly in log, ends included exactly', () => {
    const x = logSpace(1e13, 1e21, 9);
    expect(x[0]).toBe(1e13);
    expect(x[8]).toBe(1e21);
    expectAllClose(Array.from(x), Array.from({ length: 9 }, (_, i) => 10 ** (13 + i)), { rtol: 1e-13 }, 'decades');
    expect(() => logSpace(0, 1, 3)).toThrow(RangeError);
    expect(() => logSpace(1, 10, 1)).toThrow(RangeError);
  });
});

describe('scalingLawFigure', () => {
  it("draws compute_behavior's points, its law over the data's range in FLOPs, and the band of its bootstrap", async () => {
    const fit = await fitExperiment(sharedPath('seed/fit-configs/compute/compute_behavior.yaml'), sharedPath('seed/artifacts/benchmark_scores.csv'), { bootstrap: 3, workers: 0 });
    const figure = scalingLawFigure(fit);
    expect(figure.xTitle).toBe('Compute (FLOPs)');
    expect(figure.yTitle).toBe('Behavioral alignment');
    expect(figure.title).toMatch(/^compute_behavior: 1 − S = /);
    expect(figure.points.length).toBe(fit.n);
    // Points are the scores themselves, at x in the data's units (X_scaler undone).
    const flops = fit.data.rows.map((r) => Number(r.total_flops));
    expectAllClose(figure.points.map((p) => p.x), flops, { rtol: 1e-15 }, 'x');
    expectAllClose(figure.points.map((p) => p.y), fit.data.rows.map((r) => Number(r.score)), { rtol: 1e-12, atol: 1e-15 }, 'y');
    expect(figure.curve[0]!.x).toBeCloseTo(Math.min(...flops), -1);
    expect(figure.curve.at(-1)!.x).toBeCloseTo(Math.max(...flops), -1);
    // The curve is the law: S = 1 − (E + A·(x / X_scaler)^−alpha).
    const { E, A, alpha } = fit.params.converted as { E: number; A: number; alpha: number };
    const scaler = fit.config.fitting.xScaler;
    expectAllClose(figure.curve.map((p) => p.y), figure.curve.map((p) => 1 - (E + A * (p.x / scaler) ** -alpha)), { rtol: 1e-12 }, 'curve');
    expect(figure.band?.length).toBe(figure.curve.length);
    expect(figure.band!.every((b) => b.low <= b.high)).toBe(true);
  }, 60_000);
});
