// Public surface of @vvs/benchmarks-behavior.

// Geirhos2021 (model-vs-human): datasets, trial files, the benchmark table, the 16-class decision.
export {
  GEIRHOS2021_DATASETS,
  NON_PARAMETRIC_DATASETS,
  SINGLE_CONDITION,
  EXCLUDE_CONDITIONS,
  isGeirhos2021Dataset,
} from './geirhos2021/datasets.ts';
export type { Geirhos2021Dataset } from './geirhos2021/datasets.ts';
export { pandasConditionLabels, pythonFloatRepr } from './geirhos2021/pandas-labels.ts';
export { shortImageName, readTrialTable, readTrialFiles, readDatasetFolder, csvFilesIn } from './geirhos2021/trials.ts';
export type { TrialTable, TrialFile } from './geirhos2021/trials.ts';
export { findTrialCsvs, describeTrialCsv } from './geirhos2021/files.ts';
export type { TrialCsv } from './geirhos2021/files.ts';
export { modelVsHumanTable, humanHumanErrorConsistency } from './geirhos2021/benchmark-table.ts';
export type {
  TrialsByDataset,
  ModelVsHumanOptions,
  ModelVsHumanMetrics,
  ModelVsHumanDataset,
  ModelVsHumanTable,
  HumanHumanErrorConsistency,
} from './geirhos2021/benchmark-table.ts';
export {
  SIXTEEN_CLASS_CATEGORIES,
  IMAGENET_CLASSES,
  IMAGENET_INDICES_BY_CATEGORY,
  sixteenClassProbabilities,
  sixteenClassDecision,
} from './geirhos2021/sixteen-class.ts';
export type { SixteenClassCategory } from './geirhos2021/sixteen-class.ts';

// Brain-Score's Geirhos2021 error-consistency benchmarks on its published files (needs models with logits).
export {
  ErrorConsistencyBenchmark,
  geirhos2021ErrorConsistencyId,
  GEIRHOS2021_ERROR_CONSISTENCY_VERSION,
  GEIRHOS2021_VISUAL_DEGREES,
  GEIRHOS2021_NUMBER_OF_TRIALS,
} from './geirhos2021/brainscore-benchmark.ts';
export type { ErrorConsistencyBenchmarkOptions } from './geirhos2021/brainscore-benchmark.ts';

// Brain-Score's Rajalingham2018 I2n benchmarks (public and private).
export {
  rajalingham2018Spec,
  RAJALINGHAM2018_VERSION,
  RAJALINGHAM2018_VISUAL_DEGREES,
  RAJALINGHAM2018_NUMBER_OF_TRIALS,
} from './rajalingham2018/benchmark-spec.ts';

// The plugin: the 19 behavioural benchmarks and the data sets they read.
export { plugin, plugin as default } from './plugin.ts';
