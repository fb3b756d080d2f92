/**
 * A scaling-law figure as the scaling-laws paper draws it: the models' scores against compute (or
 * parameters, or samples) on a log axis, the fitted law as a line, and the bootstrap's 95 % band.
 */
import type { TopLevelSpec } from 'vega-lite';
import { VEGA_LITE_SCHEMA } from './specs.ts';

/** The data of a scaling-law figure, in the units of its axes. */
export interface ScalingLawFigure {
  /** The title, e.g. the experiment and the fitted law. */
  readonly title: string;
  readonly subtitle?: string;
  /** Axis titles, e.g. 'Compute (FLOPs)' and 'Neural alignment'. */
  readonly xTitle: string;
  readonly yTitle: string;
  /** One point per model (or per averaged group). */
  readonly points: readonly { readonly x: number; readonly y: number; readonly label?: string }[];
  /** The fitted law, sampled densely on the x range. */
  readonly curve: readonly { readonly x: number; readonly y: number }[];
  /** The 95 % band, at the curve's x values (absent without a bootstrap). */
  readonly band?: readonly { readonly x: number; readonly low: number; readonly high: number }[];
}

/** Colour of the fitted law and its band (the paper's figures draw fits in a dark accent over grey points). */
const FIT_COLOUR = '#c0392b';
const POINT_COLOUR = '#7f8c8d';
/** Figure size in pixels (vega-lite's view size, before axes and titles). */
const WIDTH = 480;
const HEIGHT = 320;

/**
 * The vega-lite specification of a scaling-law figure: points, the fitted curve, the 95 % band
 * (as an area under the curve's line), x on a log scale, y linear.
 *
 * @example
 * const svg = await renderSvg(scalingLawSpec({
 *   title: 'compute_neuro', xTitle: 'Compute (FLOPs)', yTitle: 'Neural alignment',
 *   points: [{ x: 1e15, y: 0.31 }, { x: 1e18, y: 0.40 }],
 *   curve: [{ x: 1e15, y: 0.30 }, { x: 1e18, y: 0.41 }],
 * }));
 */
export function scalingLawSpec(figure: ScalingLawFigure): TopLevelSpec {
  // The x axis spans the data exactly (a "nice" log domain can add most of a decade of blank space),
  // with a tick at each power of ten.
  const xs = [...figure.points, ...figure.curve].map((p) => p.x).filter((v) => v > 0 && Number.isFinite(v));
  const [lo, hi] = [Math.min(...xs), Math.max(...xs)];
  const decades = Array.from({ length: Math.max(0, Math.floor(Math.log10(hi)) - Math.ceil(Math.log10(lo)) + 1) }, (_, k) => 10 ** (Math.ceil(Math.log10(lo)) + k));
  const x = {
    field: 'x',
    type: 'quantitative' as const,
    scale: { type: 'log' as const, domain: [lo, hi], nice: false },
    title: figure.xTitle,
    axis: { format: '.0e', grid: false, values: decades },
  };
  const y = { field: 'y', type: 'quantitative', scale: { zero: false }, title: figure.yTitle } as const;
  const layers: NonNullable<Extract<TopLevelSpec, { layer: unknown }>['layer']> = [];
  if (figure.band !== undefined && figure.band.length > 0) {
    layers.push({
      data: { values: [...figure.band] },
      mark: { type: 'area', color: FIT_COLOUR, opacity: 0.2 },
      encoding: { x, y: { ...y, field: 'low' }, y2: { field: 'high' } },
    });
  }
  layers.push(
    {
      data: { values: [...figure.points] },
      mark: { type: 'point', filled: true, size: 24, color: POINT_COLOUR, opacity: 0.7 },
      encoding: { x, y, ...(figure.points.some((p) => p.label !== undefined) ? { tooltip: { field: 'label', type: 'nominal' } } : {}) },
    },
    {
      data: { values: [...figure.curve] },
      mark: { type: 'line', color: FIT_COLOUR, strokeWidth: 2 },
      encoding: { x, y },
    },
  );
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: figure.subtitle === undefined ? { text: figure.title } : { text: figure.title, subtitle: figure.subtitle },
    width: WIDTH,
    height: HEIGHT,
    background: 'white',
    layer: layers,
  };
}
