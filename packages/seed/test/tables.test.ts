/**
 * The seed's tables read from the shared copy of its artifacts: the counts its functions give
 * (`list_models()` 647, with `supported_simple_loading=False` 811, 4,965 public score rows), the
 * five public scores of resnet18_imagenet_full, the typing of the rows, and the errors.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '@vvs/core';
import { sharedPath } from '@vvs/test-utils';
import { SEED_SUPPORTED_ARCHITECTURES, getBenchmarkScores, getModelCheckpoints, listModels, type SeedScoreSplit } from '../src/index.ts';

const tablesDir = dirname(sharedPath('seed/artifacts/model_checkpoints.csv'));
/** Offline and with a cache folder that does not exist: any attempt to go past `tablesDir` would fail. */
const options = { tablesDir, offline: true, cacheDir: join(tmpdir(), 'vvs-seed-tables-no-cache') };

const scratch = mkdtempSync(join(tmpdir(), 'vvs-seed-tables-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** resnet18_imagenet_full's five public scores, as benchmark_scores.csv writes them. */
const RESNET18_SCORES = [
  { benchmark_id: 0, benchmark_name: 'movshon.FreemanZiemba2013public.V1-pls', region: 'V1', score: 0.2600689557602795 },
  { benchmark_id: 1, benchmark_name: 'movshon.FreemanZiemba2013public.V2-pls', region: 'V2', score: 0.31593659260494245 },
  { benchmark_id: 2, benchmark_name: 'dicarlo.MajajHong2015public.V4-pls', region: 'V4', score: 0.5938647509165255 },
  { benchmark_id: 3, benchmark_name: 'dicarlo.MajajHong2015public.IT-pls', region: 'IT', score: 0.5497394832242077 },
  { benchmark_id: 4, benchmark_name: 'dicarlo.Rajalingham2018public-i2n', region: 'Behavioral', score: 0.4046851792551879 },
];

describe('listModels', () => {
  it("the seed's list_models(): 647 ids whose architecture is supported, each once", async () => {
    const ids = await listModels(options);
    expect(ids.length).toBe(647);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toContain('resnet18_imagenet_full');
    // Every listed id has a checkpoint of a supported architecture; every such checkpoint's id is listed.
    const supported = new Set(SEED_SUPPORTED_ARCHITECTURES);
    const rows = await getModelCheckpoints(options);
    const expected = new Set(rows.filter((r) => r.arch !== null && supported.has(r.arch)).map((r) => r.model_id));
    expect(new Set(ids)).toEqual(expected);
    // An unsupported family (the seed's width/depth ablations) is left out.
    expect(ids.some((id) => id.startsWith('resnetflexfilters'))).toBe(false);
  });

  it('supportedOnly: false lists the 811 models with a checkpoint, in first-appearance order', async () => {
    const all = await listModels({ ...options, supportedOnly: false });
    expect(all.length).toBe(811);
    const rows = await getModelCheckpoints(options);
    expect(all[0]).toBe(rows[0].model_id);
    const supported = await listModels(options);
    expect(all.filter((id) => supported.includes(id))).toEqual(supported);
  });
});

describe('getModelCheckpoints', () => {
  it('rows of model_checkpoints.csv, typed: integers, booleans, and null for empty cells', async () => {
    const rows = await getModelCheckpoints(options);
    expect(rows.length).toBe(10_751);
    expect(rows.filter((r) => r.is_latest).length).toBe(754);
    expect(rows.filter((r) => r.arch === null).length).toBe(530);
    expect(rows[0]).toEqual({
      model_id: 'adv_resnet101_imagenet_100_ffgsm_eps-1_alpha-125-ep10_seed-0',
      epoch: 10,
      checkpoint_path: 'adv_resnet101_imagenet_100_ffgsm_eps-1_alpha-125-ep10_seed-0/ep10.pt',
      arch: 'resnet101',
      arch_family: 'ResNet',
      is_latest: true,
      checkpoint_url: 'https://epfl-neuroailab-scalinglaws.s3.eu-north-1.amazonaws.com/checkpoints/adv_resnet101_imagenet_100_ffgsm_eps-1_alpha-125-ep10_seed-0/ep10.pt',
    });
    const latest = rows.filter((r) => r.model_id === 'resnet18_imagenet_full' && r.is_latest);
    expect(latest.map((r) => [r.epoch, r.checkpoint_url])).toEqual([
      [100, 'https://epfl-neuroailab-scalinglaws.s3.eu-north-1.amazonaws.com/checkpoints/resnet18_imagenet_full/ep100.pt'],
    ]);
  });
});

describe('getBenchmarkScores', () => {
  it("'public': the 4,965 rows of benchmark_scores.csv, and resnet18_imagenet_full's five scores", async () => {
    const rows = await getBenchmarkScores('public', options);
    expect(rows.length).toBe(4965);
    const resnet18 = rows.filter((r) => r.model_id === 'resnet18_imagenet_full');
    expect(resnet18.map(({ benchmark_id, benchmark_name, region, score }) => ({ benchmark_id, benchmark_name, region, score }))).toEqual(RESNET18_SCORES);
    expect(resnet18[0]).toMatchObject({ arch: 'resnet18', dataset: 'imagenet', seed: 0, is_pretrained: false, is_adv: false, adv_method: null });
    // The six empty scores are NaN in the seed's DataFrame: null here, never 0.
    expect(rows.filter((r) => r.score === null).length).toBe(6);
    expect(rows.every((r) => r.score === null || (r.score >= -1 && r.score <= 1))).toBe(true);
  });

  it("'private': one row per model of Brain-Score's leaderboard, numbers as numbers and its X marks as text", async () => {
    const rows = await getBenchmarkScores('private', options);
    expect(rows.length).toBe(28);
    const [first] = rows;
    expect(first.model_id).toBe('deit_large_imagenet_full_seed-0');
    expect(Object.keys(first).length).toBe(155);
    expect(first).toMatchObject({ average_vision: 0.323, neural_vision: 0.278, V1: 0.263, 'Cadena2017-pls': null, 'Kar2019-ost': 'X' });
  });

  it('an unknown split: a RangeError naming the argument and the two splits', async () => {
    await expect(getBenchmarkScores('secret' as SeedScoreSplit, options)).rejects.toThrow(new RangeError(`split: expected 'public' or 'private', got "secret"`));
  });
});

describe('errors', () => {
  it('a missing tables folder: an InputError naming it', async () => {
    const missing = join(scratch, 'nowhere');
    const error = await listModels({ tablesDir: missing }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).message).toContain(missing);
  });

  it('a malformed table: an InputError naming the file, the row and the column', async () => {
    const dir = join(scratch, 'malformed');
    mkdirSync(dir);
    const header = 'model_id,epoch,checkpoint_path,arch,arch_family,is_latest,checkpoint_url';
    const file = join(dir, 'model_checkpoints.csv');
    writeFileSync(file, `${header}\nm,10,m/ep10.pt,resnet18,ResNet,True,u\nm,ten,m/ep10.pt,resnet18,ResNet,True,u\n`);
    await expect(getModelCheckpoints({ tablesDir: dir })).rejects.toThrow(`${file}: data row 2, column epoch: expected an integer, got "ten"`);
    writeFileSync(file, `${header}\nm,10,m/ep10.pt,resnet18,ResNet,yes,u\n`);
    await expect(getModelCheckpoints({ tablesDir: dir })).rejects.toThrow('column is_latest: expected True or False, got "yes"');
    writeFileSync(file, 'model_id,epoch\nm,10\n');
    await expect(listModels({ tablesDir: dir })).rejects.toThrow(/expected the column\(s\) checkpoint_path, arch, arch_family, is_latest, checkpoint_url/);
  });
});
