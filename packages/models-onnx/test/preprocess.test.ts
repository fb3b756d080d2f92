import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '@vvs/core';
import { expectAllClose, sharedPath } from '@vvs/test-utils';
import {
  IMAGENET_MEAN,
  IMAGENET_STD,
  SCREEN_GRAY,
  preprocessBatch,
  preprocessImage,
} from '../src/preprocess.ts';

// Expected values are computed here from the ImageNet constants written out literally, so a wrong
// constant in the implementation is caught too.
const MEAN = [0.485, 0.456, 0.406];
const STD = [0.229, 0.224, 0.225];
const SIZE = 224;
const PLANE = SIZE * SIZE;
/** float32 rounding of the normalised value: a few ulps around |x| ≤ 3. */
const F32 = { atol: 1e-6 };

type Rgb = [number, number, number];
const RED: Rgb = [255, 0, 0];
const GREEN: Rgb = [0, 200, 0];
const BLUE: Rgb = [0, 0, 255];
const ORANGE: Rgb = [230, 120, 30];

function norm(value: number, channel: number): number {
  return (value / 255 - MEAN[channel]) / STD[channel];
}

/** Raw interleaved pixels of a width × height image whose colour at (x, y) is `colour(x, y)`. */
function raw(width: number, height: number, channels: number, colour: (x: number, y: number) => number[]): Buffer {
  const buf = Buffer.alloc(width * height * channels);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) buf.set(colour(x, y), (y * width + x) * channels);
  }
  return buf;
}

function png(width: number, height: number, channels: 1 | 2 | 3 | 4, colour: (x: number, y: number) => number[]) {
  return sharp(raw(width, height, channels, colour), { raw: { width, height, channels } }).png().toBuffer();
}

function jpeg(width: number, height: number, colour: (x: number, y: number) => number[]) {
  return sharp(raw(width, height, 3, colour), { raw: { width, height, channels: 3 } })
    .jpeg({ quality: 100, chromaSubsampling: '4:4:4' })
    .toBuffer();
}

/** Value of channel c at (x, y) of a CHW output. */
function at(chw: Float32Array, c: number, x: number, y: number, size = SIZE): number {
  return chw[c * size * size + y * size + x];
}

/** The normalised RGB triple at (x, y), rounded back to 8-bit levels for readable comparisons. */
function levels(chw: Float32Array, x: number, y: number): number[] {
  // `+ 0` turns the −0 of a rounded tiny negative into 0 for toEqual.
  return [0, 1, 2].map((c) => Math.round((at(chw, c, x, y) * STD[c] + MEAN[c]) * 255) + 0);
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

describe('constants', () => {
  it('are ImageNet statistics and PIL gray', () => {
    expect([...IMAGENET_MEAN]).toEqual(MEAN);
    expect([...IMAGENET_STD]).toEqual(STD);
    expect(SCREEN_GRAY).toBe(128);
  });
});

describe('preprocessImage: colour, scaling and layout', () => {
  it('maps a solid colour to (c/255 − mean)/std in every pixel of each channel plane', async () => {
    const out = await preprocessImage(await png(50, 70, 3, () => ORANGE));
    expect(out).toBeInstanceOf(Float32Array);
    expect(out.length).toBe(3 * PLANE);
    for (let c = 0; c < 3; c++) {
      expectAllClose(out.subarray(c * PLANE, (c + 1) * PLANE), new Array(PLANE).fill(norm(ORANGE[c], c)), F32, `channel ${c}`);
    }
  });

  it('lays out CHW planes pixel for pixel when no resize is needed', async () => {
    // Every pixel distinct per channel, so a transposed or interleaved layout cannot pass.
    const colour = (x: number, y: number) => [(x + 3 * y) % 256, (7 * x + y) % 256, (x * y) % 256];
    const out = await preprocessImage(await png(SIZE, SIZE, 3, colour));
    const expected = new Float64Array(3 * PLANE);
    for (let y = 0; y < SIZE; y++) {
      for (let x = 0; x < SIZE; x++) {
        const v = colour(x, y);
        for (let c = 0; c < 3; c++) expected[c * PLANE + y * SIZE + x] = norm(v[c], c);
      }
    }
    expectAllClose(out, expected, F32, 'CHW');
  });

  it('replicates a 1-channel grayscale image to three equal channels', async () => {
    const gray = (x: number, y: number) => [(x * 5 + y * 3) % 256];
    const fromGray = await preprocessImage(await png(90, 60, 1, gray));
    const fromRgb = await preprocessImage(await png(90, 60, 3, (x, y) => [gray(x, y)[0], gray(x, y)[0], gray(x, y)[0]]));
    expectAllClose(fromGray, fromRgb, F32, 'gray vs RGB');
  });

  it('treats RGBA with alpha 255 exactly as RGB', async () => {
    const colour = (x: number, y: number) => [x % 256, (2 * y) % 256, (x + y) % 256];
    const rgba = await preprocessImage(await png(120, 80, 4, (x, y) => [...colour(x, y), 255]));
    const rgb = await preprocessImage(await png(120, 80, 3, colour));
    expectAllClose(rgba, rgb, F32, 'RGBA vs RGB');
  });

  it('drops alpha without compositing, as PIL convert("RGB") does', async () => {
    const out = await preprocessImage(await png(40, 40, 4, () => [...ORANGE, 0]));
    for (let c = 0; c < 3; c++) expect(at(out, c, 100, 100)).toBeCloseTo(norm(ORANGE[c], c), 6);
  });

  it('decodes a quality-100 JPEG close to the PNG of the same pixels', async () => {
    const colour = (x: number, y: number) => [x * 2, y * 2, 255 - x - y];
    const fromJpeg = await preprocessImage(await jpeg(100, 100, colour));
    const fromPng = await preprocessImage(await png(100, 100, 3, colour));
    // A few 8-bit levels of JPEG error on a smooth gradient, over the smallest std.
    expect(maxAbsDiff(fromJpeg, fromPng)).toBeLessThan(4 / 255 / 0.224);
  });
});

describe('preprocessImage: placement on screen (visual degrees)', () => {
  it('puts a 4° stimulus for an 8° model in the centre half, on a gray screen', async () => {
    const out = await preprocessImage(await png(100, 100, 3, () => RED), { visualDegrees: 8, stimulusDegrees: 4 });
    // 100 px pasted centred on a 200 px canvas → the image spans [56, 168) of 224 along each axis.
    const mid = SIZE / 2;
    for (const [x, y] of [[0, 0], [223, 223], [54, mid], [mid, 54], [170, mid], [mid, 170]]) {
      for (let c = 0; c < 3; c++) expect(at(out, c, x, y), `gray at (${x}, ${y})`).toBeCloseTo(norm(128, c), 6);
    }
    for (const [x, y] of [[58, mid], [165, mid], [mid, 58], [mid, 165], [mid, mid]]) {
      for (let c = 0; c < 3; c++) expect(at(out, c, x, y), `red at (${x}, ${y})`).toBeCloseTo(norm(RED[c], c), 6);
    }
    // The first red-dominated column along the middle row sits at 56 ± 1, the last at 167 ± 1.
    const redCols = [];
    for (let x = 0; x < SIZE; x++) if (levels(out, x, mid)[0] > (128 + 255) / 2) redCols.push(x);
    expect(Math.abs(redCols[0] - 56)).toBeLessThanOrEqual(1);
    expect(Math.abs(redCols[redCols.length - 1] - 167)).toBeLessThanOrEqual(1);
  });

  it('uses the background option for the screen', async () => {
    const out = await preprocessImage(await png(100, 100, 3, () => RED), { stimulusDegrees: 4, background: 0 });
    for (let c = 0; c < 3; c++) expect(at(out, c, 5, 5)).toBeCloseTo(norm(0, c), 6);
  });

  it('centre-crops a 16° stimulus to the 8° field of view', async () => {
    // Green square over the centre half of a blue 200 px image: the crop keeps only green.
    const inside = (v: number) => v >= 50 && v < 150;
    const out = await preprocessImage(await png(200, 200, 3, (x, y) => (inside(x) && inside(y) ? GREEN : BLUE)), {
      stimulusDegrees: 16,
    });
    for (const [x, y] of [[0, 0], [223, 0], [0, 223], [223, 223], [112, 112]]) {
      expect(levels(out, x, y), `(${x}, ${y})`).toEqual(GREEN);
    }
  });
});

describe('preprocessImage: resize recipes on a non-square image', () => {
  // 300 × 200: red in x < 60, green in the middle, blue in x ≥ 240.
  const stripes = () => png(300, 200, 3, (x) => (x < 60 ? RED : x >= 240 ? BLUE : GREEN));

  it("'stretch' keeps the whole width, red left and blue right", async () => {
    const out = await preprocessImage(await stripes(), { resize: 'stretch' });
    // 60/300 of 224 = 44.8 columns of red at each end.
    expect(levels(out, 10, 100)).toEqual(RED);
    expect(levels(out, 112, 100)).toEqual(GREEN);
    expect(levels(out, 213, 100)).toEqual(BLUE);
  });

  it("'shorter-side-crop' (256 then centre 224) keeps only the green middle", async () => {
    const out = await preprocessImage(await stripes(), { resize: 'shorter-side-crop' });
    // 200 → 256 scales by 1.28: red ends at 76.8, blue starts at 307.2 of 384; the crop is [80, 304).
    for (const [x, y] of [[0, 0], [223, 0], [0, 223], [223, 223], [112, 112]]) {
      expect(levels(out, x, y), `(${x}, ${y})`).toEqual(GREEN);
    }
  });
});

describe('preprocessBatch', () => {
  it('stacks images as NCHW with dims [n, 3, H, W], each equal to preprocessImage', async () => {
    const a = await png(64, 64, 3, () => ORANGE);
    const b = await png(80, 40, 3, (x) => (x < 40 ? RED : BLUE));
    const options = { inputSize: 32, stimulusDegrees: 4 };
    const { data, dims } = await preprocessBatch([a, b], options);
    expect(dims).toEqual([2, 3, 32, 32]);
    expect(data.length).toBe(2 * 3 * 32 * 32);
    expectAllClose(data.subarray(0, 3 * 1024), await preprocessImage(a, options), F32, 'image 0');
    expectAllClose(data.subarray(3 * 1024), await preprocessImage(b, options), F32, 'image 1');
  });

  it('writes into a buffer passed back to it when that is large enough, with the same values', async () => {
    const a = await png(64, 64, 3, () => ORANGE);
    const b = await png(80, 40, 3, (x) => (x < 40 ? RED : BLUE));
    const options = { inputSize: 32 };
    const fresh = await preprocessBatch([a, b], options);
    const reuse = new Float32Array(3 * 3 * 32 * 32).fill(Number.NaN);
    const reused = await preprocessBatch([b, a], options, reuse);
    expect(reused.data.buffer).toBe(reuse.buffer);
    expect(reused.data.length).toBe(2 * 3 * 1024);
    expect([...reused.data.subarray(0, 3 * 1024)]).toEqual([...fresh.data.subarray(3 * 1024)]);
    expect([...reused.data.subarray(3 * 1024)]).toEqual([...fresh.data.subarray(0, 3 * 1024)]);
    const tooSmall = new Float32Array(10);
    expect((await preprocessBatch([a], options, tooSmall)).data.buffer).not.toBe(tooSmall.buffer);
  });

  it('returns an empty tensor for no images', async () => {
    const { data, dims } = await preprocessBatch([]);
    expect(dims).toEqual([0, 3, 224, 224]);
    expect(data.length).toBe(0);
  });
});

describe('errors', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vvs-preprocess-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('names a missing file first', async () => {
    const file = join(dir, 'missing.png');
    const err = await preprocessImage(file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).file).toBe(file);
    expect((err as Error).message.startsWith(`${file}: file not found`)).toBe(true);
  });

  it('names a file that is not an image first, in a batch too', async () => {
    const file = join(dir, 'notes.png');
    await writeFile(file, 'not an image');
    const good = await png(10, 10, 3, () => RED);
    const err = await preprocessBatch([good, file]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).file).toBe(file);
    expect((err as Error).message.startsWith(`${file}: not a readable image`)).toBe(true);
  });

  it('names an unreadable in-memory image by its index', async () => {
    await expect(preprocessBatch([new Uint8Array([1, 2, 3])])).rejects.toThrow(/^inputs\[0\] \(in-memory image\): not a readable image/);
  });

  it('rejects invalid options with a RangeError naming the option', async () => {
    const img = await png(10, 10, 3, () => RED);
    await expect(preprocessImage(img, { inputSize: 0 })).rejects.toThrow(/^inputSize:/);
    await expect(preprocessImage(img, { stimulusDegrees: -4 })).rejects.toThrow(/^stimulusDegrees:/);
    await expect(preprocessImage(img, { std: [1, 0, 1] })).rejects.toThrow(/^std:/);
    await expect(preprocessImage(img, { mean: [0.5] })).rejects.toThrow(/^mean:/);
    await expect(preprocessImage(img, { background: 300 })).rejects.toThrow(/^background:/);
    await expect(preprocessImage(img, { resize: 'crop' as never })).rejects.toThrow(/^resize:/);
    await expect(preprocessImage(42 as never)).rejects.toThrow(TypeError);
  });
});

describe('real stimulus (brainscore-files/images/n0.png, 256 × 256 RGB)', () => {
  const file = () => sharedPath('reference/brainscore-files/images/n0.png');

  it('gives a finite 3 × 224 × 224 tensor whose channel means match the image (resize preserves means)', async () => {
    const out = await preprocessImage(file());
    expect(out.length).toBe(3 * PLANE);
    expect(out.every(Number.isFinite)).toBe(true);
    // Independent of the resampler: averaging commutes with a normalised resampling kernel up to
    // border and 8-bit rounding effects, well under one level.
    const { data, info } = await sharp(file()).raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height, info.channels]).toEqual([256, 256, 3]);
    for (let c = 0; c < 3; c++) {
      let sum = 0;
      for (let p = 0; p < 256 * 256; p++) sum += data[p * 3 + c];
      const expected = norm(sum / (256 * 256), c);
      let mean = 0;
      for (let p = 0; p < PLANE; p++) mean += out[c * PLANE + p];
      expect(Math.abs(mean / PLANE - expected), `channel ${c} mean`).toBeLessThan(0.5 / 255 / STD[c]);
    }
  });

  // Brain-Score's pixels for this stimulus, from Pillow (fixtures/pillow_resize.py).
  const pillow = (JSON.parse(readFileSync(new URL('./fixtures/pillow-resize.json', import.meta.url), 'utf8')) as {
    stimuli: { stimulusDegrees: number; sha256: string }[];
  }).stimuli;

  it.each(pillow.map((s) => [s.stimulusDegrees, s.sha256] as const))(
    'shown at %i° to an 8° model, has Brain-Score’s (Pillow’s) 8-bit pixels exactly',
    async (stimulusDegrees, sha256) => {
      const out = await preprocessImage(file(), { stimulusDegrees });
      const interleaved = new Uint8Array(3 * PLANE);
      for (let y = 0; y < SIZE; y++) for (let x = 0; x < SIZE; x++) interleaved.set(levels(out, x, y), (y * SIZE + x) * 3);
      expect(createHash('sha256').update(interleaved).digest('hex')).toBe(sha256);
    },
  );

  it('shows the 4° version of the stimulus on gray for an 8° model', async () => {
    const out = await preprocessImage(file(), { stimulusDegrees: 4 });
    for (let c = 0; c < 3; c++) {
      expect(at(out, c, 10, 10)).toBeCloseTo(norm(128, c), 6);
      expect(at(out, c, 213, 112)).toBeCloseTo(norm(128, c), 6);
    }
  });
});
