import { InputError } from '@vvs/core';
import { moduleTensors } from '@vvs/models-onnx';
import { loadFixture } from '@vvs/test-utils';
import onnxProto from 'onnx-proto';
import { describe, expect, it } from 'vitest';
import { buildOnnx, inferArchitecture } from '../src/builders/build-onnx.ts';
import { EFFICIENTNET_STAGE_STRIDES, buildEfficientNet, inferEfficientNetConfig, looksLikeEfficientNet } from '../src/builders/efficientnet.ts';
import type { StateDictTensor } from '../src/builders/state-dict.ts';
import { efficientNetForward, randomEfficientNetStateDict } from './efficientnet-reference.ts';
import type { TinyEfficientNet } from './efficientnet-reference.ts';
import { expectGraphMatchesReference, graphOutput, referenceTensors, tinyInput } from './graph-check.ts';

const { onnx } = onnxProto;

/** The acceptance tolerance, relative to each tensor's largest magnitude. */
const RTOL = 1e-4;

/** Side of the tiny input images. */
const TINY_SIZE = 32;

/**
 * A B0-shaped EfficientNet with tiny widths: torchvision's seven stages, kernels and strides
 * (B0's `inverted_residual_setting`), B1/B2-like depths (two expand-ratio-1 blocks in
 * `features.1`, the second one residual), so that every layer the seed commits for B0 … B2 exists.
 */
const TINY_B0: TinyEfficientNet = {
  stem: 8,
  stages: [
    { expandRatio: 1, kernel: 3, stride: 1, out: 4, layers: 2 },
    { expandRatio: 6, kernel: 3, stride: 2, out: 8, layers: 2 },
    { expandRatio: 6, kernel: 5, stride: 2, out: 12, layers: 1 },
    { expandRatio: 6, kernel: 3, stride: 2, out: 16, layers: 3 },
    { expandRatio: 6, kernel: 5, stride: 1, out: 20, layers: 2 },
    { expandRatio: 6, kernel: 5, stride: 2, out: 24, layers: 2 },
    { expandRatio: 6, kernel: 3, stride: 1, out: 32, layers: 1 },
  ],
  head: 64,
  numClasses: 10,
};

/** A three-stage trunk (no classifier) with odd widths and an expand ratio of 4. */
const TINY_TRUNK: TinyEfficientNet = {
  stem: 12,
  stages: [
    { expandRatio: 1, kernel: 3, stride: 1, out: 6, layers: 1 },
    { expandRatio: 4, kernel: 5, stride: 2, out: 10, layers: 3 },
    { expandRatio: 6, kernel: 3, stride: 2, out: 14, layers: 1 },
  ],
  head: 40,
};

/** The layers the seed commits (`layers`, `region2layer`, behavioural readout) for its EfficientNet-B0 … B2. */
function seedEfficientNetLayers(): string[] {
  type Commitment = { layers: string[]; region2layer: Record<string, string>; behavioral_readout_layer: string };
  const commitments = loadFixture<Record<string, Record<string, Record<string, Commitment>>>>('seed/artifacts/commitments.json');
  const layers = new Set<string>();
  for (const arch of ['EfficientNet_B0', 'EfficientNet_B1', 'EfficientNet_B2']) {
    for (const bySeed of Object.values(commitments[arch])) {
      for (const c of Object.values(bySeed)) {
        for (const layer of [...c.layers, ...Object.values(c.region2layer), c.behavioral_readout_layer]) layers.add(layer);
      }
    }
  }
  return [...layers].sort();
}

/**
 * Builds a random-weight EfficientNet through {@link buildOnnx} (architecture recognised from the
 * keys), runs it on the tiny input and checks its output and `layers` against the float64 forward
 * pass within {@link RTOL} of each tensor's largest magnitude; returns the measured deviations.
 */
async function expectMatchesReference(spec: TinyEfficientNet, seed: number, layers: string[]): Promise<Record<string, number>> {
  const sd = randomEfficientNetStateDict(spec, seed);
  const { input, x } = tinyInput(TINY_SIZE);
  const reference = efficientNetForward(spec, sd, x);
  const { architecture, bytes } = buildOnnx(sd, { inputSize: TINY_SIZE });
  expect(architecture).toBe('efficientnet');
  return expectGraphMatchesReference(bytes, 'tiny-efficientnet.onnx', input, x.shape, referenceTensors(reference, graphOutput(spec.numClasses !== undefined, 'classifier.1'), layers), RTOL);
}

/** A built model's graph (protobufjs fills every repeated field of a decoded message). */
const graphOf = (bytes: Uint8Array): onnxProto.onnx.GraphProto => onnx.ModelProto.decode(bytes).graph as onnxProto.onnx.GraphProto;

describe('EfficientNet from random weights against a float64 forward pass', () => {
  it('infers kernels, strides, expansion, squeeze widths and residuals from the state dict', () => {
    const config = inferEfficientNetConfig(randomEfficientNetStateDict(TINY_B0, 1));
    expect(config.stemChannels).toBe(8);
    expect(config.headChannels).toBe(64);
    expect(config.numClasses).toBe(10);
    expect(config.stages.map((s) => s.length)).toEqual([2, 2, 1, 3, 2, 2, 1]);
    expect(config.stages.map((s) => s[0].kernelSize)).toEqual([3, 3, 5, 3, 5, 5, 3]);
    expect(config.stages.map((s) => s[0].stride)).toEqual([...EFFICIENTNET_STAGE_STRIDES]);
    expect(config.stages.flat().map((b) => b.stride)).toEqual([1, 1, 2, 1, 2, 2, 1, 1, 1, 1, 2, 1, 1]);
    expect(config.stages[0]).toEqual([
      { path: 'features.1.0', inChannels: 8, expand: false, expandedChannels: 8, outChannels: 4, kernelSize: 3, stride: 1, squeezeChannels: 2, residual: false },
      { path: 'features.1.1', inChannels: 4, expand: false, expandedChannels: 4, outChannels: 4, kernelSize: 3, stride: 1, squeezeChannels: 1, residual: true },
    ]);
    expect(config.stages[3][1]).toEqual({
      path: 'features.4.1',
      inChannels: 16,
      expand: true,
      expandedChannels: 96,
      outChannels: 16,
      kernelSize: 3,
      stride: 1,
      squeezeChannels: 4,
      residual: true,
    });
    expect(config.stages.flat().filter((b) => b.residual).map((b) => b.path)).toEqual([
      'features.1.1',
      'features.2.1',
      'features.4.1',
      'features.4.2',
      'features.5.1',
      'features.6.1',
    ]);
  });

  it('B0-shaped, 7 stages, 10 classes: logits, internals and every layer the seed commits for B0 … B2', async () => {
    const seedLayers = seedEfficientNetLayers();
    // The seed's names are torchvision's (features.<stage>.<block>.block.<i>.<j>), and all exist in this net.
    expect(seedLayers).toContain('features.4.0.block.1.0');
    expect(seedLayers).toContain('features.6.0.block');
    const internals = [
      'features.0', // stem SiLU
      'features.1.0.block.1', // squeeze-excitation of an expand-ratio-1 block
      'features.1.1', // residual expand-ratio-1 block
      'features.2.0.block.2.fc1',
      'features.2.0.block.2.activation',
      'features.2.0.block.2.scale_activation',
      'features.3.0.block.1.0', // 5×5 depthwise, stride 2
      'features.5.0.block.1.2', // 5×5 depthwise, stride 1
      'features.5.1', // residual expand-ratio-6 block
      'features.7', // last stage
      'features.8', // head
    ];
    const worst = await expectMatchesReference(TINY_B0, 1, [...seedLayers, ...internals]);
    console.info('tiny EfficientNet (B0-shaped): max deviation relative to the largest magnitude', worst);
  });

  it('three-stage trunk without a classifier, odd widths, expand ratio 4', async () => {
    const sd = randomEfficientNetStateDict(TINY_TRUNK, 2);
    expect(inferEfficientNetConfig(sd).numClasses).toBeUndefined();
    const worst = await expectMatchesReference(TINY_TRUNK, 2, ['features.1.0.block.2.1', 'features.2.0.block.0.2', 'features.2.2', 'features.3.0.block.2', 'features.4', 'avgpool']);
    console.info('tiny EfficientNet trunk: max deviation', worst);
  });

  it('names nodes as torch’s exporter does: SiLU as Sigmoid + Mul, the SE scale and the residual in their modules’ scopes', () => {
    const bytes = buildEfficientNet(randomEfficientNetStateDict(TINY_B0, 3), { inputSize: TINY_SIZE });
    const graph = graphOf(bytes);
    const nodes = graph.node as onnxProto.onnx.NodeProto[];
    const names = nodes.map((n) => n.name);
    expect(names.slice(0, 4)).toEqual([
      '/features/features.0/features.0.0/Conv',
      '/features/features.0/features.0.1/BatchNormalization',
      '/features/features.0/features.0.2/Sigmoid',
      '/features/features.0/features.0.2/Mul',
    ]);
    expect(names.filter((n) => n.startsWith('/features/features.2/features.2.1/') && !n.includes('/block/block.'))).toEqual(['/features/features.2/features.2.1/Add']);
    expect(names.filter((n) => n.startsWith('/features/features.2/features.2.1/block/block.2/'))).toEqual([
      '/features/features.2/features.2.1/block/block.2/avgpool/GlobalAveragePool',
      '/features/features.2/features.2.1/block/block.2/fc1/Conv',
      '/features/features.2/features.2.1/block/block.2/activation/Sigmoid',
      '/features/features.2/features.2.1/block/block.2/activation/Mul',
      '/features/features.2/features.2.1/block/block.2/fc2/Conv',
      '/features/features.2/features.2.1/block/block.2/scale_activation/Sigmoid',
      '/features/features.2/features.2.1/block/block.2/Mul',
    ]);
    expect(names.slice(-3)).toEqual(['/avgpool/GlobalAveragePool', '/Flatten', '/classifier/classifier.1/Gemm']);
    const depthwise = nodes.find((n) => n.name === '/features/features.3/features.3.0/block/block.1/block.1.0/Conv')!;
    const attribute = (name: string) => (depthwise.attribute as onnxProto.onnx.AttributeProto[]).find((a) => a.name === name)!;
    expect(Number(attribute('group').i)).toBe(48);
    expect(attribute('kernel_shape').ints.map(Number)).toEqual([5, 5]);
    expect(attribute('strides').ints.map(Number)).toEqual([2, 2]);
    expect(attribute('pads').ints.map(Number)).toEqual([2, 2, 2, 2]);
    const modules = moduleTensors(graph);
    expect(modules.get('features.4.0.block.0.2')?.tensor).toBe('/features/features.4/features.4.0/block/block.0/block.0.2/Mul_output_0');
    expect(modules.get('features.6.0.block')?.tensor).toBe('/features/features.6/features.6.0/block/block.3/block.3.1/BatchNormalization_output_0');
    expect(modules.get('features.6.1')?.tensor).toBe('/features/features.6/features.6.1/Add_output_0');
    expect(modules.get('avgpool')?.tensor).toBe('/avgpool/GlobalAveragePool_output_0');
  });
});

describe('EfficientNet dispatch and errors', () => {
  const zeros = (shape: number[]): StateDictTensor => ({ shape, data: new Float32Array(shape.reduce((a, b) => a * b, 1)) });

  it('is recognised by its keys, and not confused with ConvNeXt’s or AlexNet’s features.*', () => {
    expect(inferArchitecture(randomEfficientNetStateDict(TINY_TRUNK, 4))).toBe('efficientnet');
    const convnextLike = new Map([
      ['features.0.0.weight', zeros([8, 3, 4, 4])],
      ['features.1.0.block.0.weight', zeros([8, 1, 7, 7])],
    ]);
    expect(looksLikeEfficientNet(convnextLike)).toBe(false);
    expect(looksLikeEfficientNet(new Map([['features.0.weight', zeros([4, 3, 11, 11])]]))).toBe(false);
    const stemOnly = new Map([['features.0.0.weight', zeros([8, 3, 3, 3])]]);
    expect(() => inferArchitecture(stemOnly)).toThrow(/features\.0\.0\.weight \+ features\.1\.0\.block\.0\.0\.weight \(EfficientNet\)/);
  });

  it('names a missing parameter, a block that is not an MBConv, a gap in a stage, and too many stages', () => {
    const missing = randomEfficientNetStateDict(TINY_TRUNK, 5);
    missing.delete('features.2.1.block.2.fc2.bias');
    expect(() => buildEfficientNet(missing, { inputSize: TINY_SIZE })).toThrow(
      /state dict has no 'features\.2\.1\.block\.2\.fc2\.bias', which the EfficientNet builder needs/,
    );

    const notDepthwise = randomEfficientNetStateDict(TINY_TRUNK, 5);
    notDepthwise.set('features.2.0.block.1.0.weight', zeros([24, 2, 5, 5]));
    expect(() => inferEfficientNetConfig(notDepthwise)).toThrow(InputError);
    expect(() => inferEfficientNetConfig(notDepthwise)).toThrow(
      "EfficientNet state dict: 'features.2.0.block.1.0.weight' has shape [24, 2, 5, 5], expected a depthwise conv [C, 1, k, k] with an odd k",
    );

    const twoLayers = randomEfficientNetStateDict(TINY_TRUNK, 5);
    for (const key of [...twoLayers.keys()]) if (key.startsWith('features.1.0.block.2.')) twoLayers.delete(key);
    expect(() => inferEfficientNetConfig(twoLayers)).toThrow(
      "EfficientNet state dict: 'features.1.0.block' has modules [0, 1], expected 3 modules (depthwise, squeeze-excitation, project) or 4 (with a 1×1 expand first), numbered from 0",
    );

    const gap = randomEfficientNetStateDict(TINY_TRUNK, 5);
    for (const key of [...gap.keys()]) if (key.startsWith('features.2.1.')) gap.delete(key);
    expect(() => inferEfficientNetConfig(gap)).toThrow('EfficientNet state dict: features.2 has blocks [0, 2], expected 0…n−1 with n ≥ 1');

    const eightStages: TinyEfficientNet = { ...TINY_TRUNK, stages: Array.from({ length: 8 }, () => ({ expandRatio: 1, kernel: 3, stride: 1, out: 12, layers: 1 })) };
    expect(() => inferEfficientNetConfig(randomEfficientNetStateDict(eightStages, 6))).toThrow(
      "EfficientNet state dict: 8 stages of MBConv blocks, torchvision's EfficientNet has at most 7 (features.1 … features.7)",
    );
  });
});
