/**
 * Brain-Score's Geirhos2021 error-consistency benchmarks (vision `benchmarks/geirhos2021/benchmark.py`,
 * `_Geirhos2021ErrorConsistency`; metric `metrics/error_consistency/metric.py`): a model's 16-class
 * decisions on the images of one model-vs-human dataset, compared trial by trial with each human
 * subject's by Cohen's κ on correctness (Geirhos, Meding & Wichmann 2020), and ceiled by the
 * subjects' κ with each other.
 */
import {
  InputError,
  Lazy,
  elapsedMs,
  SpecBenchmark,
  assemblySource,
  atVisualDegrees,
  ceilingScore,
  type Assembly,
  type Benchmark,
  type BenchmarkRunOptions,
  type BrainModel,
  type DataFetcher,
  type Score,
} from '@vvs/core';
import { GEIRHOS2021_BIBTEX, loadGeirhos2021, type Geirhos2021Data } from '@vvs/data-brainscore';
import { aggregateErrorConsistency, compareCodePoints, nanMean, std, type ObserverTrial, type PairErrorConsistency } from '@vvs/metrics';
import type { Geirhos2021Dataset } from './datasets.ts';
import { IMAGENET_CLASSES, SIXTEEN_CLASS_CATEGORIES, sixteenClassProbabilities } from './sixteen-class.ts';

/** Brain-Score's `version` of every Geirhos2021 error-consistency benchmark. */
export const GEIRHOS2021_ERROR_CONSISTENCY_VERSION = 1;

/** Degrees of visual angle the images spanned (`self._visual_degrees = 3`). */
export const GEIRHOS2021_VISUAL_DEGREES = 3;

/** Presentations per image (`self._number_of_trials = 1`). */
export const GEIRHOS2021_NUMBER_OF_TRIALS = 1;

/**
 * The id Brain-Score registers a dataset's benchmark under: `Geirhos2021<dataset without dashes>-error_consistency`.
 *
 * @example
 * geirhos2021ErrorConsistencyId('cue-conflict'); // 'Geirhos2021cueconflict-error_consistency'
 */
export function geirhos2021ErrorConsistencyId(dataset: Geirhos2021Dataset): string {
  return `Geirhos2021${dataset.replaceAll('-', '')}-error_consistency`;
}

/** Options of an {@link ErrorConsistencyBenchmark}. */
export interface ErrorConsistencyBenchmarkOptions {
  /** Used when a run passes no `fetchData` (e.g. the registry's data cache). */
  readonly fetchData?: DataFetcher;
}

/** κ per (pair of observers, kept condition), aggregated as Brain-Score does. */
interface KappaSummary {
  /** |mean over pairs of the mean over conditions|, NaN cells skipped (xarray's `mean`, `skipna` for floats). */
  value: number;
  /** Standard deviation (ddof 0) of the defined cells (xarray's `std(['condition', 'subject'])`). */
  error: number;
  /** The kept conditions, in code-point order. */
  conditions: string[];
  /** Per pair: its observers and its mean κ over conditions. */
  pairs: { subject1: string; subject2: string; meanKappa: number }[];
}

/**
 * One Geirhos2021 error-consistency benchmark, number for number as Brain-Score computes it:
 *
 * - data: the human trials of `Geirhos2021_<dataset>` minus the excluded conditions, and their
 *   images (`loadGeirhos2021` of `@vvs/data-brainscore`), shown at 3°;
 * - model: its ImageNet logits ({@link BrainModel.logits}) → softmax → for each category among the
 *   trials' true labels (sorted), the mean probability of its ImageNet classes → the first category
 *   with the highest mean (`LabelBehavior.logits_to_choice`; model-vs-human breaks exact ties the
 *   other way, see `sixteenClassDecision`);
 * - raw score: κ of the model with each subject on each kept condition, over the images both saw;
 *   the mean over conditions, then over subjects, in absolute value;
 * - ceiling: the same over every pair of subjects;
 * - score: raw / ceiling, clipped to [0, 1] (`bound_score`).
 *
 * κ is 0/0 = NaN on a condition where both observers are always right (or always wrong), and the
 * means skip NaN, as Brain-Score's numpy/xarray arithmetic does (model-vs-human counts such a
 * condition as κ = 1 instead; `aggregateErrorConsistency`'s `perfectAgreement`).
 *
 * @example
 * const colour = new ErrorConsistencyBenchmark('colour', { fetchData: (id) => cache.ensure(id) });
 * const score = await colour.score(model); // model.logits is required
 * score.raw; // |mean κ(model, subject)|
 */
export class ErrorConsistencyBenchmark extends SpecBenchmark<Geirhos2021Data> implements Benchmark {
  readonly target = 'behavior' as const;
  readonly metric = 'error_consistency';
  /** The model-vs-human dataset. */
  readonly dataset: Geirhos2021Dataset;

  #ceiling: Lazy<KappaSummary> | undefined;

  constructor(dataset: Geirhos2021Dataset, { fetchData }: ErrorConsistencyBenchmarkOptions = {}) {
    super(
      {
        id: geirhos2021ErrorConsistencyId(dataset),
        version: GEIRHOS2021_ERROR_CONSISTENCY_VERSION,
        visualDegrees: GEIRHOS2021_VISUAL_DEGREES,
        numberOfTrials: GEIRHOS2021_NUMBER_OF_TRIALS,
        description: `human 16-class decisions on the ${dataset} images (Geirhos2021), error consistency (Cohen's κ) per subject and condition`,
        bibtex: GEIRHOS2021_BIBTEX,
        dataSets: [`Geirhos2021_${dataset}`, `Geirhos2021_${dataset}.stimuli`],
        load: (fetch) => loadGeirhos2021(fetch, dataset),
      },
      fetchData,
    );
    this.dataset = dataset;
  }

  /** Shows the kept images at the benchmark's 3°. */
  protected prepare(loaded: Geirhos2021Data): Geirhos2021Data {
    return { stimuli: atVisualDegrees(loaded.stimuli, this.visualDegrees), trials: loaded.trials };
  }

  /** The human–human error consistency: |mean κ| over every pair of subjects and kept condition. */
  async ceiling(options: BenchmarkRunOptions = {}): Promise<Score> {
    const ceiling = await this.#ceilingSummary(options);
    return ceilingScore(ceiling.value, ceiling.error, {
      ...this.labels(),
      method: 'human_human_error_consistency',
      conditions: ceiling.conditions,
      pairValues: ceiling.pairs,
    });
  }

  async score(model: BrainModel, options: BenchmarkRunOptions = {}): Promise<Score> {
    if (model.logits === undefined) {
      throw new InputError(
        `${this.id}: model '${model.id}' gives no logits (its ImageNet class scores), which this benchmark turns into 16-class decisions; ` +
          'commit a model whose network ends in an ImageNet classifier',
        { field: 'logits' },
      );
    }
    const started = performance.now();
    const data = await this.data(options);
    const dataMs = elapsedMs(started);
    options.signal?.throwIfAborted();
    this.report(options, 'activations');
    const logitsStart = performance.now();
    const logits = await model.logits(data.stimuli, { signal: options.signal });
    const activationsMs = elapsedMs(logitsStart);
    options.signal?.throwIfAborted();
    const ceiling = await this.#ceilingSummary(options);
    this.report(options, 'metric');
    const metricStart = performance.now();
    const observer = modelObserver(model.id, data.trials);
    const modelTrials = labelTrials(decisions(logits, data, choiceLabels(data.trials)), data, observer);
    const raw = summarise(aggregateErrorConsistency([...modelTrials, ...data.trials], { source: observer, perfectAgreement: 'nan' }).pairs);
    const unclipped = raw.value / ceiling.value;
    return {
      value: Math.min(Math.max(unclipped, 0), 1),
      unclipped,
      raw: raw.value,
      ceiling: ceiling.value,
      error: raw.error,
      ceilingError: ceiling.error,
      normalization: 'raw/ceiling',
      attrs: {
        ...this.labels(),
        model: model.id,
        metric: this.metric,
        dataset: this.dataset,
        conditions: raw.conditions,
        subjectValues: Object.fromEntries(raw.pairs.map((pair) => [pair.subject2, pair.meanKappa])),
        images: data.stimuli.rows.length,
        timings: { dataMs, activationsMs, metricMs: elapsedMs(metricStart), totalMs: elapsedMs(started) },
      },
    };
  }

  #ceilingSummary(options: BenchmarkRunOptions): Promise<KappaSummary> {
    this.#ceiling ??= new Lazy(async () => {
      const { trials } = await this.data(options);
      this.report(options, 'ceiling');
      return summarise(aggregateErrorConsistency(trials, { perfectAgreement: 'nan' }).pairs);
    });
    return this.#ceiling.get();
  }
}

/**
 * Brain-Score's aggregation of κ per (pair, condition): the mean over conditions, then over pairs,
 * skipping NaN (xarray's default for floats), in absolute value; and the spread of the cells.
 */
function summarise(pairs: readonly PairErrorConsistency[]): KappaSummary {
  const perPair = pairs.map((pair) => ({
    subject1: pair.subject1,
    subject2: pair.subject2,
    meanKappa: nanMean(pair.conditions.map((c) => c.kappa)),
  }));
  const cells = pairs.flatMap((pair) => pair.conditions.map((c) => c.kappa)).filter((kappa) => !Number.isNaN(kappa));
  return {
    value: Math.abs(nanMean(perPair.map((pair) => pair.meanKappa))),
    error: std(cells),
    conditions: pairs[0]?.conditions.map((c) => c.condition) ?? [],
    pairs: perPair,
  };
}

/** The labels the model chooses among: the trials' true categories, sorted (`sorted(set(assembly['truth']))`). */
function choiceLabels(trials: readonly ObserverTrial[]): string[] {
  const labels = [...new Set(trials.map((trial) => trial.truth))].sort(compareCodePoints);
  const unknown = labels.filter((label) => !(SIXTEEN_CLASS_CATEGORIES as readonly string[]).includes(label));
  if (unknown.length > 0) {
    throw new InputError(`true label(s) ${unknown.join(', ')} are not among the 16 categories with ImageNet classes (${SIXTEEN_CLASS_CATEGORIES.join(', ')})`, {
      field: 'truth',
    });
  }
  return labels;
}

/**
 * The model's decision on each image of `data.stimuli` (Brain-Score's `LabelBehavior.logits_to_choice`):
 * softmax of the image's 1000 logits, each choice label's mean probability over its ImageNet
 * classes, and the first label with the highest mean (`np.argmax`).
 *
 * @throws InputError when the logits are not presentation × 1000 in the stimulus set's order.
 */
function decisions(logits: Assembly, data: Geirhos2021Data, labels: readonly string[]): string[] {
  const rows = data.stimuli.rows;
  if (logits.dims.length !== 2 || logits.shape[0] !== rows.length || logits.shape[1] !== IMAGENET_CLASSES) {
    throw new InputError(
      `${assemblySource(logits)}: expected logits of shape ${rows.length} × ${IMAGENET_CLASSES} (images × ImageNet classes), got (${logits.dims.join(', ')}) ${logits.shape.join(' × ')}`,
    );
  }
  const ids = logits.coords.stimulus_id?.values;
  if (ids !== undefined && ids.some((id, i) => id !== rows[i].stimulus_id)) {
    throw new InputError(`${assemblySource(logits)}: the logits' rows are not the stimulus set's images in its order`, { field: 'stimulus_id' });
  }
  const columns = labels.map((label) => SIXTEEN_CLASS_CATEGORIES.indexOf(label as (typeof SIXTEEN_CLASS_CATEGORIES)[number]));
  const probabilities = new Float64Array(IMAGENET_CLASSES);
  return rows.map((_, i) => {
    softmaxInto(logits.data.subarray(i * IMAGENET_CLASSES, (i + 1) * IMAGENET_CLASSES), probabilities);
    const means = sixteenClassProbabilities(probabilities);
    let best = 0;
    for (let k = 1; k < columns.length; k++) if (means[columns[k]] > means[columns[best]]) best = k;
    return labels[best];
  });
}

/**
 * exp(x) / Σ exp(x) in float64, shifted by the maximum first so that large logits do not overflow
 * (Brain-Score's `softmax` divides unshifted exponentials; the two agree except in the last bits).
 */
function softmaxInto(logits: ArrayLike<number>, out: Float64Array): void {
  let max = Number.NEGATIVE_INFINITY;
  for (let c = 0; c < logits.length; c++) if (logits[c] > max) max = logits[c];
  let total = 0;
  for (let c = 0; c < logits.length; c++) total += out[c] = Math.exp(logits[c] - max);
  for (let c = 0; c < logits.length; c++) out[c] /= total;
}

/**
 * The model's trials: one per image, with the condition and truth of the humans' trials on that
 * image (Brain-Score attaches the stimulus set's `condition` and `truth` to the model's labels; the
 * human trials carry the same values for the same image).
 */
function labelTrials(choices: readonly string[], data: Geirhos2021Data, observer: string): ObserverTrial[] {
  const byImage = new Map<string, ObserverTrial>();
  for (const trial of data.trials) {
    const seen = byImage.get(trial.imageId);
    if (seen === undefined) byImage.set(trial.imageId, trial);
    else if (seen.condition !== trial.condition || seen.truth !== trial.truth) {
      throw new InputError(
        `image '${trial.imageId}' is shown in condition '${seen.condition}' as a ${seen.truth} and in condition '${trial.condition}' as a ${trial.truth}`,
        { field: 'stimulus_id' },
      );
    }
  }
  return data.stimuli.rows.map((row, i) => {
    const { condition, truth } = byImage.get(row.stimulus_id)!;
    return { subject: observer, condition, imageId: row.stimulus_id, truth, choice: choices[i] };
  });
}

/** The name the model's trials go under: its id, which must not be a human subject's. */
function modelObserver(modelId: string, trials: readonly ObserverTrial[]): string {
  if (trials.some((trial) => trial.subject === modelId)) {
    throw new InputError(`model id '${modelId}' is also the name of a human subject of the data; rename the model`, { field: 'model' });
  }
  return modelId;
}
