import { describe, expect, it } from 'vitest';
import { shuffleSplit } from '@vvs/metrics';
import { neuralFixtureAssemblies } from '@vvs/test-utils';
import { InputError, scoreFeatures, syntheticPopulation, type Assembly } from '../src/index.ts';

const assemblies = (name: string) => neuralFixtureAssemblies(name) as { recording: Assembly; features: Assembly; expected: any };

describe.each(['neural_basic', 'neural_reps28'])('scoreFeatures on %s', (name) => {
  const { recording, features, expected } = assemblies(name);

  it('exact mode: raw, ceiling and every normalisation within 1e-9 of Brain-Score (sklearn)', async () => {
    for (const normalization of ['r_over_c', 'squared_ratio', 'r2_over_c'] as const) {
      const score = await scoreFeatures(features, recording, { exact: true, normalization });
      expect(Math.abs(score.raw - expected.raw)).toBeLessThan(1e-9);
      expect(Math.abs(score.ceiling - expected.ceiling)).toBeLessThan(1e-9);
      expect(Math.abs(score.error - expected.error)).toBeLessThan(1e-9);
      expect(Math.abs(score.ceilingError! - expected.ceiling_error)).toBeLessThan(1e-9);
      expect(Math.abs(score.unclipped - expected.scores[normalization].unclipped)).toBeLessThan(1e-9);
      expect(Math.abs(score.value - expected.scores[normalization].clipped)).toBeLessThan(1e-9);
      score.splits.forEach((s, k) => expect(s.testStimulusIds).toEqual(expected.splits[k].test_stimulus_ids));
    }
  });

  it('default fast mode: within 1e-3 of Brain-Score', async () => {
    const score = await scoreFeatures(features, recording);
    expect(score.normalization).toBe('squared_ratio');
    expect(Math.abs(score.raw - expected.raw)).toBeLessThan(1e-3);
    expect(Math.abs(score.ceiling - expected.ceiling)).toBeLessThan(1e-9);
    expect(Math.abs(score.value - expected.scores.squared_ratio.clipped)).toBeLessThan(1e-3);
  });
});

describe('scoreFeatures input handling', () => {
  const { recording, features } = assemblies('neural_basic');

  it('scores the same whatever order the features list stimuli in', async () => {
    const reversed: Assembly = {
      ...features,
      data: reverseRows(features.data as Float64Array, features.shape[1]),
      coords: { stimulus_id: { dim: 'presentation', values: [...features.coords.stimulus_id.values].reverse() as string[] } },
    };
    const a = await scoreFeatures(features, recording, { exact: true });
    const b = await scoreFeatures(reversed, recording, { exact: true });
    expect(b.raw).toBe(a.raw);
  });

  it('names missing stimuli', async () => {
    const ids = features.coords.stimulus_id.values as string[];
    const short: Assembly = {
      ...features,
      shape: [ids.length - 3, features.shape[1]],
      data: features.data.subarray(0, (ids.length - 3) * features.shape[1]),
      coords: { stimulus_id: { dim: 'presentation', values: ids.slice(0, -3) } },
    };
    const error = await scoreFeatures(short, recording).catch((e) => e);
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toMatch(/neural_basic-features\.npy: 3 of 200 recorded stimuli have no features/);
    for (const id of ids.slice(-3)) expect(error.message).toContain(`'${id}'`);
  });

  it('refuses NaN and infinite features, naming the stimulus', async () => {
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY]) {
      const data = Float64Array.from(features.data);
      data[5 * features.shape[1] + 7] = bad;
      const error = await scoreFeatures({ ...features, data }, recording).catch((e) => e);
      expect(error).toBeInstanceOf(InputError);
      const id = (features.coords.stimulus_id.values as string[])[5];
      expect(error.message).toContain(`features of stimulus '${id}' contain ${bad} (column 7)`);
    }
  });

  it('refuses a missing stratification coordinate, listing what exists', async () => {
    const error = await scoreFeatures(features, recording, { stratifyBy: 'texture_type' }).catch((e) => e);
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toBe(
      "neural_basic.nc: no coordinate 'texture_type' to stratify the splits by (presentation coordinates: stimulus_id, object_name, repetition); " +
        "choose one with --stratify-by, or 'none' for unstratified splits",
    );
  });

  it("stratifyBy null draws sklearn's unstratified ShuffleSplit(10, train_size=0.9, random_state=1)", async () => {
    const score = await scoreFeatures(features, recording, { stratifyBy: null, nComponents: 5 });
    const ids = [...new Set(recording.coords.stimulus_id.values as string[])].sort();
    const expected = shuffleSplit(ids.length, { nSplits: 10, trainSize: 0.9, randomState: 1 });
    score.splits.forEach((s, k) => expect(s.testStimulusIds).toEqual(Array.from(expected[k].test, (i) => ids[i])));
  });

  it('refuses fewer training stimuli than PLS components', async () => {
    const error = await scoreFeatures(features, recording, { nComponents: 190 }).catch((e) => e);
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toMatch(/200 stimuli give 180 training stimuli per split, fewer than the 190 PLS components/);
  });

  it('warns about a zero-variance neuroid and skips its NaN correlations, as Brain-Score', async () => {
    const q = recording.shape[1];
    const data = Float64Array.from(recording.data);
    for (let row = 0; row < recording.shape[0]; row++) data[row * q + 3] = 4.2;
    const warnings: string[] = [];
    const score = await scoreFeatures(features, { ...recording, data }, { exact: true, onWarning: (m) => warnings.push(m) });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/1 neuroid\(s\) have zero variance across stimuli \(.+\)/);
    expect(Number.isFinite(score.raw)).toBe(true);
  });
});

describe('time bins', () => {
  it('squeezes a single bin, averages several, or picks one by index or window', async () => {
    const { features, recording } = await syntheticPopulation({ objects: 4, imagesPerObject: 10, repetitions: 4, neuroids: 6, featureColumns: 40 });
    const base = await scoreFeatures(features, recording, { nComponents: 5 });
    // Two bins: the original and its double. Averaging gives 1.5× the data: same correlations, same score.
    const [rows, q] = recording.shape;
    const twoBins = new Float64Array(rows * q * 2);
    for (let i = 0; i < rows * q; i++) {
      twoBins[2 * i] = recording.data[i];
      twoBins[2 * i + 1] = 2 * recording.data[i];
    }
    const binned: Assembly = {
      ...recording,
      shape: [rows, q, 2],
      data: twoBins,
      coords: { ...recording.coords, time_bin_start: { dim: 'time_bin', values: [70, 170] }, time_bin_end: { dim: 'time_bin', values: [170, 270] } },
    };
    const averaged = await scoreFeatures(features, binned, { nComponents: 5 });
    expect(averaged.raw).toBeCloseTo(base.raw, 8);
    const first = await scoreFeatures(features, binned, { nComponents: 5, timeBin: { kind: 'index', index: 0 } });
    expect(first.raw).toBe(base.raw);
    const second = await scoreFeatures(features, binned, { nComponents: 5, timeBin: { kind: 'label', start: 170, end: 270 } });
    expect(second.raw).toBeCloseTo(base.raw, 8);
    await expect(scoreFeatures(features, binned, { timeBin: { kind: 'label', start: 0, end: 10 } })).rejects.toThrow(/no time bin 0-10 \(bins: 70-170, 170-270\)/);
  });
});

function reverseRows(data: Float64Array, cols: number): Float64Array {
  const rows = data.length / cols;
  const out = new Float64Array(data.length);
  for (let i = 0; i < rows; i++) out.set(data.subarray(i * cols, (i + 1) * cols), (rows - 1 - i) * cols);
  return out;
}
