import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { DownloadError, InputError, type DownloadProgress } from '@vvs/core';
import { expectAllClose, loadFixture, sendFile, sendTruncated, sharedPath, startServer, type TestServer } from '@vvs/test-utils';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { checkpointRow } from '../src/checkpoint-file.ts';
import { loadBrainModel, seedCommitment } from '../src/load-brain-model.ts';
import { loadModel, SEED_PREPROCESS } from '../src/load-model.ts';
import { getModelCheckpoints } from '@vvs/seed';

/** The issue's acceptance tolerance: 1e-4 relative to the logits' largest magnitude. */
const RTOL = 1e-4;

/** Shape of the fixed input file (`input-2x3x224x224.f32le.bin`). */
const INPUT_DIMS = [2, 3, 224, 224];

const TABLES = sharedPath('seed/artifacts');
const CHECKPOINT = sharedPath('models/resnet18-seed0.pt');
const CHECKPOINT_BYTES = readFileSync(CHECKPOINT);

/** The seed's commitments.json, as the tests read it independently of vvs's parser. */
type RawCommitment = { region2layer: Record<string, string>; layers: string[]; behavioral_readout_layer: string };
const RAW_COMMITMENTS = JSON.parse(readFileSync(join(TABLES, 'commitments.json'), 'utf8')) as Record<string, Record<string, Record<string, RawCommitment>>>;

/** A raw commitments.json entry in vvs's `LayerCommitment` shape. */
function asLayerCommitment(raw: RawCommitment) {
  return { regionLayer: raw.region2layer, behavioralReadoutLayer: raw.behavioral_readout_layer, layers: raw.layers };
}

/** The float32 input, read as little-endian. */
function readInput(): Float32Array {
  const bytes = readFileSync(sharedPath('models/input-2x3x224x224.f32le.bin'));
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return Float32Array.from({ length: bytes.byteLength / 4 }, (_, i) => view.getFloat32(4 * i, true));
}

interface ExpectedLogits {
  logits: { values: number[][]; min: number; max: number };
}

const scratch = mkdtempSync(join(tmpdir(), 'vvs-load-model-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

let n = 0;
/** A fresh, empty folder. */
function freshDir(name: string): string {
  const dir = join(scratch, `${name}-${n++}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** A checkpoints folder holding the reference ResNet-18 at `<checkpoint_path>` of each id's latest row. */
async function checkpointsFor(ids: string[]): Promise<string> {
  const dir = freshDir('checkpoints');
  const rows = await getModelCheckpoints({ tablesDir: TABLES });
  for (const id of ids) {
    const target = join(dir, checkpointRow(rows, id).checkpoint_path);
    mkdirSync(dirname(target), { recursive: true });
    copyFileSync(CHECKPOINT, target);
  }
  return dir;
}

/** A `fetch` that fails the test if called: the offline paths must not touch the network. */
const noNetwork: typeof globalThis.fetch = () => {
  throw new Error('the network was used');
};

describe('checkpointRow (the seed load_model’s choice of checkpoint)', () => {
  it('takes the highest epoch, compared as numbers (ep100 although ep95 comes last in the file), or the one asked for', async () => {
    const rows = await getModelCheckpoints({ tablesDir: TABLES });
    const ofModel = rows.filter((r) => r.model_id === 'resnet18_infimnist_100_seed-0');
    expect(ofModel.at(-1)!.epoch).toBe(95);
    expect(checkpointRow(rows, 'resnet18_infimnist_100_seed-0').checkpoint_path).toBe('resnet18_infimnist_100_seed-0/ep100.pt');
    expect(checkpointRow(rows, 'resnet18_infimnist_100_seed-0', 10).checkpoint_path).toBe('resnet18_infimnist_100_seed-0/ep10.pt');
    expect(() => checkpointRow(rows, 'resnet18_imagenet_full', 101)).toThrow(/resnet18_imagenet_full has no checkpoint at epoch 101; its epochs are 1, .*, 100$/);
  });
});

/** A checkpoints folder and a cache shared by the tests of resnet18_imagenet_full, so that it is converted once. */
let checkpointsDir: string;
let cacheDir: string;
beforeAll(async () => {
  checkpointsDir = await checkpointsFor(['resnet18_imagenet_full']);
  cacheDir = freshDir('cache');
});

describe('loadModel from a checkpoints folder', () => {
  const id = 'resnet18_imagenet_full';
  const onnxPath = () => join(cacheDir, 'onnx', id, '100.onnx');

  it('converts the checkpoint of the last epoch into an adapter reproducing the reference logits within 1e-4', async () => {
    const adapter = await loadModel(id, { checkpointsDir, cacheDir, tablesDir: TABLES, offline: true, fetch: noNetwork, intraOpNumThreads: 1 });
    try {
      expect(adapter.id).toBe(id);
      expect(adapter.layers()).toEqual(expect.arrayContaining(['layer1.0.bn1', 'layer4.0.bn1', 'avgpool', 'fc']));
      expect(existsSync(onnxPath())).toBe(true);
      expect(adapter.model.path).toBe(onnxPath());
      const expected = loadFixture<ExpectedLogits>('models/resnet18-seed0.expected.json').logits;
      const out = await adapter.model.run(readInput(), INPUT_DIMS, ['fc']);
      const scale = Math.max(Math.abs(expected.min), Math.abs(expected.max));
      const logits = out.get('fc')!.data;
      expectAllClose(logits, expected.values.flat(), { rtol: RTOL, atol: RTOL * scale }, 'logits');
      const worst = expected.values.flat().reduce((m, v, i) => Math.max(m, Math.abs(logits[i] - v)), 0) / scale;
      console.info(`loadModel('${id}'): logits max deviation relative to the largest magnitude`, worst);
    } finally {
      await adapter.dispose();
    }
  });

  it('reuses the cached ONNX on the next call, and converts again once the checkpoint changes', async () => {
    const before = statSync(onnxPath()).mtimeMs;
    const again = await loadModel(id, { checkpointsDir, cacheDir, tablesDir: TABLES, offline: true, intraOpNumThreads: 1 });
    const sha256 = again.model.sha256;
    await again.dispose();
    expect(statSync(onnxPath()).mtimeMs).toBe(before);

    // A new modification time stands for a replaced checkpoint: the conversion is redone.
    const pt = join(checkpointsDir, id, 'ep100.pt');
    const later = new Date(statSync(pt).mtimeMs + 60_000);
    utimesSync(pt, later, later);
    const converted = await loadModel(id, { checkpointsDir, cacheDir, tablesDir: TABLES, offline: true, intraOpNumThreads: 1 });
    await converted.dispose();
    expect(statSync(onnxPath()).mtimeMs).toBeGreaterThan(before);
    expect(converted.model.sha256).toBe(sha256);
  });

  it('uses the seed’s Resize(256) + CenterCrop(224) preprocessing unless told otherwise', () => {
    expect(SEED_PREPROCESS).toEqual({ resize: 'shorter-side-crop' });
  });
});

describe('loadModel downloading the checkpoint', () => {
  const id = 'resnet18_imagenet_10_seed-1';
  const served = `/${id}/ep100.pt`;
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('fetches it from the mirror into the cache with progress, then loads offline from the cache', async () => {
    server = await startServer((req, res) => (req.url === served ? sendFile(req, res, CHECKPOINT_BYTES) : res.writeHead(404).end()));
    const downloads = freshDir('cache');
    const events: DownloadProgress[] = [];
    const adapter = await loadModel(id, { cacheDir: downloads, tablesDir: TABLES, mirror: `${server.url}/`, onProgress: (e) => events.push(e), intraOpNumThreads: 1 });
    await adapter.dispose();
    const cached = join(downloads, 'checkpoints', id, 'ep100.pt');
    expect(readFileSync(cached).equals(CHECKPOINT_BYTES)).toBe(true);
    expect(server.requests).toEqual([{ path: served }]);
    expect(events[0]).toEqual({ file: 'ep100.pt', received: 0, total: CHECKPOINT_BYTES.length });
    expect(events.at(-1)).toEqual({ file: 'ep100.pt', received: CHECKPOINT_BYTES.length, total: CHECKPOINT_BYTES.length });
    expect(events.every((e, i) => i === 0 || e.received >= events[i - 1].received)).toBe(true);

    const offline = await loadModel(id, { cacheDir: downloads, tablesDir: TABLES, offline: true, fetch: noNetwork, intraOpNumThreads: 1 });
    await offline.dispose();
    expect(server.requests).toHaveLength(1);
  });

  it('a response that stays truncated fails with a DownloadError naming the URL, and leaves no checkpoint in the cache', async () => {
    server = await startServer((_req, res) => sendTruncated(res, CHECKPOINT_BYTES, 100_000));
    const downloads = freshDir('cache');
    const error = await loadModel(id, { cacheDir: downloads, tablesDir: TABLES, mirror: server.url, retries: 1, backoffMs: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DownloadError);
    expect((error as Error).message).toContain(`${server.url}${served}: connection lost after 100000 bytes`);
    expect((error as Error).message).toMatch(/gave up after 2 attempts$/);
    expect(existsSync(join(downloads, 'checkpoints', id, 'ep100.pt'))).toBe(false);
    expect(existsSync(join(downloads, 'onnx'))).toBe(false);
  });
});

describe('loadBrainModel: the seed’s commitments', () => {
  it('commits resnet18_imagenet_full to the seed’s ResNet18/imagenet_full/seed-0 layers', async () => {
    const id = 'resnet18_imagenet_full';
    const { adapter, brainModel, commitment, source } = await loadBrainModel(id, {
      checkpointsDir,
      cacheDir,
      tablesDir: TABLES,
      offline: true,
      intraOpNumThreads: 1,
    });
    try {
      const raw = RAW_COMMITMENTS.ResNet18.imagenet_full['seed-0'];
      expect(source).toBe('commitments.json ResNet18/imagenet_full/seed-0');
      expect(commitment).toEqual(asLayerCommitment(raw));
      expect(brainModel!.id).toBe(id);
      expect(brainModel!.regionLayer).toEqual(raw.region2layer);
      expect(brainModel!.behavioralReadoutLayer).toBe('avgpool');
      expect(brainModel!.logitsLayer).toBe('fc');
    } finally {
      await adapter.dispose();
    }
  });

  it('gives a model trained on less data, or with another seed, the full data set’s seed-0 commitment (the seed’s rule)', async () => {
    const fewerImages = await seedCommitment('resnet18_imagenet_10_seed-1', { tablesDir: TABLES });
    expect(fewerImages).toEqual({ commitment: asLayerCommitment(RAW_COMMITMENTS.ResNet18.imagenet_full['seed-0']), source: 'commitments.json ResNet18/imagenet_full/seed-0' });

    // The file has seed-1's own commitment, which differs; the seed reads seed-0's regardless.
    const bySeed = RAW_COMMITMENTS.ResNet18['imagenet21kP-class-1000_full'];
    expect(bySeed['seed-1'].region2layer.V1).not.toBe(bySeed['seed-0'].region2layer.V1);
    const otherSeed = await seedCommitment('resnet18_imagenet21kP-class-1000_full_seed-1', { tablesDir: TABLES });
    expect(otherSeed.commitment).toEqual(asLayerCommitment(bySeed['seed-0']));
    expect(otherSeed.source).toBe('commitments.json ResNet18/imagenet21kP-class-1000_full/seed-0');

    // Lower-cased architecture keys: deit_small finds DeiT_Small.
    const deit = await seedCommitment('deit_small_imagenet_full_seed-0', { tablesDir: TABLES });
    expect(deit.commitment).toEqual(asLayerCommitment(RAW_COMMITMENTS.DeiT_Small.imagenet_full['seed-0']));
  });

  it('applies the seed’s fixed CORnet commitment, and returns none where the seed has none', async () => {
    const cornet = await seedCommitment('cornet_s_imagenet_full_seed-0', { tablesDir: TABLES });
    expect(cornet.source).toBe("the seed's CORnet rule");
    expect(cornet.commitment).toEqual({
      regionLayer: { V1: 'V1.output', V2: 'V2.output', V4: 'V4.output', IT: 'IT.output' },
      behavioralReadoutLayer: 'decoder.avgpool',
      layers: ['V1.output', 'V2.output', 'V4.output', 'IT.output', 'decoder.avgpool'],
    });
    expect(await seedCommitment('resnet18_infimnist_100_seed-0', { tablesDir: TABLES })).toEqual({
      commitment: null,
      source: 'commitments.json has no ResNet18/infimnist_full/seed-0',
    });
  });

  it('without a seed commitment: the adapter, and no brain model (layers are then selected on the benchmarks)', async () => {
    const id = 'resnet18_infimnist_100_seed-0';
    const loaded = await loadBrainModel(id, { checkpointsDir: await checkpointsFor([id]), cacheDir: freshDir('cache'), tablesDir: TABLES, offline: true, intraOpNumThreads: 1 });
    try {
      expect(loaded.commitment).toBeNull();
      expect(loaded.brainModel).toBeNull();
      expect(loaded.adapter.layers()).toContain('layer4.0.bn1');
    } finally {
      await loaded.adapter.dispose();
    }
  });
});

describe('loadModel errors', () => {
  it('an unknown id: InputError suggesting the closest ids', async () => {
    const error = await loadModel('resnet18_imagenet_ful', { tablesDir: TABLES, cacheDir: freshDir('cache'), offline: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toMatch(/^unknown model id 'resnet18_imagenet_ful': .*did you mean 'resnet18_imagenet_full'/);
  });

  it('an architecture vvs does not build yet: InputError naming it and those vvs builds', async () => {
    const error = await loadModel('deit_small_imagenet_full_seed-0', { tablesDir: TABLES, cacheDir: freshDir('cache'), offline: true, fetch: noNetwork }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toMatch(/^deit_small_imagenet_full_seed-0: architecture 'deit_small', which vvs cannot build yet; vvs builds resnet18\/34\/50\/101\/152.*alexnet.*convnext.*efficientnet_b0\/b1\/b2$/);
  });

  it('offline without the checkpoint: InputError naming where it looked and the URL, without touching the network', async () => {
    const error = await loadModel('resnet18_imagenet_100_seed-0', { checkpointsDir, cacheDir, tablesDir: TABLES, offline: true, fetch: noNetwork }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    const message = (error as Error).message;
    expect(message).toContain(join(checkpointsDir, 'resnet18_imagenet_100_seed-0', 'ep100.pt'));
    expect(message).toContain(join(cacheDir, 'checkpoints', 'resnet18_imagenet_100_seed-0', 'ep100.pt'));
    expect(message).toContain('vvs is offline');
    expect(message).toContain('https://epfl-neuroailab-scalinglaws.s3.eu-north-1.amazonaws.com/checkpoints/resnet18_imagenet_100_seed-0/ep100.pt');
  });
});
