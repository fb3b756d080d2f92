import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DataCache,
  DataCatalog,
  PluginRegistry,
  TOKENS,
  createContainer,
  scoreFeatures,
  selectAlong,
  type Assembly,
  type BrainModel,
  type DataSetEntry,
} from '@vvs/core';
import { writeNetcdfAssembly } from '@vvs/io';
import { loadFixture, seededValues, writeStimulusSet } from '@vvs/test-utils';
import {
  FREEMANZIEMBA2013_DATA_SETS,
  GEIRHOS2021_DATASETS,
  MAJAJHONG2015_DATA_SETS,
  OBJECTOME_PRIVATE,
  OBJECTOME_PUBLIC,
  RAJALINGHAM2018_PRIVATE,
  RAJALINGHAM2018_PUBLIC,
  geirhos2021Entries,
  loadFreemanZiemba2013,
  majajHong2015Spec,
  neuralRegionPlugin,
} from '../src/index.ts';

interface CatalogFacts {
  entries: { registry: string; identifier: string; sha1?: string; url?: string; csv_sha1?: string; zip_sha1?: string; csv_url?: string; zip_url?: string }[];
}

describe("the catalog agrees with Brain-Score's data plugins", () => {
  it('has the storage location and SHA-1 of every file as brain-score/vision registers them', () => {
    const facts = loadFixture<CatalogFacts>('reference/brainscore-catalog.json').entries;
    const ours: DataSetEntry[] = [
      ...MAJAJHONG2015_DATA_SETS,
      ...FREEMANZIEMBA2013_DATA_SETS,
      RAJALINGHAM2018_PUBLIC,
      RAJALINGHAM2018_PRIVATE,
      OBJECTOME_PUBLIC,
      OBJECTOME_PRIVATE,
      ...GEIRHOS2021_DATASETS.flatMap((d) => geirhos2021Entries(d)),
    ];
    expect(ours).toHaveLength(8 + 4 + 34);
    for (const entry of ours) {
      const registry = entry.kind === 'assembly' ? 'data_registry' : 'stimulus_set_registry';
      const fact = facts.find((f) => f.registry === registry && f.identifier === entry.identifier);
      expect(fact, entry.id).toBeDefined();
      const expected = entry.kind === 'assembly' ? [[fact!.url, fact!.sha1]] : [[fact!.csv_url, fact!.csv_sha1], [fact!.zip_url, fact!.zip_sha1]];
      expect(entry.files.map((f) => [f.url, f.sha1]), entry.id).toEqual(expected);
    }
  });
});

const sha1 = (path: string) => createHash('sha1').update(readFileSync(path)).digest('hex');

/** Catalog entries with the real ids whose files are local ones (what a cache over a mirror sees). */
function localEntries(dir: string, files: Record<string, string[]>): DataCatalog {
  const catalog = new DataCatalog();
  for (const [id, names] of Object.entries(files)) {
    catalog.add({
      id,
      kind: names.length === 1 ? 'assembly' : 'stimulus_set',
      files: names.map((name) => ({ name, url: pathToFileURL(join(dir, name)).href, sha1: sha1(join(dir, name)) })),
    });
  }
  return catalog;
}

/** A model that "records" fixed features for every region. */
function featureModel(features: Assembly): BrainModel {
  return {
    id: 'fixed-features',
    visualDegrees: 8,
    regionLayer: { V1: 'a', V2: 'b', V4: 'c', IT: 'd' },
    behavioralReadoutLayer: 'e',
    record: async (_region, stimuli) => {
      const ids = features.coords.stimulus_id.values as string[];
      expect(stimuli.rows.map((r) => r.stimulus_id)).toEqual(ids);
      return features;
    },
    probabilities: async () => {
      throw new Error('not used');
    },
  };
}

describe('MajajHong2015 through a plugin, the registry, a data cache and a local mirror', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vvs-majajhong-'));
  const nStimuli = 40;
  const objects = ['bear', 'car', 'dog', 'elephant'];
  const reps = 4;
  const ids = Array.from({ length: nStimuli }, (_, i) => `im${String(i).padStart(2, '0')}`);
  let recording: Assembly;

  beforeAll(async () => {
    // presentation (stimulus × repetition) × neuroid (3 V4, 5 IT) × one time bin; no object_name in the file.
    const regions = ['V4', 'V4', 'V4', 'IT', 'IT', 'IT', 'IT', 'IT'];
    const presentations = ids.flatMap((id) => Array.from({ length: reps }, (_, r) => ({ id, r })));
    recording = {
      dims: ['presentation', 'neuroid', 'time_bin'],
      shape: [presentations.length, regions.length, 1],
      data: Float32Array.from(seededValues(presentations.length * regions.length, 11), (v, k) => v + (k % 8) * Math.floor(k / 8 / reps) * 0.01),
      coords: {
        stimulus_id: { dim: 'presentation', values: presentations.map((p) => p.id) },
        repetition: { dim: 'presentation', values: presentations.map((p) => p.r) },
        neuroid_id: { dim: 'neuroid', values: regions.map((_, j) => `n${j}`) },
        region: { dim: 'neuroid', values: regions },
        time_bin_start: { dim: 'time_bin', values: [70] },
        time_bin_end: { dim: 'time_bin', values: [170] },
      },
    };
    await writeNetcdfAssembly(join(dir, 'assy_dicarlo_MajajHong2015_public.nc'), recording);
    writeStimulusSet(dir, 'stimulus_hvm-public', ['image_id', 'filename', 'object_name'], ids.map((id, i) => [id, `${id}.png`, objects[i % objects.length]]));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('scores the IT neuroids against the HvM images exactly as scoreFeatures does on the prepared recording', async () => {
    const container = createContainer();
    const registry = container.resolve(PluginRegistry);
    registry.install(
      neuralRegionPlugin({
        name: 'it-under-test',
        region: 'IT',
        dataSets: MAJAJHONG2015_DATA_SETS,
        benchmark: (access) => majajHong2015Spec('IT', access),
        selectionBenchmark: 'MajajHong2015public.IT-pls',
      }),
    );
    const catalog = localEntries(dir, {
      'MajajHong2015.public': ['assy_dicarlo_MajajHong2015_public.nc'],
      'hvm-public': ['stimulus_hvm-public.csv', 'stimulus_hvm-public.zip'],
    });
    const cacheDir = join(dir, 'cache');
    container.register(TOKENS.DataCache, { useValue: new DataCache({ catalog, root: cacheDir }) });

    const benchmark = registry.benchmark('MajajHong2015public.IT-pls');
    expect(registry.selectionBenchmark('IT')).toBe(benchmark);
    expect(benchmark).toMatchObject({ version: 4, visualDegrees: 8, numberOfTrials: 50, metric: 'pls', dataSets: ['MajajHong2015.public', 'hvm-public'] });

    const features: Assembly = {
      dims: ['presentation', 'neuroid'],
      shape: [nStimuli, 30],
      data: seededValues(nStimuli * 30, 5),
      coords: { stimulus_id: { dim: 'presentation', values: ids } },
    };
    const score = await benchmark.score(featureModel(features), { fetchData: registry.fetchData });

    // Independently: IT neuroids, object labels from the CSV, scored directly.
    const it = selectAlong(recording, 'region', ['IT']);
    const labelled: Assembly = {
      ...it,
      coords: { ...it.coords, object_name: { dim: 'presentation', values: (it.coords.stimulus_id.values as string[]).map((id) => objects[ids.indexOf(id) % 4]) } },
    };
    const direct = await scoreFeatures(features, labelled, { stratifyBy: 'object_name' });
    expect(score.raw).toBe(direct.raw);
    expect(score.ceiling).toBe(direct.ceiling);
    expect(score.value).toBe(direct.value);
    expect(score.attrs).toMatchObject({ neuroids: 5, stimuli: nStimuli });
    // The files came through the cache.
    expect(readFileSync(join(cacheDir, 'hvm-public', 'stimulus_hvm-public.csv'), 'utf8')).toContain('im00,im00.png,bear');
  });
});

describe('FreemanZiemba2013 responses averaged over 50–200 ms', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vvs-freemanziemba-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps the region and averages exactly the 150 one-ms bins from 50 to 200 ms', async () => {
    const bins = 300;
    const ids = ['t0', 't1', 't2'];
    const regions = ['V1', 'V2'];
    const presentations = ids.flatMap((id) => [0, 1].map((r) => ({ id, r })));
    const data = new Float64Array(presentations.length * regions.length * bins);
    // value = bin index + 1000·neuroid + 10000·presentation: the window mean is (50 + 199) / 2 plus the offsets.
    data.forEach((_, k) => {
      const b = k % bins;
      const n = Math.floor(k / bins) % regions.length;
      const p = Math.floor(k / bins / regions.length);
      data[k] = b + 1000 * n + 10000 * p;
    });
    await writeNetcdfAssembly(join(dir, 'assy_movshon_FreemanZiemba2013_public.nc'), {
      dims: ['presentation', 'neuroid', 'time_bin'],
      shape: [presentations.length, regions.length, bins],
      data,
      coords: {
        stimulus_id: { dim: 'presentation', values: presentations.map((p) => p.id) },
        repetition: { dim: 'presentation', values: presentations.map((p) => p.r) },
        neuroid_id: { dim: 'neuroid', values: ['a', 'b'] },
        region: { dim: 'neuroid', values: regions },
        time_bin_start: { dim: 'time_bin', values: Array.from({ length: bins }, (_, t) => t) },
        time_bin_end: { dim: 'time_bin', values: Array.from({ length: bins }, (_, t) => t + 1) },
      },
    });
    writeStimulusSet(dir, 'stimulus_FreemanZiemba2013_aperture-public', ['image_id', 'filename', 'texture_type'], ids.map((id, i) => [id, `${id}.png`, ['noise', 'texture', 'noise'][i]]));
    const catalog = localEntries(dir, {
      'FreemanZiemba2013.public': ['assy_movshon_FreemanZiemba2013_public.nc'],
      'FreemanZiemba2013.aperture-public': ['stimulus_FreemanZiemba2013_aperture-public.csv', 'stimulus_FreemanZiemba2013_aperture-public.zip'],
    });
    const cache = new DataCache({ catalog, root: join(dir, 'cache') });
    const { stimuli, recording } = await loadFreemanZiemba2013((id) => cache.ensure(id), 'V2', 'public');

    expect(recording.dims).toEqual(['presentation', 'neuroid']);
    expect(recording.coords.neuroid_id.values).toEqual(['b']);
    expect(Array.from(recording.data)).toEqual(presentations.map((_, p) => 124.5 + 1000 + 10000 * p));
    expect(recording.coords.texture_type.values).toEqual(['noise', 'noise', 'texture', 'texture', 'noise', 'noise']);
    expect(stimuli.rows.map((r) => r.stimulus_id)).toEqual(ids);
  });
});
