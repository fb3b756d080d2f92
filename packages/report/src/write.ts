/**
 * A report on disk: the region table as CSV, Markdown and JSON, and its two charts as SVG and PNG.
 */
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { InputError } from '@vvs/core';
import type { ScoreRow } from '@vvs/results';
import { writeFileAtomic } from '@vvs/core';
import { regionTableCsv, regionTableMarkdown } from './format.ts';
import { regionTable, type RegionTableRow } from './region-table.ts';
import { renderSvg, svgToPng } from './render.ts';
import { modelRankingSpec, scoresPerRegionSpec } from './specs.ts';

/** Pixels per SVG unit of the report's PNGs: sharp on a high-density screen and in print. */
export const REPORT_PNG_SCALE = 2;

/** Options of {@link writeReport}. */
export interface ReportOptions {
  /** The report's name: the heading of `scores.md`, the charts' subtitle and `title` in `report.json`. */
  readonly title?: string;
  /** Where the rows came from (a results store's path), named in the error for an empty report. */
  readonly source?: string;
}

/** What `report.json` holds. */
export interface ReportJson {
  readonly title: string | null;
  readonly rows: readonly RegionTableRow[];
}

/**
 * Writes a report of `rows` into `outDir` (created if absent) and returns the absolute paths written:
 * `scores.csv` and `scores.md` ({@link regionTableCsv}, {@link regionTableMarkdown}),
 * `scores-per-region.svg`/`.png` and `model-ranking.svg`/`.png` ({@link scoresPerRegionSpec},
 * {@link modelRankingSpec}; PNGs at {@link REPORT_PNG_SCALE}×), and `report.json` (the
 * {@link regionTable}). Each file is written to `<file>.partial` and renamed into place, so an
 * interrupted report leaves whole files (old or new), never truncated ones.
 *
 * @throws {InputError} naming `options.source` when no row is `'ok'` with a finite score (there is
 *   nothing to report), or naming the directory or file that cannot be written.
 *
 * @example
 * const store = await ResultsStore.open('vvs-results.duckdb', { readOnly: true });
 * try {
 *   const files = await writeReport(await store.rows(), 'report', { title: 'June run', source: store.path });
 *   console.log(files.join('\n'));
 * } finally {
 *   store.close();
 * }
 */
export async function writeReport(rows: readonly ScoreRow[], outDir: string, options: ReportOptions = {}): Promise<string[]> {
  const table = regionTable(rows);
  if (!table.some((row) => row.average !== null)) {
    const source = options.source === undefined ? 'the given rows' : `"${options.source}"`;
    throw new InputError(`no finished ('ok') scores in ${source}: nothing to report`, options.source === undefined ? {} : { file: options.source });
  }
  const chart = options.title === undefined ? {} : { subtitle: options.title };
  const perRegionSvg = await renderSvg(scoresPerRegionSpec(table, chart));
  const rankingSvg = await renderSvg(modelRankingSpec(table, chart));
  const markdown = regionTableMarkdown(table);
  const json: ReportJson = { title: options.title ?? null, rows: table };
  const files: [string, string | Uint8Array][] = [
    ['scores.csv', regionTableCsv(table)],
    ['scores.md', options.title === undefined ? markdown : `# ${options.title}\n\n${markdown}`],
    ['scores-per-region.svg', perRegionSvg],
    ['scores-per-region.png', svgToPng(perRegionSvg, { scale: REPORT_PNG_SCALE })],
    ['model-ranking.svg', rankingSvg],
    ['model-ranking.png', svgToPng(rankingSvg, { scale: REPORT_PNG_SCALE })],
    ['report.json', `${JSON.stringify(json, null, 2)}\n`],
  ];
  const dir = resolve(outDir);
  try {
    await mkdir(dir, { recursive: true });
  } catch (error) {
    throw new InputError(`cannot create report directory "${dir}": ${error instanceof Error ? error.message : String(error)}`, { file: dir, cause: error });
  }
  const written: string[] = [];
  for (const [name, data] of files) {
    const path = join(dir, name);
    await writeFileAtomic(path, data);
    written.push(path);
  }
  return written;
}
