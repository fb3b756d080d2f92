/** scikit-learn's `ShuffleSplit` (random permutation cross-validator), split for split. */
import { checkRandomState } from '../random/random-state.ts';
import { checkNSplits, validateShuffleSplit } from './split-sizes.ts';
import type { ShuffleSplitOptions, Split } from './types.ts';

/**
 * Random train/test splits of `nSamples` samples, identical to scikit-learn 1.2.1's
 * `ShuffleSplit(n_splits, test_size=..., train_size=..., random_state=...).split(np.zeros(nSamples))`.
 *
 * One `RandomState` serves all splits; each split draws `p = rng.permutation(nSamples)` and yields
 * `test = p[:nTest]`, `train = p[nTest:nTest + nTrain]`. Brain-Score's internal-consistency ceiling
 * uses `ShuffleSplit(10, train_size=0.5, random_state=1)` over the sorted repetition values.
 *
 * @throws RangeError for invalid sizes (scikit-learn's messages) or a non-positive `nSplits`.
 * @example
 * ```ts
 * const splits = shuffleSplit(2, { trainSize: 0.5, randomState: 1 });
 * splits[0]; // { train: Int32Array [1], test: Int32Array [0] }
 * ```
 */
export function shuffleSplit(nSamples: number, options: ShuffleSplitOptions): Split[] {
  const nSplits = checkNSplits(options.nSplits);
  const { nTrain, nTest } = validateShuffleSplit(nSamples, options.testSize, options.trainSize);
  const rng = checkRandomState(options.randomState);
  const splits: Split[] = [];
  for (let s = 0; s < nSplits; s++) {
    const permutation = rng.permutation(nSamples);
    splits.push({
      train: permutation.slice(nTest, nTest + nTrain),
      test: permutation.slice(0, nTest),
    });
  }
  return splits;
}
