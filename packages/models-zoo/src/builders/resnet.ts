/**
 * torchvision's ResNet family (He et al. 2016, "Deep Residual Learning for Image Recognition";
 * `torchvision.models.resnet`, v1.5 with the stride on the Bottleneck's 3×3 conv) as an ONNX graph,
 * built from a state dict alone. Every hyper-parameter the seed varies is read from the tensors:
 * block type (a `conv3` means Bottleneck), blocks per stage (the `layerN.M.` prefixes, a stage
 * without any being the seed's `nn.Identity` stage of `ResNetFlexFilters`), widths and channel
 * groups (conv weight shapes: ResNeXt and wide ResNets included), shortcut projections
 * (`downsample.*`) and the classifier (`fc`, absent for a trunk).
 */
import { InputError } from '@vvs/core';
import { TorchOnnxGraph } from '../onnx/graph.ts';
import type { Parameter } from '../onnx/graph.ts';
import { IMAGE_CHANNELS, inputSizeOf } from './options.ts';
import type { BuilderOptions } from './options.ts';
import { describeKeys, floatParameter } from './state-dict.ts';
import type { StateDict } from './state-dict.ts';

/** Name used in errors and as the graph's name. */
const ARCHITECTURE = 'ResNet';

/** `torch.nn.BatchNorm2d`'s default epsilon, which torchvision's ResNets keep. */
const BATCHNORM_EPSILON = 1e-5;

/** The stem: `conv1` 7×7 with stride 2 and padding 3, then `maxpool` 3×3, stride 2, padding 1. */
const STEM_CONV = { kernelSize: 7, stride: 2, padding: 3 };
const STEM_MAXPOOL = { kernelSize: 3, stride: 2, padding: 1 };

/** Stride of the first block of every stage after the first (the first stage keeps stride 1). */
const DOWNSAMPLING_STRIDE = 2;

/** `layer<N>.<M>.`: the stage and block index of a residual block's parameter. */
const BLOCK_KEY = /^layer(\d+)\.(\d+)\./;

/** The ResNet a state dict describes. */
export interface ResNetConfig {
  /** `'basic'` (two 3×3 convs: ResNet-18/34) or `'bottleneck'` (1×1, 3×3, 1×1: ResNet-50 and deeper). */
  readonly block: 'basic' | 'bottleneck';
  /** Blocks in `layer1`, `layer2`, …; 0 for a stage that is an identity (no parameters). */
  readonly blocks: readonly number[];
  /** Output classes of `fc`, or `undefined` for a trunk ending at `flatten(avgpool(x))`. */
  readonly numClasses: number | undefined;
}

/**
 * True when a state dict has a ResNet's stem and first block (`conv1.weight` and `layer1.0.*`).
 *
 * @example
 * looksLikeResNet(stateDict); // true for torchvision's resnet18 … resnet152
 */
export function looksLikeResNet(stateDict: StateDict): boolean {
  return stateDict.has('conv1.weight') && [...stateDict.keys()].some((k) => k.startsWith('layer1.0.'));
}

/** Raises an {@link InputError} when a conv weight's kernel is not torchvision's (`ok` false). */
function expectKernel(weight: Parameter, ok: boolean, expected: string): void {
  if (!ok) {
    throw new InputError(`${ARCHITECTURE} state dict: '${weight.name}' has shape [${weight.shape.join(', ')}], expected ${expected} kernel as in torchvision`, {
      field: weight.name,
    });
  }
}

/**
 * Reads the block type, blocks per stage and class count from the keys and shapes of a torchvision
 * ResNet state dict (`resnet18`: basic, [2, 2, 2, 2], 1000 classes). A state dict without
 * `layer1.0.*` blocks, or with a gap in a stage's block indices, raises an {@link InputError}.
 *
 * @example
 * inferResNetConfig(stateDict); // { block: 'bottleneck', blocks: [3, 4, 6, 3], numClasses: 1000 } for resnet50
 */
export function inferResNetConfig(stateDict: StateDict): ResNetConfig {
  const blockIndices = new Map<number, Set<number>>();
  for (const key of stateDict.keys()) {
    const match = BLOCK_KEY.exec(key);
    if (!match) continue;
    const stage = Number(match[1]);
    if (!blockIndices.has(stage)) blockIndices.set(stage, new Set());
    blockIndices.get(stage)!.add(Number(match[2]));
  }
  if (!blockIndices.get(1)?.has(0)) {
    throw new InputError(`not a ${ARCHITECTURE} state dict: expected blocks 'layer1.0.*'; got keys ${describeKeys(stateDict)}`, { field: 'layer1.0' });
  }
  const stages = Math.max(...blockIndices.keys());
  const blocks: number[] = [];
  for (let stage = 1; stage <= stages; stage++) {
    const indices = blockIndices.get(stage) ?? new Set<number>();
    for (let m = 0; m < indices.size; m++) {
      if (!indices.has(m)) {
        throw new InputError(`${ARCHITECTURE} state dict: layer${stage} has blocks [${[...indices].sort((a, b) => a - b).join(', ')}], expected 0…${indices.size - 1}`, {
          field: `layer${stage}`,
        });
      }
    }
    blocks.push(indices.size);
  }
  const block = stateDict.has('layer1.0.conv3.weight') ? 'bottleneck' : 'basic';
  const fc = stateDict.get('fc.weight');
  return { block, blocks, numClasses: fc ? fc.shape[0] : undefined };
}

/**
 * Builds torchvision's ResNet for a state dict (see {@link inferResNetConfig}) as ONNX bytes whose
 * graph is the one `torch.onnx.export(model, x, opset_version=13, input_names=['input'],
 * output_names=['logits'], dynamic_axes={'input': {0: 'batch'}, 'logits': {0: 'batch'}},
 * do_constant_folding=False, training=TrainingMode.PRESERVE)` writes, less the exporter's
 * de-duplication of equal initializers: same nodes, attributes and tensor names, so module paths
 * such as `layer3.0.conv2` or `layer1.0.relu` address the same tensors. Without `fc` the graph ends at
 * `flatten(avgpool(x))`, output `flatten`. A missing or misshapen parameter raises an error naming it.
 *
 * @example
 * const bytes = buildResNet(stateDict);                   // input [batch, 3, 224, 224], output 'logits'
 * const small = buildResNet(stateDict, { inputSize: 64 }); // the same network on 64×64 images
 */
export function buildResNet(stateDict: StateDict, options: BuilderOptions = {}): Uint8Array {
  const inputSize = inputSizeOf(options);
  const config = inferResNetConfig(stateDict);
  const param = (key: string): Parameter => floatParameter(stateDict, key, ARCHITECTURE);
  const optionalParam = (key: string): Parameter | undefined => (stateDict.has(key) ? param(key) : undefined);
  const g = new TorchOnnxGraph(`vvs_resnet_${config.block}_${config.blocks.join('-')}`, [IMAGE_CHANNELS, inputSize, inputSize]);

  const conv = (module: string, x: string, stride: number, groups = 1): string => {
    const weight = param(`${module}.weight`);
    // torchvision's conv3x3 / conv1x1 pad by half the kernel, which needs an odd kernel.
    expectKernel(weight, weight.shape[2] % 2 === 1, 'an odd (1×1 or 3×3)');
    return g.conv2d(module, x, weight, optionalParam(`${module}.bias`), { stride, padding: (weight.shape[2] - 1) / 2, groups });
  };
  /**
   * Channel groups of a Bottleneck's 3×3 conv (ResNeXt's cardinality): input channels over the
   * weight's channels per group. A ratio that is not a whole number is a shape error, which
   * `conv2d` reports for groups 1.
   */
  const bottleneckGroups = (module: string, x: string): number => {
    const groups = (g.shapeOf(x)[1] as number) / param(`${module}.weight`).shape[1];
    return Number.isInteger(groups) ? groups : 1;
  };
  const bn = (module: string, x: string): string =>
    g.batchNorm2d(
      module,
      x,
      {
        weight: param(`${module}.weight`),
        bias: param(`${module}.bias`),
        runningMean: param(`${module}.running_mean`),
        runningVar: param(`${module}.running_var`),
      },
      BATCHNORM_EPSILON,
    );

  const stemWeight = param('conv1.weight');
  expectKernel(stemWeight, stemWeight.shape[2] === STEM_CONV.kernelSize, `a ${STEM_CONV.kernelSize}×${STEM_CONV.kernelSize}`);
  let x = bn('bn1', g.conv2d('conv1', g.input, stemWeight, optionalParam('conv1.bias'), STEM_CONV));
  x = g.maxPool2d('maxpool', g.relu('relu', x), STEM_MAXPOOL);

  config.blocks.forEach((count, stageIndex) => {
    for (let m = 0; m < count; m++) {
      const block = `layer${stageIndex + 1}.${m}`;
      const stride = stageIndex > 0 && m === 0 ? DOWNSAMPLING_STRIDE : 1;
      const relu = `${block}.relu`;
      let out: string;
      if (config.block === 'basic') {
        out = g.relu(relu, bn(`${block}.bn1`, conv(`${block}.conv1`, x, stride)));
        out = bn(`${block}.bn2`, conv(`${block}.conv2`, out, 1));
      } else {
        out = g.relu(relu, bn(`${block}.bn1`, conv(`${block}.conv1`, x, 1)));
        out = g.relu(relu, bn(`${block}.bn2`, conv(`${block}.conv2`, out, stride, bottleneckGroups(`${block}.conv2`, out))));
        out = bn(`${block}.bn3`, conv(`${block}.conv3`, out, 1));
      }
      const shortcut = stateDict.has(`${block}.downsample.0.weight`)
        ? bn(`${block}.downsample.1`, conv(`${block}.downsample.0`, x, stride))
        : x;
      x = g.relu(relu, g.add(block, out, shortcut));
    }
  });

  const features = g.flatten(g.adaptiveAvgPool2d('avgpool', x, 1));
  if (config.numClasses === undefined) return g.encode(features, 'flatten');
  return g.encode(g.linear('fc', features, param('fc.weight'), param('fc.bias')), 'logits');
}
