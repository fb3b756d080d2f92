import { describe, expect, it } from 'vitest';
import {
  BRAINSCORE_READOUT_C,
  BRAINSCORE_READOUT_TOL,
  crossValidatedPredictivity,
  LogisticRegression,
  RandomState,
  StandardScaler,
  type PredictivityOptions,
  type PredictivityResult,
} from '@vvs/metrics';
import { matrix, takeRows, type Matrix } from '@vvs/linalg';
import {
  alignFeatures,
  averageRepetitions,
  ceilingTask,
  COMPUTE_TASKS,
  IN_THREAD_COMPUTE,
  InputError,
  neuralCeiling,
  runComputeTask,
  scoreFeatures,
  sharedFeatureRows,
  syntheticPopulation,
  type Assembly,
  type ComputeInput,
  type ComputeOutput,
  type ComputePool,
  type ComputeTaskName,
} from '@vvs/core';

/** A rows × cols matrix of uniform values in [-1, 1). */
function uniform(rng: RandomState, rows: number, cols: number): Matrix {
  return matrix(rows, cols, Array.from({ length: rows * cols }, () => 2 * rng.randomSample() - 1));
}

/** ~60 stimuli × 30 features, 10 neuroids that depend linearly on the features plus noise, 4 classes. */
function predictivityProblem(seed: number) {
  const rng = new RandomState(seed);
  const n = 60;
  const p = 30;
  const q = 10;
  const x = uniform(rng, n, p);
  const weights = uniform(rng, p, q);
  const targets = matrix(n, q);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < q; j++) {
      let s = 0;
      for (let k = 0; k < p; k++) s += x.data[i * p + k] * weights.data[k * q + j];
      targets.data[i * q + j] = s + 3 * (2 * rng.randomSample() - 1);
    }
  }
  const labels = Array.from({ length: n }, (_, i) => ['bear', 'car', 'dog', 'elk'][i % 4]!);
  // The features as stored: target row i lives at feature row rowOrder[i].
  const rowOrder = Int32Array.from(rng.permutation(n));
  const stored = matrix(n, p);
  rowOrder.forEach((r, i) => stored.data.set(x.data.subarray(i * p, (i + 1) * p), r * p));
  return { x, stored, rowOrder, targets, labels };
}

function expectSamePredictivity(got: PredictivityResult, want: PredictivityResult): void {
  expect(got.raw).toBe(want.raw);
  expect(got.error).toBe(want.error);
  expect(got.splits).toHaveLength(want.splits.length);
  got.splits.forEach((s, k) => {
    expect(s.median).toBe(want.splits[k]!.median);
    expect(Array.from(s.test)).toEqual(Array.from(want.splits[k]!.test));
  });
}

describe("the 'predictivity' task", () => {
  const problem = predictivityProblem(7);
  const cases: [string, Omit<PredictivityOptions, 'onProgress'>][] = [
    ['pls (kernel)', { regression: 'pls', nComponents: 5 }],
    ['pls (exact)', { regression: 'pls', nComponents: 5, exact: true }],
    ['ridge', { regression: 'ridge' }],
  ];

  it.each(cases)('%s, features read through rowOrder: bit-identical to the rows permuted beforehand', async (_, options) => {
    const { x, stored, rowOrder, targets, labels } = problem;
    expect(Array.from(takeRows(stored, rowOrder).data)).toEqual(Array.from(x.data));
    const want = await crossValidatedPredictivity(x, targets, labels, options);
    const got = await runComputeTask('predictivity', { features: stored, rowOrder, targets, labels, options });
    expectSamePredictivity(got, want);
    expect(Number.isFinite(want.raw)).toBe(true);
    expect(want.raw).toBeGreaterThan(0.2);
  });

  it('without rowOrder, and with unstratified splits, equals crossValidatedPredictivity', async () => {
    const { x, targets } = problem;
    const options = { regression: 'pls', nComponents: 5 } as const;
    const want = await crossValidatedPredictivity(x, targets, null, options);
    expectSamePredictivity(await IN_THREAD_COMPUTE.run('predictivity', { features: x, targets, labels: null, options }), want);
  });
});

/** 12 stimuli × 4 repetitions × 5 neuroids, presentations in a shuffled order. */
function repeatedRecording(): Assembly {
  const rng = new RandomState(3);
  const stimuli = 12;
  const repetitions = 4;
  const neuroids = 5;
  const signal = uniform(rng, stimuli, neuroids);
  const order = rng.permutation(stimuli * repetitions);
  const data = new Float64Array(stimuli * repetitions * neuroids);
  const stimulusIds: string[] = [];
  const repetition: number[] = [];
  order.forEach((presentation, row) => {
    const s = presentation % stimuli;
    stimulusIds.push(`im${s}`);
    repetition.push(Math.floor(presentation / stimuli));
    for (let j = 0; j < neuroids; j++) data[row * neuroids + j] = signal.data[s * neuroids + j] + 0.5 * (2 * rng.randomSample() - 1);
  });
  return {
    dims: ['presentation', 'neuroid'],
    shape: [stimuli * repetitions, neuroids],
    data,
    coords: {
      stimulus_id: { dim: 'presentation', values: stimulusIds },
      repetition: { dim: 'presentation', values: repetition },
      neuroid_id: { dim: 'neuroid', values: Array.from({ length: neuroids }, (_, j) => `n${j}`) },
    },
    attrs: { source_file: 'repeated.nc' },
  };
}

describe("the 'ceiling' task", () => {
  it('equals neuralCeiling on the same recording', async () => {
    const recording = repeatedRecording();
    const want = neuralCeiling(recording);
    const task = ceilingTask(recording);
    expect(task.responses.data.buffer).toBeInstanceOf(SharedArrayBuffer);
    const got = await runComputeTask('ceiling', task);
    expect(got.ceiling).toBe(want.ceiling);
    expect(got.error).toBe(want.error);
    expect(got.splits.map((s) => s.median)).toEqual(want.splits.map((s) => s.median));
    expect(got.splits.map((s) => s.trainRepetitions)).toEqual(want.splits.map((s) => s.trainRepetitions));
    expect(Number.isFinite(want.ceiling)).toBe(true);
    expect(want.ceiling).toBeGreaterThan(0.5);
  });
});

describe("the 'readout' task", () => {
  it('equals StandardScaler + LogisticRegression by hand', async () => {
    const rng = new RandomState(11);
    const fitting = uniform(rng, 45, 8);
    // Each stimulus's class is its largest of the first three features.
    const labels = Array.from({ length: 45 }, (_, i) => {
      const row = Array.from(fitting.data.subarray(i * 8, i * 8 + 3));
      return ['dog', 'cat', 'ant'][row.indexOf(Math.max(...row))]!;
    });
    const test = uniform(rng, 10, 8);
    const got = await runComputeTask('readout', { fitting, labels, test, C: BRAINSCORE_READOUT_C, tol: BRAINSCORE_READOUT_TOL });

    const scaler = new StandardScaler().fit(fitting);
    const classifier = await new LogisticRegression({ C: BRAINSCORE_READOUT_C, tol: BRAINSCORE_READOUT_TOL }).fit(scaler.transform(fitting), labels);
    const probabilities = await classifier.predictProba(scaler.transform(test));

    expect(got.classes).toEqual(['ant', 'cat', 'dog']);
    expect(got.classes).toEqual(classifier.classes);
    expect(got.probabilities.rows).toBe(10);
    expect(got.probabilities.cols).toBe(3);
    expect(Array.from(got.probabilities.data)).toEqual(Array.from(probabilities.data));
    for (let i = 0; i < 10; i++) expect(got.probabilities.data[3 * i]! + got.probabilities.data[3 * i + 1]! + got.probabilities.data[3 * i + 2]!).toBeCloseTo(1, 12);
  });
});

describe('runComputeTask', () => {
  it('refuses a name that is not a task, inherited names included, with a RangeError', () => {
    for (const name of ['nope', 'toString', 'constructor', '__proto__']) {
      expect(() => runComputeTask(name as ComputeTaskName, {} as never)).toThrow(RangeError);
    }
    expect(() => runComputeTask('nope' as ComputeTaskName, {} as never)).toThrow(/expected one of predictivity, ceiling, readout, got 'nope'/);
  });

  it('knows exactly the three tasks, and IN_THREAD_COMPUTE runs them', () => {
    expect(Object.keys(COMPUTE_TASKS).sort()).toEqual(['ceiling', 'predictivity', 'readout']);
    expect(IN_THREAD_COMPUTE.run).toBe(runComputeTask);
  });
});

describe('sharedFeatureRows', () => {
  const features = (ids: string[], data: Float32Array | Float64Array): Assembly => ({
    dims: ['presentation', 'neuroid'],
    shape: [ids.length, data.length / ids.length],
    data,
    coords: { stimulus_id: { dim: 'presentation', values: ids } },
    attrs: { source_file: 'features.nc' },
  });

  it("gives the features in shared memory, in their own precision, and each stimulus's row", () => {
    const f = features(['c', 'a', 'b'], Float32Array.of(3, 30, 1, 10, 2, 20));
    const { features: x, rowOrder } = sharedFeatureRows(f, ['a', 'b', 'c']);
    expect(x.data).toBeInstanceOf(Float32Array);
    expect(x.data.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(Array.from(x.data)).toEqual([3, 30, 1, 10, 2, 20]);
    expect(Array.from(rowOrder!)).toEqual([1, 2, 0]);
    // The same rows alignFeatures reads.
    expect(Array.from(takeRows(x, rowOrder!).data)).toEqual([1, 10, 2, 20, 3, 30]);
    expect(alignFeatures(f, ['a', 'b', 'c']).rows).toBe(3);
  });

  it('leaves rowOrder out when the rows are already in order, and reuses shared float64 memory', () => {
    const data = new Float64Array(new SharedArrayBuffer(4 * Float64Array.BYTES_PER_ELEMENT));
    data.set([1, 10, 2, 20]);
    const result = sharedFeatureRows(features(['a', 'b'], data), ['a', 'b']);
    expect(result.rowOrder).toBeUndefined();
    expect(result.features.data).toBe(data);
  });

  it('names the recorded stimuli that have no features', () => {
    expect(() => sharedFeatureRows(features(['a', 'b'], Float32Array.of(1, 2)), ['a', 'z'])).toThrow(InputError);
    expect(() => sharedFeatureRows(features(['a', 'b'], Float32Array.of(1, 2)), ['a', 'z'])).toThrow(/1 of 2 recorded stimuli have no features \('z'\)/);
  });
});

describe('scoreFeatures with a compute pool', () => {
  it('gives the same value, raw and ceiling in this thread as without a pool, features in another order', async () => {
    const { features, recording } = await syntheticPopulation({ objects: 4, imagesPerObject: 12, repetitions: 4, neuroids: 8, featureColumns: 30, seed: 5 });
    const sorted = averageRepetitions(recording).stimulusIds;
    const featureIds = features.coords.stimulus_id!.values as string[];
    expect(featureIds).not.toEqual(sorted);

    const calls: { task: ComputeTaskName; input: unknown }[] = [];
    const recordingPool: ComputePool = {
      run<K extends ComputeTaskName>(task: K, input: ComputeInput<K>): Promise<ComputeOutput<K>> {
        calls.push({ task, input });
        return IN_THREAD_COMPUTE.run(task, input);
      },
    };
    for (const options of [{ nComponents: 5 }, { regression: 'ridge' as const }]) {
      calls.length = 0;
      const plain = await scoreFeatures(features, recording, options);
      const inThread = await scoreFeatures(features, recording, { ...options, compute: IN_THREAD_COMPUTE });
      const pooled = await scoreFeatures(features, recording, { ...options, compute: recordingPool });
      for (const score of [inThread, pooled]) {
        expect(score.value).toBe(plain.value);
        expect(score.raw).toBe(plain.raw);
        expect(score.ceiling).toBe(plain.ceiling);
        expect(score.error).toBe(plain.error);
        expect(score.splits).toEqual(plain.splits);
      }
      expect(calls.map((c) => c.task)).toEqual(['predictivity', 'ceiling']);
      const input = calls[0]!.input as ComputeInput<'predictivity'>;
      expect(input.features.data.buffer).toBeInstanceOf(SharedArrayBuffer);
      expect(input.rowOrder).toBeDefined();
    }
  });
});
