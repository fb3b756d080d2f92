import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActivationBatch, StimulusSet } from '@vvs/core';
import { InputError } from '@vvs/core';
import { sharedPath } from '@vvs/test-utils';
import { OnnxModelAdapter } from '../src/adapter.ts';
import { OnnxModel } from '../src/onnx-model.ts';
import { preprocessBatch } from '../src/preprocess.ts';
import { SparseRandomProjection } from '../src/projection.ts';
import { GraphBuilder } from '../src/builtin/graph-builder.ts';

const MODEL = sharedPath('models/alexnet-seed0-trunk.onnx');
const IMAGES = sharedPath('reference/brainscore-files/images');
const IDS = Array.from({ length: 10 }, (_, i) => `n${i}`);
/** features.4: ReLU after the second conv, 192 × 27 × 27 (projected); avgpool: 256 × 6 × 6 = 9216. */
const LAYERS = ['features.4', 'avgpool'];
const LAYER_DIMS: Record<string, number[]> = { 'features.4': [192, 27, 27], avgpool: [256, 6, 6] };

/** The ten fixture images as an in-memory set (no imagePath), shown at `visualDegrees`. */
function tenImages(visualDegrees?: number): StimulusSet {
  return {
    identifier: 'ten',
    rows: IDS.map((id) => ({ stimulus_id: id })),
    visualDegrees,
    getImage: async (id) => new Uint8Array(readFileSync(join(IMAGES, `${id}.png`))),
  };
}

async function collect(iterable: AsyncIterable<ActivationBatch>): Promise<ActivationBatch[]> {
  const batches: ActivationBatch[] = [];
  for await (const batch of iterable) batches.push(batch);
  return batches;
}

let adapter: OnnxModelAdapter;
let projected: OnnxModelAdapter;
let reference: OnnxModel;
let batches: ActivationBatch[];
beforeAll(async () => {
  adapter = await OnnxModelAdapter.load(MODEL);
  projected = new OnnxModelAdapter(adapter.model, { id: 'alexnet-projected', projection: { nComponents: 1000, seed: 5 } });
  reference = await OnnxModel.load(MODEL);
  batches = await collect(adapter.activations(tenImages(), LAYERS, { batchSize: 4 }));
});
afterAll(async () => {
  await adapter.dispose();
  await reference.dispose();
});

describe('OnnxModelAdapter', () => {
  it('names itself after the file and lists the module paths', () => {
    expect(adapter.id).toBe('alexnet-seed0-trunk');
    expect(adapter.layers()).toContain('features.4');
    expect(adapter.layers()).toContain('avgpool');
  });

  it('yields one batch per layer per 4 images: 3 batches × 2 layers, ids in row order, C-order shapes', () => {
    expect(batches.map((b) => b.layer)).toEqual(['features.4', 'avgpool', 'features.4', 'avgpool', 'features.4', 'avgpool']);
    expect(batches.map((b) => b.stimulusIds)).toEqual([IDS.slice(0, 4), IDS.slice(0, 4), IDS.slice(4, 8), IDS.slice(4, 8), IDS.slice(8), IDS.slice(8)]);
    for (const b of batches) {
      expect(b.shape).toEqual([b.stimulusIds.length, ...LAYER_DIMS[b.layer]]);
      expect(b.data.length).toBe(b.shape.reduce((x, y) => x * y, 1));
    }
  });

  it("equals OnnxModel.run on preprocessBatch of each image alone (an independent path)", async () => {
    for (const index of [0, 5, 9]) {
      const { data, dims } = await preprocessBatch([join(IMAGES, `n${index}.png`)]);
      const single = await reference.run(data, dims, LAYERS);
      const row = index % 4;
      for (const layer of LAYERS) {
        const batch = batches.find((b) => b.layer === layer && b.stimulusIds.includes(`n${index}`))!;
        const f = batch.data.length / batch.stimulusIds.length;
        const mine = batch.data.subarray(row * f, (row + 1) * f);
        const theirs = single.get(layer)!.data;
        expect(theirs.length).toBe(f);
        // Batched and single-image convolutions may sum in a different order: float32 rounding only.
        let maxError = 0;
        let maxValue = 0;
        for (let i = 0; i < f; i++) {
          maxError = Math.max(maxError, Math.abs(mine[i] - theirs[i]));
          maxValue = Math.max(maxValue, Math.abs(theirs[i]));
        }
        expect(maxError).toBeLessThanOrEqual(1e-5 * maxValue);
      }
    }
  });

  it('reads file-backed sets through imagePath and places a 4° set on the 8° canvas', async () => {
    const fileBacked: StimulusSet = { ...tenImages(), imagePath: (id) => join(IMAGES, `${id}.png`), getImage: () => Promise.reject(new Error('unused')) };
    const viaPath = await collect(adapter.activations(fileBacked, ['avgpool'], { batchSize: 10 }));
    expect(viaPath).toHaveLength(1);
    expect(viaPath[0].data).toEqual(Float32Array.from(batches.filter((b) => b.layer === 'avgpool').flatMap((b) => [...b.data])));
    const [small] = await collect(adapter.activations(tenImages(4), ['avgpool'], { batchSize: 1 }));
    const { data, dims } = await preprocessBatch([join(IMAGES, 'n0.png')], { stimulusDegrees: 4 });
    expect(small.data).toEqual((await reference.run(data, dims, ['avgpool'])).get('avgpool')!.data);
  });

  it('gives two extractions running at once the same values as one alone (batches never share an input buffer)', async () => {
    const [a, b] = await Promise.all([collect(adapter.activations(tenImages(), ['avgpool'], { batchSize: 3 })), collect(adapter.activations(tenImages(4), ['avgpool'], { batchSize: 3 }))]);
    const alone = await collect(adapter.activations(tenImages(4), ['avgpool'], { batchSize: 3 }));
    expect(a.flatMap((x) => [...x.data])).toEqual(batches.filter((x) => x.layer === 'avgpool').flatMap((x) => [...x.data]));
    expect(b.flatMap((x) => [...x.data])).toEqual(alone.flatMap((x) => [...x.data]));
    expect(b.flatMap((x) => [...x.data])).not.toEqual(a.flatMap((x) => [...x.data]));
  });

  it('projects layers wider than nComponents: the projection of the unprojected rows; others pass through', async () => {
    const out = await collect(projected.activations(tenImages(), LAYERS, { batchSize: 4 }));
    expect(out.map((b) => b.shape)).toEqual(batches.map((b) => [b.stimulusIds.length, 1000]));
    const independent: Record<string, SparseRandomProjection> = {
      'features.4': new SparseRandomProjection({ nFeatures: 192 * 27 * 27, nComponents: 1000, seed: 5 }),
      avgpool: new SparseRandomProjection({ nFeatures: 256 * 6 * 6, nComponents: 1000, seed: 5 }),
    };
    out.forEach((b, i) => {
      expect(b.layer).toBe(batches[i].layer);
      expect(b.stimulusIds).toEqual(batches[i].stimulusIds);
      expect(b.data).toEqual(independent[b.layer].transform(batches[i].data));
    });
    // A layer no wider than nComponents is left as it is.
    const wide = new OnnxModelAdapter(adapter.model, { projection: { nComponents: 9216 } });
    const [whole] = await collect(wide.activations(tenImages(), ['avgpool'], { batchSize: 10 }));
    expect(whole.shape).toEqual([10, 256, 6, 6]);
    expect(wide.projectionFor(9216)).toBeUndefined();
    expect(wide.projectionFor(9217)?.nComponents).toBe(9216);
  });

  it('rejects an unknown layer with suggestions, a repeated layer and a bad batch size before reading images', async () => {
    await expect(collect(adapter.activations(tenImages(), ['features.44']))).rejects.toThrow(InputError);
    await expect(collect(adapter.activations(tenImages(), ['features.44']))).rejects.toThrow(/unknown layer 'features.44'.*did you mean 'features.4'/);
    await expect(collect(adapter.activations(tenImages(), ['avgpool', 'avgpool']))).rejects.toThrow(/'avgpool' is listed twice/);
    await expect(collect(adapter.activations(tenImages(), ['avgpool'], { batchSize: 0 }))).rejects.toThrow(RangeError);
    expect(() => new OnnxModelAdapter(adapter.model, { projection: { nComponents: 0 } })).toThrow(/projection.nComponents/);
  });

  it('stops at the next batch when the signal aborts', async () => {
    const controller = new AbortController();
    const seen: string[][] = [];
    const run = async () => {
      for await (const b of adapter.activations(tenImages(), ['avgpool'], { batchSize: 4, signal: controller.signal })) {
        seen.push([...b.stimulusIds]);
        controller.abort(new Error('stop'));
      }
    };
    await expect(run()).rejects.toThrow('stop');
    expect(seen).toEqual([IDS.slice(0, 4)]);
  });
});

describe('OnnxModelAdapter refuses models that cannot take images', () => {
  it('names the file and the input shape of a non-image model', async () => {
    const graph = new GraphBuilder('vvs_vector', 'a model of vectors', [10]);
    const [out] = graph.node('relu', 'Relu', [graph.input]);
    const model = await OnnxModel.fromBytes(graph.encode(out, [10]), 'vector.onnx');
    expect(() => new OnnxModelAdapter(model)).toThrow(InputError);
    expect(() => new OnnxModelAdapter(model)).toThrow("vector.onnx: input 'input' has shape [batch, 10], not an image batch [N, 3, H, W]");
  });

  it('refuses a fixed input size other than the preprocessing size', async () => {
    const graph = new GraphBuilder('vvs_small', 'small images', [3, 112, 112]);
    const [out] = graph.node('relu', 'Relu', [graph.input]);
    const model = await OnnxModel.fromBytes(graph.encode(out, [3, 112, 112]), 'small.onnx');
    expect(() => new OnnxModelAdapter(model)).toThrow(/small\.onnx: input 'input' expects \[batch, 3, 112, 112\] images, but preprocessing makes 224×224/);
    expect(() => new OnnxModelAdapter(model, { preprocess: { inputSize: 112 } })).not.toThrow();
  });
});
