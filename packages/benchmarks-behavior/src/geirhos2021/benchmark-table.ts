/**
 * model-vs-human's benchmark table (Geirhos et al. 2021, "Partial success in closing the gap between
 * human and machine vision", NeurIPS, Table 1 and Fig. 2; `plot_benchmark_barplot`,
 * `get_raw_benchmark_df`, `format_benchmark_df` and `get_mean_over_datasets` in
 * github.com/bethgelab/model-vs-human `modelvshuman/plotting/plot.py`): a model's accuracy
 * difference, observed consistency and error consistency to the human subjects, and its OOD
 * accuracy, per dataset and averaged over the datasets; and the human–human error consistency.
 *
 * Built on `aggregateErrorConsistency` of `@vvs/metrics`, which gives κ, c_obs and both accuracies
 * per observer pair and kept condition; this module only averages those the way the table does.
 */
import {
  aggregateErrorConsistency,
  compareCodePoints,
  mean,
  type ConditionErrorConsistency,
  type ObserverTrial,
  type PairErrorConsistency,
} from '@vvs/metrics';
import { EXCLUDE_CONDITIONS } from './datasets.ts';

/** Trials keyed by dataset name (`'colour'`, `'high-pass'`, …). */
export type TrialsByDataset = Readonly<Record<string, readonly ObserverTrial[]>>;

/** Options of {@link modelVsHumanTable} and {@link humanHumanErrorConsistency}. */
export interface ModelVsHumanOptions {
  /**
   * Conditions left out, per dataset; every dataset compared needs an entry (an empty list keeps
   * everything). Default: model-vs-human's {@link EXCLUDE_CONDITIONS}.
   */
  excludeConditions?: Readonly<Record<string, readonly string[]>>;
}

/** The four columns of model-vs-human's benchmark table. */
export interface ModelVsHumanMetrics {
  /** Cohen's κ on trial-by-trial correctness (higher is more human-like). */
  errorConsistency: number;
  /** Share of trials the model and a human both got right or both got wrong. */
  observedConsistency: number;
  /** Squared difference of the model's and a human's accuracy, (p1 − p2)² (lower is more human-like). */
  accuracyDifference: number;
  /** The model's accuracy over its trials in the kept conditions, pooled. */
  oodAccuracy: number;
}

/** One dataset's row of {@link modelVsHumanTable}, with the parts it was averaged from. */
export interface ModelVsHumanDataset extends ModelVsHumanMetrics {
  /** The kept conditions, in code-point order. */
  conditions: string[];
  /** The human subjects compared, in code-point order. */
  humans: string[];
  /** How many of the model's trials fall in the kept conditions (the OOD accuracy's denominator). */
  modelTrials: number;
  /** κ, c_obs and both accuracies of (model, human) per kept condition, one entry per human. */
  pairs: PairErrorConsistency[];
}

/** Result of {@link modelVsHumanTable}. */
export interface ModelVsHumanTable {
  /** The model's name (the `subject` of its trials). */
  model: string;
  /** Each metric's unweighted mean over the datasets. */
  aggregate: ModelVsHumanMetrics;
  /** Per dataset, in code-point order of the names. */
  datasets: Record<string, ModelVsHumanDataset>;
}

/** Result of {@link humanHumanErrorConsistency}. */
export interface HumanHumanErrorConsistency {
  /** The unweighted mean over the datasets (model-vs-human's "humans" row). */
  aggregate: number;
  /** Per dataset: the mean over subject pairs of the mean over kept conditions of κ. */
  datasets: Record<string, number>;
}

/**
 * One model's row of model-vs-human's benchmark table. For each dataset and each human subject, κ,
 * c_obs and (p_model − p_human)² are computed on every kept condition over the images both saw and
 * averaged over the conditions; those are averaged over the subjects; the 17 (or however many
 * datasets are given) per-dataset values are averaged without weights. The OOD accuracy is the
 * model's accuracy pooled over its trials in the kept conditions, averaged over the datasets. κ = 1
 * when a pair agrees on every trial of a condition, as in model-vs-human.
 *
 * The default exclusions are model-vs-human's {@link EXCLUDE_CONDITIONS}; each excluded condition
 * must occur in the dataset's trials (as model-vs-human asserts), which catches condition labels
 * not in pandas' form (`'1'` where model-vs-human has `'1.0'`).
 *
 * @param model - the model's trials per dataset; one observer name throughout, not shared by a human.
 * @param humans - the human subjects' trials per dataset (the same datasets).
 * @throws RangeError when the two cover different datasets, a dataset has no exclusion entry, an
 *   excluded condition does not occur, the model's trials name several observers or a human's name,
 *   no model trial is kept, or a pair's trials do not match (see `aggregateErrorConsistency`).
 * @example
 * const model = { colour: readDatasetFolder('raw-data/colour').filter((t) => t.subject === 'resnet50') };
 * const humans = { colour: readDatasetFolder('raw-data/colour').filter((t) => t.subject.startsWith('subject-')) };
 * modelVsHumanTable(model, humans).datasets.colour.errorConsistency; // 0.2113509838633805…
 */
export function modelVsHumanTable(
  model: TrialsByDataset,
  humans: TrialsByDataset,
  { excludeConditions = EXCLUDE_CONDITIONS }: ModelVsHumanOptions = {},
): ModelVsHumanTable {
  const names = sameDatasets(model, humans);
  const modelName = modelObserver(model, humans, names);
  const datasets: Record<string, ModelVsHumanDataset> = {};
  for (const name of names) {
    const excluded = exclusionsFor(name, [model[name], humans[name]], excludeConditions);
    const consistency = aggregateErrorConsistency([...model[name], ...humans[name]], {
      source: modelName,
      excludeConditions: excluded,
    });
    const kept = model[name].filter((trial) => !excluded.includes(trial.condition));
    if (kept.length === 0) throw new RangeError(`modelVsHumanTable: ${name}: ${modelName} has no trial in the kept conditions`);
    datasets[name] = {
      errorConsistency: consistency.score,
      observedConsistency: meanOverPairs(consistency.pairs, (c) => c.cObs),
      accuracyDifference: meanOverPairs(consistency.pairs, (c) => (c.accuracy1 - c.accuracy2) ** 2),
      oodAccuracy: kept.filter((trial) => trial.choice === trial.truth).length / kept.length,
      conditions: consistency.conditions,
      humans: consistency.pairs.map((pair) => pair.subject2),
      modelTrials: kept.length,
      pairs: consistency.pairs,
    };
  }
  const rows = names.map((name) => datasets[name]);
  return {
    model: modelName,
    aggregate: {
      errorConsistency: mean(rows.map((row) => row.errorConsistency)),
      observedConsistency: mean(rows.map((row) => row.observedConsistency)),
      accuracyDifference: mean(rows.map((row) => row.accuracyDifference)),
      oodAccuracy: mean(rows.map((row) => row.oodAccuracy)),
    },
    datasets,
  };
}

/**
 * model-vs-human's human–human error consistency (the "humans" row of its table; per dataset, the
 * same value as Brain-Score's Geirhos2021 ceiling): per dataset, κ for every unordered pair of
 * distinct subjects on each kept condition, averaged over conditions and then over pairs; then the
 * unweighted mean over the datasets.
 *
 * @param humans - the human subjects' trials per dataset (at least two subjects each).
 * @throws RangeError when a dataset has no exclusion entry, an excluded condition does not occur,
 *   fewer than two subjects remain, or the subjects' trials do not match.
 * @example
 * const humans = { edge: readDatasetFolder('raw-data/edge').filter((t) => t.subject.startsWith('subject-')) };
 * humanHumanErrorConsistency(humans).datasets.edge; // mean κ over the 45 pairs of the 10 subjects
 */
export function humanHumanErrorConsistency(
  humans: TrialsByDataset,
  { excludeConditions = EXCLUDE_CONDITIONS }: ModelVsHumanOptions = {},
): HumanHumanErrorConsistency {
  const names = Object.keys(humans).sort(compareCodePoints);
  if (names.length === 0) throw new RangeError('humanHumanErrorConsistency: no dataset given');
  const datasets: Record<string, number> = {};
  for (const name of names) {
    const excluded = exclusionsFor(name, [humans[name]], excludeConditions);
    datasets[name] = aggregateErrorConsistency(humans[name], { excludeConditions: excluded }).score;
  }
  return { aggregate: mean(names.map((name) => datasets[name])), datasets };
}

/** Mean over pairs of each pair's mean over conditions, model-vs-human's order of averaging. */
function meanOverPairs(pairs: readonly PairErrorConsistency[], value: (c: ConditionErrorConsistency) => number): number {
  return mean(pairs.map((pair) => mean(pair.conditions.map(value))));
}

function sameDatasets(model: TrialsByDataset, humans: TrialsByDataset): string[] {
  const names = Object.keys(model).sort(compareCodePoints);
  const humanNames = Object.keys(humans).sort(compareCodePoints);
  const modelOnly = names.filter((name) => !(name in humans));
  const humansOnly = humanNames.filter((name) => !(name in model));
  if (modelOnly.length > 0 || humansOnly.length > 0) {
    const parts = [];
    if (humansOnly.length > 0) parts.push(`no model trials for ${humansOnly.join(', ')}`);
    if (modelOnly.length > 0) parts.push(`no human trials for ${modelOnly.join(', ')}`);
    throw new RangeError(`modelVsHumanTable: the model and the humans cover different datasets: ${parts.join('; ')}`);
  }
  if (names.length === 0) throw new RangeError('modelVsHumanTable: no dataset given');
  return names;
}

/** The one observer name of the model's trials; it must not be a human subject's. */
function modelObserver(model: TrialsByDataset, humans: TrialsByDataset, names: readonly string[]): string {
  const observers = new Set(names.flatMap((name) => model[name].map((trial) => trial.subject)));
  if (observers.size !== 1) {
    throw new RangeError(`modelVsHumanTable: the model's trials must name one observer, got ${observers.size} (${[...observers].join(', ')})`);
  }
  const [observer] = observers;
  const clash = names.find((name) => humans[name].some((trial) => trial.subject === observer));
  if (clash !== undefined) throw new RangeError(`modelVsHumanTable: ${clash}: '${observer}' is both the model and a human subject`);
  return observer;
}

function exclusionsFor(
  name: string,
  trialSets: readonly (readonly ObserverTrial[])[],
  excludeConditions: Readonly<Record<string, readonly string[]>>,
): readonly string[] {
  const excluded = Object.hasOwn(excludeConditions, name) ? excludeConditions[name] : undefined;
  if (excluded === undefined) {
    throw new RangeError(`model-vs-human table: no excluded conditions known for dataset '${name}' (give them in excludeConditions)`);
  }
  const present = new Set(trialSets.flatMap((trials) => trials.map((trial) => trial.condition)));
  const missing = excluded.filter((condition) => !present.has(condition));
  if (missing.length > 0) {
    throw new RangeError(
      `model-vs-human table: ${name}: excluded condition(s) ${missing.map((c) => `'${c}'`).join(', ')} not among its conditions (${[...present].sort(compareCodePoints).join(', ')})`,
    );
  }
  return excluded;
}
