/**
 * `vvs results`: the scores in a results database, as a table, CSV or JSON.
 */
import type { Command } from 'commander';
import { InputError } from '@vvs/core';
import { ResultsStore, type ScoreRow } from '@vvs/results';
import { DEFAULT_STORE } from './run.ts';

/** The formats `vvs results` prints. */
export const RESULTS_FORMATS = ['table', 'csv', 'json'] as const;

/** Columns of the table and the CSV, in order. */
const COLUMNS = ['model', 'benchmark', 'benchmarkVersion', 'layer', 'target', 'score', 'raw', 'ceiling', 'error', 'status', 'synthetic'] as const;

interface ResultsFlags {
  store: string;
  format: string;
}

/**
 * Adds `results` to a commander program. `--format json` prints an array of rows with at least
 * `model`, `benchmark` and `score`.
 *
 * @example
 * const program = new Command('vvs');
 * registerResults(program);
 * await program.parseAsync(['node', 'vvs', 'results', '--format', 'csv']);
 */
export function registerResults(program: Command): void {
  program
    .command('results')
    .description('print the scores of a results database')
    .option('--store <file>', 'the results database (DuckDB)', DEFAULT_STORE)
    .option('--format <format>', RESULTS_FORMATS.join(', '), 'table')
    .action(async (flags: ResultsFlags) => {
      if (!(RESULTS_FORMATS as readonly string[]).includes(flags.format)) {
        throw new InputError(`--format: expected one of ${RESULTS_FORMATS.join(', ')}, got '${flags.format}'`, { field: 'format' });
      }
      const store = await ResultsStore.open(flags.store, { readOnly: true });
      try {
        const rows = await store.rows();
        const out = flags.format === 'json' ? `${JSON.stringify(rows)}\n` : flags.format === 'csv' ? resultsCsv(rows) : resultsTable(rows);
        process.stdout.write(out);
      } finally {
        store.close();
      }
    });
}

const cell = (value: unknown): string => (value === null || value === undefined ? '' : typeof value === 'number' ? String(value) : String(value));

/**
 * Rows as CSV (RFC 4180 quoting), numbers at full precision so that they read back exactly.
 *
 * @example
 * resultsCsv(rows).split('\n')[0]; // 'model,benchmark,benchmarkVersion,layer,target,score,raw,ceiling,error,status,synthetic'
 */
export function resultsCsv(rows: readonly ScoreRow[]): string {
  const quote = (text: string) => (/[",\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text);
  return [COLUMNS.join(','), ...rows.map((row) => COLUMNS.map((c) => quote(cell(row[c]))).join(','))].join('\n') + '\n';
}

/**
 * Rows as an aligned text table, scores to 4 decimals, synthetic scores marked.
 *
 * @example
 * process.stdout.write(resultsTable(await store.rows()));
 */
export function resultsTable(rows: readonly ScoreRow[]): string {
  const f = (x: number | null) => (x === null ? '' : x.toFixed(4));
  const lines = rows.map((r) => [
    r.model,
    r.benchmark,
    r.layer,
    r.status === 'ok' ? f(r.score) : 'FAILED',
    f(r.raw),
    f(r.ceiling),
    r.synthetic ? 'synthetic' : '',
  ]);
  const header = ['model', 'benchmark', 'layer', 'score', 'raw', 'ceiling', ''];
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const format = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  return [format(header), ...lines.map(format)].join('\n') + '\n';
}
