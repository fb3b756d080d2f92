/**
 * A plain-JavaScript float64 forward pass of torchvision's ResNet (eval mode), written from
 * torchvision's `resnet.py` independently of the ONNX builder, to check the builder's graphs on
 * small inputs. Also: a seeded random state dict for such ResNets.
 */
import type { StateDictTensor } from '../src/builders/state-dict.ts';

/** An NCHW (or [N, F]) activation in float64. */
export interface Activation {
  shape: number[];
  data: Float64Array;
}

type Weights = ReadonlyMap<string, StateDictTensor>;

function get(weights: Weights, key: string): Float32Array {
  const t = weights.get(key);
  if (!t) throw new Error(`reference forward: missing ${key}`);
  return t.data as Float32Array;
}

/** `F.conv2d` with square kernel, zero padding and channel groups. */
export function conv2d(x: Activation, weights: Weights, key: string, stride: number, padding: number): Activation {
  const shape = weights.get(`${key}.weight`)!.shape;
  const w = get(weights, `${key}.weight`);
  const bias = weights.has(`${key}.bias`) ? get(weights, `${key}.bias`) : undefined;
  const [n, c, h, wd] = x.shape;
  const [outC, inPerGroup, k] = shape;
  const groups = c / inPerGroup;
  const outPerGroup = outC / groups;
  const oh = Math.floor((h + 2 * padding - k) / stride) + 1;
  const ow = Math.floor((wd + 2 * padding - k) / stride) + 1;
  const out = new Float64Array(n * outC * oh * ow);
  for (let b = 0; b < n; b++) {
    for (let o = 0; o < outC; o++) {
      const group = Math.floor(o / outPerGroup);
      for (let i = 0; i < oh; i++) {
        for (let j = 0; j < ow; j++) {
          let sum = bias ? bias[o] : 0;
          for (let ci = 0; ci < inPerGroup; ci++) {
            const cin = group * inPerGroup + ci;
            for (let ki = 0; ki < k; ki++) {
              const y = i * stride - padding + ki;
              if (y < 0 || y >= h) continue;
              for (let kj = 0; kj < k; kj++) {
                const xx = j * stride - padding + kj;
                if (xx < 0 || xx >= wd) continue;
                sum += x.data[((b * c + cin) * h + y) * wd + xx] * w[((o * inPerGroup + ci) * k + ki) * k + kj];
              }
            }
          }
          out[((b * outC + o) * oh + i) * ow + j] = sum;
        }
      }
    }
  }
  return { shape: [n, outC, oh, ow], data: out };
}

/** `F.batch_norm` in eval mode (running statistics), epsilon 1e-5. */
export function batchNorm(x: Activation, weights: Weights, key: string): Activation {
  const [gamma, beta, mean, variance] = ['weight', 'bias', 'running_mean', 'running_var'].map((p) => get(weights, `${key}.${p}`));
  const [n, c, h, w] = x.shape;
  const out = new Float64Array(x.data.length);
  for (let b = 0; b < n; b++) {
    for (let ch = 0; ch < c; ch++) {
      const scale = gamma[ch] / Math.sqrt(variance[ch] + 1e-5);
      for (let p = 0; p < h * w; p++) {
        const idx = (b * c + ch) * h * w + p;
        out[idx] = (x.data[idx] - mean[ch]) * scale + beta[ch];
      }
    }
  }
  return { shape: x.shape, data: out };
}

export function relu(x: Activation): Activation {
  return { shape: x.shape, data: x.data.map((v) => Math.max(v, 0)) };
}

export function add(a: Activation, b: Activation): Activation {
  return { shape: a.shape, data: a.data.map((v, i) => v + b.data[i]) };
}

/** `F.max_pool2d` with padding treated as −∞. */
export function maxPool(x: Activation, k: number, stride: number, padding: number): Activation {
  const [n, c, h, w] = x.shape;
  const oh = Math.floor((h + 2 * padding - k) / stride) + 1;
  const ow = Math.floor((w + 2 * padding - k) / stride) + 1;
  const out = new Float64Array(n * c * oh * ow);
  for (let bc = 0; bc < n * c; bc++) {
    for (let i = 0; i < oh; i++) {
      for (let j = 0; j < ow; j++) {
        let m = -Infinity;
        for (let ki = 0; ki < k; ki++) {
          for (let kj = 0; kj < k; kj++) {
            const y = i * stride - padding + ki;
            const xx = j * stride - padding + kj;
            if (y >= 0 && y < h && xx >= 0 && xx < w) m = Math.max(m, x.data[(bc * h + y) * w + xx]);
          }
        }
        out[(bc * oh + i) * ow + j] = m;
      }
    }
  }
  return { shape: [n, c, oh, ow], data: out };
}

/** `AdaptiveAvgPool2d(1)` followed by `flatten(x, 1)`: [N, C]. */
export function globalAvgPool(x: Activation): Activation {
  const [n, c, h, w] = x.shape;
  const out = new Float64Array(n * c);
  for (let bc = 0; bc < n * c; bc++) {
    let s = 0;
    for (let p = 0; p < h * w; p++) s += x.data[bc * h * w + p];
    out[bc] = s / (h * w);
  }
  return { shape: [n, c], data: out };
}

/** `F.linear`: x Wᵀ + b. */
export function linear(x: Activation, weights: Weights, key: string): Activation {
  const w = get(weights, `${key}.weight`);
  const b = get(weights, `${key}.bias`);
  const [n, f] = x.shape;
  const outF = b.length;
  const out = new Float64Array(n * outF);
  for (let r = 0; r < n; r++) {
    for (let o = 0; o < outF; o++) {
      let s = b[o];
      for (let i = 0; i < f; i++) s += x.data[r * f + i] * w[o * f + i];
      out[r * outF + o] = s;
    }
  }
  return { shape: [n, outF], data: out };
}

/** The shape of a small ResNet for {@link randomResNetStateDict} and {@link resnetForward}. */
export interface TinyResNet {
  block: 'basic' | 'bottleneck';
  /** Stem width, then each stage's `planes` (torchvision's `filters`). */
  widths: number[];
  /** Blocks per stage (0: an identity stage, as in the seed's ResNetFlexFilters). */
  blocks: number[];
  /** Channel groups of the Bottleneck's 3×3 conv (ResNeXt); default 1. */
  groups?: number;
  /** Output classes, or undefined for a trunk. */
  numClasses?: number;
}

/** mulberry32: a small seeded PRNG, uniform in [0, 1). */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A float32 tensor of `shape` with seeded values uniform in [low, high): the draw of a random state dict. */
export type UniformTensor = (shape: number[], low: number, high: number) => StateDictTensor;

/**
 * Sets BatchNorm `key`'s parameters for `c` channels, drawn by `uniform` in this order: weight in
 * [0.5, 1.5], bias and running mean in [−0.2, 0.2], running variance in [0.5, 2] (away from the
 * identity, so that a conv/bn mix-up changes values), plus torch's int64 `num_batches_tracked`.
 *
 * @example
 * setRandomBatchNorm(sd, 'layer1.0.bn1', 64, uniform); // sets layer1.0.bn1.{weight, bias, running_mean, running_var, num_batches_tracked}
 */
export function setRandomBatchNorm(sd: Map<string, StateDictTensor>, key: string, c: number, uniform: UniformTensor): void {
  sd.set(`${key}.weight`, uniform([c], 0.5, 1.5));
  sd.set(`${key}.bias`, uniform([c], -0.2, 0.2));
  sd.set(`${key}.running_mean`, uniform([c], -0.2, 0.2));
  sd.set(`${key}.running_var`, uniform([c], 0.5, 2));
  sd.set(`${key}.num_batches_tracked`, { shape: [], data: new BigInt64Array([0n]), dtype: 'int64' });
}

/**
 * Where a forward pass keeps every module's output: `record(path, a)` stores `a` under the module
 * path (a later call of a reused module, such as a block's `relu`, replaces the earlier one, as a
 * forward hook's last call does) and returns `a`, so that calls nest along the forward pass.
 *
 * @example
 * const { outputs, record } = moduleRecorder();
 * const h = record('relu', relu(record('bn1', batchNorm(x, weights, 'bn1'))));
 */
export function moduleRecorder(): { outputs: Map<string, Activation>; record: (path: string, a: Activation) => Activation } {
  const outputs = new Map<string, Activation>();
  const record = (path: string, a: Activation): Activation => {
    outputs.set(path, a);
    return a;
  };
  return { outputs, record };
}

/**
 * The state dict torchvision's `_make_layer` gives such a ResNet, with seeded random values: conv
 * weights uniform with variance 2/fan_in, BatchNorm parameters and statistics away from the
 * identity (so that a conv/bn mix-up changes values), plus an int64 `num_batches_tracked` per bn.
 */
export function randomResNetStateDict(spec: TinyResNet, seed: number): Map<string, StateDictTensor> {
  const random = mulberry32(seed);
  const sd = new Map<string, StateDictTensor>();
  const uniform: UniformTensor = (shape, low, high) => {
    const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
    for (let i = 0; i < data.length; i++) data[i] = low + (high - low) * random();
    return { shape, data, dtype: 'float32' };
  };
  const conv = (key: string, out: number, inPerGroup: number, k: number) => {
    const bound = Math.sqrt(6 / (inPerGroup * k * k));
    sd.set(`${key}.weight`, uniform([out, inPerGroup, k, k], -bound, bound));
  };
  const bn = (key: string, c: number) => setRandomBatchNorm(sd, key, c, uniform);
  const expansion = spec.block === 'basic' ? 1 : 4;
  const groups = spec.groups ?? 1;
  conv('conv1', spec.widths[0], 3, 7);
  bn('bn1', spec.widths[0]);
  let inplanes = spec.widths[0];
  spec.blocks.forEach((count, s) => {
    const planes = spec.widths[s + 1];
    const stride = s > 0 ? 2 : 1;
    for (let m = 0; m < count; m++) {
      const block = `layer${s + 1}.${m}`;
      if (spec.block === 'basic') {
        conv(`${block}.conv1`, planes, inplanes, 3);
        bn(`${block}.bn1`, planes);
        conv(`${block}.conv2`, planes, planes, 3);
        bn(`${block}.bn2`, planes);
      } else {
        conv(`${block}.conv1`, planes, inplanes, 1);
        bn(`${block}.bn1`, planes);
        conv(`${block}.conv2`, planes, planes / groups, 3);
        bn(`${block}.bn2`, planes);
        conv(`${block}.conv3`, planes * expansion, planes, 1);
        bn(`${block}.bn3`, planes * expansion);
      }
      if (m === 0 && (stride !== 1 || inplanes !== planes * expansion)) {
        conv(`${block}.downsample.0`, planes * expansion, inplanes, 1);
        bn(`${block}.downsample.1`, planes * expansion);
      }
      inplanes = planes * expansion;
    }
  });
  if (spec.numClasses !== undefined) {
    const bound = 1 / Math.sqrt(inplanes);
    sd.set('fc.weight', uniform([spec.numClasses, inplanes], -bound, bound));
    sd.set('fc.bias', uniform([spec.numClasses], -bound, bound));
  }
  return sd;
}

/**
 * torchvision's `ResNet.forward` (eval mode) on `x`, returning the final output and every module's
 * output by module path (the last call for a reused `relu`).
 */
export function resnetForward(spec: TinyResNet, weights: Weights, x: Activation): Map<string, Activation> {
  const { outputs, record } = moduleRecorder();
  let h = record('conv1', conv2d(x, weights, 'conv1', 2, 3));
  h = record('relu', relu(record('bn1', batchNorm(h, weights, 'bn1'))));
  h = record('maxpool', maxPool(h, 3, 2, 1));
  spec.blocks.forEach((count, s) => {
    for (let m = 0; m < count; m++) {
      const b = `layer${s + 1}.${m}`;
      const stride = s > 0 && m === 0 ? 2 : 1;
      const pad = (key: string) => (weights.get(`${key}.weight`)!.shape[2] === 3 ? 1 : 0);
      const cv = (key: string, input: Activation, st: number) => record(key, conv2d(input, weights, key, st, pad(key)));
      const norm = (key: string, input: Activation) => record(key, batchNorm(input, weights, key));
      let out: Activation;
      if (spec.block === 'basic') {
        out = record(`${b}.relu`, relu(norm(`${b}.bn1`, cv(`${b}.conv1`, h, stride))));
        out = norm(`${b}.bn2`, cv(`${b}.conv2`, out, 1));
      } else {
        out = record(`${b}.relu`, relu(norm(`${b}.bn1`, cv(`${b}.conv1`, h, 1))));
        out = record(`${b}.relu`, relu(norm(`${b}.bn2`, cv(`${b}.conv2`, out, stride))));
        out = norm(`${b}.bn3`, cv(`${b}.conv3`, out, 1));
      }
      const identity = weights.has(`${b}.downsample.0.weight`) ? norm(`${b}.downsample.1`, cv(`${b}.downsample.0`, h, stride)) : h;
      h = record(`${b}.relu`, relu(add(out, identity)));
    }
  });
  h = record('avgpool', globalAvgPool(h));
  if (weights.has('fc.weight')) record('fc', linear(h, weights, 'fc'));
  return outputs;
}
