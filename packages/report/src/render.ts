/**
 * Drawing vega-lite specs without a browser: vega's headless SVG renderer, then resvg (a Rust SVG
 * rasteriser) for PNG.
 */
import { Resvg } from '@resvg/resvg-js';
import type { TopLevelSpec } from 'vega-lite';

/**
 * The font PNG text is drawn with. Vega writes `font-family="sans-serif"`, which resvg maps to its
 * `sansSerifFamily` (Arial by default, absent from most Linux machines); DejaVu Sans ships with
 * most distributions. When the family is missing, resvg falls back to another installed font; on a
 * machine with no font at all, the PNG has no text (the SVG is unaffected).
 */
export const DEFAULT_PNG_FONT_FAMILY = 'DejaVu Sans';

/**
 * Renders a vega-lite spec to an SVG document, as the vega-lite editor's "export SVG" does:
 * `vegaLite.compile` to a vega spec, `vega.parse`, then a headless `vega.View` (renderer `'none'`)
 * and `view.toSVG()`. Data must be inline (`data.values`): nothing is fetched.
 *
 * @example
 * const svg = await renderSvg(scoresPerRegionSpec(table));
 * writeFileSync('scores-per-region.svg', svg);
 */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  // Loaded on first use: vega and vega-lite take about half a second to import, and most runs of
  // the CLI (which bundles this module) draw nothing.
  const [{ View, parse }, { compile }] = await Promise.all([import('vega'), import('vega-lite')]);
  const view = new View(parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Options of {@link svgToPng}. */
export interface PngOptions {
  /** Pixels per SVG unit (2 for a sharp figure on a high-density screen or in print); default 1. */
  readonly scale?: number;
  /** The family text is drawn in where the SVG asks for `sans-serif` or names none; default {@link DEFAULT_PNG_FONT_FAMILY}. */
  readonly fontFamily?: string;
}

/**
 * Rasterises an SVG document to PNG bytes with resvg, `scale` pixels per SVG unit (the PNG is
 * `round(width × scale)` × `round(height × scale)`), text drawn with the machine's installed fonts.
 *
 * @throws {RangeError} when `scale` is not a positive finite number.
 *
 * @example
 * writeFileSync('ranking.png', svgToPng(await renderSvg(modelRankingSpec(table)), { scale: 2 }));
 */
export function svgToPng(svg: string, options: PngOptions = {}): Uint8Array {
  const scale = options.scale ?? 1;
  if (!(Number.isFinite(scale) && scale > 0)) throw new RangeError(`svgToPng: scale must be a positive finite number, got ${scale}`);
  const family = options.fontFamily ?? DEFAULT_PNG_FONT_FAMILY;
  const resvg = new Resvg(svg, {
    font: { loadSystemFonts: true, defaultFontFamily: family, sansSerifFamily: family },
    fitTo: { mode: 'zoom', value: scale },
  });
  return resvg.render().asPng();
}
