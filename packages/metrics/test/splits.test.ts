import { loadFixture } from '@vvs/test-utils';
import { describe, expect, it } from 'vitest';
import { RandomState } from '../src/random/random-state.ts';
import { shuffleSplit } from '../src/split/shuffle-split.ts';
import { validateShuffleSplit } from '../src/split/split-sizes.ts';
import { approximateMode, stratifiedShuffleSplit } from '../src/split/stratified-shuffle-split.ts';
import type { Split } from '../src/split/types.ts';
import { compareCodePoints, uniqueLabels } from '../src/split/unique-labels.ts';

interface FixtureSplit {
  train: number[];
  test: number[];
  train_class_counts?: number[];
  test_class_counts?: number[];
}

interface StratifiedCase {
  name: string;
  labels: (string | number)[];
  n_samples: number;
  n_splits: number;
  train_size: number;
  test_size: null;
  random_state: number;
  classes_sorted: (string | number)[];
  class_counts: number[];
  n_train?: number;
  n_test?: number;
  error: { type: string; message: string } | null;
  splits: FixtureSplit[] | null;
}

interface ShuffleCase {
  name: string;
  n_samples: number;
  n_splits: number;
  train_size: number;
  test_size: null;
  random_state: number;
  n_train: number;
  n_test: number;
  splits: FixtureSplit[];
}

const stratified = loadFixture<{ cases: StratifiedCase[] }>('reference/metrics/splits_stratified.json').cases;
const shuffled = loadFixture<{ cases: ShuffleCase[] }>('reference/metrics/splits_shuffle.json').cases;

function expectSplitsEqual(actual: Split[], expected: FixtureSplit[]): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((split, s) => {
    expect(split.train).toBeInstanceOf(Int32Array);
    expect(split.test).toBeInstanceOf(Int32Array);
    expect(Array.from(split.train), `split ${s} train`).toEqual(expected[s].train);
    expect(Array.from(split.test), `split ${s} test`).toEqual(expected[s].test);
  });
}

function countPerClass(positions: Int32Array, classOf: Int32Array, nClasses: number): number[] {
  const counts = new Array<number>(nClasses).fill(0);
  for (const p of positions) counts[classOf[p]]++;
  return counts;
}

describe('stratifiedShuffleSplit (sklearn 1.2.1 StratifiedShuffleSplit)', () => {
  it.each(stratified.filter((c) => c.error === null))('$name: every split, element by element', (c) => {
    const { classes, inverse, counts } = uniqueLabels(c.labels);
    expect(classes).toEqual(c.classes_sorted);
    expect(Array.from(counts)).toEqual(c.class_counts);
    expect(validateShuffleSplit(c.n_samples, undefined, c.train_size)).toEqual({ nTrain: c.n_train, nTest: c.n_test });

    const splits = stratifiedShuffleSplit(c.labels, {
      nSplits: c.n_splits,
      trainSize: c.train_size,
      randomState: c.random_state,
    });
    expectSplitsEqual(splits, c.splits as FixtureSplit[]);
    splits.forEach((split, s) => {
      const expected = (c.splits as FixtureSplit[])[s];
      expect(countPerClass(split.train, inverse, classes.length), `split ${s} train counts`).toEqual(expected.train_class_counts);
      expect(countPerClass(split.test, inverse, classes.length), `split ${s} test counts`).toEqual(expected.test_class_counts);
    });
  });

  it.each(stratified.filter((c) => c.error !== null))('$name: raises as sklearn does', (c) => {
    expect(c.error?.type).toBe('ValueError');
    const run = () => stratifiedShuffleSplit(c.labels, { trainSize: c.train_size, randomState: c.random_state });
    expect(run).toThrow(RangeError);
    expect(run).toThrow(c.error?.message as string);
  });

  it('rejects a single-member class and a training set smaller than the number of classes', () => {
    expect(() => stratifiedShuffleSplit(['a', 'a', 'b', 'c', 'c'], { testSize: 0.4, randomState: 0 })).toThrow(
      'The least populated class in y has only 1 member',
    );
    const labels = ['a', 'a', 'b', 'b', 'c', 'c', 'd', 'd', 'e', 'e'];
    expect(() => stratifiedShuffleSplit(labels, { trainSize: 3, randomState: 0 })).toThrow(
      'The train_size = 3 should be greater or equal to the number of classes = 5',
    );
  });

  it('continues the stream of a RandomState instance, as sklearn does with random_state=RandomState(...)', () => {
    const c = stratified.find((k) => k.name === 'two_classes_int/seed1') as StratifiedCase;
    const rng = new RandomState(1);
    const firstFive = stratifiedShuffleSplit(c.labels, { nSplits: 5, trainSize: 0.9, randomState: rng });
    const nextFive = stratifiedShuffleSplit(c.labels, { nSplits: 5, trainSize: 0.9, randomState: rng });
    expectSplitsEqual([...firstFive, ...nextFive], c.splits as FixtureSplit[]);
  });
});

describe('approximateMode (sklearn _approximate_mode)', () => {
  it('uses count / total * nDraws in float64: 13.5 outranks 31.499999999999996 without a random tie-break', () => {
    for (const seed of [0, 1, 42]) {
      const rng = new RandomState(seed);
      expect(Array.from(approximateMode([15, 35], 45, rng))).toEqual([14, 31]);
      // The single class at the top remainder is "chosen" by permutation(1), which draws nothing.
      expect(rng.getState().pos).toBe(624);
    }
  });

  it('breaks exact ties at random but always allocates nDraws, each class within its size', () => {
    const counts = [25, 25, 25, 25, 25, 25, 25, 25];
    const seen = new Set<string>();
    const rng = new RandomState(3);
    for (let k = 0; k < 20; k++) {
      const allocation = Array.from(approximateMode(counts, 180, rng));
      expect(allocation.reduce((a, b) => a + b, 0)).toBe(180);
      expect(allocation.every((n) => n === 22 || n === 23)).toBe(true);
      seen.add(allocation.join(','));
    }
    expect(seen.size).toBeGreaterThan(1);
  });
});

describe('shuffleSplit (sklearn 1.2.1 ShuffleSplit)', () => {
  it.each(shuffled)('$name: every split, element by element', (c) => {
    expect(validateShuffleSplit(c.n_samples, undefined, c.train_size)).toEqual({ nTrain: c.n_train, nTest: c.n_test });
    const splits = shuffleSplit(c.n_samples, { nSplits: c.n_splits, trainSize: c.train_size, randomState: c.random_state });
    expectSplitsEqual(splits, c.splits);
  });
});

describe('validateShuffleSplit (sklearn _validate_shuffle_split)', () => {
  it('rounds a fractional test size up and a fractional train size down; integers are counts', () => {
    expect(validateShuffleSplit(30, undefined, undefined)).toEqual({ nTrain: 27, nTest: 3 });
    expect(validateShuffleSplit(11, 0.25, undefined)).toEqual({ nTrain: 8, nTest: 3 });
    expect(validateShuffleSplit(11, 0.25, 0.5)).toEqual({ nTrain: 5, nTest: 3 });
    expect(validateShuffleSplit(11, 2, 7)).toEqual({ nTrain: 7, nTest: 2 });
  });

  it('raises sklearn errors for out-of-range or inconsistent sizes', () => {
    expect(() => validateShuffleSplit(10, 1.5, undefined)).toThrow('test_size=1.5 should be either positive');
    expect(() => validateShuffleSplit(10, undefined, 10)).toThrow('train_size=10 should be either positive');
    expect(() => validateShuffleSplit(10, 0.6, 0.5)).toThrow('The sum of test_size and train_size = 1.1');
    expect(() => validateShuffleSplit(10, 5, 6)).toThrow('The sum of train_size and test_size = 11');
    expect(() => validateShuffleSplit(10, undefined, 0.05)).toThrow('the resulting train set will be empty');
    expect(() => validateShuffleSplit(10, Number.NaN, undefined)).toThrow(TypeError);
    expect(() => shuffleSplit(10, { nSplits: 0, randomState: 0 })).toThrow(RangeError);
  });
});

describe('uniqueLabels (np.unique with return_inverse and return_counts)', () => {
  it('sorts strings by code point, numbers numerically, and rejects mixed labels', () => {
    expect(uniqueLabels(['obj2', 'Obj5', 'obj10', 'obj_9', 'obj1']).classes).toEqual(['Obj5', 'obj1', 'obj10', 'obj2', 'obj_9']);
    expect(uniqueLabels([10, 9, 100, 9])).toEqual({
      classes: [9, 10, 100],
      inverse: Int32Array.from([1, 0, 2, 0]),
      counts: Int32Array.from([2, 1, 1]),
    });
    // U+FF21 (fullwidth A) is below U+1F600 (an astral emoji) in code-point order, not in UTF-16 order.
    expect(['\u{1F600}', '\uFF21'].sort(compareCodePoints)).toEqual(['\uFF21', '\u{1F600}']);
    expect(() => uniqueLabels(['a', 1])).toThrow(TypeError);
    expect(() => uniqueLabels([1, Number.NaN])).toThrow(RangeError);
  });
});
