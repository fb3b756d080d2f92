import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '@vvs/core';
import { OnnxModel, moduleTensors } from '@vvs/models-onnx';
import { expectAllClose, loadFixture, sharedPath } from '@vvs/test-utils';
import onnxProto from 'onnx-proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARCHITECTURES, buildOnnx, inferArchitecture } from '../src/builders/build-onnx.ts';
import { buildResNet, inferResNetConfig } from '../src/builders/resnet.ts';
import { buildAlexNet } from '../src/builders/alexnet.ts';
import { readCheckpoint, writeCheckpoint } from '../src/torch/checkpoint.ts';
import { tensor } from '../src/torch/tensor.ts';
import type { StateDictTensor } from '../src/builders/state-dict.ts';
import { expectGraphMatchesReference, graphOutput, referenceTensors, relativeMaxDeviation, tinyInput } from './graph-check.ts';
import { randomResNetStateDict, resnetForward } from './reference-forward.ts';
import type { TinyResNet } from './reference-forward.ts';

const { onnx } = onnxProto;

/** The acceptance tolerance: 1e-4 relative (to the tensor's largest magnitude for values near 0). */
const RTOL = 1e-4;

/** Shape of the fixed input file (`input-2x3x224x224.f32le.bin`). */
const INPUT_DIMS = [2, 3, 224, 224];

interface LayerStats {
  onnx_tensor: string;
  shape: number[];
  first16: number[];
  mean: number;
  std: number;
  min: number;
  max: number;
}

interface Expected {
  layers: Record<string, LayerStats>;
  module_to_onnx_tensor: Record<string, string | { last_call: string }>;
  logits?: LayerStats & { values: number[][] };
  flatten?: LayerStats;
}

/** The float32 input, read as little-endian. */
function readInput(): Float32Array {
  const bytes = readFileSync(sharedPath('models/input-2x3x224x224.f32le.bin'));
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return Float32Array.from({ length: bytes.byteLength / 4 }, (_, i) => view.getFloat32(4 * i, true));
}

function decodeModel(bytes: Uint8Array): onnxProto.onnx.ModelProto {
  return onnx.ModelProto.decode(bytes);
}

/** A decoded model's graph (protobufjs fills every repeated field of a decoded message). */
function graphOf(model: onnxProto.onnx.ModelProto): onnxProto.onnx.GraphProto {
  return model.graph as onnxProto.onnx.GraphProto;
}

/**
 * The state dict behind a torch export: its initializers, plus the parameters the exporter
 * de-duplicated (equal tensors) and re-emitted as `Identity(<kept initializer>) → <parameter name>`.
 */
function stateDictOfTorchOnnx(graph: onnxProto.onnx.GraphProto): Map<string, StateDictTensor> {
  const sd = new Map<string, StateDictTensor>();
  for (const t of graph.initializer as onnxProto.onnx.TensorProto[]) {
    expect(t.dataType, `${t.name}: float32`).toBe(1);
    const raw = t.rawData;
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    const data = Float32Array.from({ length: raw.byteLength / 4 }, (_, i) => view.getFloat32(4 * i, true));
    sd.set(t.name, { shape: t.dims.map(Number), data, dtype: 'float32' });
  }
  for (const node of graph.node as onnxProto.onnx.NodeProto[]) {
    if (node.opType === 'Identity' && sd.has(node.input[0])) sd.set(node.output[0], sd.get(node.input[0])!);
  }
  return sd;
}

/** A node as comparable plain data: name, op, inputs, outputs and attributes. */
function nodeSummary(node: onnxProto.onnx.INodeProto): unknown {
  return onnx.NodeProto.toObject(onnx.NodeProto.create(node), { longs: Number, defaults: false });
}

function stats(data: ArrayLike<number>): { first16: number[]; mean: number; std: number } {
  let sum = 0;
  for (let i = 0; i < data.length; i++) sum += data[i];
  const mean = sum / data.length;
  let ss = 0;
  for (let i = 0; i < data.length; i++) ss += (data[i] - mean) ** 2;
  return { first16: Array.from(data).slice(0, 16), mean, std: Math.sqrt(ss / data.length) };
}

/** Checks a tensor against a fixture's first 16 values, mean and std, at {@link RTOL} of its largest magnitude. */
function expectStats(data: Float32Array, dims: number[], ref: LayerStats, label: string): number {
  expect(dims, `${label}: shape`).toEqual(ref.shape);
  const scale = Math.max(Math.abs(ref.min), Math.abs(ref.max));
  const s = stats(data);
  expectAllClose(s.first16, ref.first16, { rtol: RTOL, atol: RTOL * scale }, `${label} first16`);
  expectAllClose([s.mean], [ref.mean], { atol: RTOL * scale }, `${label} mean`);
  expectAllClose([s.std], [ref.std], { rtol: RTOL }, `${label} std`);
  return Math.max(relativeMaxDeviation(s.first16, ref.first16), Math.abs(s.mean - ref.mean) / scale, Math.abs(s.std - ref.std) / ref.std);
}

function lastCall(entry: string | { last_call: string }): string {
  return typeof entry === 'string' ? entry : entry.last_call;
}

describe.each([
  { name: 'resnet18', file: 'models/resnet18-seed0', json: 'models/resnet18-seed0.expected.json', output: 'logits' as const, arch: 'resnet' },
  { name: 'alexnet trunk', file: 'models/alexnet-seed0-trunk', json: 'models/alexnet-seed0-trunk.expected.json', output: 'flatten' as const, arch: 'alexnet' },
])('$name rebuilt from the reference export’s weights', ({ file, json, output, arch }) => {
  const expected = loadFixture<Expected>(json);
  let reference: onnxProto.onnx.ModelProto;
  let built: onnxProto.onnx.ModelProto;
  let model: OnnxModel;
  let bytes: Uint8Array;

  beforeAll(async () => {
    reference = decodeModel(readFileSync(sharedPath(`${file}.onnx`)));
    const result = buildOnnx(stateDictOfTorchOnnx(graphOf(reference)));
    expect(result.architecture).toBe(arch);
    bytes = result.bytes;
    built = decodeModel(bytes);
    model = await OnnxModel.fromBytes(bytes, `${arch}.onnx`, { intraOpNumThreads: 1 });
  });
  afterAll(async () => model?.dispose());

  it('has the exporter’s nodes (names, ops, inputs, outputs, attributes) in its order, minus the de-duplicating Identity nodes', () => {
    const referenceNodes = (graphOf(reference).node as onnxProto.onnx.NodeProto[]).filter((n) => n.opType !== 'Identity').map(nodeSummary);
    expect(graphOf(built).node.map(nodeSummary)).toEqual(referenceNodes);
    const io = (m: onnxProto.onnx.ModelProto) => ({
      input: (graphOf(m).input as onnxProto.onnx.ValueInfoProto[]).map((v) => onnx.ValueInfoProto.toObject(v, { longs: Number })),
      output: (graphOf(m).output as onnxProto.onnx.ValueInfoProto[]).map((v) => onnx.ValueInfoProto.toObject(v, { longs: Number })),
      opset: m.opsetImport.map((o) => Number(o.version)),
      irVersion: Number(m.irVersion),
    });
    expect(io(built)).toEqual(io(reference));
  });

  it('resolves every module path to the tensor of module_to_onnx_tensor', () => {
    const modules = moduleTensors(graphOf(built));
    for (const [path, entry] of Object.entries(expected.module_to_onnx_tensor)) {
      expect(modules.get(path)?.tensor, path).toBe(lastCall(entry));
      expect(model.resolveLayer(path), path).toBe(lastCall(entry));
    }
    for (const [path, layer] of Object.entries(expected.layers)) expect(model.resolveLayer(path), path).toBe(layer.onnx_tensor);
  });

  it(`reproduces ${output} and the seed's layers within 1e-4 relative`, async () => {
    const layers = Object.keys(expected.layers);
    const out = await model.run(readInput(), INPUT_DIMS, [output, ...layers]);
    const worst: Record<string, number> = {};
    const ref = expected[output]!;
    worst[output] = expectStats(out.get(output)!.data, out.get(output)!.dims, ref, output);
    if (output === 'logits') {
      const values = expected.logits!.values.flat();
      const scale = Math.max(Math.abs(ref.min), Math.abs(ref.max));
      expectAllClose(out.get(output)!.data, values, { rtol: RTOL, atol: RTOL * scale }, 'logits');
      worst['logits (all 2000)'] = relativeMaxDeviation(out.get(output)!.data, values);
    }
    for (const layer of layers) worst[layer] = expectStats(out.get(layer)!.data, out.get(layer)!.dims, expected.layers[layer], layer);
    console.info(`${arch}: max deviation relative to the tensor's largest magnitude`, worst);
  });

  it('builds the same bytes from the .pt checkpoint read by readCheckpoint', async () => {
    const { stateDict } = await readCheckpoint(sharedPath(`${file}.pt`));
    const fromCheckpoint = buildOnnx(stateDict);
    expect(fromCheckpoint.architecture).toBe(arch);
    expect(Buffer.from(fromCheckpoint.bytes).equals(Buffer.from(bytes))).toBe(true);
  });
});

describe('class count', () => {
  it('reads another class count from fc: resnet18 with a 10-class head', async () => {
    const tenClass = new Map(stateDictOfTorchOnnx(graphOf(decodeModel(readFileSync(sharedPath('models/resnet18-seed0.onnx'))))));
    const weight = Float32Array.from({ length: 10 * 512 }, (_, i) => Math.sin(i) * 0.05);
    const bias = Float32Array.from({ length: 10 }, (_, i) => i / 10);
    tenClass.set('fc.weight', { shape: [10, 512], data: weight });
    tenClass.set('fc.bias', { shape: [10], data: bias });
    expect(inferResNetConfig(tenClass)).toEqual({ block: 'basic', blocks: [2, 2, 2, 2], numClasses: 10 });
    const ten = await OnnxModel.fromBytes(buildResNet(tenClass), 'resnet18-10.onnx', { intraOpNumThreads: 1 });
    try {
      const out = await ten.run(readInput(), INPUT_DIMS, ['logits', 'avgpool']);
      expect(out.get('logits')!.dims).toEqual([2, 10]);
      // logits = avgpool · Wᵀ + b, computed here in float64 from the graph's own avgpool.
      const pooled = out.get('avgpool')!.data;
      const want = Array.from({ length: 20 }, (_, k) => {
        const [n, o] = [Math.floor(k / 10), k % 10];
        let s = bias[o];
        for (let i = 0; i < 512; i++) s += pooled[n * 512 + i] * weight[o * 512 + i];
        return s;
      });
      expectAllClose(out.get('logits')!.data, want, { rtol: 1e-5, atol: 1e-5 }, '10-class logits');
    } finally {
      await ten.dispose();
    }
  });
});

/** The tiny-input checks: our graph against the float64 reference forward pass of reference-forward.ts. */
const TINY_SIZE = 32;

/**
 * Builds a random-weight ResNet the way a seed checkpoint reaches vvs — written as a `.pt` file in the
 * seed's Composer layout (`state.model`, names under `module.`) by `writeCheckpoint`, read back by
 * `readCheckpoint`, then built — runs it on a 2×3×32×32 input and checks its output and `layers`
 * against the float64 forward pass of the original weights, within 1e-4 of each tensor's largest
 * magnitude; returns the measured deviations.
 */
async function expectMatchesReference(spec: TinyResNet, seed: number, layers: string[]): Promise<Record<string, number>> {
  const original = randomResNetStateDict(spec, seed);
  const dir = mkdtempSync(join(tmpdir(), 'vvs-builders-'));
  let sd: ReadonlyMap<string, StateDictTensor>;
  try {
    const file = join(dir, 'ep100.pt');
    const asTensor = (t: StateDictTensor) =>
      t.data instanceof BigInt64Array ? tensor('int64', [...t.shape], t.data) : tensor('float32', [...t.shape], Float32Array.from(t.data));
    const wrapped = new Map([...original].map(([key, t]) => [`module.${key}`, asTensor(t)]));
    await writeCheckpoint(file, { state: { model: wrapped } });
    const read = await readCheckpoint(file);
    expect(read.keyPath).toEqual(['state', 'model']);
    expect([...read.stateDict.keys()]).toEqual([...original.keys()]);
    sd = read.stateDict;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const { input, x } = tinyInput(TINY_SIZE);
  const reference = resnetForward(spec, original, x);
  const { architecture, bytes } = buildOnnx(sd, { inputSize: TINY_SIZE });
  expect(architecture).toBe('resnet');
  return expectGraphMatchesReference(bytes, 'tiny.onnx', input, x.shape, referenceTensors(reference, graphOutput(spec.numClasses !== undefined, 'fc'), layers), RTOL);
}

describe('ResNet variants from random weights against a float64 forward pass', () => {
  it('width-scaled BasicBlock ResNet (base width 32, [1, 1, 1, 1] blocks, 10 classes)', async () => {
    const spec: TinyResNet = { block: 'basic', widths: [32, 32, 64, 128, 256], blocks: [1, 1, 1, 1], numClasses: 10 };
    const worst = await expectMatchesReference(spec, 1, ['layer1.0.bn1', 'layer1.0.relu', 'layer2.0.conv1', 'layer2.0.downsample.1', 'layer4.0.bn2', 'avgpool']);
    console.info('width-scaled ResNet: max deviation relative to the largest magnitude', worst);
  });

  it('depth-scaled ResNetFlexFilters d-1-0-1-0 (identity stages), odd widths, as a trunk', async () => {
    const spec: TinyResNet = { block: 'basic', widths: [24, 24, 40, 56, 72], blocks: [1, 0, 1, 0] };
    const sd = randomResNetStateDict(spec, 2);
    expect(inferResNetConfig(sd)).toEqual({ block: 'basic', blocks: [1, 0, 1], numClasses: undefined });
    const worst = await expectMatchesReference(spec, 2, ['relu', 'layer1.0.relu', 'layer3.0.conv1', 'layer3.0.relu']);
    console.info('depth-scaled ResNet trunk: max deviation', worst);
  });

  it('Bottleneck ResNet with grouped 3×3 convs (ResNeXt-like), [2, 1, 1, 1] blocks, 7 classes', async () => {
    const spec: TinyResNet = { block: 'bottleneck', widths: [16, 8, 16, 16, 32], blocks: [2, 1, 1, 1], groups: 4, numClasses: 7 };
    const worst = await expectMatchesReference(spec, 3, ['layer1.0.relu', 'layer1.1.bn3', 'layer2.0.conv2', 'layer3.0.downsample.0', 'layer4.0.relu', 'avgpool']);
    console.info('Bottleneck ResNet: max deviation', worst);
  });

  it('names the bottleneck’s three relu calls relu, relu_1, relu_2 and keeps the last for the module', () => {
    const spec: TinyResNet = { block: 'bottleneck', widths: [8, 4, 4, 4, 4], blocks: [1, 1, 1, 1], numClasses: 3 };
    const built = graphOf(decodeModel(buildResNet(randomResNetStateDict(spec, 4), { inputSize: TINY_SIZE })));
    const names = built.node.map((n) => n.name ?? '').filter((n) => n.startsWith('/layer2/layer2.0/relu'));
    expect(names).toEqual(['/layer2/layer2.0/relu/Relu', '/layer2/layer2.0/relu_1/Relu', '/layer2/layer2.0/relu_2/Relu']);
    expect(moduleTensors(built).get('layer2.0.relu')?.tensor).toBe('/layer2/layer2.0/relu_2/Relu_output_0');
  });
});

describe('architecture dispatch and errors', () => {
  const tensor = (shape: number[]): StateDictTensor => ({ shape, data: new Float32Array(shape.reduce((a, b) => a * b, 1)) });

  it('lists what each builder expects when no architecture matches', () => {
    const sd = new Map([
      ['conv_stem.weight', tensor([32, 3, 3, 3])],
      ['bn1.weight', tensor([32])],
    ]);
    expect(ARCHITECTURES).toEqual(['resnet', 'alexnet', 'convnext', 'efficientnet']);
    expect(() => inferArchitecture(sd)).toThrow(InputError);
    expect(() => buildOnnx(sd)).toThrow(
      'no known architecture: expected conv1.weight + layer1.0.* (ResNet) or features.0.weight (AlexNet) or features.0.0.weight + features.1.0.block.0.weight (ConvNeXt) or features.0.0.weight + features.1.0.block.0.0.weight (EfficientNet); got keys conv_stem.weight, bn1.weight (2 keys)',
    );
  });

  it('names a missing parameter, a misshapen one, and a non-float one', () => {
    const spec: TinyResNet = { block: 'basic', widths: [8, 8, 8, 8, 8], blocks: [1, 1, 1, 1], numClasses: 2 };
    const missing = randomResNetStateDict(spec, 5);
    missing.delete('layer2.0.bn2.running_var');
    expect(() => buildResNet(missing)).toThrow(/state dict has no 'layer2\.0\.bn2\.running_var', which the ResNet builder needs/);
    const misshapen = randomResNetStateDict(spec, 5);
    misshapen.set('layer3.0.conv2.weight', tensor([8, 4, 3, 3]));
    expect(() => buildResNet(misshapen)).toThrow('layer3.0.conv2.weight: shape [8, 4, 3, 3] takes 4 input channels (groups 1), but its input has 8');
    const halves = randomResNetStateDict(spec, 5);
    halves.set('fc.bias', { shape: [2], data: new Uint16Array(2), dtype: 'float16' });
    expect(() => buildResNet(halves)).toThrow(/'fc\.bias': expected float32 or float64 values, got float16/);
  });

  it('rejects an unknown arch, a bad input size, and an AlexNet input the adaptive pool cannot export', () => {
    const alex = new Map<string, StateDictTensor>([
      ['features.0.weight', tensor([4, 3, 11, 11])],
      ['features.0.bias', tensor([4])],
      ['features.3.weight', tensor([4, 4, 5, 5])],
      ['features.3.bias', tensor([4])],
      ['features.6.weight', tensor([4, 4, 3, 3])],
      ['features.6.bias', tensor([4])],
      ['features.8.weight', tensor([4, 4, 3, 3])],
      ['features.8.bias', tensor([4])],
      ['features.10.weight', tensor([4, 4, 3, 3])],
      ['features.10.bias', tensor([4])],
    ]);
    expect(() => buildOnnx(alex, { arch: 'vgg' as never })).toThrow("arch: expected one of resnet, alexnet, convnext, efficientnet, got 'vgg'");
    expect(() => buildOnnx(alex, { inputSize: 0 })).toThrow('inputSize: expected a positive integer (pixels), got 0');
    expect(() => buildAlexNet(alex, { inputSize: 200 })).toThrow(/avgpool: AdaptiveAvgPool2d\(6\) is exported only for an input size that is a multiple of 6, got 5×5/);
    expect(graphOf(decodeModel(buildAlexNet(alex))).output[0].name).toBe('flatten');
  });
});
