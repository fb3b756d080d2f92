/**
 * torchvision's AlexNet (Krizhevsky et al. 2012, in the single-tower form of Krizhevsky 2014, "One
 * weird trick…"; `torchvision.models.alexnet`) as an ONNX graph built from a state dict: `features`
 * (five convs with ReLUs and three max-pools), `avgpool` (AdaptiveAvgPool2d(6)), and the optional
 * `classifier` (Linear–ReLU–Linear–ReLU–Linear; its Dropouts export to nothing in eval mode).
 * Channel counts and the class count are read from the weights; kernels, strides and paddings are
 * torchvision's.
 */
import { InputError } from '@vvs/core';
import { TorchOnnxGraph } from '../onnx/graph.ts';
import type { Parameter } from '../onnx/graph.ts';
import { IMAGE_CHANNELS, inputSizeOf } from './options.ts';
import type { BuilderOptions } from './options.ts';
import { floatParameter } from './state-dict.ts';
import type { StateDict } from './state-dict.ts';

/** Name used in errors and as the graph's name. */
const ARCHITECTURE = 'AlexNet';

/** The max-pools of `features`: 3×3, stride 2, no padding. */
const FEATURES_MAXPOOL = { kernelSize: 3, stride: 2 };

/** One module of torchvision's `AlexNet.features`, by index. */
type FeatureLayer = { kind: 'conv'; kernelSize: number; stride: number; padding: number } | { kind: 'relu' } | { kind: 'maxpool' };

/** torchvision's `AlexNet.features`, index by index (`features.0` … `features.12`). */
const FEATURES: readonly FeatureLayer[] = [
  { kind: 'conv', kernelSize: 11, stride: 4, padding: 2 },
  { kind: 'relu' },
  { kind: 'maxpool' },
  { kind: 'conv', kernelSize: 5, stride: 1, padding: 2 },
  { kind: 'relu' },
  { kind: 'maxpool' },
  { kind: 'conv', kernelSize: 3, stride: 1, padding: 1 },
  { kind: 'relu' },
  { kind: 'conv', kernelSize: 3, stride: 1, padding: 1 },
  { kind: 'relu' },
  { kind: 'conv', kernelSize: 3, stride: 1, padding: 1 },
  { kind: 'relu' },
  { kind: 'maxpool' },
];

/** Output side of `avgpool` (`nn.AdaptiveAvgPool2d((6, 6))`). */
const AVGPOOL_OUTPUT_SIZE = 6;

/** The Linear layers of `classifier` (indices 0 and 3 are Dropouts), each but the last followed by a ReLU. */
const CLASSIFIER_LINEARS = [1, 4, 6] as const;

/**
 * True when a state dict has AlexNet's first conv (`features.0.weight`).
 *
 * @example
 * looksLikeAlexNet(stateDict); // true for torchvision's alexnet, with or without classifier
 */
export function looksLikeAlexNet(stateDict: StateDict): boolean {
  return stateDict.has('features.0.weight');
}

/**
 * Builds torchvision's AlexNet for a state dict as ONNX bytes whose nodes, attributes and tensor
 * names equal `torch.onnx.export`'s (opset 13, input `input`, dynamic batch), so module paths such
 * as `features.7` or `avgpool` address the same tensors. With `classifier.*` parameters the output
 * is `logits`; without (the seed's trunk) the graph ends at `flatten(avgpool(features(x)), 1)`,
 * output `flatten`. The input side must bring `features` to a multiple of 6 (224 gives 6×6), as
 * the exporter requires of the adaptive pool.
 *
 * @example
 * const bytes = buildAlexNet(trunkStateDict); // output 'flatten' [batch, 9216] for 224×224 inputs
 */
export function buildAlexNet(stateDict: StateDict, options: BuilderOptions = {}): Uint8Array {
  const inputSize = inputSizeOf(options);
  const param = (key: string): Parameter => floatParameter(stateDict, key, ARCHITECTURE);
  const g = new TorchOnnxGraph('vvs_alexnet', [IMAGE_CHANNELS, inputSize, inputSize]);

  let x = g.input;
  FEATURES.forEach((layer, index) => {
    const module = `features.${index}`;
    if (layer.kind === 'relu') x = g.relu(module, x);
    else if (layer.kind === 'maxpool') x = g.maxPool2d(module, x, FEATURES_MAXPOOL);
    else {
      const weight = param(`${module}.weight`);
      const [, , kh, kw] = weight.shape;
      if (kh !== layer.kernelSize || kw !== layer.kernelSize) {
        throw new InputError(`${ARCHITECTURE} state dict: '${module}.weight' has a ${kh}×${kw} kernel, torchvision's AlexNet a ${layer.kernelSize}×${layer.kernelSize} one`, {
          field: `${module}.weight`,
        });
      }
      x = g.conv2d(module, x, weight, param(`${module}.bias`), layer);
    }
  });
  x = g.flatten(g.adaptiveAvgPool2d('avgpool', x, AVGPOOL_OUTPUT_SIZE));
  if (!stateDict.has(`classifier.${CLASSIFIER_LINEARS[0]}.weight`)) return g.encode(x, 'flatten');

  CLASSIFIER_LINEARS.forEach((index, i) => {
    const module = `classifier.${index}`;
    x = g.linear(module, x, param(`${module}.weight`), param(`${module}.bias`));
    if (i < CLASSIFIER_LINEARS.length - 1) x = g.relu(`classifier.${index + 1}`, x);
  });
  return g.encode(x, 'logits');
}
