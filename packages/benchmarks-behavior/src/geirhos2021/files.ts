/**
 * Finding model-vs-human trial CSVs on disk: its `raw-data/` layout (`<dataset>/` folders holding
 * `<dataset>_subject-NN_session_1.csv` for humans and `<dataset>_<model>_session-1.csv` for models),
 * one dataset folder, a flat folder of one model's files, or the files themselves.
 */
import { statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { InputError } from '@vvs/core';
import { InputFileError } from '@vvs/io';
import { GEIRHOS2021_DATASETS, isGeirhos2021Dataset, type Geirhos2021Dataset } from './datasets.ts';
import { csvFilesIn } from './trials.ts';

/** model-vs-human names human subjects `subject-01` …; every other observer is a model. */
const HUMAN_PREFIX = 'subject-';

/** The session suffix of a trial file name: `_session_1.csv` (humans) or `_session-1.csv` (models). */
const SESSION_SUFFIX = /_session[-_]\d+\.csv$/i;

/** A trial CSV and what its name and place say about it. */
export interface TrialCsv {
  path: string;
  dataset: Geirhos2021Dataset;
  /** The observer named by the file (`subject-01`, `resnet50`): the name without `<dataset>_` and the session suffix. */
  observer: string;
  /** Whether the observer is a human subject (its name starts with `subject-`). */
  human: boolean;
}

/**
 * The model-vs-human trial CSVs under `paths`, each path being a CSV file, a dataset folder (named
 * after its dataset), or a folder holding dataset folders and/or CSV files (model-vs-human's
 * `raw-data/`, whose other folders such as `performances/` are not looked into). A file's dataset is
 * the `<dataset>_` its name starts with, else the name of its folder. Files found twice are listed once.
 *
 * @throws InputError naming the path when it does not exist or a folder holds no trial CSV;
 *   {@link InputFileError} for a CSV whose dataset cannot be told.
 * @example
 * const csvs = findTrialCsvs(['model-vs-human/raw-data']);
 * csvs.filter((c) => c.human).length; // one per subject and dataset
 * csvs.find((c) => !c.human); // { path: '…/colour/colour_resnet50_session-1.csv', dataset: 'colour', observer: 'resnet50', human: false }
 */
export function findTrialCsvs(paths: readonly string[]): TrialCsv[] {
  const found = new Map<string, TrialCsv>();
  for (const path of paths) {
    for (const file of csvPathsUnder(path)) {
      const key = resolve(file);
      if (!found.has(key)) found.set(key, describeTrialCsv(file));
    }
  }
  return [...found.values()];
}

/**
 * What a trial CSV's name and folder say: its dataset and observer.
 *
 * @throws {@link InputFileError} when neither the name (`<dataset>_…`) nor the folder names a dataset.
 * @example
 * describeTrialCsv('raw-data/edge/edge_subject-03_session_1.csv');
 * // { path: 'raw-data/edge/edge_subject-03_session_1.csv', dataset: 'edge', observer: 'subject-03', human: true }
 */
export function describeTrialCsv(path: string): TrialCsv {
  const name = basename(path);
  const prefixed = GEIRHOS2021_DATASETS.find((dataset) => name.startsWith(`${dataset}_`));
  const folder = basename(dirname(resolve(path)));
  const dataset = prefixed ?? (isGeirhos2021Dataset(folder) ? folder : undefined);
  if (dataset === undefined) {
    throw new InputFileError(
      path,
      "cannot tell its model-vs-human dataset: name it '<dataset>_<observer>_session-1.csv' or put it in a folder named after the dataset",
    );
  }
  const stem = prefixed === undefined ? name : name.slice(dataset.length + 1);
  const observer = SESSION_SUFFIX.test(stem) ? stem.replace(SESSION_SUFFIX, '') : stem.replace(/\.csv$/i, '');
  return { path, dataset, observer, human: observer.startsWith(HUMAN_PREFIX) };
}

function csvPathsUnder(path: string): string[] {
  let isDirectory: boolean;
  try {
    isDirectory = statSync(path).isDirectory();
  } catch (error) {
    throw new InputError(`${path}: no such file or folder`, { file: path, cause: error });
  }
  if (!isDirectory) return [path];
  const files = csvFilesIn(path);
  if (!isGeirhos2021Dataset(basename(resolve(path)))) {
    for (const dataset of GEIRHOS2021_DATASETS) {
      const sub = join(path, dataset);
      if (isFolder(sub)) files.push(...csvFilesIn(sub));
    }
  }
  if (files.length === 0) {
    throw new InputError(
      `${path}: holds no model-vs-human trial CSVs (expected <dataset>/ folders or <dataset>_<observer>_session-1.csv files)`,
      { file: path },
    );
  }
  return files;
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
