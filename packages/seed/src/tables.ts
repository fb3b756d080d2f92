/**
 * The seed's tables as typed rows: the table half of the five functions its users start from
 * (`scaling_primate_vvs/artifacts/artifacts_helpers.py`: `list_models`,
 * `get_model_checkpoints_dataframe`, `get_benchmark_scores_dataframe`). Rows keep the seed's
 * column names, so that code written against its DataFrames reads the same here and the JSON the
 * CLI prints has the CSV's columns.
 */
import { readFile } from 'node:fs/promises';
import { InputError } from '@vvs/core';
import { parseCsv } from '@vvs/io';
import { seedArtifact, type SeedArtifactName, type SeedArtifactOptions } from './artifacts.ts';

/** A cell as the seed's DataFrames hold it: number, text, boolean, or `null` for NaN (an empty cell). */
export type SeedCell = string | number | boolean | null;

/**
 * The architectures the seed's `load_model` can build (`SUPPORTED_MODELS` in its
 * `artifacts_helpers.py`); `list_models()` returns the ids of these architectures only.
 */
export const SEED_SUPPORTED_ARCHITECTURES: readonly string[] = [
  ...[18, 34, 50, 101, 152].map((depth) => `resnet${depth}`),
  ...[0, 1, 2].map((k) => `efficientnet_b${k}`),
  ...['tiny', 'small', 'base', 'large'].map((size) => `convnext_${size}`),
  ...['tiny', 'small', 'base', 'large'].map((size) => `deit_${size}`),
  'alexnet',
  'cornet_s',
];

/** The two score tables of `get_benchmark_scores_dataframe`: the five public benchmarks, and Brain-Score's leaderboard. */
export const SEED_SCORE_SPLITS = ['public', 'private'] as const;

/** `'public'` or `'private'`. */
export type SeedScoreSplit = (typeof SEED_SCORE_SPLITS)[number];

/** One row of `model_checkpoints.csv`: one saved epoch of one model. */
export interface ModelCheckpointRow {
  readonly model_id: string;
  /** The training epoch the checkpoint was saved at. */
  readonly epoch: number;
  /** Its path relative to a checkpoints folder (`<model_id>/ep<epoch>.pt`), what the seed's `load_model(checkpoints_dir=…)` joins. */
  readonly checkpoint_path: string;
  /** The architecture (`resnet18`, `deit_small`, `resnetflexfilters-d-1-0-0-0`, …); `null` where the table leaves it empty. */
  readonly arch: string | null;
  /** The family (`ResNet`, `ViT`, …); `null` where the table leaves it empty. */
  readonly arch_family: string | null;
  /** Whether this is the model's last saved epoch. */
  readonly is_latest: boolean;
  /** The checkpoint on the seed's public S3 bucket. */
  readonly checkpoint_url: string;
  /** Columns a newer table may add, typed cell by cell. */
  readonly [column: string]: SeedCell;
}

/** One row of `benchmark_scores.csv`: one model on one of the five public benchmarks. */
export interface PublicScoreRow {
  readonly model_id: string;
  /** The benchmark's index among the five (0 V1 … 4 behaviour). */
  readonly benchmark_id: number;
  readonly arch: string;
  /** The training set (`imagenet`, `ecoset`, …); `null` where the table leaves it empty. */
  readonly dataset: string | null;
  readonly n_params: number | null;
  readonly macs: number | null;
  readonly flops: number | null;
  /** Brain-Score's identifier, e.g. `dicarlo.MajajHong2015public.IT-pls`. */
  readonly benchmark_name: string;
  /** `V1`, `V2`, `V4`, `IT` or `Behavioral`. */
  readonly region: string;
  readonly n_samples: number;
  readonly samples_per_class: number;
  readonly n_epochs: number;
  readonly n_samples_seen: number;
  readonly total_flops: number | null;
  /** The alignment score; `null` (NaN) where the seed has none. */
  readonly score: number | null;
  readonly seed: number;
  readonly arch_family: string;
  /** Top-1 validation accuracy, where measured. */
  readonly acc: number | null;
  readonly checkpoint_url: string;
  readonly is_pretrained: boolean;
  readonly is_random: boolean;
  readonly is_ssl: boolean;
  readonly ssl_method: string | null;
  readonly is_ablation: boolean;
  readonly is_open_clip: boolean;
  readonly is_adv: boolean;
  readonly adv_method: string | null;
  /** Columns a newer table may add, typed cell by cell. */
  readonly [column: string]: SeedCell;
}

/**
 * One row of `benchmark_scores_brainscore.csv` (Brain-Score's leaderboard for the models the seed
 * submitted): `model_id`, then one column per benchmark or aggregate (`average_vision`, `V1`,
 * `MajajHong2015.IT-pls`, …). A score is a number, `null` where empty, or the text `X`, the
 * leaderboard's mark for a score it does not show.
 */
export interface PrivateScoreRow {
  readonly model_id: string;
  readonly [column: string]: SeedCell;
}

/** Options of the table functions: where the seed's files come from (see {@link seedArtifact}). */
export type SeedTableOptions = Omit<SeedArtifactOptions, 'url'>;

/** Options of {@link listModels}. */
export interface ListModelsOptions extends SeedTableOptions {
  /**
   * Only the models whose architecture is in {@link SEED_SUPPORTED_ARCHITECTURES} (the seed's
   * `supported_simple_loading`, default `true`); `false` lists every model with a checkpoint.
   */
  readonly supportedOnly?: boolean;
}

/** How a column's cells are typed. */
type ColumnKind = 'text' | 'optional-text' | 'integer' | 'optional-number' | 'boolean';

/** Column kinds of a row type's named columns. */
type Schema<Row> = { readonly [K in keyof Row as string extends K ? never : K]-?: ColumnKind };

const CHECKPOINT_COLUMNS: Schema<ModelCheckpointRow> = {
  model_id: 'text',
  epoch: 'integer',
  checkpoint_path: 'text',
  arch: 'optional-text',
  arch_family: 'optional-text',
  is_latest: 'boolean',
  checkpoint_url: 'text',
};

const PUBLIC_SCORE_COLUMNS: Schema<PublicScoreRow> = {
  model_id: 'text',
  benchmark_id: 'integer',
  arch: 'text',
  dataset: 'optional-text',
  n_params: 'optional-number',
  macs: 'optional-number',
  flops: 'optional-number',
  benchmark_name: 'text',
  region: 'text',
  n_samples: 'integer',
  samples_per_class: 'integer',
  n_epochs: 'integer',
  n_samples_seen: 'integer',
  total_flops: 'optional-number',
  score: 'optional-number',
  seed: 'integer',
  arch_family: 'text',
  acc: 'optional-number',
  checkpoint_url: 'text',
  is_pretrained: 'boolean',
  is_random: 'boolean',
  is_ssl: 'boolean',
  ssl_method: 'optional-text',
  is_ablation: 'boolean',
  is_open_clip: 'boolean',
  is_adv: 'boolean',
  adv_method: 'optional-text',
};

const PRIVATE_SCORE_COLUMNS: Schema<PrivateScoreRow> = { model_id: 'text' };

/** A decimal number as the seed's tables write them (no hex, no `Infinity`). */
const DECIMAL_NUMBER = /^[-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$/;

/** An integer as pandas reads into an int64 column. */
const INTEGER = /^[-+]?[0-9]+$/;

/** How pandas writes booleans (`to_csv` of a bool column). */
const BOOLEAN_WORDS: ReadonlyMap<string, boolean> = new Map([['True', true], ['False', false]]);

/**
 * A cell of a column without a declared kind: empty → `null` (NaN), a decimal number → number,
 * `True`/`False` → boolean, anything else stays text.
 */
function inferCell(text: string): SeedCell {
  if (text === '') return null;
  if (DECIMAL_NUMBER.test(text)) return Number(text);
  return BOOLEAN_WORDS.get(text) ?? text;
}

/**
 * Reads one of the seed's CSV artifacts into rows keyed by column, typing the columns `schema`
 * names (which must all be present) and inferring the others cell by cell.
 */
async function readSeedTable<Row>(file: SeedArtifactName, schema: Schema<Row>, options: SeedTableOptions): Promise<Row[]> {
  const path = await seedArtifact(file, options);
  const fail = (problem: string, cause?: unknown) => new InputError(`${path}: ${problem}`, { file: path, cause });
  let records: string[][];
  try {
    records = parseCsv(await readFile(path, 'utf8'));
  } catch (e) {
    throw fail(e instanceof SyntaxError ? `invalid CSV: ${e.message}` : `cannot read the seed's ${file}: ${(e as Error).message}`, e);
  }
  if (records.length === 0) throw fail(`the seed's ${file} is empty (no header line)`);
  const [columns, ...body] = records;
  const kinds: Record<string, ColumnKind> = schema;
  const missing = Object.keys(kinds).filter((column) => !columns.includes(column));
  if (missing.length > 0) throw fail(`expected the column(s) ${missing.join(', ')} of the seed's ${file}; the header has ${columns.join(', ')}`);
  return body.map((record, i) => {
    if (record.length !== columns.length) throw fail(`data row ${i + 1} has ${record.length} fields, the header has ${columns.length}`);
    const row: Record<string, SeedCell> = {};
    for (let j = 0; j < columns.length; j++) {
      const text = record[j];
      const kind = kinds[columns[j]];
      const bad = (expected: string) => fail(`data row ${i + 1}, column ${columns[j]}: expected ${expected}, got ${JSON.stringify(text)}`);
      switch (kind) {
        case undefined:
          row[columns[j]] = inferCell(text);
          break;
        case 'text':
          if (text === '') throw bad('a non-empty value');
          row[columns[j]] = text;
          break;
        case 'optional-text':
          row[columns[j]] = text === '' ? null : text;
          break;
        case 'integer':
          if (!INTEGER.test(text) || !Number.isSafeInteger(Number(text))) throw bad('an integer');
          row[columns[j]] = Number(text);
          break;
        case 'optional-number':
          if (text !== '' && !DECIMAL_NUMBER.test(text)) throw bad('a number or an empty cell');
          row[columns[j]] = text === '' ? null : Number(text);
          break;
        case 'boolean': {
          const value = BOOLEAN_WORDS.get(text);
          if (value === undefined) throw bad('True or False');
          row[columns[j]] = value;
          break;
        }
      }
    }
    return row as Row;
  });
}

/**
 * The rows of the seed's `model_checkpoints.csv`, one per saved epoch of each model, in file order:
 * the seed's `get_model_checkpoints_dataframe()`.
 *
 * @throws InputError when the table cannot be had (see {@link seedArtifact}) or is malformed.
 * @example
 * const rows = await getModelCheckpoints({ tablesDir: 'artifacts' });
 * rows.filter((r) => r.model_id === 'resnet18_imagenet_full' && r.is_latest)[0].checkpoint_url;
 * // https://epfl-neuroailab-scalinglaws.s3.eu-north-1.amazonaws.com/checkpoints/resnet18_imagenet_full/ep100.pt
 */
export function getModelCheckpoints(options: SeedTableOptions = {}): Promise<ModelCheckpointRow[]> {
  return readSeedTable<ModelCheckpointRow>('model_checkpoints.csv', CHECKPOINT_COLUMNS, options);
}

/**
 * The seed's model ids, each once, in the order they first appear in `model_checkpoints.csv`: the
 * seed's `list_models(supported_simple_loading)`, which keeps the rows whose `arch` is in
 * {@link SEED_SUPPORTED_ARCHITECTURES} (unless `supportedOnly` is `false`) and takes
 * `model_id.unique()`.
 *
 * @example
 * (await listModels()).length;                        // 647 (the models load_model can build)
 * (await listModels({ supportedOnly: false })).length; // 811 (every model with a checkpoint)
 */
export async function listModels(options: ListModelsOptions = {}): Promise<string[]> {
  const { supportedOnly = true, ...tableOptions } = options;
  const supported = new Set(SEED_SUPPORTED_ARCHITECTURES);
  const ids = new Set<string>();
  for (const row of await getModelCheckpoints(tableOptions)) {
    if (!supportedOnly || (row.arch !== null && supported.has(row.arch))) ids.add(row.model_id);
  }
  return [...ids];
}

/**
 * The seed's benchmark scores, in file order: the seed's `get_benchmark_scores_dataframe(split)`.
 * `'public'` reads `benchmark_scores.csv` (one row per model and public benchmark: Freeman-Ziemba
 * V1 and V2, Majaj-Hong V4 and IT, Rajalingham 2018 i2n); `'private'` reads
 * `benchmark_scores_brainscore.csv` (one row per model, Brain-Score's leaderboard columns).
 *
 * @throws RangeError for a split other than `'public'` or `'private'` (where the seed prints a
 *   message and returns `None`); InputError when the table cannot be had or is malformed.
 * @example
 * const rows = await getBenchmarkScores('public');
 * rows.filter((r) => r.model_id === 'resnet18_imagenet_full').map((r) => [r.region, r.score]);
 * // [['V1', 0.2600…], ['V2', 0.3159…], ['V4', 0.5938…], ['IT', 0.5497…], ['Behavioral', 0.4046…]]
 */
export function getBenchmarkScores(split: 'public', options?: SeedTableOptions): Promise<PublicScoreRow[]>;
export function getBenchmarkScores(split: 'private', options?: SeedTableOptions): Promise<PrivateScoreRow[]>;
export function getBenchmarkScores(split: SeedScoreSplit, options?: SeedTableOptions): Promise<PublicScoreRow[] | PrivateScoreRow[]>;
export async function getBenchmarkScores(split: SeedScoreSplit, options: SeedTableOptions = {}): Promise<PublicScoreRow[] | PrivateScoreRow[]> {
  if (split === 'public') return readSeedTable<PublicScoreRow>('benchmark_scores.csv', PUBLIC_SCORE_COLUMNS, options);
  if (split === 'private') return readSeedTable<PrivateScoreRow>('benchmark_scores_brainscore.csv', PRIVATE_SCORE_COLUMNS, options);
  throw new RangeError(`split: expected ${SEED_SCORE_SPLITS.map((s) => `'${s}'`).join(' or ')}, got ${JSON.stringify(split)}`);
}
