/**
 * From a state dict to an ONNX graph: picks the architecture builder (given, or recognised from the
 * state dict's keys) and runs it.
 */
import { InputError } from '@vvs/core';
import { buildAlexNet, looksLikeAlexNet } from './alexnet.ts';
import { buildConvNeXt, looksLikeConvNeXt } from './convnext.ts';
import { buildEfficientNet, looksLikeEfficientNet } from './efficientnet.ts';
import type { BuilderOptions } from './options.ts';
import { buildResNet, looksLikeResNet } from './resnet.ts';
import { describeKeys } from './state-dict.ts';
import type { StateDict } from './state-dict.ts';

/** An architecture family vvs builds from state dicts. */
export type Architecture = 'resnet' | 'alexnet' | 'convnext' | 'efficientnet';

/** Each builder: how it recognises a state dict (for errors: in words), and how it builds one. */
const BUILDERS: Record<Architecture, { expects: string; matches: (sd: StateDict) => boolean; build: (sd: StateDict, o: BuilderOptions) => Uint8Array }> = {
  resnet: { expects: 'conv1.weight + layer1.0.* (ResNet)', matches: looksLikeResNet, build: buildResNet },
  alexnet: { expects: 'features.0.weight (AlexNet)', matches: looksLikeAlexNet, build: buildAlexNet },
  convnext: { expects: 'features.0.0.weight + features.1.0.block.0.weight (ConvNeXt)', matches: looksLikeConvNeXt, build: buildConvNeXt },
  efficientnet: { expects: 'features.0.0.weight + features.1.0.block.0.0.weight (EfficientNet)', matches: looksLikeEfficientNet, build: buildEfficientNet },
};

/** The architectures {@link buildOnnx} knows, in the order they are tried. */
export const ARCHITECTURES = Object.keys(BUILDERS) as readonly Architecture[];

/** Options of {@link buildOnnx}. */
export interface BuildOnnxOptions extends BuilderOptions {
  /** The architecture; default: recognised from the state dict's keys ({@link inferArchitecture}). */
  arch?: Architecture;
}

/** An ONNX model built from a state dict. */
export interface BuiltModel {
  /** The architecture that built it. */
  readonly architecture: Architecture;
  /** The serialized ONNX model (`onnx.ModelProto`). */
  readonly bytes: Uint8Array;
}

/**
 * The architecture whose parameters a state dict holds; none raises an {@link InputError} listing
 * what each builder expects and the keys found.
 *
 * @example
 * inferArchitecture(resnet18StateDict); // 'resnet'
 * inferArchitecture(new Map([['conv_stem.weight', t]]));
 * // InputError: no known architecture: expected conv1.weight + layer1.0.* (ResNet) or features.0.weight (AlexNet) or
 * //   features.0.0.weight + features.1.0.block.0.weight (ConvNeXt) or features.0.0.weight +
 * //   features.1.0.block.0.0.weight (EfficientNet); got keys conv_stem.weight (1 key)
 */
export function inferArchitecture(stateDict: StateDict): Architecture {
  const found = ARCHITECTURES.find((arch) => BUILDERS[arch].matches(stateDict));
  if (found) return found;
  const expected = ARCHITECTURES.map((arch) => BUILDERS[arch].expects).join(' or ');
  throw new InputError(`no known architecture: expected ${expected}; got keys ${describeKeys(stateDict)}`);
}

/**
 * Builds the ONNX graph of a PyTorch state dict, named as `torch.onnx.export` names it so that
 * Brain-Score layer names (PyTorch module paths) address its tensors through `@vvs/models-onnx`.
 *
 * @example
 * const { architecture, bytes } = buildOnnx((await readCheckpoint('resnet18.pt')).stateDict);
 * const model = await OnnxModel.fromBytes(bytes, 'resnet18');
 * model.resolveLayer('layer3.0.conv2'); // '/layer3/layer3.0/conv2/Conv_output_0'
 */
export function buildOnnx(stateDict: StateDict, options: BuildOnnxOptions = {}): BuiltModel {
  const { arch, ...builderOptions } = options;
  if (arch !== undefined && !ARCHITECTURES.includes(arch)) {
    throw new RangeError(`arch: expected one of ${ARCHITECTURES.join(', ')}, got '${arch}'`);
  }
  const architecture = arch ?? inferArchitecture(stateDict);
  return { architecture, bytes: BUILDERS[architecture].build(stateDict, builderOptions) };
}
