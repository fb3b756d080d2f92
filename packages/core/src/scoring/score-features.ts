/**
 * Scores precomputed model features against a neural recording exactly as Brain-Score's neural
 * benchmarks do: average repetitions, cross-validated regression + Pearson r (raw), split-half
 * internal consistency (ceiling), and a named normalisation.
 */
import {
  ceilScore,
  crossValidatedPredictivity,
  DEFAULT_NORMALIZATION,
  internalConsistency,
  BRAINSCORE_PLS_COMPONENTS,
  type CeilingResult,
  type Normalization,
  type RepeatedResponses,
  type RegressionKind,
} from '@vvs/metrics';
import type { Assembly } from '../contracts/assembly.ts';
import { isLazyFeatures, type LazyFeatures } from '../contracts/features.ts';
import type { Score } from '../contracts/score.ts';
import {
  alignFeatures,
  asMatrix,
  sharedFeatureRows,
  assemblySource,
  checkFiniteFeatures,
  averageRepetitions,
  collapseTimeBins,
  coordinate,
  perStimulus,
  stimulusKey,
  type StimulusAverage,
  type TimeBinSelection,
} from '../assembly-ops.ts';
import { InputError } from '../errors.ts';
import { shareRows } from '@vvs/linalg';
import { IN_THREAD_COMPUTE, type ComputePool } from './compute.ts';

/** The coordinate Brain-Score stratifies MajajHong2015 splits by; FreemanZiemba2013 uses `texture_type`. */
export const DEFAULT_STRATIFY_BY = 'object_name';

/** Options of {@link scoreFeatures}. */
export interface ScoreFeaturesOptions {
  /** Presentation coordinate to stratify the splits by, or `null` for plain shuffle splits. */
  stratifyBy?: string | null;
  regression?: RegressionKind;
  /** `true`: sklearn-parity NIPALS on the feature matrix; `false`: the shared-kernel fast path. */
  exact?: boolean;
  normalization?: Normalization;
  nComponents?: number;
  /** How to collapse several time bins (default: average them). */
  timeBin?: TimeBinSelection;
  /** Receives non-fatal findings (e.g. neuroids with zero variance). */
  onWarning?: (message: string) => void;
  /**
   * The recording's ceiling when already known (a benchmark computes it once per run); skips the
   * split-half computation. It must come from `internalConsistency` on this same recording.
   */
  ceiling?: CeilingResult;
  /** Receives progress of the cross-validation (split done, of total); not reported from a worker pool. */
  onProgress?: (stage: 'ceiling' | 'regression', done: number, total: number) => void;
  /**
   * Runs the regression and the ceiling on this pool (e.g. `@vvs/suite`'s worker threads): in-memory
   * features are then aligned once into shared memory. Lazy features are always read in this thread.
   */
  compute?: ComputePool;
}

/** Per-split details of a features score. */
export interface FeatureScoreSplit {
  /** Median over neuroids of the test-set Pearson r. */
  median: number;
  /** Test stimuli, in sklearn's split order. */
  testStimulusIds: string[];
}

/** The result of {@link scoreFeatures}: a {@link Score} plus the split details the CLI prints. */
export interface FeatureScore extends Score {
  splits: FeatureScoreSplit[];
  ceilingSplits: { median: number; trainRepetitions: (number | string)[]; testRepetitions: (number | string)[] }[];
  stimuli: number;
  neuroids: number;
  featureColumns: number;
  warnings: string[];
}

/**
 * Scores `features` (presentation × feature columns in memory, or {@link LazyFeatures} read from
 * disk; any stimulus order) against `recording`
 * (presentation × neuroid [× time_bin], one row per repetition).
 *
 * @example
 * const features = await readFeatures('alexnet-IT.nc');
 * const recording = await readNetcdfAssembly('MajajHong2015.public.nc');
 * const score = await scoreFeatures(features, recording, { stratifyBy: 'object_name' });
 * console.log(score.value, score.raw, score.ceiling);
 */
export async function scoreFeatures(
  features: Assembly | LazyFeatures,
  recording: Assembly,
  options: ScoreFeaturesOptions = {},
): Promise<FeatureScore> {
  const {
    stratifyBy = DEFAULT_STRATIFY_BY,
    regression = 'pls',
    exact = false,
    normalization = DEFAULT_NORMALIZATION,
    nComponents = BRAINSCORE_PLS_COMPONENTS,
    timeBin,
    onProgress,
  } = options;
  const warnings: string[] = [];
  const warn = (message: string) => {
    warnings.push(message);
    options.onWarning?.(message);
  };

  const neural = collapseTimeBins(recording, timeBin);
  if (neural.dims.length !== 2 || neural.dims[0] !== 'presentation') {
    throw new InputError(`${assemblySource(recording)}: expected dims (presentation, neuroid[, time_bin]), got (${recording.dims.join(', ')})`, {
      file: assemblySource(recording),
    });
  }
  const average = averageRepetitions(neural);
  if (stratifyBy !== null && !neural.coords[stratifyBy]) {
    const available = Object.entries(neural.coords).filter(([, c]) => c.dim === 'presentation').map(([name]) => name);
    throw new InputError(
      `${assemblySource(recording)}: no coordinate '${stratifyBy}' to stratify the splits by (presentation coordinates: ${available.join(', ')}); ` +
        "choose one with --stratify-by, or 'none' for unstratified splits",
      { file: assemblySource(recording), field: stratifyBy },
    );
  }
  const labels = stratifyBy === null ? null : perStimulus(neural, stratifyBy, average);
  if (!isLazyFeatures(features)) checkFiniteFeatures(features); // lazy features are checked as they are read
  const pooled = options.compute !== undefined && !isLazyFeatures(features);
  const shared = pooled ? sharedFeatureRows(features, average.stimulusIds) : undefined;
  const x = shared?.features ?? alignFeatures(features, average.stimulusIds);
  warnConstantNeuroids(average.data.data, average.data.cols, neural, warn);

  const minTrain = Math.floor(average.stimulusIds.length * 0.9);
  if (regression === 'pls' && minTrain < nComponents) {
    throw new InputError(
      `${assemblySource(recording)}: ${average.stimulusIds.length} stimuli give ${minTrain} training stimuli per split, fewer than the ${nComponents} PLS components`,
      { file: assemblySource(recording) },
    );
  }

  const predictivity = pooled
    ? await options.compute!.run('predictivity', { ...shared!, targets: average.data, labels, options: { regression, exact, nComponents } })
    : await crossValidatedPredictivity(x, average.data, labels, {
        regression,
        exact,
        nComponents,
        onProgress: (done, total) => onProgress?.('regression', done, total),
      });
  const ceiling = options.ceiling ?? (await (options.compute ?? IN_THREAD_COMPUTE).run('ceiling', repeatedResponses(neural, average)));
  onProgress?.('ceiling', 1, 1);

  const ceiled = ceilScore(predictivity.raw, ceiling.ceiling, normalization);
  return {
    value: ceiled.clipped,
    unclipped: ceiled.unclipped,
    raw: predictivity.raw,
    ceiling: ceiling.ceiling,
    error: predictivity.error,
    ceilingError: ceiling.error,
    normalization,
    attrs: { regression, exact, nComponents, stratifyBy },
    splits: predictivity.splits.map((s) => ({
      median: s.median,
      testStimulusIds: Array.from(s.test, (i) => average.stimulusIds[i]),
    })),
    ceilingSplits: ceiling.splits.map((s) => ({ median: s.median, trainRepetitions: s.trainRepetitions, testRepetitions: s.testRepetitions })),
    stimuli: average.stimulusIds.length,
    neuroids: average.data.cols,
    featureColumns: x.cols,
    warnings,
  };
}

/**
 * Brain-Score's internal-consistency ceiling of a recording (presentation × neuroid [× time_bin],
 * one row per repetition): split-half over repetitions, Spearman–Brown corrected, median over
 * neuroids, mean over 10 splits (DESIGN.md §2 step 5).
 *
 * @throws InputError when the recording has no `repetition` coordinate.
 * @example
 * const { ceiling, error } = neuralCeiling(await readNetcdfAssembly('MajajHong2015.public.nc'));
 */
export function neuralCeiling(recording: Assembly, timeBin?: TimeBinSelection): CeilingResult {
  return internalConsistency(ceilingTask(recording, timeBin));
}

/**
 * A recording (presentation × neuroid [× time_bin], one row per repetition) as the input of the
 * split-half ceiling ({@link neuralCeiling}, or the `ceiling` task of a {@link ComputePool}), its
 * responses in shared memory.
 *
 * @throws InputError when the recording has no `repetition` coordinate.
 * @example
 * const ceiling = await pool.run('ceiling', ceilingTask(recording));
 */
export function ceilingTask(recording: Assembly, timeBin?: TimeBinSelection): RepeatedResponses {
  const neural = collapseTimeBins(recording, timeBin);
  return repeatedResponses(neural, averageRepetitions(neural));
}

function repeatedResponses(neural: Assembly, average: StimulusAverage): RepeatedResponses {
  const repetition = neural.coords.repetition;
  if (!repetition) {
    throw new InputError(`${assemblySource(neural)}: no 'repetition' coordinate, needed for the split-half ceiling`, {
      file: assemblySource(neural),
      field: 'repetition',
    });
  }
  return {
    responses: shareRows(asMatrix(neural, 'presentation')),
    stimulus: average.stimulusIndex,
    repetition: repetition.values,
    nStimuli: average.stimulusIds.length,
  };
}

function warnConstantNeuroids(data: Float64Array, cols: number, neural: Assembly, warn: (m: string) => void): void {
  const rows = data.length / cols;
  const ids = neural.coords.neuroid_id ? coordinate(neural, 'neuroid_id').values : undefined;
  const constant: string[] = [];
  for (let j = 0; j < cols; j++) {
    let same = true;
    for (let i = 1; i < rows && same; i++) same = data[i * cols + j] === data[j];
    if (same) constant.push(String(ids ? ids[j] : j));
  }
  if (constant.length) {
    warn(
      `${assemblySource(neural)}: ${constant.length} neuroid(s) have zero variance across stimuli (${constant.slice(0, 5).join(', ')}${constant.length > 5 ? ', …' : ''}); ` +
        'their correlations are NaN and skipped by the median, as in Brain-Score',
    );
  }
}
