/**
 * The {@link regionTable} as text: CSV for analysis, Markdown for a README or a paper draft.
 */
import { BENCHMARK_TARGETS } from '@vvs/core';
import { csvTable } from './csv.ts';
import type { RegionTableRow } from './region-table.ts';

/** Columns of {@link regionTableCsv}, in order: the fields of a {@link RegionTableRow}. */
export const REGION_TABLE_COLUMNS = ['model', ...BENCHMARK_TARGETS, 'average', 'regions', 'benchmarks', 'failed'] as const;

/** Decimals of the scores in {@link regionTableMarkdown}: the precision `vvs results` prints. */
export const MARKDOWN_DECIMALS = 4;

/** What {@link regionTableMarkdown} writes where a model has no score. */
const MISSING = '—';

/**
 * The table as CSV (header `model,V1,V2,V4,IT,behavior,average,regions,benchmarks,failed`), scores at
 * full precision so that they read back exactly, an empty field where a target has no score.
 *
 * @example
 * writeFileSync('scores.csv', regionTableCsv(regionTable(await store.rows())));
 */
export function regionTableCsv(table: readonly RegionTableRow[]): string {
  return csvTable(REGION_TABLE_COLUMNS, table.map((row) => REGION_TABLE_COLUMNS.map((column) => row[column])));
}

/**
 * The table as a GitHub-flavoured Markdown table, ranked: scores to {@link MARKDOWN_DECIMALS}
 * decimals, `—` where a target has no score, and `regions` as `n/5` so that an average over fewer
 * targets than the paper's stands out.
 *
 * @example
 * regionTableMarkdown(table).split('\n')[0];
 * // '| rank | model | V1 | V2 | V4 | IT | behavior | average | regions | failed |'
 */
export function regionTableMarkdown(table: readonly RegionTableRow[]): string {
  const score = (value: number | null) => (value === null ? MISSING : value.toFixed(MARKDOWN_DECIMALS));
  const escape = (text: string) => text.replaceAll('\\', '\\\\').replaceAll('|', '\\|');
  const header = ['rank', 'model', ...BENCHMARK_TARGETS, 'average', 'regions', 'failed'];
  const align = ['---:', ':---', ...BENCHMARK_TARGETS.map(() => '---:'), '---:', '---:', '---:'];
  const lines = table.map((row, i) => [
    String(i + 1),
    escape(row.model),
    ...BENCHMARK_TARGETS.map((target) => score(row[target])),
    score(row.average),
    `${row.regions}/${BENCHMARK_TARGETS.length}`,
    String(row.failed),
  ]);
  return [header, align, ...lines].map((cells) => `| ${cells.join(' | ')} |\n`).join('');
}
