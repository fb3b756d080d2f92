import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Assembly } from '@vvs/core';
import { stimulusSetFromDirectory, writeNetcdfAssembly } from '@vvs/io';
import { RandomState } from '@vvs/metrics';
import { OnnxModelAdapter, builtinModel } from '@vvs/models-onnx';
import { vvs } from './run-cli.ts';
import { encodePng } from '@vvs/test-utils';

/** Standard normal draws (Box–Muller) from numpy's MT19937, so the data are the same on every platform. */
function normalSource(seed: number): () => number {
  const rng = new RandomState(seed);
  return () => Math.sqrt(-2 * Math.log(1 - rng.randomSample())) * Math.cos(2 * Math.PI * rng.randomSample());
}

const OBJECTS = 6;
const IMAGES_PER_OBJECT = 10;
const REPETITIONS = 4;
const NEUROIDS = 24;
const IMAGE_SIZE = 32;
/** Components of the projection the test and the CLI share (same size and seed: the same matrix). */
const PROJECTION = 256;
/** PLS components: fewer than the 54 training stimuli of each of the 10 splits. */
const COMPONENTS = 8;
/** Trial noise, relative to the standard deviation of each neuroid's signal. */
const TRIAL_NOISE = 0.5;
const LAYERS = ['stage1', 'stage2', 'stage3', 'stage4'];

const scratch = mkdtempSync(join(tmpdir(), 'vvs-select-layers-'));
const modelPath = join(scratch, 'cnn.onnx');
const imageDir = join(scratch, 'images');
const recordingPath = join(scratch, 'recording.nc');

/**
 * Writes the images (each object a seeded colour pattern, each image that pattern plus its own
 * noise) and a recording whose neuroids are random linear readouts of the cnn's projected `stage2`
 * activations plus trial noise — so `stage2` is the known answer.
 */
async function writeKnownAnswer(): Promise<void> {
  writeFileSync(modelPath, builtinModel('cnn'));
  const normal = normalSource(7);
  const pixels = IMAGE_SIZE * IMAGE_SIZE * 3;
  const ids: string[] = [];
  const objects: string[] = [];
  mkdirSync(imageDir);
  for (let o = 0; o < OBJECTS; o++) {
    const prototype = Float64Array.from({ length: pixels }, () => 128 + 50 * normal());
    for (let i = 0; i < IMAGES_PER_OBJECT; i++) {
      const id = `obj${o}_img${i}`;
      const rgb = Uint8Array.from(prototype, (v) => Math.min(255, Math.max(0, Math.round(v + 40 * normal()))));
      writeFileSync(join(imageDir, `${id}.png`), encodePng(IMAGE_SIZE, rgb));
      ids.push(id);
      objects.push(`object${o}`);
    }
  }
  const stimuli = stimulusSetFromDirectory(imageDir);
  const adapter = await OnnxModelAdapter.load(modelPath, { projection: { nComponents: PROJECTION, seed: 0 } });
  const features = new Map<string, Float32Array>();
  for await (const batch of adapter.activations(stimuli, ['stage2'], { batchSize: 16 })) {
    batch.stimulusIds.forEach((id, i) => features.set(id, batch.data.subarray(i * PROJECTION, (i + 1) * PROJECTION)));
  }
  await adapter.dispose();

  const signal = new Float64Array(ids.length * NEUROIDS);
  for (let n = 0; n < NEUROIDS; n++) {
    const weights = Float64Array.from({ length: PROJECTION }, normal);
    let sum = 0;
    let sumSquares = 0;
    ids.forEach((id, s) => {
      const x = features.get(id)!;
      let v = 0;
      for (let k = 0; k < PROJECTION; k++) v += weights[k] * x[k];
      signal[s * NEUROIDS + n] = v;
      sum += v;
      sumSquares += v * v;
    });
    const mean = sum / ids.length;
    const sd = Math.sqrt(sumSquares / ids.length - mean * mean);
    for (let s = 0; s < ids.length; s++) signal[s * NEUROIDS + n] = (signal[s * NEUROIDS + n] - mean) / sd;
  }
  const rows = ids.length * REPETITIONS;
  const data = new Float64Array(rows * NEUROIDS);
  const coords = { stimulus_id: [] as string[], object_name: [] as string[], repetition: [] as number[] };
  for (let r = 0; r < REPETITIONS; r++) {
    ids.forEach((id, s) => {
      const row = r * ids.length + s;
      for (let n = 0; n < NEUROIDS; n++) data[row * NEUROIDS + n] = signal[s * NEUROIDS + n] + TRIAL_NOISE * normal();
      coords.stimulus_id.push(id);
      coords.object_name.push(objects[s]);
      coords.repetition.push(r);
    });
  }
  const recording: Assembly = {
    dims: ['presentation', 'neuroid'],
    shape: [rows, NEUROIDS],
    data,
    coords: {
      stimulus_id: { dim: 'presentation', values: coords.stimulus_id },
      object_name: { dim: 'presentation', values: coords.object_name },
      repetition: { dim: 'presentation', values: coords.repetition },
      neuroid_id: { dim: 'neuroid', values: Array.from({ length: NEUROIDS }, (_, n) => `n${n}`) },
    },
  };
  await writeNetcdfAssembly(recordingPath, recording);
}

const common = () => ['--model', modelPath, '--stimuli', imageDir, '--assembly', recordingPath, '--region', 'V2'];

beforeAll(writeKnownAnswer, 30_000);
afterEach(() => vi.restoreAllMocks());
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('vvs select-layers', () => {
  it('selects stage2 for neuroids that read out stage2, reporting every layer’s score', async () => {
    const { code, stdout, stderr } = await vvs(
      'select-layers', ...common(), '--layers', LAYERS.join(','), '--projection', String(PROJECTION), '--components', String(COMPONENTS), '--json',
    );
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const result = JSON.parse(stdout);
    expect(result).toMatchObject({ model: modelPath, region: 'V2', rankedBy: 'raw', best: 'stage2' });
    expect(result.scores.map((s: { layer: string }) => s.layer)).toEqual(LAYERS);
    const raw = Object.fromEntries(result.scores.map((s: { layer: string; raw: number }) => [s.layer, s.raw]));
    for (const layer of LAYERS) expect(Number.isFinite(raw[layer])).toBe(true);
    for (const layer of LAYERS.filter((l) => l !== 'stage2')) expect(raw.stage2).toBeGreaterThan(raw[layer]);
    // One recording: one ceiling for every layer.
    expect(new Set(result.scores.map((s: { ceiling: number }) => s.ceiling)).size).toBe(1);
  }, 30_000);

  it('gives the same scores one layer per pass as in one pass, and prints a table', async () => {
    const args = [...common(), '--layers', 'stage2,stage3', '--projection', String(PROJECTION), '--components', String(COMPONENTS)];
    const onePass = await vvs('select-layers', ...args, '--json');
    const perLayer = await vvs('select-layers', ...args, '--json', '--layers-per-pass', '1');
    expect(JSON.parse(perLayer.stdout).scores).toEqual(JSON.parse(onePass.stdout).scores);
    const { code, stdout } = await vvs('select-layers', ...args);
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^layer\s+score\s+raw\s+ceiling$/);
    expect(lines[1]).toMatch(/^stage2\s+\S+\s+\S+\s+\S+\s+← best$/);
    expect(lines[2]).toMatch(/^stage3\s+\S+\s+\S+\s+\S+$/);
    expect(lines.at(-1)).toBe('V2: stage2 (highest raw score of 2 layers)');
  }, 30_000);

  it('scores every leaf layer when --layers is not given, and still picks stage2’s output', async () => {
    const args = [...common(), '--projection', String(PROJECTION), '--components', String(COMPONENTS), '--json'];
    const { code, stdout } = await vvs('select-layers', ...args);
    expect(code).toBe(0);
    const result = JSON.parse(stdout);
    const adapter = await OnnxModelAdapter.load(modelPath);
    const leaves = adapter.model.leafLayers();
    await adapter.dispose();
    expect(result.scores.map((s: { layer: string }) => s.layer)).toEqual(leaves);
    // stage2's output is its pool's: the same features, so the same raw score as the stage itself.
    const stage = JSON.parse((await vvs('select-layers', ...args, '--layers', 'stage2')).stdout).scores[0];
    expect(result.scores.find((s: { layer: string }) => s.layer === 'stage2.pool').raw).toBe(stage.raw);
    expect(result.best).toBe('stage2.pool');
  }, 30_000);

  it('rejects an unknown region, a layer the model lacks and stimuli missing from the folder with exit 2', async () => {
    const badRegion = await vvs('select-layers', '--model', modelPath, '--stimuli', imageDir, '--assembly', recordingPath, '--region', 'V3');
    expect(badRegion.code).toBe(2);
    expect(badRegion.stderr).toBe("vvs: --region: expected one of V1, V2, V4, IT, got 'V3'\n");
    const badLayer = await vvs('select-layers', ...common(), '--layers', 'stage2,stage9');
    expect(badLayer.code).toBe(2);
    expect(badLayer.stderr).toContain('stage9');
    const oneImage = join(scratch, 'one-image');
    mkdirSync(oneImage);
    copyFileSync(join(imageDir, 'obj0_img0.png'), join(oneImage, 'obj0_img0.png'));
    const missing = await vvs('select-layers', '--model', modelPath, '--stimuli', oneImage, '--assembly', recordingPath, '--region', 'V2');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe(`vvs: ${recordingPath}: 59 stimuli are not in stimulus set one-image (obj0_img1, obj0_img2, obj0_img3, obj0_img4, obj0_img5, …)\n`);
  });
});
