/**
 * Reading model-vs-human's trial CSVs (github.com/bethgelab/model-vs-human, `raw-data/<dataset>/`;
 * Geirhos et al. 2021) into {@link ObserverTrial}s: one row per trial with the observer, its answer,
 * the true category, the condition and the image shown.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { InputError } from '@vvs/core';
import { InputFileError, parseCsv } from '@vvs/io';
import { compareCodePoints, type ObserverTrial } from '@vvs/metrics';
import {
  GEIRHOS2021_DATASETS,
  NON_PARAMETRIC_DATASETS,
  SINGLE_CONDITION,
  isGeirhos2021Dataset,
  type Geirhos2021Dataset,
} from './datasets.ts';
import { pandasConditionLabels } from './pandas-labels.ts';

/** The columns a trial CSV must have (names compared in lower case: some human files say `Session`). */
const REQUIRED_COLUMNS = ['subj', 'object_response', 'category', 'condition', 'imagename'] as const;

/** The raw columns of one trial CSV, one entry per trial. */
export interface TrialTable {
  /** The file read. */
  path: string;
  /** `subj`: the observer (`subject-01`, or the model's name). */
  subject: string[];
  /** `object_response`: the observer's answer (humans may answer `na`). */
  response: string[];
  /** `category`: the true category. */
  category: string[];
  /** `condition`, as written in the file (`1`, `0.10`, `true`, `c50`, `NaN`). */
  condition: string[];
  /** `imagename`: the image file shown. */
  imagename: string[];
}

/** The trials of one CSV file, with model-vs-human's condition labels and image ids. */
export interface TrialFile {
  path: string;
  trials: ObserverTrial[];
}

/**
 * model-vs-human's short image name (`get_short_imagename` in `modelvshuman/helper/plotting_helper.py`),
 * which identifies an image across observers whatever trial prefix it was shown under: with one
 * `_`-separated part, the name itself; otherwise the last two parts joined by `_` when the
 * second-to-last starts with `n0` (an ImageNet synset id), else the last part alone.
 *
 * @example
 * shortImageName('0001_cl_s01_cr_oven_40_n04111531_14126.png'); // 'n04111531_14126.png'
 * shortImageName('0001_s5n_s01_0_bird_00_bird3-bird2.png'); // 'bird3-bird2.png'
 * shortImageName('airplane1.png'); // 'airplane1.png'
 */
export function shortImageName(imagename: string): string {
  const parts = imagename.split('_');
  if (parts.length === 1) return imagename;
  const [second, last] = parts.slice(-2);
  return second.startsWith('n0') ? `${second}_${last}` : last;
}

/**
 * Reads one model-vs-human trial CSV (LF or CRLF line ends; column names in any case, as
 * `read_all_csv_files_from_directory` lower-cases them) into its raw columns.
 *
 * @throws {@link InputFileError} naming the file when it cannot be read, is not CSV, lacks one of the
 *   columns `subj`, `object_response`, `category`, `condition`, `imagename` (naming it), has no
 *   trials, a row of the wrong length, or a trial without observer, category or image name.
 * @example
 * const table = readTrialTable('raw-data/colour/colour_subject-01_session_1.csv');
 * table.subject[0]; // 'subject-01'
 */
export function readTrialTable(path: string): TrialTable {
  let records: string[][];
  try {
    records = parseCsv(readFileSync(path, 'utf8'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const problem =
      error instanceof SyntaxError ? `malformed CSV: ${error.message}` : code === 'ENOENT' ? 'no such file' : `cannot be read (${(error as Error).message})`;
    throw new InputFileError(path, problem, { cause: error });
  }
  const header = (records[0] ?? []).map((name) => name.trim().toLowerCase());
  const index = Object.fromEntries(
    REQUIRED_COLUMNS.map((column) => {
      const c = header.indexOf(column);
      if (c < 0) throw new InputFileError(path, `no '${column}' column (columns: ${header.join(', ') || 'none'})`);
      return [column, c];
    }),
  ) as Record<(typeof REQUIRED_COLUMNS)[number], number>;
  const body = records.slice(1);
  if (body.length === 0) throw new InputFileError(path, 'holds no trials');
  const table: TrialTable = { path, subject: [], response: [], category: [], condition: [], imagename: [] };
  body.forEach((record, r) => {
    if (record.length !== header.length) {
      throw new InputFileError(path, `trial row ${r + 1} has ${record.length} fields, the header has ${header.length}`);
    }
    for (const column of ['subj', 'category', 'imagename'] as const) {
      if (record[index[column]] === '') throw new InputFileError(path, `trial row ${r + 1} has an empty '${column}'`);
    }
    table.subject.push(record[index.subj]);
    table.response.push(record[index.object_response]);
    table.category.push(record[index.category]);
    table.condition.push(record[index.condition]);
    table.imagename.push(record[index.imagename]);
  });
  return table;
}

/**
 * The trials of several CSV files of one dataset, labelled as model-vs-human labels them after
 * reading the whole dataset folder (`get_experimental_data`): the condition is pandas' text of the
 * `condition` column of all the files concatenated (see {@link pandasConditionLabels}; so pass every
 * CSV that model-vs-human would find in the folder, not only the observers you compare), or
 * {@link SINGLE_CONDITION} for the non-parametric datasets; the image id is the
 * {@link shortImageName}. A trial is correct when the answer equals the category, so a human's `na`
 * is simply wrong.
 *
 * @param dataset - the model-vs-human dataset the files belong to.
 * @param paths - its CSV files.
 * @throws InputError for a dataset that is not one of the 17, or no files;
 *   {@link InputFileError} for a file {@link readTrialTable} refuses.
 * @example
 * const files = readTrialFiles('high-pass', ['high-pass_resnet50_session-1.csv', 'high-pass_subject-01_session_1.csv']);
 * files[0].trials[0]; // { subject: 'resnet50', condition: '0.7', imageId: 'n03662601_12531.png', truth: 'boat', choice: 'clock' }
 */
export function readTrialFiles(dataset: string, paths: readonly string[]): TrialFile[] {
  const name = checkDataset(dataset);
  if (paths.length === 0) throw new InputError(`${dataset}: no trial CSV files given`, { field: 'paths' });
  const tables = paths.map(readTrialTable);
  const labels = NON_PARAMETRIC_DATASETS.has(name)
    ? tables.map((table) => table.condition.map(() => SINGLE_CONDITION))
    : pandasConditionLabels(tables.map((table) => table.condition));
  return tables.map((table, f) => ({
    path: table.path,
    trials: table.subject.map((subject, t) => ({
      subject,
      condition: labels[f][t],
      imageId: shortImageName(table.imagename[t]),
      truth: table.category[t],
      choice: table.response[t],
    })),
  }));
}

/**
 * All trials of a model-vs-human dataset folder (`raw-data/<dataset>/`, named after its dataset),
 * every `.csv` file in it read and labelled together as {@link readTrialFiles} does.
 *
 * @throws InputError when the folder does not exist, is not named after one of the 17 datasets, or
 *   holds no `.csv` file; {@link InputFileError} for a malformed file.
 * @example
 * const trials = readDatasetFolder('model-vs-human/raw-data/contrast');
 * new Set(trials.map((t) => t.condition)); // Set { 'c30', 'c100', … }
 */
export function readDatasetFolder(dir: string): ObserverTrial[] {
  const paths = csvFilesIn(dir);
  const dataset = basename(dir);
  checkDataset(dataset, dir);
  if (paths.length === 0) throw new InputError(`${dir}: the dataset folder holds no .csv files`, { file: dir });
  return readTrialFiles(dataset, paths).flatMap((file) => file.trials);
}

/**
 * The `.csv` files directly in `dir`, sorted by name (as model-vs-human lists them).
 *
 * @throws InputError when `dir` does not exist or is not a folder.
 * @example
 * csvFilesIn('raw-data/edge'); // ['raw-data/edge/edge_resnet50_session-1.csv', …]
 */
export function csvFilesIn(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir, { withFileTypes: true })
      .filter((entry) => entry.isFile() && entry.name.toLowerCase().endsWith('.csv'))
      .map((entry) => entry.name);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const problem = code === 'ENOENT' ? 'no such folder' : code === 'ENOTDIR' ? 'not a folder' : `cannot be read (${(error as Error).message})`;
    throw new InputError(`${dir}: ${problem}`, { file: dir, cause: error });
  }
  return names.sort(compareCodePoints).map((name) => join(dir, name));
}

function checkDataset(dataset: string, where = dataset): Geirhos2021Dataset {
  if (!isGeirhos2021Dataset(dataset)) {
    throw new InputError(`${where}: '${dataset}' is not a model-vs-human dataset (expected one of ${GEIRHOS2021_DATASETS.join(', ')})`, {
      field: 'dataset',
    });
  }
  return dataset;
}
