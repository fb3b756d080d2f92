import { describe, expect, it } from 'vitest';
import { inMemorySource, readColumns, readRows, type FeatureSource } from '@vvs/linalg';
import { sharedPath } from '@vvs/test-utils';
import {
  InputError,
  alignFeatures,
  averageRepetitions,
  checkFiniteFeatures,
  collapseTimeBins,
  parseTimeBin,
  perStimulus,
  stimulusKey,
  type Assembly,
} from '../src/index.ts';

/** Brain-Score's tiny test assembly (assy_test_TestMe.nc), as its README tabulates it. */
const testMe: Assembly = {
  dims: ['presentation', 'neuroid'],
  shape: [6, 3],
  data: Float64Array.from({ length: 18 }, (_, i) => i + 1),
  coords: {
    stimulus_id: { dim: 'presentation', values: ['n0', 'n1', 'n1', 'n0', 'n4', 'n9'] },
    repetition: { dim: 'presentation', values: [1, 1, 2, 1, 1, 1] },
    neuroid_id: { dim: 'neuroid', values: ['alpha', 'beta', 'gamma'] },
    foo: { dim: 'neuroid', values: [1, 2, 5] },
  },
  attrs: { source_file: sharedPath('reference/brainscore-files/assy_test_TestMe.nc') },
};

describe('averageRepetitions', () => {
  it("averages each stimulus's presentations, stimuli sorted by id (the README's worked example)", () => {
    const { stimulusIds, data, stimulusIndex } = averageRepetitions(testMe);
    expect(stimulusIds).toEqual(['n0', 'n1', 'n4', 'n9']);
    expect(Array.from(data.data)).toEqual([5.5, 6.5, 7.5, 5.5, 6.5, 7.5, 13, 14, 15, 16, 17, 18]);
    expect(Array.from(stimulusIndex)).toEqual([0, 1, 1, 0, 2, 3]);
  });

  it('uses image_id when an old file has no stimulus_id', () => {
    const { stimulus_id, ...rest } = testMe.coords;
    const old: Assembly = { ...testMe, coords: { ...rest, image_id: stimulus_id } };
    expect(stimulusKey(old)).toBe('image_id');
    expect(averageRepetitions(old).stimulusIds).toEqual(['n0', 'n1', 'n4', 'n9']);
  });
});

describe('perStimulus', () => {
  it('refuses a label that differs between presentations of one stimulus', () => {
    const labelled: Assembly = { ...testMe, coords: { ...testMe.coords, object_name: { dim: 'presentation', values: ['a', 'b', 'c', 'a', 'd', 'e'] } } };
    expect(() => perStimulus(labelled, 'object_name', averageRepetitions(labelled))).toThrow(
      /coordinate 'object_name' differs between presentations of stimulus 'n1' \(b vs c\)/,
    );
  });
});

describe('alignFeatures', () => {
  const features = (keys: string[], key = 'stimulus_id'): Assembly => ({
    dims: ['presentation', 'neuroid'],
    shape: [keys.length, 2],
    data: Float32Array.from(keys.flatMap((_, i) => [i, 10 * i])),
    coords: { [key]: { dim: 'presentation', values: keys } },
    attrs: { source_file: 'features.nc' },
  });

  const all = (x: FeatureSource) => Array.from(readRows(x, Array.from({ length: x.rows }, (_, i) => i)).data);

  it('reorders rows to the recording order and drops extra stimuli, without copying', () => {
    const x = alignFeatures(features(['c', 'extra', 'a', 'b']), ['a', 'b', 'c']);
    expect(x.rows).toBe(3);
    expect(all(x)).toEqual([2, 20, 3, 30, 0, 0]);
    const block = new Float64Array(3);
    readColumns(x, 1, 1, block);
    expect(Array.from(block)).toEqual([20, 30, 0]);
  });

  it('matches stimulus_path keys by file name, as old model-tools activations need', () => {
    const x = alignFeatures(features(['/images/b.png', '/images/a.png'], 'stimulus_path'), ['a', 'b']);
    expect(all(x)).toEqual([1, 10, 0, 0]);
  });

  it('aligns lazy features by their stimulus ids', () => {
    const lazy = { stimulusIds: ['b', 'a'], source: inMemorySource({ rows: 2, cols: 1, data: Float64Array.of(7, 9) }), origin: 'layer.npy' };
    expect(all(alignFeatures(lazy, ['a', 'b']))).toEqual([9, 7]);
    expect(() => alignFeatures(lazy, ['a', 'z'])).toThrow(/layer\.npy: 1 of 2 recorded stimuli have no features \('z'\)/);
  });

  it('refuses duplicated feature rows', () => {
    expect(() => alignFeatures(features(['a', 'a']), ['a'])).toThrow(/features\.nc: stimulus 'a' appears in more than one feature row/);
  });
});

describe('collapseTimeBins', () => {
  const binned: Assembly = {
    dims: ['presentation', 'neuroid', 'time_bin'],
    shape: [1, 2, 3],
    data: Float64Array.of(1, 2, Number.NaN, 4, 5, 6),
    coords: { time_bin_start: { dim: 'time_bin', values: [0, 50, 100] }, time_bin_end: { dim: 'time_bin', values: [50, 100, 150] } },
  };

  it('averages bins skipping NaN, or picks one by index or by window', () => {
    expect(Array.from(collapseTimeBins(binned).data)).toEqual([1.5, 5]);
    expect(Array.from(collapseTimeBins(binned, { kind: 'index', index: 1 }).data)).toEqual([2, 5]);
    expect(Array.from(collapseTimeBins(binned, parseTimeBin('100-150')).data)).toEqual([Number.NaN, 6]);
    expect(collapseTimeBins(binned).dims).toEqual(['presentation', 'neuroid']);
    expect(Object.keys(collapseTimeBins(binned).coords)).toEqual([]);
  });

  it('parses time-bin choices and refuses others', () => {
    expect(parseTimeBin('0')).toEqual({ kind: 'index', index: 0 });
    expect(parseTimeBin('70-170')).toEqual({ kind: 'label', start: 70, end: 170 });
    expect(() => parseTimeBin('late')).toThrow(InputError);
  });
});

describe('checkFiniteFeatures', () => {
  /** 3 stimuli × 4 features, float32 or float64, every value finite unless set. */
  const features = (data: Float32Array | Float64Array): Assembly => ({
    dims: ['presentation', 'neuroid'],
    shape: [3, 4],
    data,
    coords: { stimulus_id: { dim: 'presentation', values: ['a', 'b', 'c'] } },
    attrs: { source_file: 'layer.npy' },
  });

  it.each([Float32Array, Float64Array])('%s: names the stimulus and column of the first NaN or ±Inf', (Type) => {
    for (const [index, value, stimulus, column] of [[6, Number.NaN, 'b', 2], [11, Number.POSITIVE_INFINITY, 'c', 3], [0, Number.NEGATIVE_INFINITY, 'a', 0]] as const) {
      const data = new Type(12).fill(0.5);
      data[index] = value;
      if (index < 11) data[11] = Number.NaN; // a later one is not the one named
      expect(() => checkFiniteFeatures(features(data))).toThrow(`layer.npy: features of stimulus '${stimulus}' contain ${value} (column ${column}); features must be finite`);
    }
  });

  it('accepts the extremes of float32 (largest, smallest normal and subnormal, −0)', () => {
    const data = Float32Array.of(3.4028234663852886e38, -3.4028234663852886e38, 1.1754943508222875e-38, 1.401298464324817e-45, -0, 0, 1, -1, 2, 3, 4, 5);
    expect(() => checkFiniteFeatures(features(data))).not.toThrow();
  });
});
