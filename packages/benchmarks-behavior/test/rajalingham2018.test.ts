import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DataCache,
  DataCatalog,
  InputError,
  PluginRegistry,
  TOKENS,
  createContainer,
  sha1OfFile,
  type Assembly,
  type BrainModel,
  type DataFetcher,
  type DataSetEntry,
  type StimulusSet,
} from '@vvs/core';
import { loadRajalingham2018 } from '@vvs/data-brainscore';
import { writeNetcdfAssembly } from '@vvs/io';
import { i2nFixtureCase, writeStimulusSet } from '@vvs/test-utils';
import { plugin, rajalingham2018Spec } from '../src/index.ts';

/** The fixture's tolerance for I2n (reference/metrics/README.md). */
const I2N_TOLERANCE = 1e-9;

const dense = i2nFixtureCase('i2n_dense');
const { objects, stimulus_ids: stimulusIds, image_truth: imageTruth, trials, model: fixtureModel } = dense.inputs;

const scratch = mkdtempSync(join(tmpdir(), 'vvs-rajalingham2018-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Paths of the Brain-Score-shaped files written once for the whole file. */
let files: { nc: string; csv: string; zip: string; partialCsv: string; partialZip: string };

beforeAll(async () => {
  // The objectome images: `image_id` (older sets: no stimulus_id column), the sample object and its label.
  const imageRow = (id: string, k: number) => [id, objects[imageTruth[k]], objects[imageTruth[k]], `${id}.png`];
  const columns = ['image_id', 'image_sample_obj', 'image_label', 'filename'];
  const images = writeStimulusSet(scratch, 'stimulus_objectome_public', columns, stimulusIds.map(imageRow));
  const partial = writeStimulusSet(scratch, 'stimulus_objectome_partial', columns, stimulusIds.slice(1).map((id, k) => imageRow(id, k + 1)));

  // The trials as Brain-Score packages them: values = the choice, coordinates image_id, sample_obj, dist_obj, truth, choice.
  const n = trials.stimulus.length;
  const names = (indices: number[]) => indices.map((k) => objects[k]);
  const assembly: Assembly = {
    dims: ['presentation'],
    shape: [n],
    data: new Float64Array(n).fill(Number.NaN),
    coords: {
      image_id: { dim: 'presentation', values: trials.stimulus.map((k) => stimulusIds[k]) },
      sample_obj: { dim: 'presentation', values: names(trials.sample_obj) },
      dist_obj: { dim: 'presentation', values: names(trials.dist_obj) },
      truth: { dim: 'presentation', values: names(trials.sample_obj) },
      choice: { dim: 'presentation', values: names(trials.choice) },
      values: { dim: 'presentation', values: names(trials.choice) },
    },
  };
  const nc = join(scratch, 'assy_dicarlo_Rajalingham2018_public.nc');
  await writeNetcdfAssembly(nc, assembly, { stringValuesAs: 'values' });
  files = { nc, csv: images.csv, zip: images.zip, partialCsv: partial.csv, partialZip: partial.zip };
});

/** A catalog entry for local files: `file:` URLs with their real SHA-1s. */
async function localEntry(id: string, kind: DataSetEntry['kind'], paths: string[]): Promise<DataSetEntry> {
  const described = await Promise.all(
    paths.map(async (path) => ({ name: path.slice(path.lastIndexOf('/') + 1), url: pathToFileURL(path).href, sha1: await sha1OfFile(path) })),
  );
  return { id, kind, files: described };
}

/** A model whose readout probabilities are the fixture's model's, whatever images it is shown. */
function fixtureProbabilities(): BrainModel & { seen: { fitting: StimulusSet; test: StimulusSet }[] } {
  const seen: { fitting: StimulusSet; test: StimulusSet }[] = [];
  const row = new Map(fixtureModel.stimulus_ids.map((id, k) => [id, fixtureModel.probabilities[k]]));
  const refuse = async (): Promise<Assembly> => {
    throw new Error('not used');
  };
  return {
    id: 'fixture-model',
    visualDegrees: 8,
    regionLayer: { V1: 'l', V2: 'l', V4: 'l', IT: 'l' },
    behavioralReadoutLayer: 'l',
    record: refuse,
    seen,
    async probabilities(fitting, test) {
      seen.push({ fitting, test });
      return {
        dims: ['presentation', 'choice'],
        shape: [test.rows.length, fixtureModel.choices.length],
        data: Float64Array.from(test.rows.flatMap((r) => row.get(r.stimulus_id)!)),
        coords: {
          stimulus_id: { dim: 'presentation', values: test.rows.map((r) => r.stimulus_id) },
          choice: { dim: 'choice', values: fixtureModel.choices },
        },
      };
    },
  };
}

describe('Rajalingham2018 I2n on Brain-Score-shaped files', () => {
  it("scores the fixture's model through the plugin and a data cache, as the fixture says", async () => {
    const container = createContainer();
    const registry = container.resolve(PluginRegistry);
    registry.install(plugin);
    const catalog = new DataCatalog([
      await localEntry('Rajalingham2018.public', 'assembly', [files.nc]),
      await localEntry('objectome.public', 'stimulus_set', [files.csv, files.zip]),
    ]);
    container.register(TOKENS.DataCache, { useValue: new DataCache({ catalog, root: join(scratch, 'cache'), offline: false }) });

    const benchmark = registry.benchmark('Rajalingham2018public-i2n');
    const model = fixtureProbabilities();
    const score = await benchmark.score(model);
    expect(Math.abs(score.value - dense.expected.score)).toBeLessThan(I2N_TOLERANCE);
    expect(Math.abs(score.unclipped - dense.expected.score)).toBeLessThan(I2N_TOLERANCE);
    expect(Math.abs(score.raw - dense.expected.raw_mean_r)).toBeLessThan(I2N_TOLERANCE);
    expect(Math.abs(score.ceiling - dense.expected.ceiling_mean)).toBeLessThan(I2N_TOLERANCE);
    expect(Math.abs((await benchmark.ceiling()).value - dense.expected.ceiling_mean)).toBeLessThan(I2N_TOLERANCE);

    // The public benchmark fits and tests on the public objectome images, shown at 8°.
    const [{ fitting, test }] = model.seen;
    expect(fitting.identifier).toBe('objectome.public');
    expect(test.rows.map((r) => r.stimulus_id)).toEqual(stimulusIds);
    expect(fitting.rows.map((r) => r.image_label)).toEqual(imageTruth.map((k) => objects[k]));
    expect([fitting.visualDegrees, test.visualDegrees]).toEqual([8, 8]);
  });

  it('loads the private access level with its own test images and the public fitting images', async () => {
    const fetchData: DataFetcher = async (id) =>
      ({ 'Rajalingham2018.private': [files.nc], 'objectome.public': [files.csv, files.zip], 'objectome.private': [files.csv, files.zip] })[id]!;
    const { fitting, test, human } = await loadRajalingham2018(fetchData, 'private');
    expect([fitting.identifier, test.identifier]).toEqual(['objectome.public', 'objectome.private']);
    expect(human.trials.stimulus.length).toBe(trials.stimulus.length);
    expect([...human.objects].sort()).toEqual([...objects].sort());
  });

  it('refuses trials on images the stimulus set lacks', async () => {
    const fetchData: DataFetcher = async (id) => ({ 'Rajalingham2018.public': [files.nc], 'objectome.public': [files.partialCsv, files.partialZip] })[id]!;
    const error = await loadRajalingham2018(fetchData, 'public').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toMatch(/1 images with trials are not in stimulus set objectome.public/);
  });

  it("states Brain-Score's facts for both access levels", () => {
    expect(rajalingham2018Spec('public')).toMatchObject({
      id: 'Rajalingham2018public-i2n',
      version: 2,
      visualDegrees: 8,
      numberOfTrials: 2,
      dataSets: ['Rajalingham2018.public', 'objectome.public'],
    });
    expect(rajalingham2018Spec('private')).toMatchObject({
      id: 'Rajalingham2018-i2n',
      version: 2,
      dataSets: ['Rajalingham2018.private', 'objectome.public', 'objectome.private'],
    });
    expect(rajalingham2018Spec('public').bibtex).toContain('@article {Rajalingham240614');
  });
});
