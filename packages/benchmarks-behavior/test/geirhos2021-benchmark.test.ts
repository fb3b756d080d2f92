import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError, type Assembly, type BrainModel, type DataFetcher, type StimulusSet } from '@vvs/core';
import { writeNetcdfAssembly } from '@vvs/io';
import { errorConsistency } from '@vvs/metrics';
import { mvhExpected, sharedPath, writeStimulusSet } from '@vvs/test-utils';
import {
  ErrorConsistencyBenchmark,
  IMAGENET_CLASSES,
  IMAGENET_INDICES_BY_CATEGORY,
  csvFilesIn,
  humanHumanErrorConsistency,
  readDatasetFolder,
  readTrialTable,
  type SixteenClassCategory,
} from '../src/index.ts';

const scratch = mkdtempSync(join(tmpdir(), 'vvs-geirhos2021-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** EXPECTED.md (reference/mvh): ResNet-50's error consistency on colour, model vs the 4 subjects. */
const RESNET50_COLOUR = mvhExpected().resnet50ErrorConsistency.colour;
/** EXPECTED.md: summation order may move the last bits. */
const FULL_PRECISION_TOLERANCE = 1e-12;
/** Brain-Score's test ceiling of Geirhos2021colour (vision `benchmarks/geirhos2021/test.py`), printed to 5 decimals. */
const BRAINSCORE_COLOUR_CEILING = 0.41543;
const FIVE_DECIMALS = 5e-6;

/** One trial of a Brain-Score Geirhos2021 assembly. */
interface Trial {
  subject: string;
  condition: string | number;
  imageId: string;
  truth: string;
  choice: string;
}

/** Brain-Score's image id of a model-vs-human image name: the parts after the trial, session and observer (`"_".join(split_name[3:])`). */
function brainScoreImageId(imagename: string): string {
  return imagename.split('_').slice(3).join('_');
}

/**
 * Writes `Geirhos2021_<dataset>` as Brain-Score packages it — a 1-D behavioural assembly over
 * presentation whose values are the choices, with `image_id`, `subject`, `condition`, `truth` and
 * `choice` coordinates — and its stimulus set (one row per image), and returns a fetcher for them.
 */
async function writeGeirhosFiles(dataset: string, trials: readonly Trial[]): Promise<DataFetcher> {
  const dir = mkdtempSync(join(scratch, `${dataset}-`));
  const column = <K extends keyof Trial>(key: K) => trials.map((t) => t[key]) as string[] | number[];
  const assembly: Assembly = {
    dims: ['presentation'],
    shape: [trials.length],
    data: new Float64Array(trials.length).fill(Number.NaN),
    coords: {
      image_id: { dim: 'presentation', values: column('imageId') },
      subject: { dim: 'presentation', values: column('subject') },
      condition: { dim: 'presentation', values: column('condition') },
      truth: { dim: 'presentation', values: column('truth') },
      choice: { dim: 'presentation', values: column('choice') },
      values: { dim: 'presentation', values: column('choice') },
    },
  };
  const nc = join(dir, `assy_brendel_Geirhos2021_${dataset}.nc`);
  await writeNetcdfAssembly(nc, assembly, { stringValuesAs: 'values' });
  const images = new Map(trials.map((t) => [t.imageId, [t.imageId, t.imageId, t.condition, t.truth]]));
  const { csv, zip } = writeStimulusSet(dir, `stimulus_Geirhos2021_${dataset}`, ['image_id', 'filename', 'condition', 'truth'], [...images.values()]);
  const files: Record<string, string[]> = { [`Geirhos2021_${dataset}`]: [nc], [`Geirhos2021_${dataset}.stimuli`]: [csv, zip] };
  return async (id) => files[id];
}

/**
 * A model whose logits are 0 except 5 on every ImageNet class of its answer, so its 16-class
 * decision is that answer; it records which stimuli it was shown.
 */
function answeringModel(id: string, answer: (stimulusId: string) => string): BrainModel & { shown: StimulusSet[] } {
  const shown: StimulusSet[] = [];
  const refuse = async (): Promise<Assembly> => {
    throw new Error('not used');
  };
  return {
    id,
    visualDegrees: 8,
    regionLayer: { V1: 'l', V2: 'l', V4: 'l', IT: 'l' },
    behavioralReadoutLayer: 'l',
    record: refuse,
    probabilities: refuse,
    shown,
    async logits(stimuli) {
      shown.push(stimuli);
      const data = new Float32Array(stimuli.rows.length * IMAGENET_CLASSES);
      stimuli.rows.forEach((row, i) => {
        for (const c of IMAGENET_INDICES_BY_CATEGORY[answer(row.stimulus_id) as SixteenClassCategory]) data[i * IMAGENET_CLASSES + c] = 5;
      });
      return {
        dims: ['presentation', 'class'],
        shape: [stimuli.rows.length, IMAGENET_CLASSES],
        data,
        coords: { stimulus_id: { dim: 'presentation', values: stimuli.rows.map((r) => r.stimulus_id) } },
      };
    },
  };
}

describe('ErrorConsistencyBenchmark on a Brain-Score-shaped Geirhos2021 colour assembly', () => {
  const folder = sharedPath('reference/mvh/raw-data/colour');
  const humans = csvFilesIn(folder).filter((path) => path.includes('subject-'));
  const trials: Trial[] = humans.flatMap((path) => {
    const table = readTrialTable(path);
    return table.subject.map((subject, t) => ({
      subject,
      condition: table.condition[t],
      imageId: brainScoreImageId(table.imagename[t]),
      truth: table.category[t],
      choice: table.response[t],
    }));
  });
  const resnet = readTrialTable(csvFilesIn(folder).find((path) => path.includes('resnet50'))!);
  const resnetAnswer = new Map(resnet.imagename.map((name, t) => [brainScoreImageId(name), resnet.response[t]]));
  const fetching = writeGeirhosFiles('colour', trials);

  it("scores ResNet-50's answers with model-vs-human's raw value and Brain-Score's ceiling", async () => {
    const benchmark = new ErrorConsistencyBenchmark('colour', { fetchData: await fetching });
    const model = answeringModel('resnet50', (id) => resnetAnswer.get(id)!);
    const score = await benchmark.score(model);

    const expectedCeiling = humanHumanErrorConsistency({ colour: readDatasetFolder(folder).filter((t) => t.subject.startsWith('subject-')) }).datasets.colour;
    expect(Math.abs(score.raw - RESNET50_COLOUR)).toBeLessThan(FULL_PRECISION_TOLERANCE);
    expect(Math.abs(score.ceiling - expectedCeiling)).toBeLessThan(FULL_PRECISION_TOLERANCE);
    expect(Math.abs(score.ceiling - BRAINSCORE_COLOUR_CEILING)).toBeLessThan(FIVE_DECIMALS);
    expect(score.unclipped).toBe(score.raw / score.ceiling);
    expect(score.value).toBe(score.unclipped);
    expect(score.attrs?.conditions).toEqual(['bw']);
    expect(Object.keys(score.attrs?.subjectValues as object)).toEqual(['subject-01', 'subject-02', 'subject-03', 'subject-04']);
    expect((await benchmark.ceiling()).value).toBe(score.ceiling);

    // The model saw only the images of the kept condition, at the benchmark's 3°.
    const [stimuli] = model.shown;
    expect(stimuli.rows.length).toBe(640);
    expect(new Set(stimuli.rows.map((r) => r.condition))).toEqual(new Set(['bw']));
    expect(stimuli.visualDegrees).toBe(3);
  });

  it('states Brain-Score facts and refuses a model without logits', async () => {
    const benchmark = new ErrorConsistencyBenchmark('colour', { fetchData: await fetching });
    expect(benchmark).toMatchObject({
      id: 'Geirhos2021colour-error_consistency',
      target: 'behavior',
      version: 1,
      metric: 'error_consistency',
      visualDegrees: 3,
      numberOfTrials: 1,
      dataSets: ['Geirhos2021_colour', 'Geirhos2021_colour.stimuli'],
    });
    expect(new ErrorConsistencyBenchmark('uniform-noise').id).toBe('Geirhos2021uniformnoise-error_consistency');
    const { logits: _, ...blind } = answeringModel('blind', () => 'dog');
    await expect(benchmark.score(blind)).rejects.toThrow(InputError);
    await expect(benchmark.score(blind)).rejects.toThrow(/no logits/);
  });
});

describe("ErrorConsistencyBenchmark: Brain-Score's exclusions and NaN κ", () => {
  // rotation excludes the number 0. On 90° everyone is always right (κ = 0/0), which Brain-Score skips.
  const truths90 = ['dog', 'cat', 'dog', 'cat'];
  const truths180 = ['dog', 'dog', 'cat', 'cat'];
  const choices180: Record<string, string[]> = {
    s1: ['dog', 'cat', 'cat', 'dog'],
    s2: ['dog', 'dog', 'dog', 'cat'],
    model: ['dog', 'cat', 'dog', 'cat'],
  };
  const trials: Trial[] = ['s1', 's2'].flatMap((subject) => [
    ...truths90.map((truth, i) => ({ subject, condition: 90, imageId: `r90_${i}`, truth, choice: truth })),
    ...truths180.map((truth, i) => ({ subject, condition: 180, imageId: `r180_${i}`, truth, choice: choices180[subject][i] })),
    { subject, condition: 0, imageId: 'r0_0', truth: 'car', choice: 'car' },
  ]);
  const modelAnswer = (id: string) => {
    const [condition, i] = id.slice(1).split('_').map(Number);
    return condition === 90 ? truths90[i] : choices180.model[i];
  };

  it('drops the numeric condition 0, skips the undefined κ and takes |mean| over the rest', async () => {
    const benchmark = new ErrorConsistencyBenchmark('rotation', { fetchData: await writeGeirhosFiles('rotation', trials) });
    const model = answeringModel('model', modelAnswer);
    const score = await benchmark.score(model);
    const kappa = (a: string, b: string) => errorConsistency(truths180, choices180[a], choices180[b]).kappa;
    expect(score.ceiling).toBeCloseTo(Math.abs(kappa('s1', 's2')), 15);
    expect(score.raw).toBeCloseTo(Math.abs((kappa('model', 's1') + kappa('model', 's2')) / 2), 15);
    expect(score.attrs?.conditions).toEqual(['180', '90']);
    expect(model.shown[0].rows.map((r) => r.stimulus_id)).not.toContain('r0_0');
  });

  it('refuses data in which an excluded condition does not occur', async () => {
    const without0 = trials.filter((t) => t.condition !== 0);
    const benchmark = new ErrorConsistencyBenchmark('rotation', { fetchData: await writeGeirhosFiles('rotation', without0) });
    await expect(benchmark.ceiling()).rejects.toThrow(/excluded condition\(s\) 0 of rotation do not occur/);
  });
});
