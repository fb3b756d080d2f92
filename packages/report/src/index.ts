/**
 * `@vvs/report`: a results database turned into what a paper or a README shows — Brain-Score's
 * per-region table (the mean score of each region's benchmarks, and their average per model), as
 * CSV, Markdown and JSON, and two vega-lite charts (scores per region, model ranking) rendered to
 * SVG and PNG without a browser.
 *
 * @example
 * import { ResultsStore } from '@vvs/results';
 * import { regionTable, regionTableMarkdown, writeReport } from '@vvs/report';
 *
 * const store = await ResultsStore.open('vvs-results.duckdb', { readOnly: true });
 * try {
 *   const rows = await store.rows();
 *   console.log(regionTableMarkdown(regionTable(rows)));
 *   await writeReport(rows, 'report', { title: 'synthetic suite', source: store.path });
 *   // report/scores.csv, scores.md, scores-per-region.svg/.png, model-ranking.svg/.png, report.json
 * } finally {
 *   store.close();
 * }
 *
 * @packageDocumentation
 */
export { regionTable } from './region-table.ts';
export type { RegionTableRow, TargetScores } from './region-table.ts';
export { regionTableCsv, regionTableMarkdown, REGION_TABLE_COLUMNS, MARKDOWN_DECIMALS } from './format.ts';
export { scoresPerRegionSpec, modelRankingSpec, VEGA_LITE_SCHEMA } from './specs.ts';
export type { ChartOptions, RegionScoreDatum, RankingDatum } from './specs.ts';
export { scalingLawSpec } from './scaling-law-spec.ts';
export type { ScalingLawFigure } from './scaling-law-spec.ts';
export { renderSvg, svgToPng, DEFAULT_PNG_FONT_FAMILY } from './render.ts';
export type { PngOptions } from './render.ts';
export { writeReport, REPORT_PNG_SCALE } from './write.ts';
export type { ReportOptions, ReportJson } from './write.ts';
export { csvField, csvTable } from './csv.ts';
export type { CsvValue } from './csv.ts';
