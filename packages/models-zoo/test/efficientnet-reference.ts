/**
 * A plain-JavaScript float64 forward pass of torchvision's EfficientNet (eval mode), written from
 * torchvision's `efficientnet.py` (MBConv, Conv2dNormActivation, SqueezeExcitation) independently
 * of the ONNX builder, to check the builder's graphs on small inputs; and a seeded random state
 * dict for such networks. Convolutions, BatchNorm, pooling and Linear are reference-forward.ts's.
 */
import { seededValues } from '@vvs/test-utils';
import type { StateDictTensor } from '../src/builders/state-dict.ts';
import { add, batchNorm, conv2d, globalAvgPool, linear, moduleRecorder, setRandomBatchNorm } from './reference-forward.ts';
import type { Activation, UniformTensor } from './reference-forward.ts';

type Weights = ReadonlyMap<string, StateDictTensor>;

/** One stage of a small EfficientNet: torchvision's `MBConvConfig` with widths already adjusted. */
export interface TinyStage {
  expandRatio: number;
  kernel: number;
  /** Stride of the stage's first block (the others have stride 1). */
  stride: number;
  out: number;
  layers: number;
}

/** The shape of a small EfficientNet for {@link randomEfficientNetStateDict} and {@link efficientNetForward}. */
export interface TinyEfficientNet {
  stem: number;
  stages: TinyStage[];
  head: number;
  /** Output classes, or undefined for a trunk. */
  numClasses?: number;
}

/** One MBConv block of a {@link TinyEfficientNet}, as torchvision's `EfficientNet.__init__` lays it out. */
interface BlockPlan {
  path: string;
  inChannels: number;
  expanded: number;
  out: number;
  kernel: number;
  stride: number;
  squeeze: number;
}

/** The blocks of every stage: later blocks take the stage's width as input and stride 1; squeeze = max(1, in // 4). */
function planBlocks(spec: TinyEfficientNet): BlockPlan[][] {
  let channels = spec.stem;
  return spec.stages.map((stage, s) =>
    Array.from({ length: stage.layers }, (_, m) => {
      const plan = {
        path: `features.${s + 1}.${m}`,
        inChannels: channels,
        expanded: channels * stage.expandRatio,
        out: stage.out,
        kernel: stage.kernel,
        stride: m === 0 ? stage.stride : 1,
        squeeze: Math.max(1, Math.floor(channels / 4)),
      };
      channels = stage.out;
      return plan;
    }),
  );
}

/**
 * The state dict torchvision gives such an EfficientNet, with seeded random values: conv weights
 * uniform with variance 2/fan_in, conv biases (SE) and BatchNorm parameters and statistics away
 * from the identity, plus an int64 `num_batches_tracked` per bn.
 */
export function randomEfficientNetStateDict(spec: TinyEfficientNet, seed: number): Map<string, StateDictTensor> {
  const sd = new Map<string, StateDictTensor>();
  let drawn = 0;
  const uniform: UniformTensor = (shape, low, high) => {
    // Seeds spread by a golden-ratio multiple, so that consecutive tensors' LCG streams are unrelated.
    const values = seededValues(shape.reduce((a, b) => a * b, 1), Math.imul(seed * 7919 + ++drawn, 0x9e3779b1), 0);
    return { shape, data: Float32Array.from(values, (v) => low + (high - low) * v), dtype: 'float32' };
  };
  const conv = (key: string, out: number, inPerGroup: number, k: number, bias: boolean) => {
    const bound = Math.sqrt(6 / (inPerGroup * k * k));
    sd.set(`${key}.weight`, uniform([out, inPerGroup, k, k], -bound, bound));
    if (bias) sd.set(`${key}.bias`, uniform([out], -0.3, 0.3));
  };
  const convBn = (key: string, out: number, inPerGroup: number, k: number) => {
    conv(`${key}.0`, out, inPerGroup, k, false);
    setRandomBatchNorm(sd, `${key}.1`, out, uniform);
  };
  convBn('features.0', spec.stem, 3, 3);
  const stages = planBlocks(spec);
  for (const block of stages.flat()) {
    let i = 0;
    if (block.expanded !== block.inChannels) convBn(`${block.path}.block.${i++}`, block.expanded, block.inChannels, 1);
    convBn(`${block.path}.block.${i++}`, block.expanded, 1, block.kernel);
    conv(`${block.path}.block.${i}.fc1`, block.squeeze, block.expanded, 1, true);
    conv(`${block.path}.block.${i++}.fc2`, block.expanded, block.squeeze, 1, true);
    convBn(`${block.path}.block.${i}`, block.out, block.expanded, 1);
  }
  const last = spec.stages[spec.stages.length - 1].out;
  convBn(`features.${spec.stages.length + 1}`, spec.head, last, 1);
  if (spec.numClasses !== undefined) {
    const bound = 1 / Math.sqrt(spec.head);
    sd.set('classifier.1.weight', uniform([spec.numClasses, spec.head], -bound, bound));
    sd.set('classifier.1.bias', uniform([spec.numClasses], -bound, bound));
  }
  return sd;
}

const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));

/** `nn.SiLU`: x·σ(x). */
function silu(x: Activation): Activation {
  return { shape: x.shape, data: x.data.map((v) => v * sigmoid(v)) };
}

/**
 * torchvision's `EfficientNet.forward` (eval mode: stochastic depth and dropout are identities) on
 * `x`, returning every module's output by module path, containers included (`features.4.0.block`,
 * `features.4.0`, `features.4`), and the final output as `classifier.1` (or `avgpool` for a trunk).
 */
export function efficientNetForward(spec: TinyEfficientNet, weights: Weights, x: Activation): Map<string, Activation> {
  const { outputs, record } = moduleRecorder();
  const convNormActivation = (key: string, input: Activation, stride: number, activation: boolean) => {
    const k = weights.get(`${key}.0.weight`)!.shape[2];
    let h = record(`${key}.0`, conv2d(input, weights, `${key}.0`, stride, (k - 1) / 2));
    h = record(`${key}.1`, batchNorm(h, weights, `${key}.1`));
    if (activation) h = record(`${key}.2`, silu(h));
    return record(key, h);
  };
  const squeezeExcitation = (key: string, input: Activation) => {
    const [n, c, hh, ww] = input.shape;
    const pooled = globalAvgPool(input);
    let s = record(`${key}.avgpool`, { shape: [n, c, 1, 1], data: pooled.data });
    s = record(`${key}.fc1`, conv2d(s, weights, `${key}.fc1`, 1, 0));
    s = record(`${key}.activation`, silu(s));
    s = record(`${key}.fc2`, conv2d(s, weights, `${key}.fc2`, 1, 0));
    s = record(`${key}.scale_activation`, { shape: s.shape, data: s.data.map(sigmoid) });
    const out = new Float64Array(input.data.length);
    for (let nc = 0; nc < n * c; nc++) {
      for (let p = 0; p < hh * ww; p++) out[nc * hh * ww + p] = s.data[nc] * input.data[nc * hh * ww + p];
    }
    return record(key, { shape: input.shape, data: out });
  };

  let h = convNormActivation('features.0', x, 2, true);
  planBlocks(spec).forEach((stage, s) => {
    for (const block of stage) {
      let out = h;
      let i = 0;
      if (block.expanded !== block.inChannels) out = convNormActivation(`${block.path}.block.${i++}`, out, 1, true);
      out = convNormActivation(`${block.path}.block.${i++}`, out, block.stride, true);
      out = squeezeExcitation(`${block.path}.block.${i++}`, out);
      out = record(`${block.path}.block`, convNormActivation(`${block.path}.block.${i}`, out, 1, false));
      h = record(block.path, block.stride === 1 && block.inChannels === block.out ? add(out, h) : out);
    }
    record(`features.${s + 1}`, h);
  });
  h = record('features', convNormActivation(`features.${spec.stages.length + 1}`, h, 1, true));
  h = record('avgpool', globalAvgPool(h));
  if (spec.numClasses !== undefined) record('classifier.1', linear(h, weights, 'classifier.1'));
  return outputs;
}
