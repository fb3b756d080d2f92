import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { resizeBilinear } from '../src/resample.ts';

/** Pillow's outputs, written by fixtures/pillow_resize.py (which documents the cases). */
interface Case {
  kind: 'noise' | 'smooth';
  channels: number;
  input: [number, number];
  output: [number, number];
  sha256: string;
  bytes?: number[];
}
const fixture = JSON.parse(readFileSync(new URL('./fixtures/pillow-resize.json', import.meta.url), 'utf8')) as { pillow: string; cases: Case[] };

/** The generated input, as fixtures/pillow_resize.py's `pixel` draws it. */
function input({ kind, channels, input: [width, height] }: Case): Uint8Array {
  const data = new Uint8Array(width * height * channels);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < channels; c++) {
        const i = (y * width + x) * 3 + c;
        data[(y * width + x) * channels + c] = kind === 'noise' ? Math.floor((i * 1103515245 + 12345) / 65536) % 256 : (x * 7 + y * 3 + c * 85) % 256;
      }
    }
  }
  return data;
}

describe(`resizeBilinear equals Pillow ${fixture.pillow}'s Image.resize(BILINEAR) byte for byte`, () => {
  it.each(fixture.cases.map((c) => [`${c.kind} ${c.channels}-channel ${c.input.join('×')} → ${c.output.join('×')}`, c] as const))('%s', (_, c) => {
    const [width, height] = c.input;
    const out = resizeBilinear({ data: input(c), width, height, channels: c.channels }, c.output[0], c.output[1]);
    expect([out.width, out.height, out.channels]).toEqual([...c.output, c.channels]);
    if (c.bytes) expect([...out.data]).toEqual(c.bytes);
    expect(createHash('sha256').update(out.data).digest('hex')).toBe(c.sha256);
  });
});

describe('resizeBilinear', () => {
  it('returns the image itself at its own size', () => {
    const image = { data: new Uint8Array(12), width: 2, height: 2, channels: 3 };
    expect(resizeBilinear(image, 2, 2)).toBe(image);
  });

  it('rejects a size that is not a positive integer, and data of the wrong length', () => {
    const image = { data: new Uint8Array(12), width: 2, height: 2, channels: 3 };
    expect(() => resizeBilinear(image, 0, 2)).toThrow(/width: expected a positive integer, got 0/);
    expect(() => resizeBilinear(image, 2, 1.5)).toThrow(/height: expected a positive integer, got 1.5/);
    expect(() => resizeBilinear({ ...image, data: new Uint8Array(11) }, 3, 3)).toThrow(/2×2×3 = 12 bytes, got 11/);
  });
});
