import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '@vvs/core';
import { expectAllClose, loadFixture, sharedPath } from '@vvs/test-utils';
import onnxProto from 'onnx-proto';
import { moduleTensors } from '../src/layer-names.ts';
import { OnnxModel } from '../src/onnx-model.ts';
import type { LayerActivation } from '../src/onnx-model.ts';

const { onnx } = onnxProto;

/** The README's agreement between onnxruntime and torch is 2.4e-6 of the largest magnitude. */
const RTOL = 1e-4;
/**
 * Absolute slack for values near zero (ReLU zeros, a mean close to 0), where a relative bound is
 * meaningless: float32 rounding there scales with the tensor's spread, so 1e-4 × its std.
 */
const ATOL_PER_STD = 1e-4;

const INPUT_DIMS = [2, 3, 224, 224];

function fixtureInput(): Float32Array {
  const bytes = readFileSync(sharedPath('models/input-2x3x224x224.f32le.bin'));
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

function stats(data: Float32Array): { mean: number; std: number } {
  let sum = 0;
  for (let i = 0; i < data.length; i++) sum += data[i];
  const mean = sum / data.length;
  let squares = 0;
  for (let i = 0; i < data.length; i++) squares += (data[i] - mean) ** 2;
  return { mean, std: Math.sqrt(squares / data.length) };
}

interface ExpectedTensor {
  shape: number[];
  first16: number[];
  mean: number;
  std: number;
}

/** Largest |actual − expected| / (|expected| + std) over first16, mean and std: the report's metric. */
const worst: Record<string, number> = {};

function expectTensor(label: string, actual: LayerActivation, expected: ExpectedTensor): void {
  expect(actual.dims, `${label}: shape`).toEqual(expected.shape);
  const atol = ATOL_PER_STD * expected.std;
  const { mean, std } = stats(actual.data);
  const first16 = Array.from(actual.data.subarray(0, 16));
  expectAllClose(first16, expected.first16, { rtol: RTOL, atol }, `${label} first16`);
  expectAllClose([mean], [expected.mean], { rtol: RTOL, atol }, `${label} mean`);
  expectAllClose([std], [expected.std], { rtol: RTOL, atol: 0 }, `${label} std`);
  const pairs: [number, number][] = [...first16.map((v, i): [number, number] => [v, expected.first16[i]]), [mean, expected.mean], [std, expected.std]];
  for (const [a, e] of pairs) worst[label] = Math.max(worst[label] ?? 0, Math.abs(a - e) / (Math.abs(e) + expected.std));
}

const MODELS = [
  { file: 'resnet18-seed0', output: 'logits', outputModule: 'fc' },
  { file: 'alexnet-seed0-trunk', output: 'flatten', outputModule: undefined },
] as const;

afterAll(() => {
  console.log('max error relative to (|expected| + std):', worst);
});

describe.each(MODELS)('$file', ({ file, output, outputModule }) => {
  const expected = loadFixture(`models/${file}.expected.json`);
  let model: OnnxModel;

  beforeAll(async () => {
    model = await OnnxModel.load(sharedPath(`models/${file}.onnx`));
  });
  afterAll(async () => {
    await model?.dispose();
  });

  it('opened graphOnly, names the same layers, tensors and hash without a session, and refuses to run', async () => {
    const graph = await OnnxModel.load(sharedPath(`models/${file}.onnx`), { graphOnly: true });
    expect(graph.layers()).toEqual(model.layers());
    expect(graph.sha256).toBe(model.sha256);
    expect(graph.inputInfo).toEqual(model.inputInfo);
    const layer = model.layers().at(-1)!;
    expect(graph.resolveLayer(layer)).toBe(model.resolveLayer(layer));
    await expect(graph.run(fixtureInput(), INPUT_DIMS, [layer])).rejects.toThrow(/graph-only \(graphOnly: true\) and cannot run/);
  });

  it('maps every leaf module to the tensor of its last call, as the export expects', () => {
    const proto = onnx.ModelProto.decode(readFileSync(sharedPath(`models/${file}.onnx`)));
    const derived = moduleTensors(proto.graph!);
    const wanted = Object.entries<string | { last_call: string }>(expected.module_to_onnx_tensor);
    for (const [path, tensor] of wanted) {
      expect(derived.get(path)?.tensor, path).toBe(typeof tensor === 'string' ? tensor : tensor.last_call);
    }
    const leaves = [...derived.values()].filter((m) => m.leaf).map((m) => m.path);
    expect(leaves).toEqual(wanted.map(([path]) => path));
  });

  it('lists module paths with containers before their children and reports the input', () => {
    const layers = model.layers();
    for (const path of layers) {
      const parent = path.slice(0, Math.max(0, path.lastIndexOf('.')));
      if (parent) expect(layers.indexOf(parent), path).toBeLessThan(layers.indexOf(path));
    }
    expect(model.inputInfo).toEqual({ name: 'input', dims: ['batch', 3, 224, 224] });
    expect(model.outputNames).toEqual([output]);
  });

  it('reproduces the output and every committed layer (all optimisations on)', async () => {
    const committed = Object.keys(expected.layers);
    const acts = await model.run(fixtureInput(), INPUT_DIMS, [output, ...committed]);
    for (const layer of committed) {
      expect(model.resolveLayer(layer), layer).toBe(expected.layers[layer].onnx_tensor);
      expectTensor(`${file}:${layer}`, acts.get(layer)!, expected.layers[layer]);
    }
    expectTensor(`${file}:${output}`, acts.get(output)!, expected[output]);
    if (expected[output].values) {
      const logits = acts.get(output)!;
      expectAllClose(logits.data, expected[output].values, { rtol: RTOL, atol: ATOL_PER_STD * expected[output].std }, `${file}:${output} values`);
    }
    if (outputModule) expect(model.resolveLayer(outputModule)).toBe(output);
  });
});

describe('resnet18 raw tensor names and errors', () => {
  const expected = loadFixture('models/resnet18-seed0.expected.json');
  let model: OnnxModel;
  beforeAll(async () => {
    model = await OnnxModel.load(sharedPath('models/resnet18-seed0.onnx'));
  });
  afterAll(async () => {
    await model?.dispose();
  });

  it('accepts a raw tensor name: the first relu call equals the CPU hook record of layer1.0.bn1', async () => {
    const record = expected.layers['layer1.0.bn1'].brainscore_cpu_hook_records;
    expect(model.resolveLayer(record.onnx_tensor)).toBe(record.onnx_tensor);
    const acts = await model.run(fixtureInput(), INPUT_DIMS, [record.onnx_tensor, 'layer1.0.bn1']);
    expectTensor('resnet18:raw relu call 1', acts.get(record.onnx_tensor)!, record);
    expect([...acts.keys()]).toEqual([record.onnx_tensor, 'layer1.0.bn1']);
  });

  it('keeps a Conv output distinct from its BatchNorm when both are read (no fusion across outputs)', async () => {
    // Fresh BatchNorm scales by 1/sqrt(1 + eps): bn2 must equal conv2 times that, not conv2 itself.
    const BN_SCALE = 1 / Math.sqrt(1 + 1e-5);
    const acts = await model.run(fixtureInput(), INPUT_DIMS, ['layer3.0.conv2', 'layer3.0.bn2']);
    const conv = acts.get('layer3.0.conv2')!.data;
    const bn = acts.get('layer3.0.bn2')!.data;
    let scaledExcess = 0;
    let unscaledGap = 0;
    for (let i = 0; i < conv.length; i++) {
      scaledExcess = Math.max(scaledExcess, Math.abs(bn[i] - conv[i] * BN_SCALE) - 1e-6 * Math.abs(conv[i]));
      unscaledGap = Math.max(unscaledGap, Math.abs(bn[i] - conv[i]) / (Math.abs(conv[i]) || 1));
    }
    expect(scaledExcess).toBeLessThanOrEqual(1e-7);
    expect(unscaledGap).toBeGreaterThan(4e-6);
  });

  it('resolves containers to the output of their last child call', () => {
    expect(model.resolveLayer('layer1.0')).toBe('/layer1/layer1.0/relu_1/Relu_output_0');
    expect(model.resolveLayer('layer4')).toBe('/layer4/layer4.1/relu_1/Relu_output_0');
    expect(model.leafLayers()).not.toContain('layer1');
  });

  it('rejects an unknown layer with close suggestions', () => {
    let error: unknown;
    try {
      model.resolveLayer('layer1.0.bn3');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).exitCode).toBe(2);
    expect((error as Error).message).toMatch(/unknown layer 'layer1\.0\.bn3'.*did you mean 'layer1\.0\.bn1', 'layer1\.0\.bn2'/);
  });

  it('rejects an input whose length does not match its dims', async () => {
    await expect(model.run(new Float32Array(10), INPUT_DIMS, ['avgpool'])).rejects.toThrow(RangeError);
  });
});

describe('OnnxModel.load on bad files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vvs-onnx-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function loadError(path: string): Promise<InputError> {
    const error = await OnnxModel.load(path).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).file).toBe(path);
    expect((error as Error).message).toContain(path);
    return error as InputError;
  }

  it('names a missing file', async () => {
    expect((await loadError(join(dir, 'missing.onnx'))).message).toMatch(/file not found/);
  });

  it('names a garbage file', async () => {
    const path = join(dir, 'garbage.onnx');
    writeFileSync(path, 'this is not a protobuf model\n'.repeat(50));
    await loadError(path);
  });

  it('names a truncated model', async () => {
    const path = join(dir, 'truncated.onnx');
    copyFileSync(sharedPath('models/alexnet-seed0-trunk.onnx'), path);
    const bytes = readFileSync(path);
    writeFileSync(path, bytes.subarray(0, Math.floor(bytes.length / 2)));
    await loadError(path);
  });
});
