import { beforeAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { InputError, type StimulusSet } from '@vvs/core';
import {
  NOISE_FAMILIES,
  NOISE_SAMPLES_PER_FAMILY,
  OBJECT_NAMES,
  OBJECT_VISUAL_DEGREES,
  SYNTHETIC_IMAGE_SIZE,
  TEXTURE_VISUAL_DEGREES,
  gratingsAndTextures,
  inMemoryStimulusSet,
  objectImages,
} from '../src/index.ts';

/** Counts of each value of a column. */
function counts(set: StimulusSet, column: string): Map<unknown, number> {
  const out = new Map<unknown, number>();
  for (const row of set.rows) out.set(row[column], (out.get(row[column]) ?? 0) + 1);
  return out;
}

async function allImages(set: StimulusSet): Promise<Uint8Array[]> {
  return Promise.all(set.rows.map((r) => set.getImage(r.stimulus_id)));
}

describe('gratingsAndTextures', () => {
  let set: StimulusSet;
  beforeAll(async () => {
    set = await gratingsAndTextures({ seed: 0 });
  });

  it('is a synthetic 4° set balanced between gratings and noise, with every family equally often', () => {
    expect(set.identifier).toBe('synthetic.gratings-textures.seed0');
    expect(set.visualDegrees).toBe(TEXTURE_VISUAL_DEGREES);
    expect(set.rows).toHaveLength(192);
    expect(new Set(set.rows.map((r) => r.stimulus_id)).size).toBe(192);
    expect(set.rows.every((r) => r.synthetic === true)).toBe(true);
    expect(counts(set, 'texture_type')).toEqual(new Map([['grating', 96], ['noise', 96]]));
    const families = counts(set, 'texture_family');
    expect(families.get('grating')).toBe(96);
    for (const family of NOISE_FAMILIES) expect(families.get(family)).toBe(NOISE_SAMPLES_PER_FAMILY);
  });

  it('encodes 128-pixel RGB PNGs', async () => {
    for (const png of await allImages(set)) {
      const { format, width, height, channels } = await sharp(png).metadata();
      expect({ format, width, height, channels }).toEqual({ format: 'png', width: SYNTHETIC_IMAGE_SIZE, height: SYNTHETIC_IMAGE_SIZE, channels: 3 });
    }
  });

  it('draws a 0° grating as vertical bars inside its aperture, on mid-gray outside it', async () => {
    const row = set.rows.find((r) => r.texture_family === 'grating' && r.orientation_deg === 0 && r.cycles_per_degree === 1)!;
    const { data } = await sharp(await set.getImage(row.stimulus_id)).raw().toBuffer({ resolveWithObject: true });
    const size = SYNTHETIC_IMAGE_SIZE;
    const pixelsPerDegree = size / TEXTURE_VISUAL_DEGREES;
    const cx = Math.round(size / 2 + (row.position_x as number) * pixelsPerDegree);
    const cy = Math.round(size / 2 - (row.position_y as number) * pixelsPerDegree);
    const at = (x: number, y: number) => data[(y * size + x) * 3];
    // Along a column the luminance is constant; along a row it swings with the grating (32 pixels per cycle).
    for (let dy = -3; dy <= 3; dy++) expect(at(cx, cy + dy)).toBe(at(cx, cy));
    const row8 = Array.from({ length: 17 }, (_, dx) => at(cx - 8 + dx, cy));
    expect(Math.max(...row8) - Math.min(...row8)).toBeGreaterThan(20);
    expect(at(0, 0)).toBe(128);
  });

  it('is byte-identical for the same seed and different for another', async () => {
    const again = await allImages(await gratingsAndTextures({ seed: 0 }));
    const original = await allImages(set);
    again.forEach((png, i) => expect(Buffer.compare(Buffer.from(png), Buffer.from(original[i]))).toBe(0));
    const other = await allImages(await gratingsAndTextures({ seed: 1 }));
    const differing = other.filter((png, i) => Buffer.compare(Buffer.from(png), Buffer.from(original[i])) !== 0).length;
    expect(differing).toBe(original.length);
  });
});

describe('objectImages', () => {
  it('is a synthetic 8° set with every object equally often, interleaved, labelled in image_label', async () => {
    const set = await objectImages({ seed: 3, imagesPerObject: 3, part: 'demo' });
    expect(set.identifier).toBe('synthetic.demo.seed3');
    expect(set.visualDegrees).toBe(OBJECT_VISUAL_DEGREES);
    expect(set.rows).toHaveLength(3 * OBJECT_NAMES.length);
    expect(set.rows.slice(0, OBJECT_NAMES.length).map((r) => r.object_name)).toEqual([...OBJECT_NAMES]);
    expect(counts(set, 'object_name')).toEqual(new Map(OBJECT_NAMES.map((name) => [name, 3])));
    for (const row of set.rows) {
      expect(row.stimulus_id.startsWith(`demo-${row.object_name}-`)).toBe(true);
      expect(row.image_label).toBe(row.object_name);
      expect(row.synthetic).toBe(true);
      expect(Math.abs(row.object_contrast as number)).toBeGreaterThan(0);
    }
    for (const png of await allImages(set)) {
      const { width, height, channels } = await sharp(png).metadata();
      expect([width, height, channels]).toEqual([SYNTHETIC_IMAGE_SIZE, SYNTHETIC_IMAGE_SIZE, 3]);
    }
  });

  it('draws the object at its recorded place: a disc differs from its background at its centre', async () => {
    const set = await objectImages({ seed: 5, imagesPerObject: 6 });
    const size = SYNTHETIC_IMAGE_SIZE;
    const pixelsPerDegree = size / OBJECT_VISUAL_DEGREES;
    for (const row of set.rows.filter((r) => r.object_name === 'disc' && r.background === 'uniform')) {
      const { data } = await sharp(await set.getImage(row.stimulus_id)).raw().toBuffer({ resolveWithObject: true });
      const x = Math.round(size / 2 + (row.position_x as number) * pixelsPerDegree);
      const y = Math.round(size / 2 - (row.position_y as number) * pixelsPerDegree);
      expect(Math.abs(data[(y * size + x) * 3] - data[0]) / 255).toBeCloseTo(Math.abs(row.object_contrast as number), 1);
    }
  });

  it('is byte-identical for the same seed and different for another', async () => {
    const a = await allImages(await objectImages({ seed: 3, imagesPerObject: 2 }));
    const b = await allImages(await objectImages({ seed: 3, imagesPerObject: 2 }));
    const c = await allImages(await objectImages({ seed: 4, imagesPerObject: 2 }));
    a.forEach((png, i) => {
      expect(Buffer.compare(Buffer.from(png), Buffer.from(b[i]))).toBe(0);
      expect(Buffer.compare(Buffer.from(png), Buffer.from(c[i]))).not.toBe(0);
    });
  });

  it('rejects a bad image count', async () => {
    await expect(objectImages({ imagesPerObject: 0 })).rejects.toThrow('imagesPerObject: expected a positive integer, got 0');
  });
});

describe('inMemoryStimulusSet', () => {
  it('serves its images and rejects unknown ids, repeated ids and missing images', async () => {
    const png = new Uint8Array([1, 2, 3]);
    const set = inMemoryStimulusSet('synthetic.tiny', 8, [{ stimulus_id: 'a' }], new Map([['a', png]]));
    expect(await set.getImage('a')).toBe(png);
    await expect(set.getImage('b')).rejects.toThrow(InputError);
    expect(() => inMemoryStimulusSet('x', 8, [{ stimulus_id: 'a' }, { stimulus_id: 'a' }], new Map([['a', png]]))).toThrow("rows: stimulus id 'a' appears twice in x");
    expect(() => inMemoryStimulusSet('x', 8, [{ stimulus_id: 'c' }], new Map())).toThrow("images: no image for stimulus 'c' of x");
  });
});
