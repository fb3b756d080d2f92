import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '@vvs/core';
import { OnnxModel } from '@vvs/models-onnx';
import onnxProto from 'onnx-proto';
import { describe, expect, it } from 'vitest';
import { buildOnnx, inferArchitecture } from '../src/builders/build-onnx.ts';
import { buildConvNeXt, inferConvNeXtConfig, looksLikeConvNeXt } from '../src/builders/convnext.ts';
import type { StateDictTensor } from '../src/builders/state-dict.ts';
import { readCheckpoint, writeCheckpoint } from '../src/torch/checkpoint.ts';
import { tensor } from '../src/torch/tensor.ts';
import { TORCHVISION_CONVNEXTS, convnextForward, convnextParameterShapes, erf, randomConvNeXtStateDict } from './convnext-reference.ts';
import type { ConvNeXtSpec } from './convnext-reference.ts';
import { expectGraphMatchesReference, referenceTensors, tinyInput } from './graph-check.ts';
import type { Activation } from './reference-forward.ts';

const { onnx } = onnxProto;

/** The acceptance tolerance, relative to each tensor's largest magnitude. */
const RTOL = 1e-4;

/** Side of the tiny test images: the stem (÷4) and three downsamplings (÷2 each) bring 32 to 1. */
const TINY_SIZE = 32;

/** The tiny ConvNeXt of these tests: four stages as torchvision's, with a two-block third stage. */
const TINY: ConvNeXtSpec = { dims: [8, 16, 24, 32], depths: [1, 1, 2, 1], numClasses: 10 };

/** The fixed 2×3×32×32 input, as float32 for the graph and float64 for the reference. */
const { input: INPUT, x: X } = tinyInput(TINY_SIZE);

/** A state dict with the keys and shapes of `spec` and no values (enough for inference from shapes). */
function shapesOnly(spec: ConvNeXtSpec): Map<string, StateDictTensor> {
  return new Map([...convnextParameterShapes(spec)].map(([key, shape]) => [key, { shape, data: new Float32Array(0) }]));
}

function graphOf(bytes: Uint8Array): onnxProto.onnx.GraphProto {
  return onnx.ModelProto.decode(bytes).graph as onnxProto.onnx.GraphProto;
}

/**
 * Runs `bytes` on the fixed input and checks `output` (the graph tensor, against the reference's
 * `module`) and every module of `layers` against the float64 forward pass `reference`, within
 * {@link RTOL} of each tensor's largest magnitude and with the reference's shape; returns the
 * measured deviations.
 */
function expectMatchesReference(
  bytes: Uint8Array,
  reference: Map<string, Activation>,
  output: { name: string; module: string },
  layers: readonly string[],
): Promise<Record<string, number>> {
  return expectGraphMatchesReference(bytes, 'convnext.onnx', INPUT, X.shape, referenceTensors(reference, [output.name, output.module], layers), RTOL);
}

describe('float64 reference', () => {
  it('erf matches tabulated values on both sides of its series/continued-fraction switch', () => {
    const table: [number, number][] = [
      [0.5, 0.5204998778130465],
      [1, 0.8427007929497149],
      [-1.5, -0.9661051464753108],
      [2, 0.9953222650189527],
      [2.4999, 0.9995928300996666],
      [2.5, 0.999593047982555],
      [3, 0.9999779095030014],
      [5, 0.9999999999984626],
    ];
    for (const [x, want] of table) expect(Math.abs(erf(x) - want), `erf(${x})`).toBeLessThan(1e-12);
  });
});

describe('ConvNeXt configuration from the state dict', () => {
  it.each(Object.entries(TORCHVISION_CONVNEXTS))('reads %s’s depths, widths and classes from its shapes', (_, spec) => {
    const sd = shapesOnly(spec);
    expect(looksLikeConvNeXt(sd)).toBe(true);
    expect(inferArchitecture(sd)).toBe('convnext');
    expect(inferConvNeXtConfig(sd)).toEqual({ depths: spec.depths, dims: spec.dims, numClasses: 1000 });
  });

  it('reads a width-scaled trunk (the seed’s convnextflex widths), an empty stage, and no head', () => {
    const flex: ConvNeXtSpec = { dims: [48, 96, 192, 384], depths: [3, 3, 9, 3], numClasses: 565 };
    expect(inferConvNeXtConfig(shapesOnly(flex))).toEqual({ depths: [3, 3, 9, 3], dims: [48, 96, 192, 384], numClasses: 565 });
    const hollow: ConvNeXtSpec = { dims: [8, 16, 16, 24], depths: [1, 0, 1, 1] };
    expect(inferConvNeXtConfig(shapesOnly(hollow))).toEqual({ depths: [1, 0, 1, 1], dims: [8, 16, 16, 24], numClasses: undefined });
  });
});

describe('tiny random-weight ConvNeXt against a float64 forward pass', () => {
  it('the seed’s checkpoint layout (EMA weights under state.model_ema_state_dict): logits and the seed’s kinds of layers', async () => {
    const ema = randomConvNeXtStateDict(TINY, 1);
    const live = randomConvNeXtStateDict(TINY, 2);
    const dir = mkdtempSync(join(tmpdir(), 'vvs-convnext-'));
    let sd: ReadonlyMap<string, StateDictTensor>;
    try {
      const file = join(dir, 'ep300.pt');
      const asTensors = (weights: Map<string, StateDictTensor>) =>
        new Map([...weights].map(([key, t]) => [`module.${key}`, tensor('float32', [...t.shape], Float32Array.from(t.data as Float32Array))]));
      await writeCheckpoint(file, { state: { model: asTensors(live), model_ema_state_dict: asTensors(ema) } });
      const read = await readCheckpoint(file, { prefer: 'ema' });
      expect(read.keyPath).toEqual(['state', 'model_ema_state_dict']);
      sd = read.stateDict;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const { architecture, bytes } = buildOnnx(sd, { inputSize: TINY_SIZE });
    expect(architecture).toBe('convnext');
    const reference = convnextForward(TINY, ema, X);
    // The kinds of module the seed commits for its ConvNeXts: a downsampling LayerNorm2d
    // (features.4.0), a block's depthwise conv (block.0), LayerNorm (block.2, NHWC), Linears (block.3,
    // block.5), GELU (block.4), a whole CNBlock (features.5.1), a downsampling conv (features.6.1),
    // and the behavioural readout classifier.1.
    const layers = [
      'features.0',
      'features.1.0.block.0',
      'features.3.0.block.2',
      'features.4.0',
      'features.5.0.block.3',
      'features.5.1',
      'features.5.1.block.4',
      'features.5.1.block.5',
      'features.6.1',
      'features.7.0.block.0',
      'features.7',
      'avgpool',
      'classifier.0',
      'classifier.1',
    ];
    const worst = await expectMatchesReference(bytes, reference, { name: 'logits', module: 'classifier.2' }, layers);
    console.info('tiny ConvNeXt: max deviation relative to the largest magnitude', worst);
  });

  it('a trunk without classifier (output flatten(avgpool)), with an empty stage and other widths', async () => {
    const spec: ConvNeXtSpec = { dims: [8, 16, 16, 24], depths: [1, 0, 1, 1] };
    const weights = randomConvNeXtStateDict(spec, 3);
    const bytes = buildConvNeXt(weights, { inputSize: TINY_SIZE });
    expect(graphOf(bytes).output[0].name).toBe('flatten');
    const reference = convnextForward(spec, weights, X);
    const worst = await expectMatchesReference(bytes, reference, { name: 'flatten', module: 'avgpool' }, ['features.2.1', 'features.4.0', 'features.5.0']);
    console.info('ConvNeXt trunk: max deviation', worst);
  });

  it('a trunk that keeps the head’s LayerNorm2d ends at classifier.1', async () => {
    const spec: ConvNeXtSpec = { ...TINY, numClasses: undefined, keepHeadNorm: true };
    const weights = randomConvNeXtStateDict(spec, 4);
    const bytes = buildConvNeXt(weights, { inputSize: TINY_SIZE });
    const reference = convnextForward(spec, weights, X);
    const worst = await expectMatchesReference(bytes, reference, { name: 'flatten', module: 'classifier.1' }, ['classifier.1']);
    console.info('ConvNeXt trunk with head norm: max deviation', worst);
  });
});

describe('ConvNeXt graph naming (torch 1.13 exporter, opset 13)', () => {
  const bytes = buildConvNeXt(randomConvNeXtStateDict(TINY, 5), { inputSize: TINY_SIZE });
  const built = graphOf(bytes);
  const names = built.node.map((n) => n.name ?? '');
  const opsIn = (scope: string) => names.filter((name) => name.startsWith(`${scope}/`)).map((name) => name.slice(scope.length + 1));

  it('resolves the seed’s layer names to the tensors torch’s exporter gives them', async () => {
    const model = await OnnxModel.fromBytes(bytes, 'names.onnx');
    try {
      const expected: Record<string, string> = {
        'features.4.0': '/features/features.4/features.4.0/Transpose_1_output_0',
        'features.5.1.block.0': '/features/features.5/features.5.1/block/block.0/Conv_output_0',
        'features.5.1.block.2': '/features/features.5/features.5.1/block/block.2/Add_1_output_0',
        'features.5.0.block.3': '/features/features.5/features.5.0/block/block.3/Add_output_0',
        'features.7.0.block.4': '/features/features.7/features.7.0/block/block.4/Mul_1_output_0',
        'features.5.1': '/features/features.5/features.5.1/Add_output_0',
        'features.6.1': '/features/features.6/features.6.1/Conv_output_0',
        'classifier.1': '/classifier/classifier.1/Flatten_output_0',
        'classifier.2': 'logits',
      };
      for (const [layer, name] of Object.entries(expected)) expect(model.resolveLayer(layer), layer).toBe(name);
    } finally {
      await model.dispose();
    }
  });

  it('emits LayerNorm, Linear, GELU and the layer scale as the exporter decomposes them', () => {
    const block = '/features/features.1/features.1.0';
    expect(opsIn(`${block}/block/block.2`)).toEqual(['ReduceMean', 'Sub', 'Constant', 'Pow', 'ReduceMean_1', 'Constant_1', 'Add', 'Sqrt', 'Div', 'Mul', 'Add_1']);
    expect(opsIn('/features/features.0/features.0.1')).toEqual(['Transpose', 'ReduceMean', 'Sub', 'Constant', 'Pow', 'ReduceMean_1', 'Constant_1', 'Add', 'Sqrt', 'Div', 'Mul', 'Add_1', 'Transpose_1']);
    expect(opsIn(`${block}/block/block.3`)).toEqual(['Transpose', 'MatMul', 'Add']);
    expect(opsIn(`${block}/block/block.4`)).toEqual(['Constant', 'Div', 'Erf', 'Constant_1', 'Add', 'Mul', 'Constant_2', 'Mul_1']);
    const own = built.node.filter((n) => n.name === `${block}/Mul` || n.name === `${block}/Add`);
    expect(own.map((n) => [n.name, n.input])).toEqual([
      [`${block}/Mul`, ['features.1.0.layer_scale', `${block}/block/block.6/Transpose_output_0`]],
      [`${block}/Add`, [`${block}/Mul_output_0`, '/features/features.0/features.0.1/Transpose_1_output_0']],
    ]);
    const linearAdd = built.node.find((n) => n.name === `${block}/block/block.3/Add`)!;
    expect(linearAdd.input).toEqual(['features.1.0.block.3.bias', `${block}/block/block.3/MatMul_output_0`]);
    const eps = onnx.TensorProto.create(built.node.find((n) => n.name === `${block}/block/block.2/Constant_1`)!.attribute![0].t!);
    expect(eps.dims).toEqual([]);
    expect(new DataView(eps.rawData.buffer, eps.rawData.byteOffset, 4).getFloat32(0, true)).toBe(Math.fround(1e-6));
  });
});

describe('ConvNeXt errors', () => {
  it('names a missing parameter, a gap in a stage, and a misshapen layer scale', () => {
    const missing = randomConvNeXtStateDict(TINY, 6);
    missing.delete('features.5.1.block.3.bias');
    expect(() => buildConvNeXt(missing)).toThrow(/state dict has no 'features\.5\.1\.block\.3\.bias', which the ConvNeXt builder needs/);
    const gap = new Map([...randomConvNeXtStateDict(TINY, 6)].filter(([key]) => !key.startsWith('features.5.0.')));
    expect(() => inferConvNeXtConfig(gap)).toThrow(InputError);
    expect(() => inferConvNeXtConfig(gap)).toThrow('ConvNeXt state dict: features.5 has blocks [1], expected 0…0');
    const misshapen = randomConvNeXtStateDict(TINY, 6);
    misshapen.set('features.3.0.layer_scale', { shape: [8, 1, 1], data: new Float32Array(8) });
    expect(() => buildConvNeXt(misshapen, { inputSize: TINY_SIZE })).toThrow('features.3.0: shapes [8, 1, 1] and [batch, 16, 4, 4] do not broadcast');
  });

  it('refuses a state dict without the stem when asked for a ConvNeXt', () => {
    const sd = new Map<string, StateDictTensor>([['conv1.weight', { shape: [8, 3, 7, 7], data: new Float32Array(8 * 3 * 49) }]]);
    expect(looksLikeConvNeXt(sd)).toBe(false);
    expect(() => buildOnnx(sd, { arch: 'convnext' })).toThrow("not a ConvNeXt state dict: expected the stem 'features.0.0.weight'; got keys conv1.weight (1 key)");
  });
});
