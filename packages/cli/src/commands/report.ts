/**
 * `vvs report`: a results database summarised per model and region — Markdown table on stdout, and
 * CSV, Markdown, JSON and charts (SVG, PNG) in a directory.
 */
import type { Command } from 'commander';
import { InputError } from '@vvs/core';
import { regionTable, regionTableMarkdown, writeReport } from '@vvs/report';
import { ResultsStore, type ScoreRow } from '@vvs/results';
import { parseList } from '../flags.ts';
import { DEFAULT_STORE } from './run.ts';

interface ReportFlags {
  store: string;
  out: string;
  benchmarks?: string;
  models?: string;
  title?: string;
}

/**
 * The rows whose `field` is in the comma-separated `list` (all rows without one). A listed id the
 * store has no row for is refused, naming what the store does have, so a typo is not mistaken for
 * a model that scored nothing.
 */
function keep(rows: ScoreRow[], field: 'model' | 'benchmark', list: string | undefined, flag: string, store: string): ScoreRow[] {
  if (list === undefined) return rows;
  const wanted = new Set(parseList(list, flag, `${field} ids`));
  const present = new Set(rows.map((row) => row[field]));
  const unknown = [...wanted].filter((id) => !present.has(id));
  if (unknown.length > 0) {
    throw new InputError(`${flag}: results store "${store}" has no rows for ${unknown.map((id) => `'${id}'`).join(', ')} (it has ${[...present].join(', ') || 'no rows'})`, {
      file: store,
      field: flag.replace(/^--/, ''),
    });
  }
  return rows.filter((row) => wanted.has(row[field]));
}

/**
 * Adds `report` to a commander program: reads a results database read-only (after `vvs run` has
 * finished: DuckDB lets no reader in while a writer holds the file), optionally keeps only some
 * models and benchmarks, writes the report files into `--out` (see `writeReport`), then prints the
 * Markdown table on stdout and one `vvs: wrote <file>` line per file on stderr.
 *
 * @example
 * const program = new Command('vvs');
 * registerReport(program);
 * await program.parseAsync(['node', 'vvs', 'report', '--out', 'report', '--models', 'builtin:cnn,builtin:pixels']);
 */
export function registerReport(program: Command): void {
  program
    .command('report')
    .description('write a report of a results database: scores per model and region (CSV, Markdown, JSON) and charts (SVG, PNG)')
    .option('--store <file>', 'the results database (DuckDB)', DEFAULT_STORE)
    .requiredOption('--out <dir>', 'directory to write the report into (created if absent)')
    .option('--benchmarks <ids>', 'only these benchmarks, comma-separated')
    .option('--models <ids>', 'only these models, comma-separated')
    .option('--title <text>', "the report's title (heading of scores.md, subtitle of the charts)")
    .action(async (flags: ReportFlags) => {
      const store = await ResultsStore.open(flags.store, { readOnly: true });
      let rows: ScoreRow[];
      try {
        rows = await store.rows();
      } finally {
        store.close();
      }
      rows = keep(rows, 'model', flags.models, '--models', store.path);
      rows = keep(rows, 'benchmark', flags.benchmarks, '--benchmarks', store.path);
      const files = await writeReport(rows, flags.out, { source: store.path, title: flags.title });
      process.stdout.write(regionTableMarkdown(regionTable(rows)));
      for (const file of files) process.stderr.write(`vvs: wrote ${file}\n`);
    });
}
