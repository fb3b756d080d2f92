/**
 * Train/test sizes and iteration count of the shuffle splitters, as scikit-learn 1.2.1's
 * `sklearn.model_selection._split._validate_shuffle_split`.
 */

/** Test fraction used when neither size is given (`_default_test_size` of both shuffle splitters). */
export const DEFAULT_TEST_SIZE = 0.1;

/** Default number of splits (`n_splits=10` of both shuffle splitters). */
export const DEFAULT_N_SPLITS = 10;

/** Number of training and test samples of every split. */
export interface SplitSizes {
  nTrain: number;
  nTest: number;
}

/** Whether a size is absent, a count (Python `int`) or a fraction (Python `float`). */
type SizeKind = 'absent' | 'count' | 'fraction';

function sizeKind(size: number | undefined, name: string): SizeKind {
  if (size === undefined) return 'absent';
  if (typeof size !== 'number' || !Number.isFinite(size)) {
    throw new TypeError(`Invalid value for ${name}: ${String(size)}`);
  }
  return Number.isInteger(size) ? 'count' : 'fraction';
}

function checkSizeRange(size: number | undefined, kind: SizeKind, name: string, nSamples: number): void {
  if (size === undefined) return;
  const outOfRange =
    kind === 'count' ? size >= nSamples || size <= 0 : kind === 'fraction' && (size <= 0 || size >= 1);
  if (outOfRange) {
    throw new RangeError(
      `${name}=${size} should be either positive and smaller than the number of samples ${nSamples} or a float in the (0, 1) range`,
    );
  }
}

/**
 * Resolves `testSize` / `trainSize` into sample counts exactly as scikit-learn 1.2.1's
 * `_validate_shuffle_split`: a fractional test size rounds up (`ceil(test_size * n)`), a fractional
 * train size rounds down (`floor(train_size * n)`), an absent size is the complement of the other,
 * and `defaultTestSize` applies when both are absent. Integers are counts (see `ShuffleSplitOptions`).
 *
 * @throws TypeError for a non-finite size; RangeError, with scikit-learn's message, for a size out
 * of range, sizes that add up to more than the samples, or an empty training set.
 * @example
 * ```ts
 * validateShuffleSplit(123, undefined, 0.9); // { nTrain: 110, nTest: 13 }
 * validateShuffleSplit(51, undefined, 0.5); // { nTrain: 25, nTest: 26 }
 * validateShuffleSplit(30, undefined, undefined); // { nTrain: 27, nTest: 3 }  (default test_size 0.1)
 * ```
 */
export function validateShuffleSplit(
  nSamples: number,
  testSize: number | undefined,
  trainSize: number | undefined,
  defaultTestSize: number = DEFAULT_TEST_SIZE,
): SplitSizes {
  if (!Number.isInteger(nSamples) || nSamples < 0) {
    throw new RangeError(`the number of samples must be a non-negative integer, got ${nSamples}`);
  }
  const test = testSize === undefined && trainSize === undefined ? defaultTestSize : testSize;
  const testKind = sizeKind(test, 'test_size');
  const trainKind = sizeKind(trainSize, 'train_size');
  checkSizeRange(test, testKind, 'test_size', nSamples);
  checkSizeRange(trainSize, trainKind, 'train_size', nSamples);

  if (testKind === 'fraction' && trainKind === 'fraction' && (trainSize as number) + (test as number) > 1) {
    throw new RangeError(
      `The sum of test_size and train_size = ${(trainSize as number) + (test as number)}, should be in the (0, 1) range. Reduce test_size and/or train_size.`,
    );
  }

  // Python evaluates `test_size * n_samples` in float64 before rounding; so does this.
  let nTest = test === undefined ? 0 : testKind === 'fraction' ? Math.ceil(test * nSamples) : test;
  let nTrain = trainSize === undefined ? 0 : trainKind === 'fraction' ? Math.floor(trainSize * nSamples) : trainSize;
  if (trainSize === undefined) nTrain = nSamples - nTest;
  else if (test === undefined) nTest = nSamples - nTrain;

  if (nTrain + nTest > nSamples) {
    throw new RangeError(
      `The sum of train_size and test_size = ${nTrain + nTest}, should be smaller than the number of samples ${nSamples}. Reduce test_size and/or train_size.`,
    );
  }
  if (nTrain === 0) {
    throw new RangeError(
      `With n_samples=${nSamples}, test_size=${String(test)} and train_size=${String(trainSize)}, the resulting train set will be empty. Adjust any of the aforementioned parameters.`,
    );
  }
  return { nTrain, nTest };
}

/**
 * Validates the number of splits (scikit-learn's `n_splits`), defaulting to 10.
 *
 * @example
 * ```ts
 * checkNSplits(undefined); // 10
 * ```
 */
export function checkNSplits(nSplits: number | undefined): number {
  const n = nSplits ?? DEFAULT_N_SPLITS;
  if (!Number.isInteger(n) || n < 1) {
    throw new RangeError(`nSplits must be a positive integer, got ${n}`);
  }
  return n;
}
