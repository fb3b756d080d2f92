/**
 * Drawing primitives of the synthetic stimuli: images as row-major RGB float buffers in [0, 1],
 * sums of plane waves, anti-aliased shape masks, and the in-memory PNG stimulus set they end in.
 */
import { InputError, type StimulusRow, type StimulusSet } from '@vvs/core';

/** Colour channels of every synthetic image (RGB; grayscale stimuli repeat one value three times). */
export const RGB_CHANNELS = 3;

/** Largest 8-bit channel value, the scale from [0, 1] intensities to PNG bytes. */
const MAX_8BIT = 255;

/**
 * Sub-pixel samples per axis when covering a shape (so 4 samples per pixel): enough to soften the
 * edges of a 128-pixel image, so a shape's features vary smoothly with its position and size.
 */
const SUPERSAMPLING = 2;

/**
 * zlib level of the PNG encoder, fixed so the bytes of a stimulus never depend on sharp's default
 * (they feed content-addressed activation caches).
 */
const PNG_COMPRESSION_LEVEL = 6;

/** A square RGB image: `size`² pixels, row-major, channels interleaved, intensities in [0, 1]. */
export interface RgbImage {
  readonly size: number;
  readonly data: Float64Array;
}

/**
 * A blank (black) {@link RgbImage} of `size`² pixels.
 *
 * @throws RangeError when `size` is not a positive integer.
 * @example
 * blankImage(128).data.length; // 128 · 128 · 3
 */
export function blankImage(size: number): RgbImage {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`size: expected a positive integer, got ${size}`);
  return { size, data: new Float64Array(size * size * RGB_CHANNELS) };
}

/** One plane wave `amplitude · cos(2π (fx·x + fy·y) + phase)` over image coordinates x, y ∈ [−½, ½). */
export interface PlaneWave {
  /** Horizontal frequency, cycles per image width. */
  readonly fx: number;
  /** Vertical frequency, cycles per image height (y grows downwards). */
  readonly fy: number;
  /** Phase in radians at the image centre. */
  readonly phase: number;
  readonly amplitude: number;
}

/**
 * The sum of plane waves sampled at the pixel centres of a `size`² image, row-major. Each wave is
 * separated as cos(a + b) = cos a·cos b − sin a·sin b over precomputed row and column tables, so a
 * wave costs two multiply-adds per pixel rather than a cosine.
 *
 * @example
 * const field = sumOfWaves(64, [{ fx: 4, fy: 0, phase: 0, amplitude: 1 }]); // a vertical grating, 4 cycles
 */
export function sumOfWaves(size: number, waves: readonly PlaneWave[]): Float64Array {
  const out = new Float64Array(size * size);
  const cosX = new Float64Array(size);
  const sinX = new Float64Array(size);
  const cosY = new Float64Array(size);
  const sinY = new Float64Array(size);
  for (const { fx, fy, phase, amplitude } of waves) {
    for (let i = 0; i < size; i++) {
      const t = (i + 0.5) / size - 0.5;
      cosX[i] = amplitude * Math.cos(2 * Math.PI * fx * t + phase);
      sinX[i] = amplitude * Math.sin(2 * Math.PI * fx * t + phase);
      cosY[i] = Math.cos(2 * Math.PI * fy * t);
      sinY[i] = Math.sin(2 * Math.PI * fy * t);
    }
    for (let y = 0; y < size; y++) {
      const cy = cosY[y];
      const sy = sinY[y];
      const row = y * size;
      for (let x = 0; x < size; x++) out[row + x] += cosX[x] * cy - sinX[x] * sy;
    }
  }
  return out;
}

/**
 * Rescales `field` in place to mean 0 and root-mean-square 1 (a constant field becomes all zeros),
 * so that a texture's contrast is set by one number whatever its spectrum.
 *
 * @example
 * standardize(Float64Array.of(1, 3)); // Float64Array [-1, 1]
 */
export function standardize(field: Float64Array): Float64Array {
  let sum = 0;
  for (let i = 0; i < field.length; i++) sum += field[i];
  const mean = sum / field.length;
  let squares = 0;
  for (let i = 0; i < field.length; i++) squares += (field[i] - mean) ** 2;
  const rms = Math.sqrt(squares / field.length);
  for (let i = 0; i < field.length; i++) field[i] = rms > 0 ? (field[i] - mean) / rms : 0;
  return field;
}

/** Fraction of an aperture's radius over which its window falls from 1 to 0 (a raised-cosine edge). */
const APERTURE_EDGE_FRACTION = 0.2;

/**
 * Multiplies a `size`² field in place by a soft circular window centred at (`centreX`, `centreY`)
 * with radius `radius` (all fractions of the image side): 1 within (1 − 0.2)·radius, 0 beyond the
 * radius, and a raised cosine between, so the texture fades into the mean luminance without a hard
 * edge that would drive every orientation channel.
 *
 * @example
 * applyAperture(field, 128, 0.5, 0.5, 0.25); // a centred patch a quarter of the image wide in radius
 */
export function applyAperture(field: Float64Array, size: number, centreX: number, centreY: number, radius: number): void {
  const inner = (1 - APERTURE_EDGE_FRACTION) * radius;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const distance = Math.hypot((x + 0.5) / size - centreX, (y + 0.5) / size - centreY);
      const window = distance <= inner ? 1 : distance >= radius ? 0 : 0.5 * (1 + Math.cos((Math.PI * (distance - inner)) / (radius - inner)));
      field[y * size + x] *= window;
    }
  }
}

/**
 * Paints a grayscale luminance field onto `image`: each pixel's R, G and B become
 * `clip(mean · (1 + contrast · field), 0, 1)`, the Michelson-style modulation of a gray screen.
 *
 * @example
 * paintLuminance(image, standardize(sumOfWaves(image.size, waves)), 0.5, 0.2);
 */
export function paintLuminance(image: RgbImage, field: Float64Array, mean: number, contrast: number): void {
  for (let p = 0; p < field.length; p++) {
    const value = Math.min(1, Math.max(0, mean * (1 + contrast * field[p])));
    for (let c = 0; c < RGB_CHANNELS; c++) image.data[p * RGB_CHANNELS + c] = value;
  }
}

/**
 * Paints every pixel as a mix of two colours, `(1 − t)·from + t·to`, with t = `mix[p]` clipped to
 * [0, 1] (gradients and two-colour noise backgrounds).
 *
 * @example
 * paintMix(image, new Float64Array(image.size ** 2), [0.2, 0.2, 0.2], [0.8, 0.8, 0.8]); // uniform dark gray
 */
export function paintMix(image: RgbImage, mix: Float64Array, from: readonly number[], to: readonly number[]): void {
  for (let p = 0; p < mix.length; p++) {
    const t = Math.min(1, Math.max(0, mix[p]));
    for (let c = 0; c < RGB_CHANNELS; c++) image.data[p * RGB_CHANNELS + c] = (1 - t) * from[c] + t * to[c];
  }
}

/**
 * A shape's placement: its centre and radius as fractions of the image side, and its rotation in
 * radians (counter-clockwise on screen). The shape's own test sees coordinates in units of `radius`.
 */
export interface Placement {
  readonly centreX: number;
  readonly centreY: number;
  readonly radius: number;
  readonly rotation: number;
}

/**
 * Composites a shape over `image` in `colour`: a pixel's coverage is the fraction of its
 * {@link SUPERSAMPLING}² sub-pixel samples that `inside(u, v)` accepts, (u, v) being the sample's
 * coordinates in the shape's frame (centred, rotated, in units of the radius, v up), and the pixel
 * becomes `(1 − coverage)·pixel + coverage·colour`. Only the square bounding the unit circle of the
 * shape's frame is visited, so shapes must lie within it.
 *
 * @example
 * drawShape(image, (u, v) => u * u + v * v <= 1, { centreX: 0.5, centreY: 0.5, radius: 0.2, rotation: 0 }, [1, 0, 0]);
 */
export function drawShape(image: RgbImage, inside: (u: number, v: number) => boolean, placement: Placement, colour: readonly number[]): void {
  const { size, data } = image;
  const { centreX, centreY, radius, rotation } = placement;
  const cos = Math.cos(rotation);
  const sin = Math.sin(rotation);
  const lo = (value: number) => Math.max(0, Math.floor((value - radius) * size));
  const hi = (value: number) => Math.min(size - 1, Math.ceil((value + radius) * size));
  const samples = SUPERSAMPLING * SUPERSAMPLING;
  for (let y = lo(centreY); y <= hi(centreY); y++) {
    for (let x = lo(centreX); x <= hi(centreX); x++) {
      let hits = 0;
      for (let sy = 0; sy < SUPERSAMPLING; sy++) {
        const dy = -((y + (sy + 0.5) / SUPERSAMPLING) / size - centreY) / radius;
        for (let sx = 0; sx < SUPERSAMPLING; sx++) {
          const dx = ((x + (sx + 0.5) / SUPERSAMPLING) / size - centreX) / radius;
          // Rotate the sample by −rotation into the shape's frame.
          if (inside(cos * dx + sin * dy, -sin * dx + cos * dy)) hits++;
        }
      }
      if (hits === 0) continue;
      const coverage = hits / samples;
      const p = (y * size + x) * RGB_CHANNELS;
      for (let c = 0; c < RGB_CHANNELS; c++) data[p + c] = (1 - coverage) * data[p + c] + coverage * colour[c];
    }
  }
}

/**
 * Whether (u, v) lies inside a simple polygon (vertices in order, either orientation), by the
 * crossing-number rule (a horizontal ray from the point crosses the boundary an odd number of times).
 *
 * @example
 * insidePolygon(0, 0, [[-1, -1], [1, -1], [1, 1], [-1, 1]]); // true
 */
export function insidePolygon(u: number, v: number, vertices: readonly (readonly [number, number])[]): boolean {
  let inside = false;
  for (let i = 0, j = vertices.length - 1; i < vertices.length; j = i++) {
    const [ui, vi] = vertices[i];
    const [uj, vj] = vertices[j];
    if (vi > v !== vj > v && u < ((uj - ui) * (v - vi)) / (vj - vi) + ui) inside = !inside;
  }
  return inside;
}

/**
 * Encodes an {@link RgbImage} as an 8-bit RGB PNG (values rounded to the nearest level) with sharp,
 * at a fixed compression level, so the same pixels always give the same bytes.
 *
 * @example
 * const png = await encodeRgbPng(image); // Uint8Array starting with 0x89 'PNG'
 */
export async function encodeRgbPng(image: RgbImage): Promise<Uint8Array> {
  const { size, data } = image;
  const bytes = Buffer.alloc(data.length);
  for (let i = 0; i < data.length; i++) bytes[i] = Math.round(MAX_8BIT * Math.min(1, Math.max(0, data[i])));
  // Imported here, not at the top: only generating the synthetic data encodes PNGs, and loading sharp
  // costs every process that reads the cached data about 150 ms.
  const { default: sharp } = await import('sharp');
  const png = await sharp(bytes, { raw: { width: size, height: size, channels: RGB_CHANNELS } })
    .png({ compressionLevel: PNG_COMPRESSION_LEVEL })
    .toBuffer();
  return new Uint8Array(png.buffer, png.byteOffset, png.byteLength);
}

/**
 * A {@link StimulusSet} held in memory: rows and encoded images given up front; `getImage` returns
 * the stored bytes and rejects an unknown id with an {@link InputError}.
 *
 * @throws RangeError when `rows` repeat a stimulus id or an image is missing for a row.
 * @example
 * const set = inMemoryStimulusSet('synthetic.demo', 8, rows, new Map([[rows[0].stimulus_id, png]]));
 */
export function inMemoryStimulusSet(
  identifier: string,
  visualDegrees: number,
  rows: readonly StimulusRow[],
  images: ReadonlyMap<string, Uint8Array>,
): StimulusSet {
  const ids = new Set<string>();
  for (const { stimulus_id: id } of rows) {
    if (ids.has(id)) throw new RangeError(`rows: stimulus id '${id}' appears twice in ${identifier}`);
    if (!images.has(id)) throw new RangeError(`images: no image for stimulus '${id}' of ${identifier}`);
    ids.add(id);
  }
  return {
    identifier,
    visualDegrees,
    rows,
    getImage: async (stimulusId: string) => {
      const image = images.get(stimulusId);
      if (image === undefined || !ids.has(stimulusId)) {
        throw new InputError(`${identifier}: no stimulus '${stimulusId}'`, { field: 'stimulus_id' });
      }
      return image;
    },
  };
}
