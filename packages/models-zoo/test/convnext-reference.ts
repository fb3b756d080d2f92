/**
 * A plain-JavaScript float64 forward pass of torchvision's ConvNeXt (eval mode), written from
 * torchvision's `convnext.py` independently of the ONNX builder, to check the builder's graphs on
 * small inputs; plus the parameter shapes of such a ConvNeXt and a deterministic random state dict.
 */
import type { StateDictTensor } from '../src/builders/state-dict.ts';
import { conv2d, globalAvgPool, linear, moduleRecorder } from './reference-forward.ts';
import type { Activation } from './reference-forward.ts';

type Weights = ReadonlyMap<string, StateDictTensor>;

/** Epsilon of torchvision ConvNeXt's LayerNorm and LayerNorm2d. */
const EPS = 1e-6;

/** The shape of a ConvNeXt, as torchvision's `CNBlockConfig` list gives it. */
export interface ConvNeXtSpec {
  /** Channels of each stage. */
  dims: number[];
  /** CNBlocks per stage. */
  depths: number[];
  /** Output classes of `classifier.2`; undefined for a trunk. */
  numClasses?: number;
  /** For a trunk: keep `classifier.0` (the LayerNorm2d before `classifier.1`, the Flatten); default false. */
  keepHeadNorm?: boolean;
}

/** torchvision's `convnext_tiny` … `convnext_large` (1000 classes). */
export const TORCHVISION_CONVNEXTS: Record<string, ConvNeXtSpec> = {
  convnext_tiny: { dims: [96, 192, 384, 768], depths: [3, 3, 9, 3], numClasses: 1000 },
  convnext_small: { dims: [96, 192, 384, 768], depths: [3, 3, 27, 3], numClasses: 1000 },
  convnext_base: { dims: [128, 256, 512, 1024], depths: [3, 3, 27, 3], numClasses: 1000 },
  convnext_large: { dims: [192, 384, 768, 1536], depths: [3, 3, 27, 3], numClasses: 1000 },
};

/** The state-dict keys and shapes torchvision's `ConvNeXt.__init__` gives such a model, in its order. */
export function convnextParameterShapes(spec: ConvNeXtSpec): Map<string, number[]> {
  const shapes = new Map<string, number[]>();
  const norm = (key: string, c: number) => {
    shapes.set(`${key}.weight`, [c]);
    shapes.set(`${key}.bias`, [c]);
  };
  shapes.set('features.0.0.weight', [spec.dims[0], 3, 4, 4]);
  shapes.set('features.0.0.bias', [spec.dims[0]]);
  norm('features.0.1', spec.dims[0]);
  spec.depths.forEach((depth, s) => {
    const c = spec.dims[s];
    for (let m = 0; m < depth; m++) {
      const b = `features.${2 * s + 1}.${m}`;
      shapes.set(`${b}.layer_scale`, [c, 1, 1]);
      shapes.set(`${b}.block.0.weight`, [c, 1, 7, 7]);
      shapes.set(`${b}.block.0.bias`, [c]);
      norm(`${b}.block.2`, c);
      shapes.set(`${b}.block.3.weight`, [4 * c, c]);
      shapes.set(`${b}.block.3.bias`, [4 * c]);
      shapes.set(`${b}.block.5.weight`, [c, 4 * c]);
      shapes.set(`${b}.block.5.bias`, [c]);
    }
    if (s < spec.depths.length - 1) {
      const d = `features.${2 * s + 2}`;
      norm(`${d}.0`, c);
      shapes.set(`${d}.1.weight`, [spec.dims[s + 1], c, 2, 2]);
      shapes.set(`${d}.1.bias`, [spec.dims[s + 1]]);
    }
  });
  const last = spec.dims[spec.dims.length - 1];
  if (spec.numClasses !== undefined || spec.keepHeadNorm) norm('classifier.0', last);
  if (spec.numClasses !== undefined) {
    shapes.set('classifier.2.weight', [spec.numClasses, last]);
    shapes.set('classifier.2.bias', [spec.numClasses]);
  }
  return shapes;
}

/** The 1-D weights that are LayerNorm scales (the stem's, downsampling layers', blocks' and head's norms), not biases. */
const LAYER_NORM_WEIGHT = /^(features\.\d+\.[01]|features\.\d+\.\d+\.block\.2|classifier\.0)\.weight$/;

/** A deterministic value in [0, 1) for index `i` of stream `seed` (the sine hash: fract(sin(·)·43758.5453)). */
function hash01(i: number, seed: number): number {
  const v = Math.sin(i * 12.9898 + seed * 78.233 + 1) * 43758.5453;
  return v - Math.floor(v);
}

/**
 * Such a ConvNeXt's state dict with deterministic pseudo-random values: conv and linear weights
 * uniform with variance 2/fan_in, LayerNorm weights in [0.5, 1.5] and biases in [−0.2, 0.2], and
 * layer scales in [0.5, 1.5] (not torchvision's 1e-6 initial value, under which the blocks' branch
 * would vanish from every output and a wrong block could not be seen).
 */
export function randomConvNeXtStateDict(spec: ConvNeXtSpec, seed: number): Map<string, StateDictTensor> {
  const sd = new Map<string, StateDictTensor>();
  let stream = seed * 1000;
  for (const [key, shape] of convnextParameterShapes(spec)) {
    stream++;
    const size = shape.reduce((a, b) => a * b, 1);
    let low: number;
    let high: number;
    if (key.endsWith('layer_scale')) [low, high] = [0.5, 1.5];
    else if (shape.length === 1) [low, high] = LAYER_NORM_WEIGHT.test(key) ? [0.5, 1.5] : [-0.2, 0.2];
    else {
      const fanIn = shape.slice(1).reduce((a, b) => a * b, 1);
      const bound = Math.sqrt(6 / fanIn);
      [low, high] = [-bound, bound];
    }
    const data = Float32Array.from({ length: size }, (_, i) => low + (high - low) * hash01(i, stream));
    sd.set(key, { shape, data, dtype: 'float32' });
  }
  return sd;
}

function param(weights: Weights, key: string): ArrayLike<number> {
  const t = weights.get(key);
  if (!t) throw new Error(`ConvNeXt reference: missing ${key}`);
  return t.data as Float32Array;
}

/** `x.permute(perm)` of a 4-D activation. */
function permute(x: Activation, perm: readonly number[]): Activation {
  const shape = perm.map((p) => x.shape[p]);
  const inStrides = [x.shape[1] * x.shape[2] * x.shape[3], x.shape[2] * x.shape[3], x.shape[3], 1];
  const out = new Float64Array(x.data.length);
  let k = 0;
  for (let a = 0; a < shape[0]; a++) {
    for (let b = 0; b < shape[1]; b++) {
      for (let c = 0; c < shape[2]; c++) {
        for (let d = 0; d < shape[3]; d++) {
          out[k++] = x.data[a * inStrides[perm[0]] + b * inStrides[perm[1]] + c * inStrides[perm[2]] + d * inStrides[perm[3]]];
        }
      }
    }
  }
  return { shape, data: out };
}

/** `F.layer_norm` over the last axis (biased variance), eps 1e-6. */
function layerNormLastAxis(x: Activation, weights: Weights, key: string): Activation {
  const gamma = param(weights, `${key}.weight`);
  const beta = param(weights, `${key}.bias`);
  const f = x.shape[x.shape.length - 1];
  const out = new Float64Array(x.data.length);
  for (let r = 0; r < x.data.length / f; r++) {
    let mean = 0;
    for (let i = 0; i < f; i++) mean += x.data[r * f + i];
    mean /= f;
    let variance = 0;
    for (let i = 0; i < f; i++) variance += (x.data[r * f + i] - mean) ** 2;
    const inv = 1 / Math.sqrt(variance / f + EPS);
    for (let i = 0; i < f; i++) out[r * f + i] = (x.data[r * f + i] - mean) * inv * gamma[i] + beta[i];
  }
  return { shape: x.shape, data: out };
}

/** torchvision's `LayerNorm2d`: layer norm over the channels of an NCHW activation. */
function layerNorm2d(x: Activation, weights: Weights, key: string): Activation {
  return permute(layerNormLastAxis(permute(x, [0, 2, 3, 1]), weights, key), [0, 3, 1, 2]);
}

/** `F.linear` on the last axis of an activation of any rank. */
function linearLastAxis(x: Activation, weights: Weights, key: string): Activation {
  const f = x.shape[x.shape.length - 1];
  const rows = x.data.length / f;
  const flat = linear({ shape: [rows, f], data: x.data }, weights, key);
  return { shape: [...x.shape.slice(0, -1), flat.shape[1]], data: flat.data };
}

/** Terms of erf's Maclaurin series below {@link ERF_SERIES_LIMIT}, and of erfc's continued fraction above. */
const ERF_TERMS = 60;

/**
 * Where erf switches from its Maclaurin series (whose alternating terms lose about
 * exp(x²)·2⁻⁵³ to cancellation: under 1e-13 here) to the continued fraction of erfc (which
 * converges fast for large x).
 */
const ERF_SERIES_LIMIT = 2.5;

/**
 * The error function in float64 (JavaScript has none): the Maclaurin series
 * `2/√π Σ (−1)ⁿ x^(2n+1) / (n! (2n+1))` for |x| < 2.5, and `1 − erfc(x)` with erfc's continued
 * fraction `exp(−x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …))))` (Abramowitz & Stegun 7.1.14) above.
 */
export function erf(x: number): number {
  const ax = Math.abs(x);
  let value: number;
  if (ax < ERF_SERIES_LIMIT) {
    let term = ax;
    let sum = ax;
    for (let n = 1; n < ERF_TERMS; n++) {
      term *= (-ax * ax) / n;
      sum += term / (2 * n + 1);
    }
    value = (2 / Math.sqrt(Math.PI)) * sum;
  } else {
    let fraction = ax;
    for (let n = ERF_TERMS; n >= 1; n--) fraction = ax + n / 2 / fraction;
    value = 1 - Math.exp(-ax * ax) / Math.sqrt(Math.PI) / fraction;
  }
  return Math.sign(x) * value;
}

/** The exact GELU, `x · Φ(x) = x · (1 + erf(x / √2)) / 2`. */
function gelu(x: Activation): Activation {
  return { shape: x.shape, data: x.data.map((v) => 0.5 * v * (1 + erf(v / Math.SQRT2))) };
}

/**
 * torchvision's `ConvNeXt.forward` (eval mode) on `x`, returning every module's output by module
 * path (`features.5.1.block.2`, `features.4.0`, `classifier.1`, …), `avgpool` as [N, C].
 */
export function convnextForward(spec: ConvNeXtSpec, weights: Weights, x: Activation): Map<string, Activation> {
  const { outputs, record } = moduleRecorder();
  let h = record('features.0.0', conv2d(x, weights, 'features.0.0', 4, 0));
  h = record('features.0', record('features.0.1', layerNorm2d(h, weights, 'features.0.1')));
  spec.depths.forEach((depth, s) => {
    const stage = `features.${2 * s + 1}`;
    for (let m = 0; m < depth; m++) {
      const b = `${stage}.${m}`;
      let y = record(`${b}.block.0`, conv2d(h, weights, `${b}.block.0`, 1, 3));
      y = record(`${b}.block.1`, permute(y, [0, 2, 3, 1]));
      y = record(`${b}.block.2`, layerNormLastAxis(y, weights, `${b}.block.2`));
      y = record(`${b}.block.3`, linearLastAxis(y, weights, `${b}.block.3`));
      y = record(`${b}.block.4`, gelu(y));
      y = record(`${b}.block.5`, linearLastAxis(y, weights, `${b}.block.5`));
      y = record(`${b}.block`, record(`${b}.block.6`, permute(y, [0, 3, 1, 2])));
      const scale = param(weights, `${b}.layer_scale`);
      const [, c, hh, ww] = y.shape;
      const input = h;
      h = record(b, { shape: y.shape, data: y.data.map((v, i) => scale[Math.floor(i / (hh * ww)) % c] * v + input.data[i]) });
    }
    if (depth > 0) record(stage, h);
    if (s < spec.depths.length - 1) {
      const d = `features.${2 * s + 2}`;
      h = record(`${d}.0`, layerNorm2d(h, weights, `${d}.0`));
      h = record(d, record(`${d}.1`, conv2d(h, weights, `${d}.1`, 2, 0)));
    }
  });
  h = record('avgpool', globalAvgPool(h));
  if (!weights.has('classifier.0.weight')) return outputs;
  const [n, c] = h.shape;
  h = record('classifier.0', layerNorm2d({ shape: [n, c, 1, 1], data: h.data }, weights, 'classifier.0'));
  h = record('classifier.1', { shape: [n, c], data: h.data });
  if (weights.has('classifier.2.weight')) record('classifier.2', linear(h, weights, 'classifier.2'));
  return outputs;
}
