import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ActivationBatch } from '@vvs/core';
import { readNetcdfAssembly, stimulusSetFromDirectory } from '@vvs/io';
import { OnnxModel, OnnxModelAdapter } from '@vvs/models-onnx';
import { sharedPath } from '@vvs/test-utils';
import { vvs } from './run-cli.ts';

const MODEL = sharedPath('models/alexnet-seed0-trunk.onnx');
const IMAGES = sharedPath('reference/brainscore-files/images');
const CSV = join(IMAGES, 'image_test_ten_images.csv');
const IDS = Array.from({ length: 10 }, (_, i) => `n${i}`);
/** features.12: the last max-pool, 256 × 6 × 6; features.2: the first, 64 × 27 × 27. */
const LAYERS = ['features.12', 'features.2'];
const WIDTHS = [256 * 6 * 6, 64 * 27 * 27];

/** Each layer's activations from the adapter, stimuli × features row-major, the CLI's independent reference. */
async function adapterRows(projection?: { nComponents: number; seed: number }): Promise<Map<string, Float32Array>> {
  const adapter = await OnnxModelAdapter.load(MODEL, { projection });
  const parts = new Map<string, ActivationBatch[]>(LAYERS.map((l) => [l, []]));
  // Batches of 4 as the CLI runs below, so that both sum in the same order.
  for await (const batch of adapter.activations(stimulusSetFromDirectory(IMAGES), LAYERS, { batchSize: 4 })) parts.get(batch.layer)!.push(batch);
  await adapter.dispose();
  return new Map(LAYERS.map((l) => [l, Float32Array.from(parts.get(l)!.flatMap((b) => [...b.data]))]));
}

const scratch = mkdtempSync(join(tmpdir(), 'vvs-cli-activations-'));
let reference: Map<string, Float32Array>;
beforeAll(async () => {
  reference = await adapterRows();
});
afterEach(() => vi.restoreAllMocks());
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('vvs layers', () => {
  it("prints the model's module paths, one per line, or as JSON", async () => {
    const plain = await vvs('layers', '--model', MODEL);
    expect(plain.code).toBe(0);
    const lines = plain.stdout.trimEnd().split('\n');
    expect(lines).toContain('features.4');
    expect(lines).toContain('avgpool');
    const json = await vvs('layers', '--model', MODEL, '--json');
    expect(json.code).toBe(0);
    const parsed = JSON.parse(json.stdout);
    expect(parsed.layers).toEqual(lines);
    expect(parsed.input).toEqual({ name: 'input', dims: ['batch', 3, 224, 224] });
  });

  it('a missing model file exits 2 with one line naming it', async () => {
    const missing = join(scratch, 'missing.onnx');
    const { code, stderr } = await vvs('layers', '--model', missing);
    expect(code).toBe(2);
    expect(stderr).toBe(`vvs: cannot read ONNX model ${missing}: file not found\n`);
  });
});

describe('vvs activations', () => {
  it('writes a presentation × neuroid assembly equal to the adapter’s activations (folder, batches of 4)', async () => {
    const out = join(scratch, 'alexnet.nc');
    const { code, stdout, stderr } = await vvs('activations', '--model', MODEL, '--stimuli', IMAGES, '--layers', LAYERS.join(','), '--batch-size', '4', '--out', out);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toBe(`wrote ${out}: 10 stimuli × ${WIDTHS[0] + WIDTHS[1]} neuroids (features.12, features.2)\n`);
    const assembly = await readNetcdfAssembly(out);
    expect(assembly.dims).toEqual(['presentation', 'neuroid']);
    expect(assembly.shape).toEqual([10, WIDTHS[0] + WIDTHS[1]]);
    expect(assembly.data).toBeInstanceOf(Float32Array);
    expect(assembly.coords.stimulus_id.values).toEqual(IDS);
    const layer = assembly.coords.layer.values as string[];
    const num = (assembly.coords.neuroid_num.values as (number | bigint)[]).map(Number);
    const neuroidId = assembly.coords.neuroid_id.values as string[];
    expect(layer[0]).toBe('features.12');
    expect(layer[WIDTHS[0]]).toBe('features.2');
    expect(layer.filter((l) => l === 'features.2')).toHaveLength(WIDTHS[1]);
    expect([num[0], num[WIDTHS[0] - 1], num[WIDTHS[0]], num[num.length - 1]]).toEqual([0, WIDTHS[0] - 1, 0, WIDTHS[1] - 1]);
    expect(neuroidId[WIDTHS[0] + 5]).toBe('features.2.5');
    const total = WIDTHS[0] + WIDTHS[1];
    for (let i = 0; i < 10; i++) {
      expect(assembly.data.subarray(i * total, i * total + WIDTHS[0])).toEqual(reference.get('features.12')!.subarray(i * WIDTHS[0], (i + 1) * WIDTHS[0]));
      expect(assembly.data.subarray(i * total + WIDTHS[0], (i + 1) * total)).toEqual(reference.get('features.2')!.subarray(i * WIDTHS[1], (i + 1) * WIDTHS[1]));
    }
  });

  it('--projection from a CSV stimulus set: the projected rows, ids in CSV order, attributes recorded', async () => {
    const out = join(scratch, 'projected.nc');
    const { code } = await vvs('activations', '--model', MODEL, '--stimuli', CSV, '--layers', LAYERS.join(','), '--projection', '500', '--projection-seed', '3', '--batch-size', '4', '--out', out);
    expect(code).toBe(0);
    const assembly = await readNetcdfAssembly(out);
    expect(assembly.shape).toEqual([10, 1000]);
    expect(assembly.coords.stimulus_id.values).toEqual(IDS);
    expect((assembly.coords.neuroid_num.values as (number | bigint)[]).map(Number).slice(495, 505)).toEqual([495, 496, 497, 498, 499, 0, 1, 2, 3, 4]);
    const projected = await adapterRows({ nComponents: 500, seed: 3 });
    for (let i = 0; i < 10; i++) {
      expect(assembly.data.subarray(i * 1000, i * 1000 + 500)).toEqual(projected.get('features.12')!.subarray(i * 500, (i + 1) * 500));
      expect(assembly.data.subarray(i * 1000 + 500, (i + 1) * 1000)).toEqual(projected.get('features.2')!.subarray(i * 500, (i + 1) * 500));
    }
    expect(assembly.attrs).toMatchObject({ model: MODEL, stimulus_set_identifier: 'image_test_ten_images', projection_components: 500 });
  });

  it('an unknown layer exits 2 with the closest names, before any output is written', async () => {
    const out = join(scratch, 'never.nc');
    const { code, stdout, stderr } = await vvs('activations', '--model', MODEL, '--stimuli', IMAGES, '--layers', 'features.12,fetures.2', '--out', out);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^vvs: unknown layer 'fetures\.2' in .*alexnet-seed0-trunk\.onnx .*; did you mean 'features\.2'/);
    expect(stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(existsSync(out)).toBe(false);
  });

  it('a missing model, missing stimuli or a bad flag value exits 2 with one line', async () => {
    const out = join(scratch, 'never.nc');
    const missing = join(scratch, 'missing.onnx');
    let result = await vvs('activations', '--model', missing, '--stimuli', IMAGES, '--layers', 'avgpool', '--out', out);
    expect([result.code, result.stderr]).toEqual([2, `vvs: cannot read ONNX model ${missing}: file not found\n`]);
    result = await vvs('activations', '--model', MODEL, '--stimuli', join(scratch, 'nope'), '--layers', 'avgpool', '--out', out);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/nope: no such file or folder\n$/);
    result = await vvs('activations', '--model', MODEL, '--stimuli', IMAGES, '--layers', 'avgpool', '--batch-size', '0', '--out', out);
    expect([result.code, result.stderr]).toEqual([2, "vvs: --batch-size: expected a positive integer, got '0'\n"]);
    result = await vvs('activations', '--model', MODEL, '--stimuli', IMAGES, '--layers', 'avgpool,', '--out', out);
    expect(result.code).toBe(2);
    expect(existsSync(out)).toBe(false);
  });
});

describe('--model builtin:…, --device and --threads', () => {
  it('vvs layers --model builtin:cnn lists stage1 … avgpool; a seed is accepted', async () => {
    const { code, stdout } = await vvs('layers', '--model', 'builtin:cnn');
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('stage1');
    expect(lines).toContain('stage3.conv');
    expect(lines.at(-1)).toBe('avgpool');
    const seeded = await vvs('layers', '--model', 'builtin:cnn@3', '--threads', '1');
    expect([seeded.code, seeded.stdout]).toEqual([0, stdout]);
  });

  it('an unknown built-in model, device or thread count exits 2 with one line', async () => {
    let result = await vvs('layers', '--model', 'builtin:cnm');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^vvs: --model: unknown built-in model 'builtin:cnm' .*did you mean 'builtin:cnn'\?\n$/);
    result = await vvs('layers', '--model', 'builtin:cnn', '--device', 'gpu');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^vvs: --device: expected one of cpu, cuda, webgpu, auto, got 'gpu'(; did you mean .*)?\n$/);
    result = await vvs('layers', '--model', 'builtin:cnn', '--threads', '0');
    expect([result.code, result.stderr]).toEqual([2, "vvs: --threads: expected a positive integer, got '0'\n"]);
  });

  it('--device auto says on stderr which device it got; an explicit device that cannot start exits 2 naming it', async () => {
    const auto = await vvs('layers', '--model', 'builtin:gabor', '--device', 'auto');
    expect(auto.code).toBe(0);
    expect(auto.stdout).toBe('grayscale\nfilters\nsimple\ncomplex\n');
    expect(auto.stderr).toMatch(/^vvs: using (cuda|webgpu|cpu)( \(.+\))?\n$/);
    // Only where CUDA did not start (no GPU, or no CUDA provider library) can its refusal be checked.
    if (!auto.stderr.startsWith('vvs: using cuda')) {
      expect(auto.stderr).toMatch(/\(cuda unavailable: .+\)|; webgpu unavailable/);
      const cuda = await vvs('layers', '--model', 'builtin:gabor', '--device', 'cuda');
      expect(cuda.code).toBe(2);
      expect(cuda.stdout).toBe('');
      expect(cuda.stderr).toMatch(/^vvs: device cuda unavailable: .+ \(use --device cpu, or --device auto to fall back\)\n$/);
    }
  });
});

describe('vvs activations --cache', () => {
  const CNN_LAYERS = 'stage2,avgpool';

  it('is off by default; --cache <dir> stores, then serves the same assembly without running the model; --no-cache ignores it', async () => {
    const cacheDir = join(scratch, 'cache');
    const run = vi.spyOn(OnnxModel.prototype, 'run');
    const args = (out: string, ...extra: string[]) => ['activations', '--model', 'builtin:cnn', '--stimuli', IMAGES, '--layers', CNN_LAYERS, '--batch-size', '4', '--out', out, ...extra];
    const plain = join(scratch, 'cnn-plain.nc');
    expect((await vvs(...args(plain))).code).toBe(0);
    expect(existsSync(cacheDir)).toBe(false);
    const first = join(scratch, 'cnn-first.nc');
    expect((await vvs(...args(first, '--cache', cacheDir))).code).toBe(0);
    expect(readdirSync(cacheDir)).toHaveLength(2);
    run.mockClear();
    const second = join(scratch, 'cnn-second.nc');
    const served = await vvs(...args(second, '--cache', cacheDir));
    expect([served.code, served.stderr]).toEqual([0, '']);
    expect(run).not.toHaveBeenCalled();
    const [a, b, c] = await Promise.all([plain, first, second].map((f) => readNetcdfAssembly(f)));
    expect(b.data).toEqual(a.data);
    expect(c.data).toEqual(a.data);
    expect(c.coords.neuroid_id.values).toEqual(a.coords.neuroid_id.values);
    const bypass = join(scratch, 'cnn-bypass.nc');
    expect((await vvs(...args(bypass, '--cache', cacheDir, '--no-cache'))).code).toBe(0);
    expect(run).toHaveBeenCalledTimes(3);
    expect((await readNetcdfAssembly(bypass)).data).toEqual(a.data);
  });
});
