import { describe, expect, it } from 'vitest';
import { i2nFixtureCase, i2nHumanInputs } from '@vvs/test-utils';
import type { Assembly } from '../src/contracts/assembly.ts';
import type { BenchmarkProgress } from '../src/contracts/benchmark.ts';
import type { BrainModel } from '../src/contracts/brain-model.ts';
import type { StimulusSet } from '../src/contracts/stimulus-set.ts';
import { collapseTimeBins, selectAlong } from '../src/assembly-ops.ts';
import { I2nBenchmark } from '../src/benchmark-helpers/i2n-benchmark.ts';
import { NeuralBenchmark, type NeuralBenchmarkSpec } from '../src/benchmark-helpers/neural-benchmark.ts';
import { createContainer } from '../src/registry/container.ts';
import { PluginRegistry } from '../src/registry/plugin-registry.ts';
import { scoreFeatures } from '../src/scoring/score-features.ts';
import { defaultCandidateLayers } from '../src/selection/benchmark-layer-selection.ts';
import { syntheticPopulation } from '../src/synthetic/population.ts';

const LAYERS = { V1: 'l1', V2: 'l2', V4: 'l3', IT: 'l4' } as const;

function inMemoryStimuli(ids: readonly string[], visualDegrees?: number): StimulusSet {
  return {
    identifier: 'test.stimuli',
    rows: ids.map((stimulus_id) => ({ stimulus_id })),
    ...(visualDegrees === undefined ? {} : { visualDegrees }),
    getImage: async () => new Uint8Array(),
  };
}

/** A model whose every region "records" the given features, and which notes the stimuli it saw. */
function featureModel(features: Assembly, seen: StimulusSet[] = []): BrainModel {
  return {
    id: 'feature-model',
    visualDegrees: 8,
    regionLayer: LAYERS,
    behavioralReadoutLayer: 'l5',
    record: async (_region, stimuli) => {
      seen.push(stimuli);
      return features;
    },
    probabilities: async () => {
      throw new Error('not used');
    },
  };
}

describe('NeuralBenchmark', () => {
  it('scores exactly like scoreFeatures, loads data and computes the ceiling once, and reports its stages', async () => {
    const { features, recording } = await syntheticPopulation({ objects: 4, imagesPerObject: 15, repetitions: 6, neuroids: 12, featureColumns: 40, seed: 3 });
    const stimulusIds = [...new Set(recording.coords.stimulus_id.values.map(String))];
    let loads = 0;
    const spec: NeuralBenchmarkSpec = {
      id: 'Test2024.IT-pls',
      version: 1,
      region: 'IT',
      visualDegrees: 8,
      numberOfTrials: 6,
      stratifyBy: 'object_name',
      load: async () => {
        loads++;
        return { stimuli: inMemoryStimuli(stimulusIds, 4), recording };
      },
    };
    const benchmark = new NeuralBenchmark(spec);
    const seen: StimulusSet[] = [];
    const events: BenchmarkProgress[] = [];
    const score = await benchmark.score(featureModel(features, seen), { onProgress: (e) => events.push(e) });
    const direct = await scoreFeatures(features, recording, { stratifyBy: 'object_name' });

    expect(score.value).toBe(direct.value);
    expect(score.raw).toBe(direct.raw);
    expect(score.ceiling).toBe(direct.ceiling);
    expect(score.error).toBe(direct.error);
    expect(score.attrs).toMatchObject({ benchmark: 'Test2024.IT-pls', layer: 'l4', region: 'IT', metric: 'pls', model: 'feature-model' });
    expect(score.attrs?.splitValues).toEqual(direct.splits.map((s) => s.median));
    // The benchmark, not the file, decides the field of view the model sees.
    expect(seen[0].visualDegrees).toBe(8);
    expect(events.slice(0, 3).map((e) => e.stage)).toEqual(['data', 'activations', 'ceiling']);
    const metricEvents = events.slice(3);
    expect(metricEvents.every((e) => e.stage === 'metric' && e.benchmark === 'Test2024.IT-pls')).toBe(true);
    expect(metricEvents.at(-1)).toMatchObject({ done: metricEvents.at(-1)!.total });

    const ceiling = await benchmark.ceiling();
    expect(ceiling.value).toBe(direct.ceiling);
    expect(ceiling.ceiling).toBe(1);
    await benchmark.score(featureModel(features));
    expect(loads).toBe(1);
  });

  it('retries a failed data load instead of remembering the failure, and stops on an aborted signal', async () => {
    const { features, recording } = await syntheticPopulation({ objects: 4, imagesPerObject: 10, repetitions: 4, neuroids: 6, featureColumns: 30, seed: 1 });
    let attempts = 0;
    const benchmark = new NeuralBenchmark({
      id: 'Flaky.V4-pls',
      version: 1,
      region: 'V4',
      visualDegrees: 8,
      numberOfTrials: 4,
      stratifyBy: 'object_name',
      load: async () => {
        if (++attempts === 1) throw new Error('connection reset');
        return { stimuli: inMemoryStimuli([]), recording };
      },
    });
    await expect(benchmark.ceiling()).rejects.toThrow('connection reset');
    expect((await benchmark.ceiling()).value).toBeGreaterThan(0);
    const controller = new AbortController();
    controller.abort(new Error('stopped by the user'));
    await expect(benchmark.score(featureModel(features), { signal: controller.signal })).rejects.toThrow('stopped by the user');
  });

  it('refuses to fetch published data when nobody configured how', async () => {
    const benchmark = new NeuralBenchmark({
      id: 'Published.IT-pls',
      version: 1,
      region: 'IT',
      visualDegrees: 8,
      numberOfTrials: 50,
      stratifyBy: 'object_name',
      dataSets: ['Published.public'],
      load: async (fetchData) => {
        await fetchData('Published.public');
        throw new Error('unreachable');
      },
    });
    await expect(benchmark.ceiling()).rejects.toThrow(
      "benchmark 'Published.IT-pls' reads data set 'Published.public', but it was given no way to fetch data",
    );
    const fetched: string[] = [];
    const withFetcher = new NeuralBenchmark({ ...benchmarkSpecOf(benchmark), load: async (fetchData) => { fetched.push(...(await fetchData('Published.public'))); throw new Error('read failed'); } });
    await expect(withFetcher.ceiling({ fetchData: async (id) => [`/cache/${id}/a.nc`] })).rejects.toThrow('read failed');
    expect(fetched).toEqual(['/cache/Published.public/a.nc']);
  });
});

function benchmarkSpecOf(b: NeuralBenchmark): Omit<NeuralBenchmarkSpec, 'load'> {
  return { id: b.id, version: b.version, region: b.target, visualDegrees: b.visualDegrees, numberOfTrials: b.numberOfTrials, stratifyBy: 'object_name' };
}

describe('I2nBenchmark', () => {
  it("reproduces Brain-Score's I2n score, raw r and ceiling on the reference case", async () => {
    const c = i2nFixtureCase('i2n_dense');
    const { inputs } = c;
    const human = i2nHumanInputs(inputs);
    const probabilities: Assembly = {
      dims: ['presentation', 'choice'],
      shape: [inputs.model.stimulus_ids.length, inputs.model.choices.length],
      data: Float64Array.from(inputs.model.probabilities.flat()),
      coords: {
        stimulus_id: { dim: 'presentation', values: inputs.model.stimulus_ids },
        choice: { dim: 'choice', values: inputs.model.choices },
      },
    };
    const model: BrainModel = {
      ...featureModel(probabilities),
      probabilities: async (fitting, test) => {
        expect(fitting.visualDegrees).toBe(8);
        expect(test.rows).toHaveLength(inputs.stimulus_ids.length);
        return probabilities;
      },
    };
    const benchmark = new I2nBenchmark({
      id: 'Test2018-i2n',
      version: 1,
      visualDegrees: 8,
      numberOfTrials: 2,
      load: async () => ({ fitting: inMemoryStimuli(['f0']), test: inMemoryStimuli(inputs.stimulus_ids), human }),
    });
    const score = await benchmark.score(model);
    expect(score.unclipped).toBeCloseTo(c.expected.score, 9);
    expect(score.raw).toBeCloseTo(c.expected.raw_mean_r, 9);
    expect(score.ceiling).toBeCloseTo(c.expected.ceiling_mean, 9);
    expect(score.error).toBeCloseTo(c.expected.score_error, 9);
    expect((await benchmark.ceiling()).value).toBeCloseTo(c.expected.ceiling_mean, 9);
    expect(benchmark.target).toBe('behavior');
    expect(benchmark.metric).toBe('i2n');
  });
});

describe('selectAlong and time windows', () => {
  const a: Assembly = {
    dims: ['presentation', 'neuroid', 'time_bin'],
    shape: [2, 3, 3],
    data: Float64Array.from({ length: 18 }, (_, i) => i),
    coords: {
      stimulus_id: { dim: 'presentation', values: ['s0', 's1'] },
      region: { dim: 'neuroid', values: ['V1', 'V2', 'V1'] },
      neuroid_id: { dim: 'neuroid', values: ['a', 'b', 'c'] },
      time_bin_start: { dim: 'time_bin', values: [0, 50, 100] },
      time_bin_end: { dim: 'time_bin', values: [50, 100, 150] },
    },
  };

  it('keeps the neuroids of one region with their coordinates, in order', () => {
    const v1 = selectAlong(a, 'region', ['V1']);
    expect(v1.shape).toEqual([2, 2, 3]);
    expect(Array.from(v1.data)).toEqual([0, 1, 2, 6, 7, 8, 9, 10, 11, 15, 16, 17]);
    expect(v1.coords.neuroid_id.values).toEqual(['a', 'c']);
    expect(v1.coords.stimulus_id).toBe(a.coords.stimulus_id);
    expect(() => selectAlong(a, 'region', ['IT'])).toThrow("no neuroid has region IT (values: V1, V2)");
  });

  it('averages the bins inside a window and refuses a window with none', () => {
    const windowed = collapseTimeBins(a, { kind: 'window', start: 50, end: 150 });
    expect(windowed.dims).toEqual(['presentation', 'neuroid']);
    expect(Array.from(windowed.data).slice(0, 3)).toEqual([1.5, 4.5, 7.5]);
    expect(Array.from(collapseTimeBins(a, { kind: 'window', start: 0, end: 60 }).data).slice(0, 2)).toEqual([0, 3]);
    expect(() => collapseTimeBins(a, { kind: 'window', start: 200, end: 300 })).toThrow('no time bin lies within 200-300 ms');
  });
});

describe('selection benchmarks', () => {
  it('maps each region to one benchmark, refuses unknown regions and a second mapping, and resolves lazily', () => {
    const registry = createContainer().resolve(PluginRegistry);
    registry.install({ name: 'neural', register: (r) => r.registerSelectionBenchmark('IT', 'MajajHong2015public.IT-pls') });
    expect(registry.selectionBenchmarks()).toEqual({ IT: 'MajajHong2015public.IT-pls' });
    expect(() => registry.selectionBenchmark('IT')).toThrow('no benchmark is registered with id "MajajHong2015public.IT-pls"');
    expect(() => registry.install({ name: 'other', register: (r) => r.registerSelectionBenchmark('IT', 'Other.IT-pls') })).toThrow(
      'selection benchmark for "IT" (plugin "other"): IT already selects with "MajajHong2015public.IT-pls" (set by plugin "neural")',
    );
    expect(() => registry.install({ name: 'typo', register: (r) => r.registerSelectionBenchmark('V3' as 'V4', 'X.V3-pls') })).toThrow(
      'selection benchmark for "V3" (plugin "typo"): region must be one of V1, V2, V4, IT (got "V3")',
    );
    expect(() => registry.selectionBenchmark('V1')).toThrow('no selection benchmark is registered with id "V1"');
  });
});

describe('plugin registration of benchmarks (the issue-4 rules)', () => {
  const spec = (overrides: Partial<NeuralBenchmarkSpec> = {}): NeuralBenchmarkSpec => ({
    id: 'MyLab2026.IT-pls',
    version: 1,
    region: 'IT',
    visualDegrees: 8,
    numberOfTrials: 10,
    stratifyBy: 'object_name',
    load: async () => {
      throw new Error('not loaded at registration');
    },
    ...overrides,
  });

  it('refuses an id registered twice, naming both plugins', () => {
    const registry = createContainer().resolve(PluginRegistry);
    registry.install({ name: 'my-lab', register: (r) => r.registerBenchmark(new NeuralBenchmark(spec())) });
    expect(() => registry.install({ name: 'other-lab', register: (r) => r.registerBenchmark(new NeuralBenchmark(spec())) })).toThrow(
      'benchmark "MyLab2026.IT-pls" is already registered by plugin "my-lab"; plugin "other-lab" tried to register it again',
    );
  });

  it('refuses a benchmark without a metric or a ceiling, naming the plugin and the field', () => {
    const registry = createContainer().resolve(PluginRegistry);
    const { metric: _metric, ...noMetric } = new NeuralBenchmark(spec());
    const withoutMetric = Object.assign(Object.create(NeuralBenchmark.prototype), noMetric);
    expect(() => registry.install({ name: 'my-lab', register: (r) => r.registerBenchmark(withoutMetric) })).toThrow(
      'benchmark "MyLab2026.IT-pls" (plugin "my-lab"): metric is missing: name the metric the benchmark uses',
    );
    const withoutCeiling = { id: 'MyLab2026.V4-pls', target: 'V4', version: 1, metric: 'pls', score: async () => ({}) };
    expect(() => registry.install({ name: 'my-lab', register: (r) => r.registerBenchmark(withoutCeiling as never) })).toThrow(
      'benchmark "MyLab2026.V4-pls" (plugin "my-lab"): missing method ceiling()',
    );
  });

  it('refuses an unknown region, naming the plugin and the field', () => {
    const registry = createContainer().resolve(PluginRegistry);
    expect(() => registry.install({ name: 'my-lab', register: (r) => r.registerBenchmark(new NeuralBenchmark(spec({ region: 'V3' as 'V4' }))) })).toThrow(
      'benchmark "MyLab2026.IT-pls" (plugin "my-lab"): target must be one of V1, V2, V4, IT, behavior (got "V3")',
    );
    expect(registry.list('benchmark')).toEqual([]);
  });
});

describe('defaultCandidateLayers', () => {
  it("keeps a network's top-level modules, or every layer of a model with fewer than two", () => {
    const cnn = ['stage1', 'stage1.conv', 'stage1.relu', 'stage2', 'stage2.conv', 'avgpool'];
    expect(defaultCandidateLayers(cnn)).toEqual(['stage1', 'stage2', 'avgpool']);
    expect(defaultCandidateLayers(['features', 'features.0', 'features.1'])).toEqual(['features', 'features.0', 'features.1']);
    expect(defaultCandidateLayers(['pixels'])).toEqual(['pixels']);
  });
});
