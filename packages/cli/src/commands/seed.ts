/**
 * `vvs seed models|checkpoints|scores`: the scaling-laws seed's tables — its model ids, their
 * checkpoints, their benchmark scores — as its `list_models`, `get_model_checkpoints_dataframe` and
 * `get_benchmark_scores_dataframe` give them, printed as text or JSON.
 */
import type { Command } from 'commander';
import { closestMatches, formatBytes, InputError } from '@vvs/core';
import {
  SEED_SCORE_SPLITS,
  getBenchmarkScores,
  getModelCheckpoints,
  listModels,
  type SeedCell,
  type SeedScoreSplit,
  type SeedTableOptions,
} from '@vvs/seed';
import { progressReporter } from '../progress.ts';

/** Flags every `vvs seed` command takes: where the tables come from, and the output format. */
interface SourceFlags {
  tables?: string;
  cacheDir?: string;
  json?: boolean;
}

interface ModelsFlags extends SourceFlags {
  all?: boolean;
  supportedOnly?: boolean;
}

interface CheckpointsFlags extends SourceFlags {
  model?: string;
}

interface ScoresFlags extends CheckpointsFlags {
  split: string;
}

/** Columns of `vvs seed checkpoints`' text table. */
const CHECKPOINT_TABLE_COLUMNS = ['model_id', 'epoch', 'arch', 'is_latest', 'checkpoint_url'] as const;

/** Columns of `vvs seed scores --split public`'s text table. */
const PUBLIC_TABLE_COLUMNS = ['model_id', 'benchmark_name', 'region', 'score'] as const;

/**
 * Columns of `vvs seed scores --split private`'s text table: the leaderboard's aggregates (its
 * 150-odd benchmark columns are in `--json`).
 */
const PRIVATE_TABLE_COLUMNS = ['model_id', 'average_vision', 'neural_vision', 'V1', 'V2', 'V4', 'IT', 'behavior_vision', 'engineering_vision'] as const;

/** The table options of the flags: a local folder, or the cache with a progress line while fetching. */
function tableOptions(flags: SourceFlags, progress: (message: string) => void): SeedTableOptions {
  return {
    ...(flags.tables !== undefined ? { tablesDir: flags.tables } : {}),
    ...(flags.cacheDir !== undefined ? { cacheDir: flags.cacheDir } : {}),
    onProgress: ({ file, received, total }) => progress(`fetching the seed's ${file}: ${formatBytes(received)}${total ? ` of ${formatBytes(total)}` : ''}`),
  };
}

/** A cell as text: NaN (an empty cell) as an empty string. */
function cellText(cell: SeedCell): string {
  return cell === null ? '' : String(cell);
}

/** Rows as left-aligned columns under a header, separated by two spaces. */
function alignedTable(columns: readonly string[], rows: readonly Readonly<Record<string, SeedCell>>[]): string {
  const lines = [columns, ...rows.map((row) => columns.map((column) => cellText(row[column] ?? null)))];
  const widths = columns.map((_, c) => Math.max(...lines.map((line) => line[c].length)));
  return lines.map((line) => `${line.map((cell, c) => (c === line.length - 1 ? cell : cell.padEnd(widths[c]))).join('  ').trimEnd()}\n`).join('');
}

/** The rows of one model, or an InputError naming it with the closest ids when it has none. */
function rowsOfModel<Row extends { readonly model_id: string }>(rows: Row[], model: string | undefined, table: string): Row[] {
  if (model === undefined) return rows;
  const selected = rows.filter((row) => row.model_id === model);
  if (selected.length === 0) {
    const suggestions = closestMatches(model, new Set(rows.map((row) => row.model_id)));
    const hint = suggestions.length > 0 ? `; did you mean ${suggestions.join(', ')}?` : '';
    throw new InputError(`--model: no model '${model}' in the seed's ${table}${hint}`, { field: 'model' });
  }
  return selected;
}

/** Runs a command's body with a progress line that is cleared whatever happens. */
async function withProgress(body: (progress: (message: string) => void) => Promise<string>): Promise<void> {
  const progress = progressReporter(true);
  let output: string;
  try {
    output = await body(progress);
  } finally {
    progress.done();
  }
  process.stdout.write(output);
}

/**
 * Adds `seed` (with `models`, `checkpoints` and `scores`) to a commander program.
 *
 * @example
 * registerSeed(program);
 * await program.parseAsync(['node', 'vvs', 'seed', 'scores', '--split', 'public', '--model', 'resnet18_imagenet_full']);
 */
export function registerSeed(program: Command): void {
  const seed = program
    .command('seed')
    .description("the scaling-laws seed's tables: its models, their checkpoints, their benchmark scores (fetched into the cache on first use)");
  const sourceOptions = (command: Command) =>
    command
      .option('--tables <dir>', "a folder holding the seed's artifact files (default: the cache, fetched from the seed's repository on first use)")
      .option('--cache-dir <dir>', "the cache folder the seed's tables are kept in")
      .option('--json', 'print one JSON array');

  sourceOptions(
    seed
      .command('models')
      .description("the seed's model ids, one per line (list_models): those load_model can build, or with --all every model with a checkpoint")
      .option('--supported-only', "only the models of the architectures the seed's load_model builds (the default)")
      .option('--all', 'every model with a checkpoint'),
  ).action(async (flags: ModelsFlags) => {
    if (flags.all && flags.supportedOnly) throw new InputError('--all and --supported-only exclude each other', { field: 'all' });
    await withProgress(async (progress) => {
      const ids = await listModels({ ...tableOptions(flags, progress), supportedOnly: !flags.all });
      return flags.json ? `${JSON.stringify(ids)}\n` : ids.map((id) => `${id}\n`).join('');
    });
  });

  sourceOptions(
    seed
      .command('checkpoints')
      .description("the seed's checkpoints, one row per saved epoch of each model (get_model_checkpoints_dataframe)")
      .option('--model <id>', "only this model's checkpoints"),
  ).action(async (flags: CheckpointsFlags) => {
    await withProgress(async (progress) => {
      const rows = rowsOfModel(await getModelCheckpoints(tableOptions(flags, progress)), flags.model, 'checkpoints table');
      return flags.json ? `${JSON.stringify(rows)}\n` : alignedTable(CHECKPOINT_TABLE_COLUMNS, rows);
    });
  });

  sourceOptions(
    seed
      .command('scores')
      .description("the seed's benchmark scores (get_benchmark_scores_dataframe): the five public benchmarks, or Brain-Score's leaderboard")
      .option('--split <split>', `${SEED_SCORE_SPLITS.join(' or ')}`, 'public')
      .option('--model <id>', "only this model's scores"),
  ).action(async (flags: ScoresFlags) => {
    if (!SEED_SCORE_SPLITS.includes(flags.split as SeedScoreSplit)) {
      throw new InputError(`--split: expected ${SEED_SCORE_SPLITS.join(' or ')}, got '${flags.split}'`, { field: 'split' });
    }
    const split = flags.split as SeedScoreSplit;
    await withProgress(async (progress) => {
      const rows = rowsOfModel(await getBenchmarkScores(split, tableOptions(flags, progress)), flags.model, `${split} scores`);
      if (flags.json) return `${JSON.stringify(rows)}\n`;
      return split === 'public'
        ? alignedTable(PUBLIC_TABLE_COLUMNS, rows)
        : alignedTable(PRIVATE_TABLE_COLUMNS.filter((column) => rows.length === 0 || Object.hasOwn(rows[0], column)), rows);
    });
  });
}
