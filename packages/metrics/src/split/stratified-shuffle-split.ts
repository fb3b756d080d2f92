/** scikit-learn's `StratifiedShuffleSplit`, split for split, and its `_approximate_mode`. */
import { checkRandomState, type RandomState } from '../random/random-state.ts';
import { checkNSplits, validateShuffleSplit } from './split-sizes.ts';
import type { ShuffleSplitOptions, Split } from './types.ts';
import { uniqueLabels } from './unique-labels.ts';

/**
 * Per-class draw counts close to the mode of the multivariate hypergeometric distribution, as
 * scikit-learn 1.2.1's `sklearn.utils.extmath._approximate_mode` (stream-exact):
 *
 * 1. `continuous = counts / counts.sum() * nDraws` in float64, in exactly that operation order
 *    (`count * nDraws / total` rounds differently and can break remainder ties differently);
 * 2. floor it; while short of `nDraws`, walk the distinct remainders `continuous − floor` from the
 *    largest down and add one to the classes holding each value. For every value visited,
 *    `rng.choice(inds, min(len(inds), need), replace=False)` picks the classes — a draw is consumed
 *    even when all of them are taken (though `permutation(1)` consumes none).
 *
 * @param classCounts class sizes (non-negative integers, not all zero).
 * @param nDraws number of samples to allocate.
 * @param rng generator for the tie-breaks; advanced exactly as numpy's would be.
 * @example
 * ```ts
 * approximateMode([15, 35], 45, new RandomState(0)); // Int32Array [14, 31]: 13.5 beats 31.499999999999996
 * ```
 */
export function approximateMode(classCounts: ArrayLike<number>, nDraws: number, rng: RandomState): Int32Array {
  const nClasses = classCounts.length;
  let total = 0;
  for (let i = 0; i < nClasses; i++) {
    const count = classCounts[i];
    if (!Number.isInteger(count) || count < 0) {
      throw new RangeError(`classCounts must hold non-negative integers, got ${count} at ${i}`);
    }
    total += count;
  }
  if (total === 0) throw new RangeError('classCounts must not all be zero');
  if (!Number.isInteger(nDraws) || nDraws < 0) {
    throw new RangeError(`nDraws must be a non-negative integer, got ${nDraws}`);
  }

  const allocation = new Int32Array(nClasses);
  const remainder = new Float64Array(nClasses);
  let needToAdd = nDraws;
  for (let i = 0; i < nClasses; i++) {
    const continuous = (classCounts[i] / total) * nDraws;
    const floored = Math.floor(continuous);
    allocation[i] = floored;
    remainder[i] = continuous - floored;
    needToAdd -= floored;
  }
  if (needToAdd <= 0) return allocation;

  // Classes by remainder, largest first; equal remainders stay in ascending class order, which is
  // the order `np.where(remainder == value)` lists them in.
  const order = Int32Array.from({ length: nClasses }, (_, i) => i).sort(
    (a, b) => remainder[b] - remainder[a] || a - b,
  );
  for (let start = 0; start < nClasses && needToAdd > 0; ) {
    let end = start + 1;
    while (end < nClasses && remainder[order[end]] === remainder[order[start]]) end++;
    const tied = order.subarray(start, end);
    const addNow = Math.min(tied.length, needToAdd);
    for (const cls of rng.choice(tied, addNow, { replace: false })) allocation[cls]++;
    needToAdd -= addNow;
    start = end;
  }
  return allocation;
}

/**
 * Stratified random train/test splits of labelled samples, identical to scikit-learn 1.2.1's
 * `StratifiedShuffleSplit(n_splits, test_size=..., train_size=..., random_state=...).split(X, labels)`
 * — Brain-Score's cross-validation for neural predictivity (`n_splits=10, train_size=0.9`, stratified
 * by object name, `random_state=1`).
 *
 * Classes are `np.unique(labels)` (numeric order for numbers, code-point order for strings). One
 * `RandomState` serves all splits. Per split: `nI = approximateMode(counts, nTrain)`,
 * `tI = approximateMode(counts − nI, nTest)`; then, class by class in sorted order, the class's
 * positions (ascending) are reordered by `rng.permutation(count)`, the first `nI` go to train and the
 * next `tI` to test; finally train and test are each permuted by the same generator.
 *
 * @param labels one class label per sample (all strings or all numbers).
 * @throws RangeError with scikit-learn's message when a class has a single member, or when the
 * training or test set is smaller than the number of classes; and for invalid sizes.
 * @example
 * ```ts
 * const labels = ['a', 'b', 'a', 'b', 'a', 'b', 'a', 'b', 'a', 'b'];
 * const [first] = stratifiedShuffleSplit(labels, { nSplits: 1, testSize: 0.2, randomState: 0 });
 * first.test.length; // 2: one 'a' and one 'b'
 * ```
 */
export function stratifiedShuffleSplit(labels: ArrayLike<string | number>, options: ShuffleSplitOptions): Split[] {
  const nSplits = checkNSplits(options.nSplits);
  const nSamples = labels.length;
  const { nTrain, nTest } = validateShuffleSplit(nSamples, options.testSize, options.trainSize);
  const { inverse, counts } = uniqueLabels(labels);
  const nClasses = counts.length;

  if (counts.some((count) => count < 2)) {
    throw new RangeError(
      'The least populated class in y has only 1 member, which is too few. The minimum number of groups for any class cannot be less than 2.',
    );
  }
  if (nTrain < nClasses) {
    throw new RangeError(`The train_size = ${nTrain} should be greater or equal to the number of classes = ${nClasses}`);
  }
  if (nTest < nClasses) {
    throw new RangeError(`The test_size = ${nTest} should be greater or equal to the number of classes = ${nClasses}`);
  }

  // Positions grouped by class, ascending within each class: the stable argsort of the class codes
  // (`np.argsort(y_indices, kind="mergesort")`), done as a counting sort.
  const classStart = new Int32Array(nClasses + 1);
  for (let c = 0; c < nClasses; c++) classStart[c + 1] = classStart[c] + counts[c];
  const positionsByClass = new Int32Array(nSamples);
  const cursor = classStart.slice(0, nClasses);
  for (let i = 0; i < nSamples; i++) positionsByClass[cursor[inverse[i]]++] = i;

  const rng = checkRandomState(options.randomState);
  const remaining = new Int32Array(nClasses);
  const splits: Split[] = [];
  for (let s = 0; s < nSplits; s++) {
    // Ties are broken anew in every split, so the allocations are drawn per split.
    const trainCounts = approximateMode(counts, nTrain, rng);
    for (let c = 0; c < nClasses; c++) remaining[c] = counts[c] - trainCounts[c];
    const testCounts = approximateMode(remaining, nTest, rng);

    const train = new Int32Array(sum(trainCounts));
    const test = new Int32Array(sum(testCounts));
    let nextTrain = 0;
    let nextTest = 0;
    for (let c = 0; c < nClasses; c++) {
      const order = rng.permutation(counts[c]);
      const base = classStart[c];
      const trainEnd = trainCounts[c];
      const testEnd = trainEnd + testCounts[c];
      for (let j = 0; j < trainEnd; j++) train[nextTrain++] = positionsByClass[base + order[j]];
      for (let j = trainEnd; j < testEnd; j++) test[nextTest++] = positionsByClass[base + order[j]];
    }
    // `rng.permutation(train)` shuffles a copy with the same draws; these arrays are already fresh.
    rng.shuffle(train);
    rng.shuffle(test);
    splits.push({ train, test });
  }
  return splits;
}

function sum(values: Int32Array): number {
  let total = 0;
  for (let i = 0; i < values.length; i++) total += values[i];
  return total;
}
