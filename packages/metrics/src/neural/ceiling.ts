/**
 * Brain-Score's internal-consistency ceiling for neural benchmarks
 * (`brainscore_vision.metrics.internal_consistency.InternalConsistency`): split the repetitions in
 * half, average each half per stimulus, correlate the halves per neuroid, correct the split-half
 * correlation with Spearman–Brown, and take the median over neuroids; repeat over 10 splits.
 */
import type { Matrix, MatrixLike } from '@vvs/linalg';
import { shuffleSplit } from '../split/shuffle-split.ts';
import { compareCodePoints } from '../split/unique-labels.ts';
import { pearsonColumns, spearmanBrown } from '../stats/correlation.ts';
import { mean, nanMedian, std } from '../stats/descriptive.ts';
import { meanByGroup } from './group-mean.ts';

/** Brain-Score's split-half scheme: `ShuffleSplit(n_splits=10, train_size=0.5, random_state=1)`. */
export const BRAINSCORE_CEILING_CV = { nSplits: 10, trainSize: 0.5, randomState: 1 } as const;

/** Per-presentation recordings: one row per (stimulus, repetition). */
export interface RepeatedResponses {
  /** Rows = presentations, columns = neuroids. */
  responses: MatrixLike;
  /** Stimulus index (0 ≤ s < nStimuli, in the stimulus order the result should use) per row. */
  stimulus: ArrayLike<number>;
  /** Repetition value per row (any sortable labels: ints or strings). */
  repetition: ArrayLike<number | string>;
  nStimuli: number;
}

/** One split half's outcome. */
export interface CeilingSplit {
  /** Repetition values averaged into the first half. */
  trainRepetitions: (number | string)[];
  /** Repetition values averaged into the second half. */
  testRepetitions: (number | string)[];
  perNeuroidR: Float64Array;
  perNeuroidSpearmanBrown: Float64Array;
  /** NaN-skipping median of the Spearman–Brown-corrected correlations. */
  median: number;
}

/** Result of {@link internalConsistency}. */
export interface CeilingResult {
  splits: CeilingSplit[];
  /** Repetition values in sorted (np.unique) order; split indices refer to it. */
  repetitionValues: (number | string)[];
  /** Mean of the split medians. */
  ceiling: number;
  /** Standard deviation (ddof 0) of the split medians over √(splits). */
  error: number;
}

/**
 * The split-half internal consistency of repeated recordings, Spearman–Brown corrected.
 *
 * @example
 * const { ceiling } = internalConsistency({ responses, stimulus, repetition, nStimuli });
 */
export function internalConsistency(
  data: RepeatedResponses,
  { nSplits = BRAINSCORE_CEILING_CV.nSplits, trainSize = BRAINSCORE_CEILING_CV.trainSize, randomState = BRAINSCORE_CEILING_CV.randomState } = {},
): CeilingResult {
  const { responses, stimulus, repetition, nStimuli } = data;
  if (repetition.length !== responses.rows || stimulus.length !== responses.rows) {
    throw new RangeError(
      `internalConsistency: ${responses.rows} rows but ${stimulus.length} stimulus indices and ${repetition.length} repetition values`,
    );
  }
  const repetitionValues = sortedUnique(Array.from(repetition));
  if (repetitionValues.length < 2) {
    throw new RangeError(`internalConsistency: needs at least 2 distinct repetitions to split in half, found ${repetitionValues.length}`);
  }
  const position = new Map(repetitionValues.map((v, i) => [v, i] as const));
  const repIndex = Int32Array.from(repetition, (v) => position.get(v)!);
  let halves: Matrix | undefined; // reused: one stimuli × neuroids pair of halves at a time
  const splits = shuffleSplit(repetitionValues.length, { nSplits, trainSize, randomState }).map((split) => {
    // One pass averages both halves: rows of the second half go to groups nStimuli..2·nStimuli−1.
    const inSecondHalf = new Uint8Array(repetitionValues.length);
    for (const i of split.test) inSecondHalf[i] = 1;
    const halfGroup = Int32Array.from(stimulus, (s, row) => s + nStimuli * inSecondHalf[repIndex[row]]);
    const both = (halves = meanByGroup(responses, halfGroup, 2 * nStimuli, halves));
    const q = both.cols;
    const half = (h: number) => ({ rows: nStimuli, cols: q, data: both.data.subarray(h * nStimuli * q, (h + 1) * nStimuli * q) });
    const perNeuroidR = pearsonColumns(half(0), half(1));
    const perNeuroidSpearmanBrown = perNeuroidR.map((r) => spearmanBrown(r));
    return {
      trainRepetitions: Array.from(split.train, (i) => repetitionValues[i]),
      testRepetitions: Array.from(split.test, (i) => repetitionValues[i]),
      perNeuroidR,
      perNeuroidSpearmanBrown,
      median: nanMedian(perNeuroidSpearmanBrown),
    };
  });
  const medians = splits.map((s) => s.median);
  return { splits, repetitionValues, ceiling: mean(medians), error: std(medians, 0) / Math.sqrt(medians.length) };
}

/** np.unique order: numbers ascending, strings by code point. */
function sortedUnique(values: (number | string)[]): (number | string)[] {
  const unique = [...new Set(values)];
  return unique.every((v) => typeof v === 'number')
    ? (unique as number[]).sort((a, b) => a - b)
    : unique.map(String).sort(compareCodePoints);
}
