import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ActivationBatch, StimulusSet } from '@vvs/core';
import { sharedPath } from '@vvs/test-utils';
import {
  ActivationCache,
  activationCacheKey,
  canonicalJson,
  defaultActivationCacheDir,
  stimulusSetHash,
} from '../src/activation-cache.ts';
import { OnnxModelAdapter } from '../src/adapter.ts';

const IMAGES = sharedPath('reference/brainscore-files/images');
/** Six of the fixture images: two batches of 4 and 2, enough to abort between batches. */
const IDS = Array.from({ length: 6 }, (_, i) => `n${i}`);
/** stage2: 32 × 28 × 28 of the seeded CNN; avgpool: its pooled vector. */
const LAYERS = ['stage2', 'avgpool'];
const BATCH_SIZE = 4;

/** The fixture images as an in-memory set; `edit` may replace one image's bytes. */
function images(edit?: { id: string; bytes: Uint8Array }): StimulusSet {
  return {
    identifier: 'six',
    rows: IDS.map((id) => ({ stimulus_id: id })),
    getImage: async (id) => (edit?.id === id ? edit.bytes : new Uint8Array(readFileSync(join(IMAGES, `${id}.png`)))),
  };
}

async function collect(iterable: AsyncIterable<ActivationBatch>): Promise<ActivationBatch[]> {
  const batches: ActivationBatch[] = [];
  for await (const batch of iterable) batches.push(batch);
  return batches;
}

/** The entry files (and any temporary files) in a cache folder. */
function entries(dir: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch {
    return [];
  }
}

const scratch = mkdtempSync(join(tmpdir(), 'vvs-activation-cache-'));
let folders = 0;
/** A fresh cache folder per test, inside the scratch folder. */
function freshCache(): ActivationCache {
  return new ActivationCache({ dir: join(scratch, `cache-${folders++}`) });
}

let adapter: OnnxModelAdapter;
let uncached: ActivationBatch[];
beforeAll(async () => {
  adapter = await OnnxModelAdapter.load('builtin:cnn');
  uncached = await collect(adapter.activations(images(), LAYERS, { batchSize: BATCH_SIZE }));
});
afterEach(() => vi.restoreAllMocks());
afterAll(async () => {
  await adapter.dispose();
  rmSync(scratch, { recursive: true, force: true });
});

describe('OnnxModelAdapter with an ActivationCache', () => {
  it('stores each layer after a complete run and serves the second run without running the model', async () => {
    const cache = freshCache();
    const run = vi.spyOn(adapter.model, 'run');
    const first = await collect(adapter.activations(images(), LAYERS, { batchSize: BATCH_SIZE, cache }));
    expect(run).toHaveBeenCalledTimes(2);
    expect(entries(cache.dir)).toHaveLength(LAYERS.length);
    run.mockClear();
    const second = await collect(adapter.activations(images(), LAYERS, { batchSize: BATCH_SIZE, cache }));
    expect(run).not.toHaveBeenCalled();
    for (const batches of [first, second]) {
      expect(batches.map((b) => [b.layer, b.stimulusIds, b.shape])).toEqual(uncached.map((b) => [b.layer, b.stimulusIds, b.shape]));
      batches.forEach((b, i) => expect(b.data).toEqual(uncached[i].data));
    }
  });

  it('serves stored layers and runs the model on the missing ones only', async () => {
    const cache = freshCache();
    await collect(adapter.activations(images(), ['stage2'], { batchSize: BATCH_SIZE, cache }));
    const run = vi.spyOn(adapter.model, 'run');
    const mixed = await collect(adapter.activations(images(), LAYERS, { batchSize: BATCH_SIZE, cache }));
    expect(run.mock.calls.map((call) => call[2])).toEqual([['avgpool'], ['avgpool']]);
    mixed.forEach((b, i) => expect(b.data).toEqual(uncached[i].data));
    expect(entries(cache.dir)).toHaveLength(LAYERS.length);
  });

  it('an aborted run leaves no entry (and no temporary file)', async () => {
    const cache = freshCache();
    const controller = new AbortController();
    const seen: ActivationBatch[] = [];
    const run = collect(
      (async function* () {
        for await (const b of adapter.activations(images(), LAYERS, { batchSize: BATCH_SIZE, cache, signal: controller.signal })) {
          seen.push(b);
          if (seen.length === LAYERS.length) controller.abort(new Error('stopped by the test'));
          yield b;
        }
      })(),
    );
    await expect(run).rejects.toThrow('stopped by the test');
    expect(seen).toHaveLength(LAYERS.length);
    expect(entries(cache.dir)).toEqual([]);
  });

  it('a consumer that stops early stores nothing', async () => {
    const cache = freshCache();
    for await (const b of adapter.activations(images(), LAYERS, { batchSize: BATCH_SIZE, cache })) {
      expect(b.layer).toBe('stage2');
      break;
    }
    expect(entries(cache.dir)).toEqual([]);
  });

  it('a corrupt entry is not trusted: it counts as a miss and is overwritten', async () => {
    const cache = freshCache();
    await collect(adapter.activations(images(), ['avgpool'], { batchSize: BATCH_SIZE, cache }));
    const [file] = entries(cache.dir);
    const path = join(cache.dir, file);
    const good = readFileSync(path);
    const flipped = Buffer.from(good);
    flipped[flipped.length - 1] ^= 0x40; // one bit of the last float
    for (const corrupt of [flipped, good.subarray(0, good.length - 4), Buffer.from('VVSACT01garbage'), Buffer.alloc(0)]) {
      writeFileSync(path, corrupt);
      const run = vi.spyOn(adapter.model, 'run');
      const batches = await collect(adapter.activations(images(), ['avgpool'], { batchSize: BATCH_SIZE, cache }));
      expect(run).toHaveBeenCalledTimes(2);
      run.mockRestore();
      batches.forEach((b, i) => expect(b.data).toEqual(uncached[2 * i + 1].data));
      expect(readFileSync(path).equals(good)).toBe(true);
    }
  });
});

describe('cache keys', () => {
  it('change with an image, the layer, the projection and the preprocessing, and nothing else', async () => {
    const keysOf = async (a: OnnxModelAdapter, set: StimulusSet, preprocess = {}) => a.cacheKeys(set, LAYERS, preprocess);
    const base = await keysOf(adapter, images());
    expect(await keysOf(adapter, images())).toEqual(base);
    expect(base.get('stage2')).not.toBe(base.get('avgpool'));
    const edited = await keysOf(adapter, images({ id: 'n3', bytes: new Uint8Array(readFileSync(join(IMAGES, 'n9.png'))) }));
    const projected = await keysOf(new OnnxModelAdapter(adapter.model, { projection: { nComponents: 100, seed: 0 } }), images());
    const reseeded = await keysOf(new OnnxModelAdapter(adapter.model, { projection: { nComponents: 100, seed: 1 } }), images());
    const resized = await keysOf(adapter, images(), { inputSize: 112 });
    const all = [base, edited, projected, reseeded, resized].flatMap((keys) => [...keys.values()]);
    expect(new Set(all).size).toBe(all.length);
    for (const key of all) expect(key).toMatch(/^[0-9a-f]{64}$/);
  });

  it('do not depend on key order in the preprocessing options', () => {
    const parts = { model: 'm', stimuli: 's', layer: 'l', projection: null };
    expect(activationCacheKey({ ...parts, preprocess: { a: 1, b: [2, { d: 3, c: 4 }] } })).toBe(
      activationCacheKey({ ...parts, preprocess: { b: [2, { c: 4, d: 3 }], a: 1 } }),
    );
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: 3 }], u: undefined })).toBe('{"a":[{"c":3,"d":2}],"b":1}');
  });

  it('hash the stimulus ids in order with their image bytes', async () => {
    const reference = await stimulusSetHash(images());
    const reordered: StimulusSet = { ...images(), rows: [...IDS].reverse().map((id) => ({ stimulus_id: id })) };
    expect(await stimulusSetHash(reordered)).not.toBe(reference);
    expect(await stimulusSetHash({ ...images(), identifier: 'renamed' })).toBe(reference);
  });
});

describe('ActivationCache', () => {
  it('round-trips an entry, and rejects data of the wrong length', async () => {
    const cache = freshCache();
    const data = Float32Array.from({ length: 2 * 3 * 2 }, (_, i) => i / 7 - 0.5);
    await cache.set('k', { shape: [3, 2], rows: 2, data });
    expect(await cache.get('k')).toEqual({ shape: [3, 2], rows: 2, data });
    expect(await cache.get('other')).toBeUndefined();
    // An entry copied under another key's name is not served for that key.
    writeFileSync(cache.path('other'), readFileSync(cache.path('k')));
    expect(await cache.get('other')).toBeUndefined();
    await expect(cache.set('k', { shape: [3, 2], rows: 3, data })).rejects.toThrow(/entry\.data: expected 3 × 6 values, got 12/);
    expect(entries(cache.dir)).toEqual(['k.vvsact', 'other.vvsact']);
  });

  it("defaults to activations/ in vvs's cache folder ($VVS_CACHE_DIR, else ~/.cache/vvs)", () => {
    expect(defaultActivationCacheDir({ VVS_CACHE_DIR: '/scratch/vvs' })).toBe('/scratch/vvs/activations');
    expect(defaultActivationCacheDir({})).toBe(join(homedir(), '.cache', 'vvs', 'activations'));
  });
});
