/**
 * Brain-Score's cross-validated neural predictivity (`pls` / `ridge` regression + Pearson correlation):
 * `brainscore_vision.metrics.regression_correlation` with `CrossValidation(splits=10, train_size=0.9,
 * stratification_coord=…)`, scored per split as the median over neuroids of Pearson r between
 * predicted and recorded test responses, then averaged over splits.
 */
import { inMemorySource, isFeatureSource, readRows, takeRows, type FeatureSource, type Matrix, type MatrixLike } from '@vvs/linalg';
import { PLSRegression } from '../regression/pls-nipals.ts';
import { Ridge } from '../regression/ridge.ts';
import { kernelCrossValidatedPredictions, type KernelCvOptions } from './kernel-cv.ts';
import { shuffleSplit } from '../split/shuffle-split.ts';
import { stratifiedShuffleSplit } from '../split/stratified-shuffle-split.ts';
import type { Split } from '../split/types.ts';
import { pearsonColumns } from '../stats/correlation.ts';
import { mean, nanMedian, std } from '../stats/descriptive.ts';

/** Brain-Score's PLS components (`PLSRegression(n_components=25, scale=False)`). */
export const BRAINSCORE_PLS_COMPONENTS = 25;
/** Brain-Score's cross-validation: 10 stratified splits, 90 % train, seed 1. */
export const BRAINSCORE_CV = { nSplits: 10, trainSize: 0.9, randomState: 1 } as const;

/** The regressions from features to neuroids. */
export type RegressionKind = 'pls' | 'ridge';

/** Options of {@link crossValidatedPredictivity}. Defaults reproduce Brain-Score's `*-pls` benchmarks. */
export interface PredictivityOptions {
  /** `pls` (Brain-Score's default) or `ridge`. */
  regression?: RegressionKind;
  /** PLS components (25). */
  nComponents?: number;
  /** Ridge penalty (sklearn `Ridge(alpha=1.0)`). */
  ridgeAlpha?: number;
  /**
   * `true`: sklearn's NIPALS on the feature matrix, split by split (parity mode, slow on wide features).
   * `false` (default): the same iteration in kernel form on one shared Gram matrix (see `pls-kernel.ts`).
   */
  exact?: boolean;
  nSplits?: number;
  trainSize?: number;
  randomState?: number;
  /** Called as the work advances with (done, total) steps. */
  onProgress?: (done: number, total: number) => void;
}

/** One cross-validation split's outcome. */
export interface PredictivitySplit {
  /** Stimulus positions (into the inputs' rows) of the training set, in sklearn's order. */
  train: Int32Array;
  /** Stimulus positions of the test set, in sklearn's order. */
  test: Int32Array;
  /** Pearson r per neuroid between predicted and recorded test responses (NaN for a constant neuroid). */
  perNeuroidR: Float64Array;
  /** NaN-skipping median of `perNeuroidR`. */
  median: number;
  /** Predicted test responses, rows in ascending position order (= stimulus_id order). */
  predictions: Matrix;
}

/** Result of {@link crossValidatedPredictivity}. */
export interface PredictivityResult {
  splits: PredictivitySplit[];
  /** Mean of the split medians: Brain-Score's raw (unceiled) score. */
  raw: number;
  /** Standard deviation (ddof 0) of the split medians over √(splits). */
  error: number;
}

/**
 * Cross-validated predictivity of `targets` (stimuli × neuroids, averaged over repetitions) from
 * `features` (stimuli × feature columns, in memory or read on demand from a {@link FeatureSource}),
 * rows of both in the same stimulus order — Brain-Score's
 * order, sorted by stimulus_id. Training and test rows are fed to the regression in that order, as
 * Brain-Score's `XarrayRegression` does.
 *
 * @param labels stratification label per stimulus (Brain-Score's `stratification_coord`, e.g.
 *   object_name for MajajHong2015, texture_type for FreemanZiemba2013), or `null` for unstratified
 *   `ShuffleSplit` splits.
 * @example
 * const result = await crossValidatedPredictivity(features, averagedResponses, objectNames);
 * result.raw; // mean over 10 splits of the median Pearson r
 */
export async function crossValidatedPredictivity(
  features: MatrixLike | FeatureSource,
  targets: Matrix,
  labels: ArrayLike<string | number> | null,
  options: PredictivityOptions = {},
): Promise<PredictivityResult> {
  const {
    regression = 'pls',
    nComponents = BRAINSCORE_PLS_COMPONENTS,
    ridgeAlpha = 1,
    exact = false,
    nSplits = BRAINSCORE_CV.nSplits,
    trainSize = BRAINSCORE_CV.trainSize,
    randomState = BRAINSCORE_CV.randomState,
    onProgress,
  } = options;
  if (features.rows !== targets.rows) {
    throw new RangeError(`crossValidatedPredictivity: ${features.rows} feature rows but ${targets.rows} target rows`);
  }
  if (labels && labels.length !== targets.rows) {
    throw new RangeError(`crossValidatedPredictivity: ${labels.length} labels for ${targets.rows} stimuli`);
  }
  const splits = brainScoreSplits(labels ?? targets.rows, { nSplits, trainSize, randomState });
  const nTrain = splits[0]?.train.length ?? 0;
  if (regression === 'pls' && nComponents > Math.min(nTrain, features.cols)) {
    throw new RangeError(
      `PLS needs at least as many training stimuli and feature columns as components: ${nTrain} training stimuli, ` +
        `${features.cols} feature columns, ${nComponents} components`,
    );
  }
  const sorted = splits.map((s) => ({ train: sortedCopy(s.train), test: sortedCopy(s.test) }));
  const predict = exact ? featureSpacePredictions : kernelCrossValidatedPredictions;
  const predictions = await predict(features, targets, sorted, { regression, nComponents, alpha: ridgeAlpha, onProgress });

  const out: PredictivitySplit[] = splits.map((split, k) => {
    const perNeuroidR = pearsonColumns(predictions[k], takeRows(targets, sorted[k].test));
    return { train: split.train, test: split.test, perNeuroidR, median: nanMedian(perNeuroidR), predictions: predictions[k] };
  });
  const medians = out.map((s) => s.median);
  return { splits: out, raw: mean(medians), error: std(medians, 0) / Math.sqrt(medians.length) };
}

/** Training and test positions of one split, ascending (= stimulus_id order), as Brain-Score feeds them. */
export interface SortedSplit {
  train: Int32Array;
  test: Int32Array;
}

/** sklearn's NIPALS (or Ridge) on the feature matrix, one split after another: the parity path. */
async function featureSpacePredictions(
  features: MatrixLike | FeatureSource,
  targets: Matrix,
  splits: SortedSplit[],
  { regression, nComponents, alpha, onProgress }: KernelCvOptions,
): Promise<Matrix[]> {
  const source = isFeatureSource(features) ? features : inMemorySource(features);
  const out: Matrix[] = [];
  for (const { train, test } of splits) {
    const model = regression === 'pls' ? new PLSRegression({ nComponents }) : new Ridge({ alpha });
    out.push(model.fit(readRows(source, train), takeRows(targets, train)).predict(readRows(source, test)));
    onProgress?.(out.length, splits.length);
  }
  return out;
}

function sortedCopy(indices: Int32Array): Int32Array {
  return Int32Array.from(indices).sort();
}

/**
 * The splits Brain-Score draws: `StratifiedShuffleSplit` over the labels, or `ShuffleSplit` over
 * that many stimuli when given a count (no stratification coordinate).
 */
export function brainScoreSplits(
  labels: ArrayLike<string | number> | number,
  options: Pick<PredictivityOptions, 'nSplits' | 'trainSize' | 'randomState'> = {},
): Split[] {
  const { nSplits = BRAINSCORE_CV.nSplits, trainSize = BRAINSCORE_CV.trainSize, randomState = BRAINSCORE_CV.randomState } = options;
  return typeof labels === 'number'
    ? shuffleSplit(labels, { nSplits, trainSize, randomState })
    : stratifiedShuffleSplit(labels, { nSplits, trainSize, randomState });
}
