/** Types shared by the scikit-learn-compatible splitters. */
import type { RandomState } from '../random/random-state.ts';

/**
 * One train/test split: positions into the samples, in the order scikit-learn yields them (a
 * random permutation, not sorted).
 */
export interface Split {
  train: Int32Array;
  test: Int32Array;
}

/**
 * Options of `shuffleSplit` and `stratifiedShuffleSplit`, as the constructor arguments of
 * scikit-learn's `ShuffleSplit` / `StratifiedShuffleSplit`.
 *
 * A size that is an integer is a number of samples (a Python `int`); any other finite number is a
 * fraction of the samples in (0, 1) (a Python `float`). JavaScript cannot tell `1` from `1.0`, so a
 * whole-number size always means a count.
 */
export interface ShuffleSplitOptions {
  /** Number of re-shuffling and splitting iterations (scikit-learn's `n_splits`, default 10). */
  nSplits?: number;
  /** Training-set size (`train_size`); when absent, the complement of the test set. */
  trainSize?: number;
  /** Test-set size (`test_size`); when absent, the complement of the training set, or 0.1 of the samples when `trainSize` is absent too. */
  testSize?: number;
  /** Integer seed of a fresh `RandomState`, or an instance whose stream continues (`random_state`). */
  randomState: number | RandomState;
}
