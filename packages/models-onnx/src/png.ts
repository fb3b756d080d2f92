/**
 * A PNG decoder for the images stimulus sets are made of (8-bit or less, not interlaced), in this
 * thread with Node's zlib. PNG is lossless, so the pixels are exactly those Pillow reads; decoding
 * here rather than through libvips saves a trip to its thread pool per image, which for small
 * stimuli costs more than the decoding itself.
 *
 * Like Pillow's `convert('RGB')` (Brain-Score's `load_image`), the result is RGB: gray is
 * replicated, palette indices are looked up, alpha and transparency are dropped without compositing,
 * and colour profiles and gamma are not applied. Other PNGs (16-bit, interlaced) are left to the
 * caller's general decoder.
 */
import { inflateSync } from 'node:zlib';

/** The eight bytes every PNG file starts with. */
const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] as const;

/** Samples per pixel of each PNG colour type (0 gray, 2 RGB, 3 palette, 4 gray + alpha, 6 RGBA). */
const SAMPLES: Readonly<Record<number, number>> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

/** Bytes of a chunk's length, type and CRC around its data. */
const CHUNK_LENGTH_BYTES = 4;
const CHUNK_TYPE_BYTES = 4;
const CHUNK_CRC_BYTES = 4;

/** An 8-bit RGB image, row-major, channels interleaved. */
export interface DecodedRgb {
  readonly data: Uint8Array;
  readonly width: number;
  readonly height: number;
}

/** Whether `bytes` start with the PNG signature. */
export function isPng(bytes: Uint8Array): boolean {
  return bytes.length >= SIGNATURE.length && SIGNATURE.every((b, i) => bytes[i] === b);
}

/**
 * Decodes a PNG of bit depth 8 or less that is not interlaced to 8-bit RGB; `undefined` for any
 * other image (not a PNG, 16-bit, interlaced), which the caller decodes otherwise.
 *
 * @throws Error for a PNG that is truncated or whose image data does not inflate to its size.
 * @example
 * const rgb = decodePng(await readFile('stimulus.png'));
 * if (rgb) console.log(rgb.width, rgb.height, rgb.data.length); // data: width · height · 3 bytes
 */
export function decodePng(bytes: Uint8Array): DecodedRgb | undefined {
  if (!isPng(bytes)) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let header: { width: number; height: number; depth: number; colourType: number; interlace: number } | undefined;
  let palette: Uint8Array | undefined;
  const idat: Uint8Array[] = [];
  for (let at = SIGNATURE.length; ; ) {
    if (at + CHUNK_LENGTH_BYTES + CHUNK_TYPE_BYTES > bytes.length) throw new Error('PNG ends before its IEND chunk');
    const length = view.getUint32(at);
    const type = String.fromCharCode(...bytes.subarray(at + CHUNK_LENGTH_BYTES, at + CHUNK_LENGTH_BYTES + CHUNK_TYPE_BYTES));
    const start = at + CHUNK_LENGTH_BYTES + CHUNK_TYPE_BYTES;
    if (start + length + CHUNK_CRC_BYTES > bytes.length) throw new Error(`PNG chunk ${type} runs past the end of the file`);
    const data = bytes.subarray(start, start + length);
    if (type === 'IHDR') {
      header = { width: view.getUint32(start), height: view.getUint32(start + 4), depth: data[8]!, colourType: data[9]!, interlace: data[12]! };
    } else if (type === 'PLTE') palette = data;
    else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') break;
    at = start + length + CHUNK_CRC_BYTES;
  }
  if (header === undefined) throw new Error('PNG has no IHDR chunk');
  const { width, height, depth, colourType, interlace } = header;
  const samples = SAMPLES[colourType];
  if (samples === undefined || depth > 8 || interlace !== 0 || width === 0 || height === 0) return undefined;
  if (colourType === 3 && palette === undefined) throw new Error('palette PNG has no PLTE chunk');
  const rowBytes = Math.ceil((width * samples * depth) / 8);
  const raw = inflateSync(idat.length === 1 ? idat[0]! : Buffer.concat(idat));
  if (raw.length < (rowBytes + 1) * height) throw new Error(`PNG image data inflates to ${raw.length} bytes, expected ${(rowBytes + 1) * height}`);
  const rows = unfilter(raw, rowBytes, height, Math.max(1, (samples * depth) / 8));
  return { data: toRgb(rows, width, height, rowBytes, samples, depth, colourType, palette), width, height };
}

/** Undoes the per-row filters (PNG §9: None, Sub, Up, Average, Paeth); `bpp` is bytes per pixel, at least 1. */
function unfilter(raw: Uint8Array, rowBytes: number, height: number, bpp: number): Uint8Array {
  const out = new Uint8Array(rowBytes * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (rowBytes + 1)]!;
    const src = y * (rowBytes + 1) + 1;
    const row = y * rowBytes;
    // The row above; the first row's is all zeros, as if a zero row were above it.
    const up = y > 0 ? row - rowBytes : -1;
    const above = (i: number) => (up < 0 ? 0 : out[up + i]!);
    switch (filter) {
      case 0:
        out.set(raw.subarray(src, src + rowBytes), row);
        break;
      case 1:
        for (let i = 0; i < rowBytes; i++) out[row + i] = raw[src + i]! + (i >= bpp ? out[row + i - bpp]! : 0);
        break;
      case 2:
        for (let i = 0; i < rowBytes; i++) out[row + i] = raw[src + i]! + above(i);
        break;
      case 3:
        for (let i = 0; i < rowBytes; i++) out[row + i] = raw[src + i]! + (((i >= bpp ? out[row + i - bpp]! : 0) + above(i)) >> 1);
        break;
      case 4:
        for (let i = 0; i < rowBytes; i++) {
          const a = i >= bpp ? out[row + i - bpp]! : 0;
          const b = above(i);
          const c = i >= bpp ? above(i - bpp) : 0;
          const pa = Math.abs(b - c);
          const pb = Math.abs(a - c);
          const pc = Math.abs(a + b - 2 * c);
          out[row + i] = raw[src + i]! + (pa <= pb && pa <= pc ? a : pb <= pc ? b : c);
        }
        break;
      default:
        throw new Error(`PNG row ${y} has an unknown filter type ${filter}`);
    }
  }
  return out;
}

/** The unfiltered rows as 8-bit RGB: gray replicated, palette looked up, alpha dropped, low bit depths scaled as Pillow does. */
function toRgb(rows: Uint8Array, width: number, height: number, rowBytes: number, samples: number, depth: number, colourType: number, palette: Uint8Array | undefined): Uint8Array {
  const rgb = new Uint8Array(width * height * 3);
  if (depth === 8 && colourType !== 3) {
    for (let y = 0; y < height; y++) {
      for (let x = 0, src = y * rowBytes, dst = y * width * 3; x < width; x++, src += samples, dst += 3) {
        if (colourType === 2 || colourType === 6) {
          rgb[dst] = rows[src]!;
          rgb[dst + 1] = rows[src + 1]!;
          rgb[dst + 2] = rows[src + 2]!;
        } else rgb[dst] = rgb[dst + 1] = rgb[dst + 2] = rows[src]!;
      }
    }
    return rgb;
  }
  // Gray or palette below 8 bits (or 8-bit palette): one sample per pixel, packed from the high bit.
  const max = (1 << depth) - 1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const bit = x * depth;
      const value = (rows[y * rowBytes + (bit >> 3)]! >> (8 - depth - (bit & 7))) & max;
      const dst = (y * width + x) * 3;
      if (colourType === 3) {
        // An index past the palette reads as black, as in libpng and Pillow.
        const entry = value * 3 + 2 < palette!.length ? value * 3 : -1;
        rgb[dst] = entry < 0 ? 0 : palette![entry]!;
        rgb[dst + 1] = entry < 0 ? 0 : palette![entry + 1]!;
        rgb[dst + 2] = entry < 0 ? 0 : palette![entry + 2]!;
      } else rgb[dst] = rgb[dst + 1] = rgb[dst + 2] = Math.round((value * 255) / max);
    }
  }
  return rgb;
}
