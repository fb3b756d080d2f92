/**
 * torchvision's EfficientNet (Tan & Le 2019, "EfficientNet: Rethinking Model Scaling for
 * Convolutional Neural Networks"; `torchvision.models.efficientnet`, V1: `efficientnet_b0` …
 * `efficientnet_b4`) as an ONNX graph, built from a state dict alone. The seed's EfficientNets are
 * torchvision's: the layers it commits (`features.4.0.block.1.0`, `features.6.0.block.3.0`) are
 * torchvision module paths (timm's would read `blocks.3.0.conv_dw`).
 *
 * `features.0` is the stem (Conv2dNormActivation: 3×3 conv, stride 2, BN, SiLU); `features.1` …
 * `features.S` are the stages of MBConv blocks; `features.S+1` is the head (1×1 conv, BN, SiLU);
 * then `avgpool` and the optional `classifier` (Dropout, exported to nothing, and `classifier.1`,
 * a Linear). Everything the width and depth multipliers of B0 … B4 change is read from the
 * tensors: blocks per stage (the `features.<s>.<m>.` prefixes), channel widths, each block's kernel
 * (depthwise weight), expansion (a 1×1 expand conv is present when the expanded width differs from
 * the input width) and squeeze width (`fc1`), and the class count. Strides are not in the tensors;
 * they are torchvision's per stage ({@link EFFICIENTNET_STAGE_STRIDES}).
 */
import { InputError } from '@vvs/core';
import { TorchOnnxGraph } from '../onnx/graph.ts';
import type { Parameter } from '../onnx/graph.ts';
import { IMAGE_CHANNELS, inputSizeOf } from './options.ts';
import type { BuilderOptions } from './options.ts';
import { describeKeys, floatParameter } from './state-dict.ts';
import type { StateDict } from './state-dict.ts';

/** Name used in errors and as the graph's name. */
const ARCHITECTURE = 'EfficientNet';

/**
 * BatchNorm epsilon of `efficientnet_b0` … `efficientnet_b4`: `torch.nn.BatchNorm2d`'s default.
 * (B5 … B7 use `eps=1e-3`; the seed trains B0 … B2.)
 */
const BATCHNORM_EPSILON = 1e-5;

/** The stem conv: 3×3, stride 2, padding 1 (`Conv2dNormActivation(3, …, kernel_size=3, stride=2)`). */
const STEM_CONV = { kernelSize: 3, stride: 2, padding: 1 };

/**
 * Stride of the first block of each stage, `features.1` … `features.7`, from the
 * `inverted_residual_setting` torchvision shares across B0 … B7 (the multipliers change widths
 * and depths, never strides); every later block of a stage has stride 1.
 */
export const EFFICIENTNET_STAGE_STRIDES: readonly number[] = [1, 2, 2, 2, 1, 2, 1];

/** `features.<stage>.<block>.block.`: a stage's MBConv block. */
const BLOCK_KEY = /^features\.(\d+)\.(\d+)\.block\./;

/** Modules in an MBConv's `block` Sequential: expand?, depthwise, squeeze-excitation, project. */
const BLOCK_LAYERS_WITH_EXPAND = 4;
const BLOCK_LAYERS_WITHOUT_EXPAND = 3;

/** One MBConv block, as read from its parameters. */
export interface MBConvConfig {
  /** Module path, `features.<stage>.<index>`. */
  readonly path: string;
  /** Input channels. */
  readonly inChannels: number;
  /** Whether the block starts with a 1×1 expand conv (`block.0`): torchvision adds one unless the expand ratio is 1. */
  readonly expand: boolean;
  /** Channels after the expand conv (`inChannels` without one). */
  readonly expandedChannels: number;
  /** Output channels of the 1×1 project conv. */
  readonly outChannels: number;
  /** Side of the depthwise conv's square kernel (3 or 5 in B0 … B7). */
  readonly kernelSize: number;
  /** Stride of the depthwise conv. */
  readonly stride: number;
  /** Channels of the squeeze-excitation bottleneck (`fc1`'s outputs: `max(1, inChannels // 4)` in torchvision). */
  readonly squeezeChannels: number;
  /** Whether the input is added to the output (`stride == 1 and in == out`, torchvision's `use_res_connect`). */
  readonly residual: boolean;
}

/** The EfficientNet a state dict describes. */
export interface EfficientNetConfig {
  /** Output channels of the stem conv. */
  readonly stemChannels: number;
  /** The MBConv blocks of `features.1` … `features.S`, one array per stage. */
  readonly stages: readonly (readonly MBConvConfig[])[];
  /** Output channels of the head conv (`features.S+1`): `4 × last stage width` in B0 … B7. */
  readonly headChannels: number;
  /** Output classes of `classifier.1`, or `undefined` for a trunk ending at `flatten(avgpool(x))`. */
  readonly numClasses: number | undefined;
}

/**
 * True when a state dict has torchvision EfficientNet's stem conv and first MBConv block
 * (`features.0.0.weight` and `features.1.0.block.0.0.weight`, the latter a conv inside a
 * Conv2dNormActivation, which tells it from ConvNeXt's `features.1.0.block.0.weight`).
 *
 * @example
 * looksLikeEfficientNet(stateDict); // true for torchvision's efficientnet_b0 … efficientnet_b7
 */
export function looksLikeEfficientNet(stateDict: StateDict): boolean {
  return stateDict.has('features.0.0.weight') && stateDict.has('features.1.0.block.0.0.weight');
}

/** The shape of a required state-dict entry, or an {@link InputError} naming it. */
function shapeOf(stateDict: StateDict, key: string): readonly number[] {
  const tensor = stateDict.get(key);
  if (!tensor) {
    throw new InputError(`state dict has no '${key}', which the ${ARCHITECTURE} builder needs; got keys ${describeKeys(stateDict)}`, { field: key });
  }
  return tensor.shape;
}

/** Block indices per stage (`features.<s>.<m>.block.*`), checked to run 0, 1, … without gaps. */
function blocksPerStage(stateDict: StateDict): number[] {
  const indices = new Map<number, Set<number>>();
  for (const key of stateDict.keys()) {
    const match = BLOCK_KEY.exec(key);
    if (!match) continue;
    const stage = Number(match[1]);
    if (!indices.has(stage)) indices.set(stage, new Set());
    indices.get(stage)!.add(Number(match[2]));
  }
  const stages = Math.max(0, ...indices.keys());
  const counts: number[] = [];
  for (let stage = 1; stage <= stages; stage++) {
    const found = indices.get(stage) ?? new Set<number>();
    if (found.size === 0 || [...found].some((m) => m >= found.size)) {
      throw new InputError(
        `${ARCHITECTURE} state dict: features.${stage} has blocks [${[...found].sort((a, b) => a - b).join(', ')}], expected 0…n−1 with n ≥ 1 (stages run features.1 … features.${stages})`,
        { field: `features.${stage}` },
      );
    }
    counts.push(found.size);
  }
  if (counts.length === 0) {
    throw new InputError(`not an ${ARCHITECTURE} state dict: expected blocks 'features.1.0.block.*'; got keys ${describeKeys(stateDict)}`, { field: 'features.1.0' });
  }
  if (counts.length > EFFICIENTNET_STAGE_STRIDES.length) {
    throw new InputError(
      `${ARCHITECTURE} state dict: ${counts.length} stages of MBConv blocks, torchvision's EfficientNet has at most ${EFFICIENTNET_STAGE_STRIDES.length} (features.1 … features.${EFFICIENTNET_STAGE_STRIDES.length})`,
      { field: `features.${counts.length}` },
    );
  }
  return counts;
}

/** Reads one MBConv block's widths, kernel and squeeze width; `inChannels` and `stride` come from its place. */
function inferBlock(stateDict: StateDict, path: string, inChannels: number, stride: number): MBConvConfig {
  const prefix = `${path}.block.`;
  const indices = new Set<number>();
  for (const key of stateDict.keys()) if (key.startsWith(prefix)) indices.add(Number(key.slice(prefix.length).split('.', 1)[0]));
  const layers = indices.size;
  const contiguous = [...indices].every((i) => i < layers);
  if (!contiguous || (layers !== BLOCK_LAYERS_WITH_EXPAND && layers !== BLOCK_LAYERS_WITHOUT_EXPAND)) {
    throw new InputError(
      `${ARCHITECTURE} state dict: '${path}.block' has modules [${[...indices].sort((a, b) => a - b).join(', ')}], expected ${BLOCK_LAYERS_WITHOUT_EXPAND} modules (depthwise, squeeze-excitation, project) or ${BLOCK_LAYERS_WITH_EXPAND} (with a 1×1 expand first), numbered from 0, as in torchvision's MBConv`,
      { field: `${path}.block` },
    );
  }
  const expand = layers === BLOCK_LAYERS_WITH_EXPAND;
  const first = expand ? 1 : 0;
  const expandedChannels = expand ? shapeOf(stateDict, `${path}.block.0.0.weight`)[0] : inChannels;
  const depthwiseKey = `${path}.block.${first}.0.weight`;
  const [, perGroup, kernelSize, kernelWidth] = shapeOf(stateDict, depthwiseKey);
  if (perGroup !== 1 || kernelSize !== kernelWidth || kernelSize % 2 !== 1) {
    throw new InputError(
      `${ARCHITECTURE} state dict: '${depthwiseKey}' has shape [${shapeOf(stateDict, depthwiseKey).join(', ')}], expected a depthwise conv [C, 1, k, k] with an odd k`,
      { field: depthwiseKey },
    );
  }
  const squeezeChannels = shapeOf(stateDict, `${path}.block.${first + 1}.fc1.weight`)[0];
  const outChannels = shapeOf(stateDict, `${path}.block.${first + 2}.0.weight`)[0];
  return { path, inChannels, expand, expandedChannels, outChannels, kernelSize, stride, squeezeChannels, residual: stride === 1 && inChannels === outChannels };
}

/**
 * Reads the stem width, every MBConv block (widths, kernel, stride, expansion, squeeze width,
 * residual) and the class count from the keys and shapes of a torchvision EfficientNet state dict.
 * Stride: the first block of stage `s` (`features.s.0`) takes `EFFICIENTNET_STAGE_STRIDES[s − 1]`,
 * as torchvision's `inverted_residual_setting` defines it; later blocks of a stage have stride 1
 * (torchvision overwrites it). A residual is added when the stride is 1 and the block keeps its
 * width (torchvision's `use_res_connect`). Missing blocks, a block that is not an MBConv, or more
 * stages than torchvision's seven raise an {@link InputError}.
 *
 * @example
 * const config = inferEfficientNetConfig(stateDict); // efficientnet_b0
 * config.stages.map((s) => s.length);                // [1, 2, 2, 3, 3, 4, 1]
 * config.stages[2][0];                               // { kernelSize: 5, stride: 2, expandedChannels: 144, … }
 */
export function inferEfficientNetConfig(stateDict: StateDict): EfficientNetConfig {
  const counts = blocksPerStage(stateDict);
  const stemChannels = shapeOf(stateDict, 'features.0.0.weight')[0];
  let channels = stemChannels;
  const stages = counts.map((count, s) =>
    Array.from({ length: count }, (_, m) => {
      const block = inferBlock(stateDict, `features.${s + 1}.${m}`, channels, m === 0 ? EFFICIENTNET_STAGE_STRIDES[s] : 1);
      channels = block.outChannels;
      return block;
    }),
  );
  const headChannels = shapeOf(stateDict, `features.${counts.length + 1}.0.weight`)[0];
  const classifier = stateDict.get('classifier.1.weight');
  return { stemChannels, stages, headChannels, numClasses: classifier ? classifier.shape[0] : undefined };
}

/**
 * Builds torchvision's EfficientNet for a state dict (see {@link inferEfficientNetConfig}) as ONNX
 * bytes whose graph is the one `torch.onnx.export(model, x, opset_version=13,
 * input_names=['input'], output_names=['logits'], dynamic_axes={'input': {0: 'batch'}, 'logits':
 * {0: 'batch'}}, do_constant_folding=False, training=TrainingMode.PRESERVE)` writes, less the
 * exporter's de-duplication of equal initializers: SiLU as `Sigmoid` + `Mul`, the depthwise conv as
 * a `Conv` with `group` = channels, squeeze-excitation as `GlobalAveragePool`, `fc1`, SiLU, `fc2`,
 * `Sigmoid` and a `Mul` in the SE module's scope, the residual as an `Add` in the block's scope, and
 * stochastic depth and dropout (identities in eval mode) as nothing. Module paths such as
 * `features.4.0.block.1.0` or `features.6.0.block` therefore address the same tensors. Without
 * `classifier.1` the graph ends at `flatten(avgpool(features(x)), 1)`, output `flatten`.
 *
 * @example
 * const bytes = buildEfficientNet(stateDict);                    // input [batch, 3, 224, 224], output 'logits'
 * const small = buildEfficientNet(stateDict, { inputSize: 64 }); // the same network on 64×64 images
 */
export function buildEfficientNet(stateDict: StateDict, options: BuilderOptions = {}): Uint8Array {
  const inputSize = inputSizeOf(options);
  const config = inferEfficientNetConfig(stateDict);
  const param = (key: string): Parameter => floatParameter(stateDict, key, ARCHITECTURE);
  const blocks = config.stages.map((s) => s.length).join('-');
  const g = new TorchOnnxGraph(`vvs_efficientnet_${config.stemChannels}_${blocks}`, [IMAGE_CHANNELS, inputSize, inputSize]);

  /** torchvision's `Conv2dNormActivation`: bias-free conv padded by half its kernel, BN, then SiLU unless `activation` is false. */
  const convNormActivation = (module: string, x: string, stride: number, groups: number, activation: boolean): string => {
    const weight = param(`${module}.0.weight`);
    let out = g.conv2d(`${module}.0`, x, weight, undefined, { stride, padding: (weight.shape[2] - 1) / 2, groups });
    out = g.batchNorm2d(
      `${module}.1`,
      out,
      {
        weight: param(`${module}.1.weight`),
        bias: param(`${module}.1.bias`),
        runningMean: param(`${module}.1.running_mean`),
        runningVar: param(`${module}.1.running_var`),
      },
      BATCHNORM_EPSILON,
    );
    return activation ? g.silu(`${module}.2`, out) : out;
  };
  /** torchvision's `SqueezeExcitation` with SiLU: `x · σ(fc2(silu(fc1(avgpool(x)))))`. */
  const squeezeExcitation = (module: string, x: string): string => {
    let scale = g.adaptiveAvgPool2d(`${module}.avgpool`, x, 1);
    scale = g.conv2d(`${module}.fc1`, scale, param(`${module}.fc1.weight`), param(`${module}.fc1.bias`));
    scale = g.silu(`${module}.activation`, scale);
    scale = g.conv2d(`${module}.fc2`, scale, param(`${module}.fc2.weight`), param(`${module}.fc2.bias`));
    scale = g.sigmoid(`${module}.scale_activation`, scale);
    return g.mul(module, scale, x);
  };

  const stemWeight = param('features.0.0.weight');
  if (stemWeight.shape[2] !== STEM_CONV.kernelSize || stemWeight.shape[3] !== STEM_CONV.kernelSize) {
    throw new InputError(`${ARCHITECTURE} state dict: 'features.0.0.weight' has shape [${stemWeight.shape.join(', ')}], expected a 3×3 kernel as in torchvision`, {
      field: 'features.0.0.weight',
    });
  }
  let x = convNormActivation('features.0', g.input, STEM_CONV.stride, 1, true);

  for (const stage of config.stages) {
    for (const block of stage) {
      const layer = (i: number) => `${block.path}.block.${i}`;
      let out = x;
      let i = 0;
      if (block.expand) out = convNormActivation(layer(i++), out, 1, 1, true);
      out = convNormActivation(layer(i++), out, block.stride, block.expandedChannels, true);
      out = squeezeExcitation(layer(i++), out);
      out = convNormActivation(layer(i), out, 1, 1, false);
      x = block.residual ? g.add(block.path, out, x) : out;
    }
  }

  x = convNormActivation(`features.${config.stages.length + 1}`, x, 1, 1, true);
  const features = g.flatten(g.adaptiveAvgPool2d('avgpool', x, 1));
  if (config.numClasses === undefined) return g.encode(features, 'flatten');
  return g.encode(g.linear('classifier.1', features, param('classifier.1.weight'), param('classifier.1.bias')), 'logits');
}
