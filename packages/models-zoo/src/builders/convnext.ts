/**
 * torchvision's ConvNeXt (Liu et al. 2022, "A ConvNet for the 2020s"; `torchvision.models.convnext`)
 * as an ONNX graph built from a state dict alone. The seed trains torchvision's module — its
 * `convnext_tiny/small/base/large` are `torchvision.models.convnext_*`, its `convnextflex-*` are
 * `torchvision.models.convnext._convnext` with scaled widths — and commits torchvision module
 * paths (`features.5.4.block.0`, `features.4.0`, `classifier.1`), so this builder names its
 * tensors after those paths. (The `stages.N.blocks.M.conv_dw` names in commitments.json belong to
 * timm's pretrained ConvNeXts, which the seed scores but does not train; this builder does not
 * build them.)
 *
 * The module tree: `features.0` is the stem (`0`: 4×4 conv with stride 4, `1`: LayerNorm2d);
 * `features.1`, `.3`, `.5`, `.7` are the stages, `nn.Sequential`s of CNBlocks; `features.2`, `.4`,
 * `.6` the downsampling layers between them (`0`: LayerNorm2d, `1`: 2×2 conv with stride 2);
 * then `avgpool` and `classifier` (`0`: LayerNorm2d, `1`: Flatten, `2`: Linear). A CNBlock is
 * `block` = depthwise 7×7 conv (`block.0`), Permute to NHWC (`block.1`), LayerNorm (`block.2`),
 * Linear to 4× the channels (`block.3`), GELU (`block.4`), Linear back (`block.5`), Permute to NCHW
 * (`block.6`); its output is `layer_scale · block(x) + x` (stochastic depth is the identity in
 * eval mode and exports to nothing). Stages, blocks per stage, channels and classes are read from
 * the tensors' keys and shapes.
 */
import { InputError } from '@vvs/core';
import { CHANNELS_FIRST, CHANNELS_LAST, TorchOnnxGraph } from '../onnx/graph.ts';
import type { Parameter } from '../onnx/graph.ts';
import { IMAGE_CHANNELS, inputSizeOf } from './options.ts';
import type { BuilderOptions } from './options.ts';
import { describeKeys, floatParameter } from './state-dict.ts';
import type { StateDict } from './state-dict.ts';

/** Name used in errors and as the graph's name. */
const ARCHITECTURE = 'ConvNeXt';

/** Epsilon of every LayerNorm and LayerNorm2d of torchvision's ConvNeXt (`partial(…, eps=1e-6)`). */
const LAYER_NORM_EPSILON = 1e-6;

/** `features.<i>.<m>.`: the layer index and block (or sub-module) index of a `features` parameter. */
const FEATURES_KEY = /^features\.(\d+)\.(\d+)\./;

/** Key of a CNBlock's depthwise conv weight, the key that marks a stage's block. */
const blockConvKey = (layer: number, block: number): string => `features.${layer}.${block}.block.0.weight`;

/** The ConvNeXt a state dict describes. */
export interface ConvNeXtConfig {
  /** CNBlocks in each stage (`features.1`, `features.3`, …); 0 for an empty stage. */
  readonly depths: readonly number[];
  /** Channels of each stage (torchvision's `CNBlockConfig.input_channels`). */
  readonly dims: readonly number[];
  /**
   * Output classes of `classifier.2`, or `undefined` for a trunk: without `classifier.2` the graph
   * ends at `classifier.1` (Flatten) when `classifier.0` is there, else at `flatten(avgpool(x))`.
   */
  readonly numClasses: number | undefined;
}

/**
 * True when a state dict has a torchvision ConvNeXt's stem conv and first block
 * (`features.0.0.weight` and `features.1.0.block.0.weight`).
 *
 * @example
 * looksLikeConvNeXt(stateDict); // true for torchvision's convnext_tiny … convnext_large and the seed's convnextflex-*
 */
export function looksLikeConvNeXt(stateDict: StateDict): boolean {
  return stateDict.has('features.0.0.weight') && stateDict.has(blockConvKey(1, 0));
}

/** The shape of a state-dict entry, or an {@link InputError} naming the missing key. */
function shapeOf(stateDict: StateDict, key: string): readonly number[] {
  const tensor = stateDict.get(key);
  if (!tensor) throw new InputError(`state dict has no '${key}', which the ${ARCHITECTURE} builder needs; got keys ${describeKeys(stateDict)}`, { field: key });
  return tensor.shape;
}

/**
 * Reads the blocks per stage, channels per stage and class count from the keys and shapes of a
 * torchvision ConvNeXt state dict (`convnext_tiny`: depths [3, 3, 9, 3], dims [96, 192, 384, 768],
 * 1000 classes). Odd `features` indices are stages (a missing one is an empty stage, the identity),
 * even ones the downsampling layers between stages, which must all be there. Raises an
 * {@link InputError} for a state dict without the stem, a gap in a stage's block indices, or a
 * missing downsampling layer.
 *
 * @example
 * inferConvNeXtConfig(stateDict); // { depths: [3, 3, 27, 3], dims: [128, 256, 512, 1024], numClasses: 1000 } for convnext_base
 */
export function inferConvNeXtConfig(stateDict: StateDict): ConvNeXtConfig {
  const blockIndices = new Map<number, Set<number>>();
  let lastLayer = 0;
  for (const key of stateDict.keys()) {
    const match = FEATURES_KEY.exec(key);
    if (!match) continue;
    const layer = Number(match[1]);
    lastLayer = Math.max(lastLayer, layer);
    if (!key.includes('.block.') && !key.endsWith('.layer_scale')) continue;
    if (!blockIndices.has(layer)) blockIndices.set(layer, new Set());
    blockIndices.get(layer)!.add(Number(match[2]));
  }
  if (!stateDict.has('features.0.0.weight')) {
    throw new InputError(`not a ${ARCHITECTURE} state dict: expected the stem 'features.0.0.weight'; got keys ${describeKeys(stateDict)}`, { field: 'features.0.0.weight' });
  }
  // Stages sit at odd indices; a last index that is even is a downsampling layer followed by an
  // empty (parameterless) last stage.
  const stages = Math.floor(lastLayer / 2) + 1;
  const depths: number[] = [];
  const dims: number[] = [];
  let channels = shapeOf(stateDict, 'features.0.0.weight')[0];
  for (let s = 0; s < stages; s++) {
    const layer = 2 * s + 1;
    const indices = blockIndices.get(layer) ?? new Set<number>();
    for (let m = 0; m < indices.size; m++) {
      if (!indices.has(m)) {
        throw new InputError(`${ARCHITECTURE} state dict: features.${layer} has blocks [${[...indices].sort((a, b) => a - b).join(', ')}], expected 0…${indices.size - 1}`, {
          field: `features.${layer}`,
        });
      }
    }
    if (indices.size > 0) channels = shapeOf(stateDict, blockConvKey(layer, 0))[0];
    depths.push(indices.size);
    dims.push(channels);
    if (s < stages - 1) channels = shapeOf(stateDict, `features.${layer + 1}.1.weight`)[0];
  }
  const classifier = stateDict.get('classifier.2.weight');
  return { depths, dims, numClasses: classifier ? classifier.shape[0] : undefined };
}

/**
 * Raises an {@link InputError} unless a conv weight is 4-D with a square kernel (and, when `odd`,
 * an odd one, which a size-preserving conv needs); returns the kernel size.
 */
function squareKernel(weight: Parameter, odd: boolean): number {
  const [, , kh, kw] = weight.shape;
  if (weight.shape.length !== 4 || kh !== kw || (odd && kh % 2 === 0)) {
    throw new InputError(`${ARCHITECTURE} state dict: '${weight.name}' has shape [${weight.shape.join(', ')}], expected a 4-D conv weight with a square${odd ? ', odd' : ''} kernel`, {
      field: weight.name,
    });
  }
  return kh;
}

/**
 * Builds torchvision's ConvNeXt for a state dict (see {@link inferConvNeXtConfig}) as ONNX bytes
 * laid out as `torch.onnx.export(model, x, opset_version=13, input_names=['input'],
 * output_names=['logits'], dynamic_axes=…, do_constant_folding=False)` lays out torch 1.13's
 * trace, with its node and tensor names, so that the seed's layer names (`features.4.0`,
 * `features.5.4.block.0`, `classifier.1`) address the same tensors through `@vvs/models-onnx`.
 * LayerNorm and GELU are the exporter's opset-13 decompositions (see `TorchOnnxGraph.layerNorm`
 * and `.gelu`); inside a CNBlock the tensors between `block.1` and `block.6` are NHWC, as Brain-Score's
 * hooks see them. The stem and downsampling convs are patchify convs (stride = kernel, 4 and 2 in
 * torchvision), the blocks' depthwise convs size-preserving (7×7, padding 3 in torchvision), their
 * kernels read from the weights. Without `classifier.2` the output is
 * `flatten` (see {@link ConvNeXtConfig.numClasses}). A missing or misshapen parameter raises an
 * error naming it.
 *
 * @example
 * const bytes = buildConvNeXt(stateDict);                    // input [batch, 3, 224, 224], output 'logits'
 * const small = buildConvNeXt(stateDict, { inputSize: 64 }); // the same network on 64×64 images
 */
export function buildConvNeXt(stateDict: StateDict, options: BuilderOptions = {}): Uint8Array {
  const inputSize = inputSizeOf(options);
  const config = inferConvNeXtConfig(stateDict);
  const param = (key: string): Parameter => floatParameter(stateDict, key, ARCHITECTURE);
  const affine = (module: string) => ({ weight: param(`${module}.weight`), bias: param(`${module}.bias`) });
  const g = new TorchOnnxGraph(`vvs_convnext_${config.depths.join('-')}_${config.dims.join('-')}`, [IMAGE_CHANNELS, inputSize, inputSize]);

  /** A patchify conv (stride = kernel, no padding): the stem's 4×4 and the downsampling layers' 2×2 in torchvision. */
  const patchify = (module: string, x: string): string => {
    const weight = param(`${module}.weight`);
    const kernel = squareKernel(weight, false);
    return g.conv2d(module, x, weight, param(`${module}.bias`), { stride: kernel, padding: 0 });
  };
  const cnBlock = (block: string, x: string): string => {
    // The depthwise conv (torchvision: 7×7, padding 3) keeps the spatial size.
    const dwWeight = param(`${block}.block.0.weight`);
    const padding = (squareKernel(dwWeight, true) - 1) / 2;
    let h = g.conv2d(`${block}.block.0`, x, dwWeight, param(`${block}.block.0.bias`), { padding, groups: dwWeight.shape[0] });
    h = g.permute(`${block}.block.1`, h, CHANNELS_LAST);
    h = g.layerNorm(`${block}.block.2`, h, affine(`${block}.block.2`), LAYER_NORM_EPSILON);
    h = g.linearOnLastAxis(`${block}.block.3`, h, param(`${block}.block.3.weight`), param(`${block}.block.3.bias`));
    h = g.gelu(`${block}.block.4`, h);
    h = g.linearOnLastAxis(`${block}.block.5`, h, param(`${block}.block.5.weight`), param(`${block}.block.5.bias`));
    h = g.permute(`${block}.block.6`, h, CHANNELS_FIRST);
    return g.add(block, g.mulParameter(block, param(`${block}.layer_scale`), h), x);
  };

  let x = patchify('features.0.0', g.input);
  x = g.layerNorm2d('features.0.1', x, affine('features.0.1'), LAYER_NORM_EPSILON);
  config.depths.forEach((depth, s) => {
    const layer = 2 * s + 1;
    for (let m = 0; m < depth; m++) x = cnBlock(`features.${layer}.${m}`, x);
    if (s < config.depths.length - 1) {
      const downsampling = `features.${layer + 1}`;
      x = g.layerNorm2d(`${downsampling}.0`, x, affine(`${downsampling}.0`), LAYER_NORM_EPSILON);
      x = patchify(`${downsampling}.1`, x);
    }
  });

  x = g.adaptiveAvgPool2d('avgpool', x, 1);
  if (!stateDict.has('classifier.0.weight')) return g.encode(g.flatten(x), 'flatten');
  x = g.flattenModule('classifier.1', g.layerNorm2d('classifier.0', x, affine('classifier.0'), LAYER_NORM_EPSILON));
  if (config.numClasses === undefined) return g.encode(x, 'flatten');
  return g.encode(g.linear('classifier.2', x, param('classifier.2.weight'), param('classifier.2.bias')), 'logits');
}
