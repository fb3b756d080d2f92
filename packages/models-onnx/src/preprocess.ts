/**
 * Image preprocessing for ONNX vision models, as Brain-Score does it before a model sees a stimulus.
 *
 * Two steps, in Brain-Score's order:
 *
 * 1. **Place on screen** (`brainscore_vision.model_helpers.brain_transformation` `place_on_screen` /
 *    `ImageConverter.apply_ratio`): a stimulus shown at `stimulusDegrees` is rescaled to the model's
 *    field of view of `visualDegrees`. With ratio = visualDegrees / stimulusDegrees ≥ 1 the image is
 *    pasted, centred and at its own size, on a gray canvas `round(ratio · size)` pixels wide; with a
 *    ratio < 1 the centre `round(ratio · size)` pixels are cropped out.
 * 2. **Model transform** (`model_helpers.activations.pytorch.load_preprocess_images`): the image is
 *    converted to RGB, resized to the input size, scaled to [0, 1] (`ToTensor`) and normalised with
 *    the ImageNet mean and std (`Normalize`), laid out channel-first.
 *
 * Colour conversion follows PIL's `Image.new('RGB').paste(image)` that Brain-Score's `load_image`
 * uses: a grayscale image is replicated to three channels and an alpha channel is dropped without
 * compositing onto any background (a transparent pixel keeps its stored colour). Images are not
 * rotated by their EXIF orientation, as PIL does not rotate them either.
 *
 * PNGs of 8 bits or less are decoded here ({@link decodePng}), other images with sharp (libvips);
 * resizing is Pillow's bilinear resize reproduced byte for byte ({@link resizeBilinear}), so a
 * model sees the pixels it sees under Brain-Score.
 */
import { readFile } from 'node:fs/promises';
import type { OutputInfo } from 'sharp';
import { InputError } from '@vvs/core';
import { decodePng } from './png.ts';
import { resizeBilinear } from './resample.ts';

/** Side in pixels of the square model input: the 224 × 224 of ImageNet-trained networks. */
export const DEFAULT_INPUT_SIZE = 224;

/** Field of view of a model in visual degrees: Brain-Score's default `visual_degrees` of 8. */
export const DEFAULT_VISUAL_DEGREES = 8;

/** Per-channel (R, G, B) mean of ImageNet on the [0, 1] scale, as in torchvision's `Normalize`. */
export const IMAGENET_MEAN: readonly [number, number, number] = [0.485, 0.456, 0.406];

/** Per-channel (R, G, B) standard deviation of ImageNet on the [0, 1] scale, as in torchvision's `Normalize`. */
export const IMAGENET_STD: readonly [number, number, number] = [0.229, 0.224, 0.225];

/**
 * 8-bit value of the canvas around a stimulus smaller than the model's field of view: PIL's named
 * colour `'gray'` (`#808080`, i.e. 128, 128, 128) that Brain-Score's `ImageConverter` fills with.
 */
export const SCREEN_GRAY = 128;

/**
 * Shorter side the `'shorter-side-crop'` recipe resizes to, relative to the input size: the
 * 256-then-crop-224 of torchvision's ImageNet evaluation transform (and of the scaling_primate_vvs seed).
 */
export const SHORTER_SIDE_RATIO = 256 / 224;

/** Largest value of an 8-bit channel: `ToTensor` divides by it to reach [0, 1]. */
const MAX_8BIT = 255;

/** Number of colour channels of the model input (RGB). */
const CHANNELS = 3;

/**
 * How the placed image becomes a square of `inputSize`:
 * - `'stretch'` — Brain-Score's `transforms.Resize((size, size))`: bilinear resize of both sides to
 *   `inputSize`, stretching a non-square image;
 * - `'shorter-side-crop'` — the seed's `Resize(256)` + `CenterCrop(224)`: bilinear resize of the
 *   shorter side to `round(inputSize · 256/224)` keeping the aspect ratio, then a centred square crop.
 */
export type ResizeMode = 'stretch' | 'shorter-side-crop';

/** Options of {@link preprocessImage} and {@link preprocessBatch}; every field has Brain-Score's default. */
export interface PreprocessOptions {
  /** Side of the square output in pixels. Default {@link DEFAULT_INPUT_SIZE} (224). */
  inputSize?: number;
  /** The model's field of view in degrees. Default {@link DEFAULT_VISUAL_DEGREES} (8). */
  visualDegrees?: number;
  /** Degrees the stimulus set was shown at (4 for FreemanZiemba2013, 8 for MajajHong2015). Default: `visualDegrees` (no placement). */
  stimulusDegrees?: number;
  /** Per-channel mean subtracted after scaling to [0, 1]. Default {@link IMAGENET_MEAN}. */
  mean?: readonly number[];
  /** Per-channel std divided by after subtracting the mean. Default {@link IMAGENET_STD}. */
  std?: readonly number[];
  /** Resize recipe. Default `'stretch'` (Brain-Score's). */
  resize?: ResizeMode;
  /** 8-bit gray level of the canvas around a small stimulus. Default {@link SCREEN_GRAY} (128). */
  background?: number;
}

/** A batch of preprocessed images: `data` is float32 NCHW with shape `dims`. */
export interface PreprocessedBatch {
  data: Float32Array;
  dims: [number, number, number, number];
}

/** An 8-bit RGB image, row-major and channel-interleaved (`data[(y·width + x)·3 + c]`). */
interface RgbImage {
  data: Uint8Array;
  width: number;
  height: number;
}

type ResolvedOptions = Required<PreprocessOptions>;

function resolveOptions(options: PreprocessOptions): ResolvedOptions {
  const visualDegrees = options.visualDegrees ?? DEFAULT_VISUAL_DEGREES;
  const o: ResolvedOptions = {
    inputSize: options.inputSize ?? DEFAULT_INPUT_SIZE,
    visualDegrees,
    stimulusDegrees: options.stimulusDegrees ?? visualDegrees,
    mean: options.mean ?? IMAGENET_MEAN,
    std: options.std ?? IMAGENET_STD,
    resize: options.resize ?? 'stretch',
    background: options.background ?? SCREEN_GRAY,
  };
  if (!Number.isInteger(o.inputSize) || o.inputSize < 1) {
    throw new RangeError(`inputSize: expected a positive integer, got ${o.inputSize}`);
  }
  for (const key of ['visualDegrees', 'stimulusDegrees'] as const) {
    if (!Number.isFinite(o[key]) || o[key] <= 0) {
      throw new RangeError(`${key}: expected a positive finite number of degrees, got ${o[key]}`);
    }
  }
  for (const key of ['mean', 'std'] as const) {
    if (o[key].length !== CHANNELS || !o[key].every(Number.isFinite)) {
      throw new RangeError(`${key}: expected ${CHANNELS} finite numbers (R, G, B), got [${o[key].join(', ')}]`);
    }
  }
  if (!o.std.every((s) => s > 0)) {
    throw new RangeError(`std: expected positive values, got [${o.std.join(', ')}]`);
  }
  if (o.resize !== 'stretch' && o.resize !== 'shorter-side-crop') {
    throw new RangeError(`resize: expected 'stretch' or 'shorter-side-crop', got '${String(o.resize)}'`);
  }
  if (!Number.isInteger(o.background) || o.background < 0 || o.background > MAX_8BIT) {
    throw new RangeError(`background: expected an integer gray level in [0, 255], got ${o.background}`);
  }
  return o;
}

/** Python's `round` (half to even), which torchvision's `CenterCrop` uses for its offsets. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** Decodes a file or an encoded buffer into 8-bit RGB, turning decode failures into InputErrors naming `label`. */
async function decodeRgb(input: string | Uint8Array, label: string): Promise<RgbImage> {
  let bytes: Uint8Array;
  if (typeof input === 'string') {
    try {
      bytes = await readFile(input);
    } catch (cause) {
      const code = (cause as NodeJS.ErrnoException).code;
      const what = code === 'ENOENT' ? 'file not found' : `cannot read file (${(cause as Error).message})`;
      throw new InputError(`${label}: ${what}`, { file: input, cause });
    }
  } else {
    bytes = input;
  }
  const png = decodePngOrUndefined(bytes);
  if (png !== undefined) return png;
  const sharp = await loadSharp();
  let decoded: { data: Buffer; info: OutputInfo };
  try {
    // toColourspace('srgb') brings grayscale, 16-bit and CMYK images to 8-bit sRGB (keeping alpha).
    decoded = await sharp(bytes).toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
  } catch (cause) {
    throw new InputError(`${label}: not a readable image (${(cause as Error).message})`, {
      file: typeof input === 'string' ? input : undefined,
      cause,
    });
  }
  const { width, height, channels } = decoded.info;
  if (channels === CHANNELS) return { data: new Uint8Array(decoded.data), width, height };
  // Drop alpha without compositing, as PIL's RGBA → RGB conversion does.
  const rgb = new Uint8Array(width * height * CHANNELS);
  for (let p = 0; p < width * height; p++) {
    for (let c = 0; c < CHANNELS; c++) rgb[p * CHANNELS + c] = decoded.data[p * channels + c];
  }
  return { data: rgb, width, height };
}

/**
 * sharp, imported on first use: it takes about 150 ms per thread to load, and stimulus sets made of
 * PNGs never need it (every worker of a suite run would otherwise pay that at start).
 */
let sharpModule: Promise<typeof import('sharp')> | undefined;
async function loadSharp(): Promise<typeof import('sharp')['default']> {
  return (await (sharpModule ??= import('sharp'))).default;
}

/**
 * A PNG decoded in this thread ({@link decodePng}), or `undefined` for sharp to decode: any other
 * format, a PNG variant decodePng leaves aside, and a damaged PNG, which sharp then names.
 */
function decodePngOrUndefined(bytes: Uint8Array): RgbImage | undefined {
  try {
    return decodePng(bytes);
  } catch {
    return undefined;
  }
}

/**
 * Brain-Score's `ImageConverter.apply_ratio`: a centred paste on a gray canvas of `round(ratio · size)`
 * pixels when the model sees more degrees than the stimulus covers, a centred crop to that size otherwise.
 */
function placeOnScreen(image: RgbImage, ratio: number, background: number): RgbImage {
  if (ratio === 1) return image;
  const width = Math.max(1, Math.round(image.width * ratio));
  const height = Math.max(1, Math.round(image.height * ratio));
  const out = new Uint8Array(width * height * CHANNELS);
  // Offset of the source's top-left corner on the output: positive when pasting, negative when cropping.
  const dx = ratio > 1 ? Math.floor((width - image.width) / 2) : -Math.floor((image.width - width) / 2);
  const dy = ratio > 1 ? Math.floor((height - image.height) / 2) : -Math.floor((image.height - height) / 2);
  if (ratio > 1) out.fill(background);
  for (let y = 0; y < height; y++) {
    const sy = y - dy;
    if (sy < 0 || sy >= image.height) continue;
    const x0 = Math.max(0, dx);
    const x1 = Math.min(width, image.width + dx);
    out.set(
      image.data.subarray((sy * image.width + x0 - dx) * CHANNELS, (sy * image.width + x1 - dx) * CHANNELS),
      (y * width + x0) * CHANNELS,
    );
  }
  return { data: out, width, height };
}

/** Pillow's bilinear resize (torchvision's `Resize` of a PIL image) of an RGB image to exactly `width × height`. */
function resizeRgb(image: RgbImage, width: number, height: number): RgbImage {
  const { data } = resizeBilinear({ ...image, channels: CHANNELS }, width, height);
  return { data, width, height };
}

/** Resizes the placed image to the square model input with the chosen recipe. */
function toInputSize(image: RgbImage, size: number, mode: ResizeMode): RgbImage {
  if (mode === 'stretch') return resizeRgb(image, size, size);
  const shorter = Math.round(size * SHORTER_SIDE_RATIO);
  // torchvision's Resize(int) truncates the longer side: int(shorter · long / short).
  const [w, h] =
    image.width <= image.height
      ? [shorter, Math.floor((shorter * image.height) / image.width)]
      : [Math.floor((shorter * image.width) / image.height), shorter];
  const resized = resizeRgb(image, w, h);
  const top = roundHalfEven((h - size) / 2);
  const left = roundHalfEven((w - size) / 2);
  const out = new Uint8Array(size * size * CHANNELS);
  for (let y = 0; y < size; y++) {
    const start = ((y + top) * w + left) * CHANNELS;
    out.set(resized.data.subarray(start, start + size * CHANNELS), y * size * CHANNELS);
  }
  return { data: out, width: size, height: size };
}

/** Writes `(v/255 − mean) / std` of an interleaved RGB image as channel planes into `out` at `offset`. */
function normaliseInto(image: RgbImage, o: ResolvedOptions, out: Float32Array, offset: number): void {
  const plane = image.width * image.height;
  for (let c = 0; c < CHANNELS; c++) {
    const scale = 1 / (MAX_8BIT * o.std[c]);
    const shift = o.mean[c] / o.std[c];
    const base = offset + c * plane;
    for (let p = 0; p < plane; p++) out[base + p] = image.data[p * CHANNELS + c] * scale - shift;
  }
}

async function preprocessInto(
  input: string | Uint8Array,
  label: string,
  o: ResolvedOptions,
  out: Float32Array,
  offset: number,
): Promise<void> {
  const decoded = await decodeRgb(input, label);
  const placed = placeOnScreen(decoded, o.visualDegrees / o.stimulusDegrees, o.background);
  normaliseInto(toInputSize(placed, o.inputSize, o.resize), o, out, offset);
}

function checkInput(input: unknown, label: string): asserts input is string | Uint8Array {
  if (typeof input !== 'string' && !(input instanceof Uint8Array)) {
    throw new TypeError(`${label}: expected a file path or a Uint8Array of encoded image bytes, got ${typeof input}`);
  }
}

/**
 * Preprocesses one image as Brain-Score does before a model sees it: placed on a gray screen for
 * the model's visual degrees (`place_on_screen`), converted to RGB, resized to `inputSize`,
 * scaled to [0, 1] and normalised with the ImageNet mean and std (torchvision `ToTensor` +
 * `Normalize`).
 *
 * @param input - path of an image file, or the encoded bytes of one (PNG, JPEG, …).
 * @param options - see {@link PreprocessOptions}; defaults reproduce Brain-Score's 224-pixel, 8-degree models.
 * @returns float32 channel planes R, G, B, each `inputSize × inputSize` row-major (CHW).
 * @throws InputError whose message starts with the path when the file is missing or not an image.
 * @throws RangeError for an invalid option.
 *
 * @example
 * // A FreemanZiemba2013 stimulus (4°) for an 8° model: a half-size image on gray.
 * const chw = await preprocessImage('stimuli/tex_0001.png', { stimulusDegrees: 4 });
 * chw.length; // 3 * 224 * 224
 */
export async function preprocessImage(input: string | Uint8Array, options: PreprocessOptions = {}): Promise<Float32Array> {
  const label = typeof input === 'string' ? input : '(in-memory image)';
  checkInput(input, 'input');
  const o = resolveOptions(options);
  const out = new Float32Array(CHANNELS * o.inputSize * o.inputSize);
  await preprocessInto(input, label, o, out, 0);
  return out;
}

/**
 * Preprocesses several images with {@link preprocessImage} into one float32 NCHW tensor, ready to
 * feed an ONNX model.
 *
 * @param inputs - image file paths or encoded image bytes; an in-memory image is named
 *   `inputs[i] (in-memory image)` in errors.
 * @param options - see {@link PreprocessOptions}.
 * @param reuse - a buffer to write into when it is large enough (the result's `data` is then a view
 *   of it): a batch of 224-pixel images is 0.6 MB an image, and writing into freshly allocated
 *   memory of that size costs several times the preprocessing itself, so a caller that runs batch
 *   after batch passes the previous batch's buffer back.
 * @returns `data` of length n·3·H·W and `dims` `[n, 3, H, W]`.
 * @throws InputError whose message starts with the path of an image that cannot be read.
 *
 * @example
 * const { data, dims } = await preprocessBatch(['a.png', 'b.jpg'], { stimulusDegrees: 8 });
 * const tensor = new ort.Tensor('float32', data, dims); // dims = [2, 3, 224, 224]
 */
export async function preprocessBatch(
  inputs: readonly (string | Uint8Array)[],
  options: PreprocessOptions = {},
  reuse?: Float32Array,
): Promise<PreprocessedBatch> {
  inputs.forEach((input, i) => checkInput(input, `inputs[${i}]`));
  const o = resolveOptions(options);
  const perImage = CHANNELS * o.inputSize * o.inputSize;
  const length = inputs.length * perImage;
  const data = reuse !== undefined && reuse.length >= length ? reuse.subarray(0, length) : new Float32Array(length);
  await Promise.all(
    inputs.map((input, i) =>
      preprocessInto(input, typeof input === 'string' ? input : `inputs[${i}] (in-memory image)`, o, data, i * perImage),
    ),
  );
  return { data, dims: [inputs.length, CHANNELS, o.inputSize, o.inputSize] };
}
