/**
 * Rajalingham et al. 2018's image-by-distractor consistency I2n ("Large-scale, high-resolution
 * comparison of the core visual object recognition behavior of humans, monkeys, and state-of-the-art
 * deep artificial neural networks", J. Neurosci. 38(33)), as Brain-Score computes it
 * (`brainscore_vision.metrics.i2n`, benchmark `Rajalingham2018-i2n`):
 *
 * 1. response matrix P[i, c]: how often image i was mistaken for object c. For the model,
 *    p_c / (p_c + p_t) from its choice probabilities (t = the image's true object); for humans,
 *    #(trials on i choosing c) / #(trials on i offering c), the trials being two-alternative
 *    match-to-sample (the true object against one distractor). Undefined (NaN) on the true object's
 *    column and where c was never offered.
 * 2. d′[i, c] = Φ⁻¹(1 − P[i, c]) − Φ⁻¹(false-alarm rate), the false-alarm rate being the mean over
 *    the images of object c of P[j, t], clipped to ±5.
 * 3. I2n = d′ minus its mean over the images of the same true object (per choice column).
 * 4. Human trials are split in half at random; the model's I2n is correlated with the first half's
 *    (r), the two halves with each other (the ceiling), and the score is r / √ceiling, averaged over
 *    two splits drawn from one `RandomState(0)`.
 *
 * Rows are always the images in `np.unique` order of their ids and columns the objects in
 * `np.unique` order of their names, whatever the order of the inputs.
 */
import { matrix, type Matrix, type MatrixLike } from '@vvs/linalg';
import { checkRandomState, type RandomState } from '../random/random-state.ts';
import { compareCodePoints } from '../split/unique-labels.ts';
import { pearson } from '../stats/correlation.ts';
import { mean, nanMean, std } from '../stats/descriptive.ts';
import { normalQuantile } from '../stats/normal.ts';

/** Brain-Score's d′ clip (`dprimes(..., cap=5)`): Φ⁻¹(0) and Φ⁻¹(1) are infinite, so d′ is bounded. */
export const DPRIME_CAP = 5;
/** Brain-Score's number of split-half repetitions (`_I(repetitions=2)`). */
export const I2N_SPLITS = 2;
/** Brain-Score's seed for the trial halves (`RandomState(seed=0)`, shared by score and ceiling). */
export const I2N_RANDOM_STATE = 0;

/** A model's choice probabilities on the benchmark images. */
export interface I2nModelOutput {
  /** Row names of `probabilities`: one image id per row. */
  stimulusIds: readonly string[];
  /** Column names of `probabilities`: the object labels the model chooses among. */
  choices: readonly string[];
  /** images × choices, each row a probability distribution (e.g. a softmax). */
  probabilities: MatrixLike;
}

/** Human two-alternative match-to-sample trials, as parallel index arrays into the two tables. */
export interface I2nTrials {
  /** Index into `stimulusIds` of the image shown. */
  stimulus: ArrayLike<number>;
  /** Index into `objects` of the sample object (the image's true object). */
  sampleObj: ArrayLike<number>;
  /** Index into `objects` of the distractor object. */
  distObj: ArrayLike<number>;
  /** Index into `objects` of the object the subject chose. */
  choice: ArrayLike<number>;
}

/** Human behaviour for I2n: the image and object tables, each image's truth, and the trials. */
export interface I2nHumanData {
  /** Object names (any order). */
  objects: readonly string[];
  /** Image ids (any order). */
  stimulusIds: readonly string[];
  /** For each entry of `stimulusIds`, the index into `objects` of its true object. */
  imageTruth: ArrayLike<number>;
  trials: I2nTrials;
}

/** The row and column order shared by every I2n matrix, and the maps into it from the input tables. */
export interface I2nLayout {
  /** Image ids in `np.unique` (code-point) order: the rows. */
  stimulusIds: string[];
  /** Object names in `np.unique` (code-point) order: the columns. */
  objects: string[];
  /** For each row, the column of its true object. */
  truth: Int32Array;
  /** For each entry of the input `stimulusIds` table, its row. */
  rowOfStimulus: Int32Array;
  /** For each entry of the input `objects` table, its column. */
  columnOfObject: Int32Array;
}

/** The three stages of one I2n computation, all images × objects in the layout's order. */
export interface I2nMatrices {
  /** Response matrix: P[i, c], the rate of choosing c over the truth on image i (NaN on the truth). */
  P: Matrix;
  /** Clipped d′. */
  dprime: Matrix;
  /** d′ minus its (truth, choice) group mean. */
  i2n: Matrix;
}

/**
 * How a correlation treats NaN cells:
 * - `'both-non-nan'`: keep the entries where both matrices are defined (the default; needed when
 *   the halves have empty cells);
 * - `'brain-score'`: Brain-Score's `correlate(source, target, skipna=False)`: keep the entries where
 *   the second matrix is defined and throw when the first is NaN at any of them (Brain-Score raises
 *   `AssertionError` there, e.g. for a ceiling on sparse data).
 */
export type I2nNanRule = 'both-non-nan' | 'brain-score';

/** A correlation and how many matrix entries it used. */
export interface NonNaNCorrelation {
  r: number;
  nEntries: number;
}

/** One random halving of the human trials and everything computed from it. */
export interface I2nSplit {
  /** `list(range(nTrials))` after `RandomState.shuffle`. */
  shuffledTrialIndices: Int32Array;
  /** The first ⌊nTrials / 2⌋ shuffled trial indices (a view of `shuffledTrialIndices`). */
  half1: Int32Array;
  /** The remaining trial indices (a view of `shuffledTrialIndices`). */
  half2: Int32Array;
  human1: I2nMatrices;
  human2: I2nMatrices;
  /** Correlation of the two halves' I2n: the split's ceiling. */
  ceiling: number;
  ceilingEntries: number;
  /** Correlation of the model's I2n with the first half's. */
  r: number;
  rEntries: number;
  /** r / √ceiling. */
  ceiled: number;
}

/** Options of {@link i2n}; defaults are Brain-Score's. */
export interface I2nOptions {
  /** Seed (or generator) for the trial halves; default 0. Both splits continue one stream. */
  randomState?: number | RandomState;
  /** Number of random halvings; default 2. */
  nSplits?: number;
  /** d′ clip; default 5. */
  dprimeCap?: number;
  /** NaN handling of the ceiling and r correlations; default `'both-non-nan'`. */
  nanRule?: I2nNanRule;
}

/** Result of {@link i2n}: the ceiled score, its parts per split, and the matrices behind them. */
export interface I2nResult {
  /** Mean over splits of r / √ceiling (not clipped). */
  score: number;
  /** Standard deviation (ddof 0) over splits of r / √ceiling, as Brain-Score's `scores.std('split')`. */
  scoreError: number;
  /** Mean over splits of r. */
  rawMeanR: number;
  /** Mean over splits of the ceiling. */
  ceilingMean: number;
  splits: I2nSplit[];
  /** The model's matrices (independent of the splits). */
  model: I2nMatrices;
  /** Row and column order of every matrix. */
  layout: I2nLayout;
}

/**
 * The I2n score of a model against human trials — Brain-Score's `Rajalingham2018-i2n` benchmark
 * arithmetic in one call: model I2n, human I2n on each random half, r against the first half,
 * split-half ceiling, and the ceiled score r / √ceiling averaged over the splits.
 *
 * @throws RangeError when the tables, indices or model do not fit together (see {@link i2nLayout},
 *   {@link modelI2n}), and under `nanRule: 'brain-score'` when Brain-Score would raise.
 * @example
 * const result = i2n(model, human); // model: {stimulusIds, choices, probabilities}
 * result.score; // e.g. 0.334
 * result.splits[0].ceiling; // first split's human split-half consistency
 */
export function i2n(model: I2nModelOutput, human: I2nHumanData, options: I2nOptions = {}): I2nResult {
  const {
    randomState = I2N_RANDOM_STATE,
    nSplits = I2N_SPLITS,
    dprimeCap = DPRIME_CAP,
    nanRule = 'both-non-nan',
  } = options;
  const layout = i2nLayout(human);
  const modelMatrices = modelI2n(model, layout, dprimeCap);
  const halvings = i2nSplitHalves(human.trials.stimulus.length, { nSplits, randomState });
  const splits = halvings.map(({ shuffledTrialIndices, half1, half2 }): I2nSplit => {
    const human1 = humanI2n(human, layout, half1, dprimeCap);
    const human2 = humanI2n(human, layout, half2, dprimeCap);
    const ceiling = correlateNonNaN(human1.i2n, human2.i2n, nanRule);
    const raw = correlateNonNaN(modelMatrices.i2n, human1.i2n, nanRule);
    return {
      shuffledTrialIndices,
      half1,
      half2,
      human1,
      human2,
      ceiling: ceiling.r,
      ceilingEntries: ceiling.nEntries,
      r: raw.r,
      rEntries: raw.nEntries,
      ceiled: raw.r / Math.sqrt(ceiling.r),
    };
  });
  const ceiled = splits.map((s) => s.ceiled);
  return {
    score: mean(ceiled),
    scoreError: std(ceiled, 0),
    rawMeanR: mean(splits.map((s) => s.r)),
    ceilingMean: mean(splits.map((s) => s.ceiling)),
    splits,
    model: modelMatrices,
    layout,
  };
}

/**
 * The sorted row/column order of the I2n matrices and the maps into it from the human data's
 * tables: rows are the images by id, columns the objects by name, both in `np.unique` (code-point)
 * order, as Brain-Score's `sortby('stimulus_id').sortby('choice')` leaves them.
 *
 * @throws RangeError for duplicate names, an `imageTruth` of the wrong length, or a truth index
 *   outside the objects table.
 * @example
 * const layout = i2nLayout({ objects: ['dog', 'car'], stimulusIds: ['b', 'a'], imageTruth: [0, 1] });
 * layout.stimulusIds; // ['a', 'b']
 * layout.truth; // Int32Array [0, 1]  ('a' is a car: column 0; 'b' a dog: column 1)
 */
export function i2nLayout(human: Pick<I2nHumanData, 'objects' | 'stimulusIds' | 'imageTruth'>): I2nLayout {
  const { order: objects, position: columnOfObject } = sortedNames(human.objects, 'objects');
  const { order: stimulusIds, position: rowOfStimulus } = sortedNames(human.stimulusIds, 'stimulusIds');
  if (human.imageTruth.length !== stimulusIds.length) {
    throw new RangeError(
      `imageTruth must give one object per image: ${human.imageTruth.length} entries for ${stimulusIds.length} stimulusIds`,
    );
  }
  const truth = new Int32Array(stimulusIds.length);
  for (let k = 0; k < stimulusIds.length; k++) {
    truth[rowOfStimulus[k]] = columnOfObject[checkIndex(human.imageTruth[k], objects.length, 'imageTruth', k)];
  }
  return { stimulusIds, objects, truth, rowOfStimulus, columnOfObject };
}

/**
 * The model's response matrix (Brain-Score's `target_distractor_scores`): for image i with true
 * object t, P[i, c] = p_c / (p_c + p_t), the probability of choosing c in a two-way choice between
 * c and t; NaN at c = t. Model rows and columns are matched to the layout by name.
 *
 * @throws RangeError when the model's images or choices are not exactly the layout's.
 * @example
 * const P = modelResponseMatrix(model, i2nLayout(human));
 */
export function modelResponseMatrix(model: I2nModelOutput, layout: I2nLayout): Matrix {
  const { probabilities } = model;
  if (probabilities.rows !== model.stimulusIds.length || probabilities.cols !== model.choices.length) {
    throw new RangeError(
      `model.probabilities is ${probabilities.rows}×${probabilities.cols} but there are ${model.stimulusIds.length} stimulusIds and ${model.choices.length} choices`,
    );
  }
  const modelRow = alignNames(layout.stimulusIds, model.stimulusIds, 'model.stimulusIds', 'human stimulusIds');
  const modelColumn = alignNames(layout.objects, model.choices, 'model.choices', 'human objects');
  const nRows = layout.stimulusIds.length;
  const nCols = layout.objects.length;
  const P = matrix(nRows, nCols);
  const source = probabilities.data;
  const stride = probabilities.cols;
  for (let i = 0; i < nRows; i++) {
    const offset = modelRow[i] * stride;
    const truth = layout.truth[i];
    const pTruth = source[offset + modelColumn[truth]];
    for (let c = 0; c < nCols; c++) {
      const pChoice = source[offset + modelColumn[c]];
      P.data[i * nCols + c] = c === truth ? Number.NaN : pChoice / (pChoice + pTruth);
    }
  }
  return P;
}

/**
 * The human response matrix over a subset of trials (Brain-Score's
 * `build_response_matrix_from_responses`): P[i, c] = #(trials on image i choosing c) /
 * #(trials on image i offering c as sample or distractor); NaN at the true object and where c was
 * never offered. Images without trials in the subset are NaN rows.
 *
 * @param trialIndices trials to use (default: all), e.g. one half of a split.
 * @throws RangeError for a trial index or table index out of range.
 * @example
 * const layout = i2nLayout(human);
 * const P = humanResponseMatrix(human, layout, split.half1);
 */
export function humanResponseMatrix(human: I2nHumanData, layout: I2nLayout, trialIndices?: ArrayLike<number>): Matrix {
  const { stimulus, sampleObj, distObj, choice } = human.trials;
  const nTrials = stimulus.length;
  if (sampleObj.length !== nTrials || distObj.length !== nTrials || choice.length !== nTrials) {
    throw new RangeError(
      `trials arrays must have equal lengths: stimulus ${nTrials}, sampleObj ${sampleObj.length}, distObj ${distObj.length}, choice ${choice.length}`,
    );
  }
  const nRows = layout.stimulusIds.length;
  const nCols = layout.objects.length;
  const nObjects = layout.columnOfObject.length;
  const chosen = new Float64Array(nRows * nCols);
  const offered = new Float64Array(nRows * nCols);
  const count = trialIndices === undefined ? nTrials : trialIndices.length;
  for (let k = 0; k < count; k++) {
    const t = trialIndices === undefined ? k : checkIndex(trialIndices[k], nTrials, 'trialIndices', k);
    const offset = layout.rowOfStimulus[checkIndex(stimulus[t], nRows, 'trials.stimulus', t)] * nCols;
    // Brain-Score counts (image, sample) and (image, distractor) separately, so both are offered.
    offered[offset + layout.columnOfObject[checkIndex(sampleObj[t], nObjects, 'trials.sampleObj', t)]]++;
    offered[offset + layout.columnOfObject[checkIndex(distObj[t], nObjects, 'trials.distObj', t)]]++;
    chosen[offset + layout.columnOfObject[checkIndex(choice[t], nObjects, 'trials.choice', t)]]++;
  }
  const P = matrix(nRows, nCols);
  for (let i = 0; i < nRows; i++) {
    for (let c = 0; c < nCols; c++) {
      const k = i * nCols + c;
      P.data[k] = c === layout.truth[i] || offered[k] === 0 ? Number.NaN : chosen[k] / offered[k];
    }
  }
  return P;
}

/**
 * Clipped d′ of a response matrix (Brain-Score's `dprimes` before normalisation): for image i with
 * true object t and choice c, hit rate = 1 − P[i, c], false-alarm rate = nanmean of P[j, t] over
 * the images j whose true object is c, and d′ = clip(Φ⁻¹(hit) − Φ⁻¹(false alarm), −cap, cap).
 * Φ⁻¹(0) = −∞ and Φ⁻¹(1) = +∞ clip to ∓cap; ∞ − ∞ and any NaN rate stay NaN.
 *
 * @param truth for each row, the column of its true object.
 * @example
 * const dprime = dprimeMatrix(P, layout.truth); // values in [−5, 5] or NaN
 */
export function dprimeMatrix(P: MatrixLike, truth: ArrayLike<number>, cap = DPRIME_CAP): Matrix {
  const { rows, cols } = P;
  const rowsOf = rowsByTruth(truth, rows, cols);
  // Φ⁻¹ of the false-alarm rate for every (true object t, choice c).
  const falseAlarmZ = new Float64Array(cols * cols);
  for (let c = 0; c < cols; c++) {
    const images = rowsOf[c];
    const rates = new Float64Array(images.length);
    for (let t = 0; t < cols; t++) {
      for (let k = 0; k < images.length; k++) rates[k] = P.data[images[k] * cols + t];
      falseAlarmZ[t * cols + c] = normalQuantile(nanMean(rates));
    }
  }
  const dprime = matrix(rows, cols);
  for (let i = 0; i < rows; i++) {
    const zRow = truth[i] * cols;
    for (let c = 0; c < cols; c++) {
      const d = normalQuantile(1 - P.data[i * cols + c]) - falseAlarmZ[zRow + c];
      // Math.max/min propagate NaN, as np.clip does.
      dprime.data[i * cols + c] = Math.min(Math.max(d, -cap), cap);
    }
  }
  return dprime;
}

/**
 * I2n normalisation (Brain-Score's `subtract_mean`): each entry minus the nanmean of its column
 * over the images with the same true object, i.e. per (truth, choice) group. NaN entries stay NaN.
 *
 * @param truth for each row, the column of its true object.
 * @example
 * const normalised = i2nNormalize(dprimeMatrix(P, layout.truth), layout.truth);
 */
export function i2nNormalize(dprime: MatrixLike, truth: ArrayLike<number>): Matrix {
  const { rows, cols } = dprime;
  const out = matrix(rows, cols);
  for (const images of rowsByTruth(truth, rows, cols)) {
    const group = new Float64Array(images.length);
    for (let c = 0; c < cols; c++) {
      for (let k = 0; k < images.length; k++) group[k] = dprime.data[images[k] * cols + c];
      const centre = nanMean(group);
      for (let k = 0; k < images.length; k++) out.data[images[k] * cols + c] = group[k] - centre;
    }
  }
  return out;
}

/**
 * The model's response matrix, d′ and I2n in the layout's order.
 *
 * @example
 * const { i2n } = modelI2n(model, i2nLayout(human));
 */
export function modelI2n(model: I2nModelOutput, layout: I2nLayout, cap = DPRIME_CAP): I2nMatrices {
  return stages(modelResponseMatrix(model, layout), layout.truth, cap);
}

/**
 * The humans' response matrix, d′ and I2n over a subset of trials (default: all).
 *
 * @example
 * const half = humanI2n(human, layout, split.half1);
 */
export function humanI2n(
  human: I2nHumanData,
  layout: I2nLayout,
  trialIndices?: ArrayLike<number>,
  cap = DPRIME_CAP,
): I2nMatrices {
  return stages(humanResponseMatrix(human, layout, trialIndices), layout.truth, cap);
}

/**
 * Pearson's r between two same-shape matrices flattened row-major, over the entries the NaN rule
 * keeps (see {@link I2nNanRule}); `nEntries` is how many were kept. Argument order matters only
 * under `'brain-score'`: `a` is Brain-Score's source (must be defined wherever `b` is), `b` its
 * target.
 *
 * @throws RangeError for different shapes, fewer than 2 kept entries, or — under `'brain-score'` —
 *   a NaN in `a` where `b` is defined.
 * @example
 * correlateNonNaN(model.i2n, half1.i2n); // e.g. { r: 0.2131, nEntries: 5520 }
 */
export function correlateNonNaN(a: MatrixLike, b: MatrixLike, rule: I2nNanRule = 'both-non-nan'): NonNaNCorrelation {
  if (a.rows !== b.rows || a.cols !== b.cols) {
    throw new RangeError(`correlateNonNaN: shapes differ, ${a.rows}×${a.cols} and ${b.rows}×${b.cols}`);
  }
  const x: number[] = [];
  const y: number[] = [];
  let undefinedInA = 0;
  for (let k = 0; k < a.data.length; k++) {
    if (Number.isNaN(b.data[k])) continue;
    if (Number.isNaN(a.data[k])) {
      undefinedInA++;
      continue;
    }
    x.push(a.data[k]);
    y.push(b.data[k]);
  }
  if (rule === 'brain-score' && undefinedInA > 0) {
    throw new RangeError(
      `correlateNonNaN: the first matrix is NaN at ${undefinedInA} entries where the second is defined; ` +
        "Brain-Score's correlate(skipna=False) raises AssertionError here (use nanRule 'both-non-nan' to skip them)",
    );
  }
  if (x.length < 2) {
    throw new RangeError(`correlateNonNaN: need at least 2 entries defined in both matrices, got ${x.length}`);
  }
  return { r: pearson(x, y), nEntries: x.length };
}

/**
 * Brain-Score's random trial halves (`generate_halves`): for each split, `indices = list(range(n))`
 * is shuffled by one shared `RandomState` (so later splits continue its stream), the first ⌊n/2⌋
 * indices form the first half and the rest the second.
 *
 * @example
 * const [first] = i2nSplitHalves(10); // RandomState(0): shuffled [2, 8, 4, 9, 1, 6, 7, 3, 0, 5]
 * first.half1; // Int32Array [2, 8, 4, 9, 1]
 */
export function i2nSplitHalves(
  nTrials: number,
  { nSplits = I2N_SPLITS, randomState = I2N_RANDOM_STATE }: { nSplits?: number; randomState?: number | RandomState } = {},
): Pick<I2nSplit, 'shuffledTrialIndices' | 'half1' | 'half2'>[] {
  if (!Number.isInteger(nTrials) || nTrials < 2) {
    throw new RangeError(`i2nSplitHalves: nTrials must be an integer ≥ 2, got ${nTrials}`);
  }
  if (!Number.isInteger(nSplits) || nSplits < 1) {
    throw new RangeError(`i2nSplitHalves: nSplits must be a positive integer, got ${nSplits}`);
  }
  const rng = checkRandomState(randomState);
  const half1Size = Math.floor(nTrials / 2);
  return Array.from({ length: nSplits }, () => {
    const shuffledTrialIndices = new Int32Array(nTrials);
    for (let i = 0; i < nTrials; i++) shuffledTrialIndices[i] = i;
    rng.shuffle(shuffledTrialIndices);
    return {
      shuffledTrialIndices,
      half1: shuffledTrialIndices.subarray(0, half1Size),
      half2: shuffledTrialIndices.subarray(half1Size),
    };
  });
}

function stages(P: Matrix, truth: Int32Array, cap: number): I2nMatrices {
  const dprime = dprimeMatrix(P, truth, cap);
  return { P, dprime, i2n: i2nNormalize(dprime, truth) };
}

/** For each column (object), the rows whose true object it is, in row order. */
function rowsByTruth(truth: ArrayLike<number>, rows: number, cols: number): Int32Array[] {
  if (truth.length !== rows) {
    throw new RangeError(`truth must give one column per row: ${truth.length} entries for ${rows} rows`);
  }
  const counts = new Int32Array(cols);
  for (let i = 0; i < rows; i++) counts[checkIndex(truth[i], cols, 'truth', i)]++;
  const groups = Array.from(counts, (n) => new Int32Array(n));
  counts.fill(0);
  for (let i = 0; i < rows; i++) groups[truth[i]][counts[truth[i]]++] = i;
  return groups;
}

/** Names sorted in `np.unique` order, and each input entry's position in that order. */
function sortedNames(names: readonly string[], label: string): { order: string[]; position: Int32Array } {
  const order = [...names].sort(compareCodePoints);
  for (let k = 1; k < order.length; k++) {
    if (order[k] === order[k - 1]) throw new RangeError(`${label} must be unique; '${order[k]}' appears more than once`);
  }
  const rank = new Map(order.map((name, k) => [name, k] as const));
  return { order, position: Int32Array.from(names, (name) => rank.get(name)!) };
}

/** For each name of `wanted`, its index in `available`; both must hold exactly the same names. */
function alignNames(wanted: readonly string[], available: readonly string[], label: string, reference: string): Int32Array {
  const index = new Map(available.map((name, k) => [name, k] as const));
  if (index.size !== available.length) throw new RangeError(`${label} must be unique`);
  if (available.length !== wanted.length) {
    throw new RangeError(`${label} has ${available.length} names but the ${reference} table has ${wanted.length}`);
  }
  return Int32Array.from(wanted, (name) => {
    const k = index.get(name);
    if (k === undefined) throw new RangeError(`${label} lacks '${name}' from the ${reference} table`);
    return k;
  });
}

function checkIndex(value: number, size: number, label: string, at: number): number {
  if (!Number.isInteger(value) || value < 0 || value >= size) {
    throw new RangeError(`${label}[${at}] must be an index in 0..${size - 1}, got ${value}`);
  }
  return value;
}
