/**
 * Brain-Score's cross-validated neural predictivity (`pls` / `ridge` regression + Pearson correlation):
 * `brainscore_vision.metrics.regression_correlation` with `CrossValidation(splits=10, train_size=0.9,
 * stratification_coord=…)`, scored per split as the median over neuroids of Pearson r between
 * predicted and recorded test responses, then averaged over splits.
 */
import { centeredGram, columnMeans, matmul, matrix, takeRows, type Matrix, type MatrixLike } from '@vvs/linalg';
import { PLSRegression } from '../regression/pls-nipals.ts';
import { fitKernelPls, predictKernelPls, type KernelPlsProducts } from '../regression/pls-kernel.ts';
import { Ridge } from '../regression/ridge.ts';
import { centerColumns } from '../regression/types.ts';
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
  /** Called after each split with (done, total). */
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
 * `features` (stimuli × feature columns), rows of both in the same stimulus order — Brain-Score's
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
  features: MatrixLike,
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
  const predict = exact ? featureSpacePredictor(features, regression, nComponents, ridgeAlpha) : await kernelPredictor(features, regression, nComponents, ridgeAlpha);

  const out: PredictivitySplit[] = [];
  for (const split of splits) {
    const train = sortedCopy(split.train);
    const test = sortedCopy(split.test);
    const predictions = await predict(train, test, takeRows(targets, train));
    const perNeuroidR = pearsonColumns(predictions, takeRows(targets, test));
    out.push({ train: split.train, test: split.test, perNeuroidR, median: nanMedian(perNeuroidR), predictions });
    onProgress?.(out.length, splits.length);
  }
  const medians = out.map((s) => s.median);
  return { splits: out, raw: mean(medians), error: std(medians, 0) / Math.sqrt(medians.length) };
}

/** Predicts test targets from training positions and training targets. */
type SplitPredictor = (train: Int32Array, test: Int32Array, yTrain: Matrix) => Promise<Matrix>;

function featureSpacePredictor(features: MatrixLike, regression: RegressionKind, nComponents: number, alpha: number): SplitPredictor {
  const rows = (idx: Int32Array) => takeRows(features, idx);
  return async (train, test, yTrain) => {
    const model = regression === 'pls' ? new PLSRegression({ nComponents }) : new Ridge({ alpha });
    return model.fit(rows(train), yTrain).predict(rows(test));
  };
}

/**
 * The fast path: one Gram matrix of all stimuli (centred on their joint mean, computed on a native
 * GEMM), re-centred per split on the training rows, then PLS or ridge in kernel form.
 */
async function kernelPredictor(features: MatrixLike, regression: RegressionKind, nComponents: number, alpha: number): Promise<SplitPredictor> {
  const { gram } = await centeredGram(features);
  return async (train, test, yTrain) => {
    const { trainKernel, crossKernel } = splitKernels(gram, train, test);
    if (regression === 'ridge') return kernelRidge(trainKernel, crossKernel, yTrain, alpha);
    const yc = centerColumns(yTrain, columnMeans(yTrain));
    const kernelY = await matmul(trainKernel, yc);
    const products: KernelPlsProducts = {
      kernelY,
      yKernelY: await matmul(yc, kernelY, { transA: true }),
      kernelYSquared: await matmul(kernelY, kernelY, { transA: true }),
      yy: await matmul(yc, yc, { transA: true }),
    };
    const fit = fitKernelPls(trainKernel, yTrain, { nComponents }, products);
    return predictKernelPls(fit, crossKernel);
  };
}

/**
 * Train and test×train kernels centred on the training mean, from a Gram matrix `G` of rows centred
 * on any common vector: with ḡ = G[I,I]·1/n and c = mean(ḡ),
 * `K[a,b] = G[a,b] − G[a,I]·1/n − ḡ[b] + c` (the algebra of subtracting the training mean first).
 */
export function splitKernels(gram: Matrix, train: Int32Array, test: Int32Array): { trainKernel: Matrix; crossKernel: Matrix } {
  const N = gram.cols;
  const G = gram.data;
  const n = train.length;
  const rowMeanOverTrain = (row: number) => {
    let s = 0;
    const off = row * N;
    for (let b = 0; b < n; b++) s += G[off + train[b]];
    return s / n;
  };
  const gTrain = Float64Array.from(train, rowMeanOverTrain);
  let c = 0;
  for (let b = 0; b < n; b++) c += gTrain[b];
  c /= n;
  const fill = (rows: Int32Array, rowMeans: Float64Array) => {
    const K = matrix(rows.length, n);
    for (let a = 0; a < rows.length; a++) {
      const src = rows[a] * N;
      const dst = a * n;
      const shift = c - rowMeans[a];
      for (let b = 0; b < n; b++) K.data[dst + b] = G[src + train[b]] - gTrain[b] + shift;
    }
    return K;
  };
  return { trainKernel: fill(train, gTrain), crossKernel: fill(test, Float64Array.from(test, rowMeanOverTrain)) };
}

/** Ridge in dual form on a centred kernel: `Ŷ = K₍test,train₎·(K + αI)⁻¹·Yc + ȳ` (sklearn `Ridge`, intercept unpenalised). */
async function kernelRidge(trainKernel: Matrix, crossKernel: Matrix, yTrain: Matrix, alpha: number): Promise<Matrix> {
  const yMean = columnMeans(yTrain);
  const ridge = new Ridge({ alpha });
  const dualCoef = ridge.solveDual(trainKernel, centerColumns(yTrain, yMean));
  const out = await matmul(crossKernel, dualCoef);
  const q = out.cols;
  for (let i = 0; i < out.rows; i++) for (let j = 0; j < q; j++) out.data[i * q + j] += yMean[j];
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
