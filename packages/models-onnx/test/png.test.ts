import { readFileSync } from 'node:fs';
import { crc32, deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { sharedPath } from '@vvs/test-utils';
import { decodePng, isPng } from '../src/png.ts';

/** A width × height image of `channels` noisy-but-smooth channels: every PNG row filter gets used. */
function pixels(width: number, height: number, channels: number): Buffer {
  const data = Buffer.alloc(width * height * channels);
  for (let i = 0; i < data.length; i++) {
    const p = Math.floor(i / channels);
    data[i] = ((p % width) * 5 + Math.floor(p / width) * 3 + (i % channels) * 60 + ((i * 2654435761) >>> 28)) & 0xff;
  }
  return data;
}

/** sharp's (libpng's) decode of `png` as RGB, the alpha channel dropped: what decodePng must give. */
async function libpngRgb(png: Buffer): Promise<{ data: Uint8Array; width: number; height: number }> {
  const { data, info } = await sharp(png).toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
  const rgb = new Uint8Array(info.width * info.height * 3);
  for (let p = 0; p < info.width * info.height; p++) for (let c = 0; c < 3; c++) rgb[p * 3 + c] = data[p * info.channels + c]!;
  return { data: rgb, width: info.width, height: info.height };
}

const W = 37;
const H = 23;
const raw = (channels: 1 | 2 | 3 | 4) => sharp(pixels(W, H, channels), { raw: { width: W, height: H, channels } });

describe('decodePng equals libpng (through sharp), pixel for pixel', () => {
  const cases: [string, () => Promise<Buffer>, number][] = [
    ['8-bit RGB', () => raw(3).png().toBuffer(), 2],
    ['8-bit RGBA (alpha dropped)', () => raw(4).png().toBuffer(), 6],
    ['8-bit gray (replicated)', () => raw(1).toColourspace('b-w').png().toBuffer(), 0],
    ['8-bit gray + alpha', () => raw(2).toColourspace('b-w').png().toBuffer(), 4],
    ['RGB, no compression', () => raw(3).png({ compressionLevel: 0 }).toBuffer(), 2],
    ['palette, 8 bits', () => raw(3).png({ palette: true, colours: 200 }).toBuffer(), 3],
    ['palette, 4 bits', () => raw(3).png({ palette: true, colours: 16 }).toBuffer(), 3],
    ['palette, 1 bit', () => raw(3).png({ palette: true, colours: 2 }).toBuffer(), 3],
  ];
  it.each(cases)('%s', async (_, make, colourType) => {
    const png = await make();
    expect(png[25], 'IHDR colour type of the test image').toBe(colourType);
    const decoded = decodePng(png)!;
    const expected = await libpngRgb(png);
    expect([decoded.width, decoded.height]).toEqual([expected.width, expected.height]);
    expect(Buffer.from(decoded.data).equals(Buffer.from(expected.data))).toBe(true);
  });

  it('reads a Brain-Score stimulus (brainscore-files/images/n0.png) as libpng does', async () => {
    const png = readFileSync(sharedPath('reference/brainscore-files/images/n0.png'));
    const decoded = decodePng(png)!;
    expect(Buffer.from(decoded.data).equals(Buffer.from((await libpngRgb(png)).data))).toBe(true);
  });
});

/** A gray PNG of bit depth 1, 2 or 4 written by hand (sharp writes those only as palettes), filter None. */
function lowDepthGrayPng(width: number, height: number, depth: 1 | 2 | 4): Buffer {
  const rowBytes = Math.ceil((width * depth) / 8);
  const rows = Buffer.alloc((rowBytes + 1) * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const value = (x + 2 * y) % (1 << depth);
      const bit = x * depth;
      rows[y * (rowBytes + 1) + 1 + (bit >> 3)] |= value << (8 - depth - (bit & 7));
    }
  }
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const framed = Buffer.alloc(body.length + 8);
    framed.writeUInt32BE(data.length, 0);
    body.copy(framed, 4);
    framed.writeUInt32BE(crc32(body), body.length + 4);
    return framed;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = depth; // colour type 0, compression 0, filter 0, interlace 0 follow as zeros
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, chunk('IHDR', ihdr), chunk('IDAT', deflateSync(rows)), chunk('IEND', Buffer.alloc(0))]);
}

describe('decodePng scales gray below 8 bits to 0–255 as libpng and Pillow do', () => {
  it.each([1, 2, 4] as const)('%i-bit gray', async (depth) => {
    const png = lowDepthGrayPng(13, 5, depth);
    const decoded = decodePng(png)!;
    expect(Buffer.from(decoded.data).equals(Buffer.from((await libpngRgb(png)).data))).toBe(true);
    // Independently: level v of 2^depth − 1 is v · 255 / (2^depth − 1), exact for these depths.
    expect(decoded.data[3 * 1]).toBe(255 / ((1 << depth) - 1));
  });
});

describe('decodePng leaves other images to the general decoder', () => {
  it('returns undefined for a JPEG, an interlaced PNG and a 16-bit PNG', async () => {
    expect(decodePng(await raw(3).jpeg().toBuffer())).toBeUndefined();
    const interlaced = await raw(3).png({ progressive: true }).toBuffer();
    expect(interlaced[28], 'IHDR interlace method').toBe(1);
    expect(decodePng(interlaced)).toBeUndefined();
    const deep = await raw(3).toColourspace('rgb16').png().toBuffer();
    expect(deep[24], 'IHDR bit depth').toBe(16);
    expect(decodePng(deep)).toBeUndefined();
  });

  it('throws for a truncated PNG, naming what is missing', async () => {
    const png = await raw(3).png().toBuffer();
    expect(isPng(png.subarray(0, 10))).toBe(true);
    expect(() => decodePng(png.subarray(0, 40))).toThrow(/runs past the end of the file|ends before its IEND/);
  });
});
