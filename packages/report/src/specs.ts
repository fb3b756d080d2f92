/**
 * The report's charts as vega-lite specifications: plain JSON a notebook, a browser or
 * {@link renderSvg} can draw.
 */
import { BENCHMARK_TARGETS } from '@vvs/core';
import type { TopLevelSpec } from 'vega-lite';
import type { RegionTableRow } from './region-table.ts';

/** The vega-lite schema the specs are written against (vega-lite 6). */
export const VEGA_LITE_SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/** Label of the score axes: Brain-Score's scores are the metric divided by the data's ceiling. */
const SCORE_AXIS_TITLE = 'Score (ceiling-normalised)';

/** Options shared by the chart specs. */
export interface ChartOptions {
  /** A line under the chart's title, e.g. the name of the run. */
  readonly subtitle?: string;
}

/** One bar of {@link scoresPerRegionSpec}. */
export interface RegionScoreDatum {
  readonly model: string;
  readonly region: (typeof BENCHMARK_TARGETS)[number];
  readonly score: number;
}

/** One bar of {@link modelRankingSpec}. */
export interface RankingDatum {
  readonly model: string;
  readonly average: number;
  /** How many targets the average covers (out of 5). */
  readonly regions: number;
}

const title = (text: string, options: ChartOptions) => (options.subtitle === undefined ? { text } : { text, subtitle: options.subtitle });

/**
 * A grouped bar chart of each model's score per target — the figure of Brain-Score's papers that
 * compares models region by region: x = region (V1, V2, V4, IT, behavior, in processing order), one
 * bar per model within a region, y = score on a fixed 0–1 axis so that charts of different runs
 * compare by eye, colour = model in ranking order. A target without a score for a model has no bar.
 *
 * @example
 * const svg = await renderSvg(scoresPerRegionSpec(regionTable(rows), { subtitle: 'synthetic suite' }));
 */
export function scoresPerRegionSpec(table: readonly RegionTableRow[], options: ChartOptions = {}): TopLevelSpec {
  const values: RegionScoreDatum[] = table.flatMap((row) =>
    BENCHMARK_TARGETS.flatMap((region) => (row[region] === null ? [] : [{ model: row.model, region, score: row[region] }])),
  );
  const models = table.map((row) => row.model);
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: title('Scores per region', options),
    data: { values },
    mark: 'bar',
    encoding: {
      x: { field: 'region', type: 'nominal', sort: [...BENCHMARK_TARGETS], title: 'Region', axis: { labelAngle: 0 } },
      xOffset: { field: 'model', type: 'nominal', sort: models },
      y: { field: 'score', type: 'quantitative', scale: { domain: [0, 1] }, title: SCORE_AXIS_TITLE },
      color: { field: 'model', type: 'nominal', sort: models, title: 'Model' },
      tooltip: [
        { field: 'model', type: 'nominal', title: 'Model' },
        { field: 'region', type: 'nominal', title: 'Region' },
        { field: 'score', type: 'quantitative', title: 'Score', format: '.4f' },
      ],
    },
  };
}

/**
 * A horizontal bar chart of the models' average scores, best at the top — the leaderboard as a
 * figure. Models without any score are left out; the tooltip says how many targets each average
 * covers.
 *
 * @example
 * writeFileSync('ranking.svg', await renderSvg(modelRankingSpec(regionTable(rows))));
 */
export function modelRankingSpec(table: readonly RegionTableRow[], options: ChartOptions = {}): TopLevelSpec {
  const values: RankingDatum[] = table.flatMap((row) =>
    row.average === null ? [] : [{ model: row.model, average: row.average, regions: row.regions }],
  );
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: title('Model ranking', options),
    data: { values },
    mark: 'bar',
    encoding: {
      y: { field: 'model', type: 'nominal', sort: values.map((datum) => datum.model), title: 'Model' },
      x: { field: 'average', type: 'quantitative', scale: { domain: [0, 1] }, title: `Average ${SCORE_AXIS_TITLE.toLowerCase()} over regions` },
      tooltip: [
        { field: 'model', type: 'nominal', title: 'Model' },
        { field: 'average', type: 'quantitative', title: 'Average', format: '.4f' },
        { field: 'regions', type: 'quantitative', title: `Regions (of ${BENCHMARK_TARGETS.length})` },
      ],
    },
  };
}
