/**
 * `vvs results`: the scores in a results database, as a table, CSV or JSON (printed or written to a
 * file) or Parquet (written to a file).
 */
import type { Command } from 'commander';
import { InputError, writeFileAtomic } from '@vvs/core';
import { csvTable } from '@vvs/report';
import { ResultsStore, type ScoreRow } from '@vvs/results';
import { DEFAULT_STORE } from './run.ts';

/** The formats `vvs results` writes; `parquet` is binary and only goes to a file (`--out`). */
export const RESULTS_FORMATS = ['table', 'csv', 'json', 'parquet'] as const;

/** Columns of the table and the CSV, in order. */
const COLUMNS = ['model', 'benchmark', 'benchmarkVersion', 'layer', 'target', 'score', 'raw', 'ceiling', 'error', 'status', 'synthetic'] as const;

interface ResultsFlags {
  store: string;
  format: string;
  out?: string;
}

/**
 * Adds `results` to a commander program. `--format json` prints an array of rows with at least
 * `model`, `benchmark` and `score`; `--out <file>` writes the output to a file instead (whole or not
 * at all), which `--format parquet` requires. Writing a file reports the row count on stderr.
 *
 * @example
 * const program = new Command('vvs');
 * registerResults(program);
 * await program.parseAsync(['node', 'vvs', 'results', '--format', 'csv']);
 * await program.parseAsync(['node', 'vvs', 'results', '--format', 'parquet', '--out', 'scores.parquet']);
 */
export function registerResults(program: Command): void {
  program
    .command('results')
    .description('print the scores of a results database')
    .option('--store <file>', 'the results database (DuckDB)', DEFAULT_STORE)
    .option('--format <format>', RESULTS_FORMATS.join(', '), 'table')
    .option('--out <file>', 'write to this file instead of stdout (required for parquet)')
    .action(async (flags: ResultsFlags) => {
      if (!(RESULTS_FORMATS as readonly string[]).includes(flags.format)) {
        throw new InputError(`--format: expected one of ${RESULTS_FORMATS.join(', ')}, got '${flags.format}'`, { field: 'format' });
      }
      if (flags.format === 'parquet' && flags.out === undefined) {
        throw new InputError('--format parquet writes a binary file: give --out <file>', { field: 'out' });
      }
      const store = await ResultsStore.open(flags.store, { readOnly: true });
      try {
        if (flags.format === 'parquet') {
          const count = await store.exportParquet(flags.out!);
          process.stderr.write(`vvs: wrote ${count} rows to ${flags.out}\n`);
          return;
        }
        const rows = await store.rows();
        const out = flags.format === 'json' ? `${JSON.stringify(rows)}\n` : flags.format === 'csv' ? resultsCsv(rows) : resultsTable(rows);
        if (flags.out === undefined) {
          process.stdout.write(out);
        } else {
          await writeFileAtomic(flags.out, out);
          process.stderr.write(`vvs: wrote ${rows.length} rows to ${flags.out}\n`);
        }
      } finally {
        store.close();
      }
    });
}

/**
 * Rows as CSV (RFC 4180 quoting), numbers at full precision so that they read back exactly.
 *
 * @example
 * resultsCsv(rows).split('\n')[0]; // 'model,benchmark,benchmarkVersion,layer,target,score,raw,ceiling,error,status,synthetic'
 */
export function resultsCsv(rows: readonly ScoreRow[]): string {
  return csvTable(COLUMNS, rows.map((row) => COLUMNS.map((column) => row[column])));
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
