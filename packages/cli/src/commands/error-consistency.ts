/**
 * `vvs error-consistency`: model-vs-human's benchmark table (Geirhos et al. 2021) for one model's
 * trial decisions against the human subjects' — error consistency, observed consistency, accuracy
 * difference and OOD accuracy per dataset and averaged, plus the human–human error consistency.
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { InputError } from '@vvs/core';
import {
  GEIRHOS2021_DATASETS,
  findTrialCsvs,
  humanHumanErrorConsistency,
  modelVsHumanTable,
  readTrialFiles,
  type HumanHumanErrorConsistency,
  type ModelVsHumanMetrics,
  type ModelVsHumanTable,
  type TrialCsv,
} from '@vvs/benchmarks-behavior';
import type { ObserverTrial } from '@vvs/metrics';

interface ErrorConsistencyFlags {
  humans?: string[];
  model?: string[];
  modelName?: string;
  skipMissing?: boolean;
  json?: boolean;
}

/** The four columns, in the order of model-vs-human's table, with their headers. */
const COLUMNS: readonly (readonly [keyof ModelVsHumanMetrics, string])[] = [
  ['accuracyDifference', 'accuracy diff. ↓'],
  ['observedConsistency', 'obs. consistency ↑'],
  ['errorConsistency', 'error consistency ↑'],
  ['oodAccuracy', 'OOD accuracy ↑'],
];

/** Decimals printed in the table (model-vs-human's LaTeX table shows 3; `--json` keeps full precision). */
const TABLE_DECIMALS = 4;

/**
 * Adds `error-consistency` to a commander program.
 *
 * @example
 * const program = new Command('vvs');
 * registerErrorConsistency(program);
 * await program.parseAsync(['node', 'vvs', 'error-consistency', '--humans', 'raw-data', '--model', 'raw-data', '--model-name', 'resnet50']);
 */
export function registerErrorConsistency(program: Command): void {
  program
    .command('error-consistency')
    .description("a model's error consistency with humans on model-vs-human's datasets (Geirhos et al. 2021 benchmark table)")
    .option(
      '--humans <paths...>',
      "model-vs-human raw-data folder(s), dataset folder(s) or CSV files; the human subjects' files (<dataset>_subject-NN_session_1.csv) are used",
    )
    .option('--model <paths...>', "folder(s) or CSV files with the model's decisions (<dataset>_<model>_session-1.csv), e.g. the same raw-data folder")
    .option('--model-name <name>', 'which model, when the --model files hold several (e.g. resnet50)')
    .option('--skip-missing', 'leave out, with a warning, datasets that only the humans or only the model have (default: an error)')
    .option('--json', 'print one JSON object instead of a table')
    .action((flags: ErrorConsistencyFlags) => {
      if (!flags.humans || !flags.model) {
        throw new InputError('error-consistency needs --humans <paths...> and --model <paths...>');
      }
      const { table, humans } = compare(flags.humans, flags.model, flags);
      process.stdout.write(flags.json ? `${JSON.stringify(toJson(table, humans))}\n` : formatTable(table, humans));
    });
}

/** Finds the files, reads each dataset once, and scores the model against the humans. */
function compare(
  humanPaths: string[],
  modelPaths: string[],
  { modelName, skipMissing }: ErrorConsistencyFlags,
): { table: ModelVsHumanTable; humans: HumanHumanErrorConsistency } {
  const humanSide = findTrialCsvs(humanPaths);
  const humanFiles = humanSide.filter((csv) => csv.human);
  if (humanFiles.length === 0) {
    throw new InputError(`--humans ${humanPaths.join(' ')}: no human trial files (<dataset>_subject-NN_session_1.csv)`, { field: 'humans' });
  }
  const modelSide = findTrialCsvs(modelPaths);
  const { name, files: modelFiles } = pickModel(modelSide, modelName, modelPaths);

  const humanDatasets = new Set(humanFiles.map((csv) => csv.dataset));
  const modelDatasets = new Set(modelFiles.map((csv) => csv.dataset));
  const datasets = GEIRHOS2021_DATASETS.filter((dataset) => humanDatasets.has(dataset) || modelDatasets.has(dataset)).filter(
    (dataset) => {
      if (humanDatasets.has(dataset) && modelDatasets.has(dataset)) return true;
      const problem = humanDatasets.has(dataset) ? `has human trials but none of ${name}` : `has trials of ${name} but none of humans`;
      if (!skipMissing) throw new InputError(`dataset ${dataset} ${problem} (--skip-missing leaves such datasets out)`, { field: 'dataset' });
      process.stderr.write(`warning: dataset ${dataset} ${problem}: left out\n`);
      return false;
    },
  );
  if (datasets.length === 0) throw new InputError(`no dataset has both human trials and trials of ${name}`);

  const model: Record<string, ObserverTrial[]> = {};
  const humans: Record<string, ObserverTrial[]> = {};
  for (const dataset of datasets) {
    // model-vs-human labels conditions from every CSV of a dataset folder read together, so every
    // file found for the dataset (other models' too) takes part in the labelling.
    const context = uniqueByPath([...humanSide, ...modelSide].filter((csv) => csv.dataset === dataset));
    const trialsByPath = new Map(readTrialFiles(dataset, context.map((csv) => csv.path)).map((file) => [resolve(file.path), file.trials]));
    const trialsOf = (csvs: TrialCsv[]) => csvs.filter((csv) => csv.dataset === dataset).flatMap((csv) => trialsByPath.get(resolve(csv.path))!);
    humans[dataset] = trialsOf(humanFiles);
    // A model's `subj` column may spell its name differently from its file name; the file name decides.
    model[dataset] = trialsOf(modelFiles).map((trial) => ({ ...trial, subject: name }));
  }
  return { table: modelVsHumanTable(model, humans), humans: humanHumanErrorConsistency(humans) };
}

/** The model files to score: those of `--model-name`, or of the one model the files hold. */
function pickModel(csvs: TrialCsv[], modelName: string | undefined, paths: string[]): { name: string; files: TrialCsv[] } {
  const models = [...new Set(csvs.filter((csv) => !csv.human).map((csv) => csv.observer))].sort();
  const where = `--model ${paths.join(' ')}`;
  if (modelName !== undefined) {
    const files = csvs.filter((csv) => !csv.human && csv.observer === modelName);
    if (files.length === 0) {
      throw new InputError(`${where}: no trial files of model '${modelName}' (models found: ${models.join(', ') || 'none'})`, {
        field: 'model-name',
      });
    }
    return { name: modelName, files };
  }
  if (models.length === 0) throw new InputError(`${where}: no model trial files (<dataset>_<model>_session-1.csv)`, { field: 'model' });
  if (models.length > 1) {
    throw new InputError(`${where}: holds trials of ${models.length} models (${models.join(', ')}); choose one with --model-name`, {
      field: 'model-name',
    });
  }
  return { name: models[0], files: csvs.filter((csv) => !csv.human) };
}

function uniqueByPath(csvs: TrialCsv[]): TrialCsv[] {
  const seen = new Map<string, TrialCsv>();
  for (const csv of csvs) if (!seen.has(resolve(csv.path))) seen.set(resolve(csv.path), csv);
  return [...seen.values()];
}

function metrics(row: ModelVsHumanMetrics): ModelVsHumanMetrics {
  const { errorConsistency, observedConsistency, accuracyDifference, oodAccuracy } = row;
  return { errorConsistency, observedConsistency, accuracyDifference, oodAccuracy };
}

/** The `--json` object: the aggregate row, one row per dataset, and the human–human consistency. */
function toJson(table: ModelVsHumanTable, humans: HumanHumanErrorConsistency) {
  return {
    aggregate: metrics(table.aggregate),
    datasets: Object.fromEntries(Object.entries(table.datasets).map(([name, row]) => [name, metrics(row)])),
    humanHumanErrorConsistency: humans,
  };
}

function formatTable(table: ModelVsHumanTable, humans: HumanHumanErrorConsistency): string {
  const names = Object.keys(table.datasets);
  const aggregateLabel = `mean of ${names.length} datasets`;
  const firstWidth = Math.max('dataset'.length, aggregateLabel.length, ...names.map((name) => name.length));
  const line = (label: string, cells: string[]) =>
    [label.padEnd(firstWidth), ...cells.map((cell, c) => cell.padStart(COLUMNS[c][1].length))].join('  ');
  const values = (row: ModelVsHumanMetrics) => COLUMNS.map(([key]) => row[key].toFixed(TABLE_DECIMALS));
  return [
    `${table.model} vs humans (model-vs-human, Geirhos et al. 2021)`,
    line('dataset', COLUMNS.map(([, header]) => header)),
    ...names.map((name) => line(name, values(table.datasets[name]))),
    line(aggregateLabel, values(table.aggregate)),
    `human–human error consistency: ${humans.aggregate.toFixed(TABLE_DECIMALS)} (mean of the same ${names.length} datasets)`,
    '',
  ].join('\n');
}
