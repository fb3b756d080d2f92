/**
 * Pillow's bilinear resize of 8-bit images, reproduced integer for integer: what torchvision's
 * `transforms.Resize` does to the PIL image Brain-Score loads (`Image.resize(size, Image.BILINEAR)`,
 * Pillow's `libImaging/Resample.c`).
 *
 * Pillow resamples separably, horizontal pass first, then vertical, each a convolution with a
 * triangle ("tent") kernel that is widened by the scale when downsizing (an antialiasing filter),
 * with weights normalised to sum to 1 and then rounded to fixed point. The horizontal pass is
 * rounded and clipped to 8 bits before the vertical pass reads it, as in Pillow.
 */

/** Fixed-point fraction bits of Pillow's 8-bit resampling weights (`PRECISION_BITS = 32 − 8 − 2`). */
const PRECISION_BITS = 22;

/** One in fixed point: the sum of a normalised kernel's weights. */
const ONE = 2 ** PRECISION_BITS;

/** Half a unit in the last fixed-point place, the rounding offset every sum starts from. */
const HALF = 2 ** (PRECISION_BITS - 1);

/** The smallest sum that reads as 256 or more, clipped to 255. */
const SATURATED = ONE * 256;

/** Support (half-width in input pixels at scale 1) of the bilinear kernel. */
const BILINEAR_SUPPORT = 1;

/** An 8-bit image, row-major with interleaved channels (`data[(y·width + x)·channels + c]`). */
export interface Image8 {
  readonly data: Uint8Array;
  readonly width: number;
  readonly height: number;
  readonly channels: number;
}

/**
 * The kernel of each output pixel along one axis: its first input pixel, how many it reads, and
 * their fixed-point weights (Pillow's `precompute_coeffs` + `normalize_coeffs_8bpc`).
 */
interface AxisKernel {
  /** Per output pixel: first input index, then count. */
  readonly bounds: Int32Array;
  /** Weights, `size` per output pixel (unused ones are 0). */
  readonly weights: Int32Array;
  readonly size: number;
}

/** Kernels kept at most (each a few kilobytes); the cache starts over beyond that. */
const MAX_CACHED_KERNELS = 64;

/** The triangle kernel max(0, 1 − |x|). */
function bilinear(x: number): number {
  const a = Math.abs(x);
  return a < 1 ? 1 - a : 0;
}

/** Kernels by input and output size: a stimulus set resizes every image between the same sizes. */
const kernels = new Map<string, AxisKernel>();

/** The kernel from `inSize` to `outSize` pixels, computed once (callers must not change it). */
function axisKernel(inSize: number, outSize: number): AxisKernel {
  const key = `${inSize}>${outSize}`;
  let kernel = kernels.get(key);
  if (kernel === undefined) {
    if (kernels.size >= MAX_CACHED_KERNELS) kernels.clear();
    kernel = computeAxisKernel(inSize, outSize);
    kernels.set(key, kernel);
  }
  return kernel;
}

function computeAxisKernel(inSize: number, outSize: number): AxisKernel {
  const scale = inSize / outSize;
  const filterScale = Math.max(scale, 1);
  const support = BILINEAR_SUPPORT * filterScale;
  const size = Math.ceil(support) * 2 + 1;
  const bounds = new Int32Array(outSize * 2);
  const weights = new Int32Array(outSize * size);
  const w = new Float64Array(size);
  // Pillow multiplies by the reciprocal rather than dividing, which rounds differently.
  const reciprocal = 1 / filterScale;
  for (let xx = 0; xx < outSize; xx++) {
    const centre = (xx + 0.5) * scale;
    // C's (int) truncates toward zero; the clamps below make the sign of the truncation moot.
    const xmin = Math.max(0, Math.trunc(centre - support + 0.5));
    const count = Math.min(inSize, Math.trunc(centre + support + 0.5)) - xmin;
    let sum = 0;
    for (let x = 0; x < count; x++) {
      w[x] = bilinear((x + xmin - centre + 0.5) * reciprocal);
      sum += w[x]!;
    }
    const fixed = (x: number) => {
      const normalised = sum !== 0 ? w[x]! / sum : w[x]!;
      return Math.trunc(normalised < 0 ? -0.5 + normalised * ONE : 0.5 + normalised * ONE);
    };
    // Taps whose weight rounds to 0 add nothing; dropping them at the ends saves a third of the
    // work when upsizing, where the kernel reaches a pixel at distance exactly 1 with weight 0.
    let from = 0;
    let to = count;
    while (from < to && fixed(from) === 0) from++;
    while (to > from && fixed(to - 1) === 0) to--;
    for (let x = from; x < to; x++) weights[xx * size + x - from] = fixed(x);
    bounds[xx * 2] = xmin + from;
    bounds[xx * 2 + 1] = to - from;
  }
  return { bounds, weights, size };
}

/** Pillow's `clip8`: the fixed-point sum back to an 8-bit level. */
function clip8(sum: number): number {
  return sum >= SATURATED ? 255 : sum <= 0 ? 0 : sum >> PRECISION_BITS;
}

/**
 * Resizes an 8-bit image to exactly `width × height` as Pillow's `Image.resize(…, BILINEAR)` does,
 * byte for byte. Returns the input itself when the size does not change.
 *
 * @example
 * const resized = resizeBilinear({ data: rgb, width: 128, height: 128, channels: 3 }, 224, 224);
 * resized.data.length; // 224 * 224 * 3
 */
export function resizeBilinear(image: Image8, width: number, height: number): Image8 {
  const { channels } = image;
  for (const [name, value] of [['width', width], ['height', height]] as const) {
    if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`${name}: expected a positive integer, got ${value}`);
  }
  if (image.data.length !== image.width * image.height * channels) {
    throw new RangeError(`image: expected ${image.width}×${image.height}×${channels} = ${image.width * image.height * channels} bytes, got ${image.data.length}`);
  }
  if (width === image.width && height === image.height) return image;
  if (height === image.height) return resampleRows(image, axisKernel(image.width, width), width, 0, image.height);
  const vertical = axisKernel(image.height, height);
  if (width === image.width) return resampleColumns(image, vertical, height, 0);
  // Only the input rows the vertical pass reads are resized (Pillow's `ybox_first`/`ybox_last`).
  const first = vertical.bounds[0]!;
  const last = vertical.bounds[(height - 1) * 2]! + vertical.bounds[(height - 1) * 2 + 1]!;
  return resampleColumns(resampleRows(image, axisKernel(image.width, width), width, first, last), vertical, height, first);
}

/**
 * The horizontal pass over input rows `first` to `last` (exclusive). Sums stay below 2³¹ (255 times
 * weights summing to about 2²²), so they are computed in 32-bit integers, as in Pillow.
 */
function resampleRows(image: Image8, kernel: AxisKernel, width: number, first: number, last: number): Image8 {
  const { data, width: inWidth, channels } = image;
  const { bounds, weights, size } = kernel;
  const out = new Uint8Array(width * (last - first) * channels);
  for (let y = first; y < last; y++) {
    const row = y * inWidth * channels;
    let o = (y - first) * width * channels;
    for (let xx = 0; xx < width; xx++) {
      const start = row + bounds[xx * 2]! * channels;
      const end = start + bounds[xx * 2 + 1]! * channels;
      const k = xx * size;
      // One running sum per channel, each over every `channels`-th byte from the channel's own offset.
      for (let c = 0; c < channels; c++) {
        let sum = HALF;
        for (let at = start + c, tap = k; at < end; at += channels, tap++) sum = (sum + Math.imul(data[at]!, weights[tap]!)) | 0;
        out[o++] = clip8(sum);
      }
    }
  }
  return { data: out, width, height: last - first, channels };
}

/** The vertical pass: each output row is a weighted sum of whole input rows; `image` starts at input row `firstRow`. */
function resampleColumns(image: Image8, kernel: AxisKernel, height: number, firstRow: number): Image8 {
  const { data, width, channels } = image;
  const { bounds, weights, size } = kernel;
  const stride = width * channels;
  const out = new Uint8Array(height * stride);
  for (let yy = 0; yy < height; yy++) {
    const first = (bounds[yy * 2]! - firstRow) * stride;
    const count = bounds[yy * 2 + 1]!;
    const k = yy * size;
    const o = yy * stride;
    if (count === 2) {
      // Upsizing reads two rows per output row: the common case, without the inner loop.
      const w0 = weights[k]!;
      const w1 = weights[k + 1]!;
      for (let i = 0; i < stride; i++) out[o + i] = clip8((HALF + Math.imul(data[first + i]!, w0) + Math.imul(data[first + stride + i]!, w1)) | 0);
      continue;
    }
    for (let i = 0; i < stride; i++) {
      let sum = HALF;
      for (let y = 0, at = first + i; y < count; y++, at += stride) sum = (sum + Math.imul(data[at]!, weights[k + y]!)) | 0;
      out[o + i] = clip8(sum);
    }
  }
  return { data: out, width, height, channels };
}
