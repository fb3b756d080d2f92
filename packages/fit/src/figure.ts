/**
 * The data of an experiment's figure, as the scaling-laws paper draws it: each model's score against
 * the law's x on a log axis, the fitted law, and the bootstrap's 95 % band. For the joint law, the
 * x axis is compute and the curve is the law along its compute-optimal frontier (N*(C), D*(C)).
 * Render it with `@vvs/report`'s `scalingLawSpec` and `renderSvg`.
 */
import type { ScalingLawFigure } from '@vvs/report';
import { computeOptimalAllocation } from './allocation.ts';
import { curveBand, lawCurve, logSpace, percentileBand, scoreOf, type ScoreScale } from './curves.ts';
import { computeOf, type ExperimentFit } from './experiment.ts';
import { lawForm, prepareInputs } from './forms.ts';

/** Points along a figure's curve. */
const CURVE_POINTS = 200;

/** Axis titles of the seed's x columns, as the paper's figures label them. */
const X_TITLES: Readonly<Record<string, string>> = {
  total_flops: 'Compute (FLOPs)',
  n_params: 'Parameters',
  n_samples_seen: 'Samples seen',
};

const NEURAL_REGIONS = ['V1', 'V2', 'V4', 'IT'];

/** The y axis' title: which alignment the selected rows measure (from the config's `region` filter). */
function yTitle(fit: ExperimentFit): string {
  const { Y } = fit.config.fitting;
  if (Y !== 'score') return Y === 'acc' ? 'Accuracy' : Y;
  const regions = fit.config.dataFilters.setFilters.find((f) => f.column === 'region')?.values.map(String) ?? [];
  if (regions.length === 1) return /^behavio/i.test(regions[0]!) ? 'Behavioral alignment' : `Alignment (${regions[0]})`;
  if (regions.length > 0 && regions.every((r) => NEURAL_REGIONS.includes(r))) return 'Neural alignment';
  return 'Alignment';
}

/** '0.523 + 0.549·x^−0.157' with 3 significant digits. */
const fmt = (v: number) => Number(v.toPrecision(3)).toString();

/**
 * The figure of a fitted experiment (see the module comment), x in the data's own units (the
 * config's scalers undone).
 *
 * @throws RangeError when the fit selected no data (it cannot have been fitted then).
 * @example
 * const fit = await fitExperiment(config, scores, { bootstrap: 1000 });
 * const svg = await renderSvg(scalingLawSpec(scalingLawFigure(fit)));
 */
export function scalingLawFigure(fit: ExperimentFit): ScalingLawFigure {
  const { fitting } = fit.config;
  const scale: ScoreScale = { invertY: fitting.invertY };
  const scores = fit.data.y.map((y) => (fitting.invertY ? 1 - y : y));
  const labels = fit.data.rows.map((row) => String(row.model_id ?? row.arch ?? ''));
  const c = fit.params.converted;
  if (fit.data.curveType === 'one_variable') {
    const xScale = fitting.xScaler;
    const xs = fit.data.x;
    const grid = logSpace(Math.min(...xs), Math.max(...xs), CURVE_POINTS);
    const curve = lawCurve(fit.fit.form, fit.params.raw, grid, scale);
    const band = fit.bootstrap ? curveBand(fit.fit.form, fit.bootstrap.fits, grid, scale) : undefined;
    return {
      title: `${fit.experiment}: ${fitting.invertY ? '1 − S' : 'S'} = ${fmt(c.E!)} + ${fmt(c.A!)}·x^(−${fmt(c.alpha!)})`,
      subtitle: `${fit.function}, n = ${fit.n}${fit.bootstrap ? `, 95 % band of ${fit.bootstrap.samples} bootstrap fits` : ''}, x = ${fitting.X} / ${xScale.toExponential()}`,
      xTitle: X_TITLES[fitting.X!] ?? fitting.X!,
      yTitle: yTitle(fit),
      points: Array.from(xs, (x, i) => ({ x: x * xScale, y: scores[i]!, label: labels[i]! })),
      curve: Array.from(grid, (x, i) => ({ x: x * xScale, y: curve[i]! })),
      ...(band ? { band: Array.from(grid, (x, i) => ({ x: x * xScale, low: band.low[i]!, high: band.high[i]! })) } : {}),
    };
  }
  // The joint law along its compute-optimal frontier, against compute (in FLOPs).
  const allocation = fit.allocation!;
  const { compute, scale: computeScale } = computeOf(fit.data, fit.config);
  const grid = logSpace(Math.min(...compute), Math.max(...compute), CURVE_POINTS);
  const relation = { m: allocation.m, n: allocation.n };
  const frontier = (params: Readonly<Record<string, number>>, converted: Readonly<Record<string, number>>) => {
    const optimal = computeOptimalAllocation(converted as { A: number; alpha: number; B: number; beta: number }, { convention: allocation.convention, relation });
    const law = lawForm(fit.fit.form);
    const predicted = new Float64Array(grid.length);
    const n = grid.map((C) => optimal.nOpt(C));
    const d = grid.map((C) => optimal.dOpt(C));
    law.evaluate(Float64Array.from(law.parameterNames, (name) => params[name]!), prepareInputs(law, { n, d }), predicted, null);
    return predicted.map((v) => scoreOf(v, scale));
  };
  const curve = frontier(fit.params.raw, fit.params.converted);
  const band = fit.bootstrap ? percentileBand(fit.bootstrap.fits.map((f) => frontier(f.params, f.converted)), grid) : undefined;
  return {
    title: `${fit.experiment}: compute-optimal frontier, N* ∝ C^(${fmt(allocation.a / allocation.n)}), D* ∝ C^(${fmt(allocation.b / allocation.n)})`,
    subtitle: `${fit.function}, n = ${fit.n}, ${allocation.convention} convention (C ≈ ${fmt(allocation.m)}·(N·D)^${fmt(allocation.n)})`,
    xTitle: X_TITLES.total_flops!,
    yTitle: yTitle(fit),
    points: Array.from(compute, (C, i) => ({ x: C * computeScale, y: scores[i]!, label: labels[i]! })),
    curve: Array.from(grid, (C, i) => ({ x: C * computeScale, y: curve[i]! })),
    ...(band ? { band: Array.from(grid, (C, i) => ({ x: C * computeScale, low: band.low[i]!, high: band.high[i]! })) } : {}),
  };
}
