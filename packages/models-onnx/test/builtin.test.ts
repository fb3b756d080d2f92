import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '@vvs/core';
import { expectAllClose } from '@vvs/test-utils';
import {
  BUILTIN_MODELS,
  CNN_SHAPES,
  GABOR_CHANNELS,
  GABOR_SHAPES,
  PIXELS_BLOCK,
  PIXELS_SHAPE,
  builtinModel,
} from '../src/builtin/index.ts';
import type { GaborChannel } from '../src/builtin/index.ts';
import { OnnxModel } from '../src/onnx-model.ts';
import type { LayerActivation } from '../src/onnx-model.ts';

const BATCH = 2;
const SIDE = 224;
const INPUT_DIMS = [BATCH, 3, SIDE, SIDE];

/** Deterministic, non-periodic test pixels in [0, 1) (a scrambled sine, not the models' generator). */
function testImages(): Float32Array {
  return new Float32Array(BATCH * 3 * SIDE * SIDE).map((_, i) => {
    const s = Math.sin(i * 12.9898 + 78.233) * 43758.5453;
    return s - Math.floor(s);
  });
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Layers and their shapes after the batch axis, as each model's documentation states them. */
const DOCUMENTED = {
  pixels: { layers: ['pixels'], shapes: { pixels: PIXELS_SHAPE } },
  gabor: { layers: ['grayscale', 'filters', 'simple', 'complex'], shapes: GABOR_SHAPES },
  cnn: {
    layers: ['stage1', 'stage1.conv', 'stage1.relu', 'stage1.pool', 'stage2', 'stage2.conv', 'stage2.relu', 'stage2.pool',
      'stage3', 'stage3.conv', 'stage3.relu', 'stage3.pool', 'stage4', 'stage4.conv', 'stage4.relu', 'stage4.pool', 'avgpool'],
    shapes: CNN_SHAPES,
  },
} as const;

describe.each(BUILTIN_MODELS)('built-in model %s', (name) => {
  let model: OnnxModel;
  beforeAll(async () => {
    model = await OnnxModel.fromBytes(builtinModel(name), `builtin:${name}`);
  });
  afterAll(() => model.dispose());

  it('lists its module-like layers and its single image input', () => {
    expect(model.layers()).toEqual(DOCUMENTED[name].layers);
    expect(model.inputInfo).toEqual({ name: 'input', dims: ['batch', 3, SIDE, SIDE] });
    expect(model.path).toBe(`builtin:${name}`);
  });

  it('returns the documented shapes on a [2, 3, 224, 224] batch, finite everywhere', async () => {
    const shapes: Record<string, readonly number[]> = DOCUMENTED[name].shapes;
    const out = await model.run(testImages(), INPUT_DIMS, Object.keys(shapes));
    for (const [layer, shape] of Object.entries(shapes)) {
      const activation = out.get(layer)!;
      expect(activation.dims, layer).toEqual([BATCH, ...shape]);
      expect(activation.data.every(Number.isFinite), layer).toBe(true);
    }
  });
});

describe('builtinModel determinism and arguments', () => {
  it('builds byte-identical models from the same name and seed', () => {
    for (const name of BUILTIN_MODELS) expect(sha256(builtinModel(name)), name).toBe(sha256(builtinModel(name)));
    expect(sha256(builtinModel('cnn', { seed: 7 }))).toBe(sha256(builtinModel('cnn', { seed: 7 })));
  });

  it('draws different cnn weights from different seeds, the default being seed 0', () => {
    expect(sha256(builtinModel('cnn', { seed: 1 }))).not.toBe(sha256(builtinModel('cnn', { seed: 0 })));
    expect(sha256(builtinModel('cnn'))).toBe(sha256(builtinModel('cnn', { seed: 0 })));
  });

  it('rejects an unknown name with a suggestion, and a seed that is not a uint32', () => {
    expect(() => builtinModel('gabr')).toThrow(InputError);
    expect(() => builtinModel('gabr')).toThrow(/did you mean 'gabor'/);
    expect(() => builtinModel('cnn', { seed: -1 })).toThrow(RangeError);
    expect(() => builtinModel('cnn', { seed: 0.5 })).toThrow(/seed: expected an integer/);
  });

  it('OnnxModel.fromBytes names the model in the error for invalid bytes', async () => {
    const error = await OnnxModel.fromBytes(new Uint8Array([0xff, 0xff, 0xff]), 'builtin:broken').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).message).toMatch(/^builtin:broken is not a valid ONNX model/);
  });
});

describe('pixels', () => {
  it('equals an independent 8×8 block average of each channel', async () => {
    const model = await OnnxModel.fromBytes(builtinModel('pixels'), 'builtin:pixels');
    const images = testImages();
    const { data } = (await model.run(images, INPUT_DIMS, ['pixels'])).get('pixels')!;
    await model.dispose();
    const out = SIDE / PIXELS_BLOCK;
    const expected = new Float64Array(BATCH * 3 * out * out);
    for (let plane = 0; plane < BATCH * 3; plane++) {
      for (let y = 0; y < SIDE; y++) {
        for (let x = 0; x < SIDE; x++) {
          const target = plane * out * out + Math.floor(y / PIXELS_BLOCK) * out + Math.floor(x / PIXELS_BLOCK);
          expected[target] += images[plane * SIDE * SIDE + y * SIDE + x] / PIXELS_BLOCK ** 2;
        }
      }
    }
    expectAllClose(Array.from(data), Array.from(expected), { rtol: 0, atol: 1e-6 }, 'pixels');
  });
});

describe('gabor', () => {
  let model: OnnxModel;
  beforeAll(async () => {
    model = await OnnxModel.fromBytes(builtinModel('gabor'), 'builtin:gabor');
  });
  afterAll(() => model.dispose());

  /** Grid side of the Gabor layers, and the units whose 15×15 kernels lie inside the image. */
  const GRID = GABOR_SHAPES.simple[1];
  const INTERIOR = { first: 2, last: GRID - 3 };

  /**
   * A batch of two gray sinusoidal gratings `0.5 + 0.5 cos(2π (x cos θ + y sin θ − shift) / λ)`,
   * the second shifted by `shifts[1]` pixels, equal in R, G and B.
   */
  function gratings(wavelength: number, orientationDeg: number, shifts: [number, number]): Float32Array {
    const theta = (orientationDeg * Math.PI) / 180;
    const images = new Float32Array(BATCH * 3 * SIDE * SIDE);
    shifts.forEach((shift, n) => {
      for (let y = 0; y < SIDE; y++) {
        for (let x = 0; x < SIDE; x++) {
          const value = 0.5 + 0.5 * Math.cos((2 * Math.PI * (x * Math.cos(theta) + y * Math.sin(theta) - shift)) / wavelength);
          for (let c = 0; c < 3; c++) images[((n * 3 + c) * SIDE + y) * SIDE + x] = value;
        }
      }
    });
    return images;
  }

  /** Mean over interior units of one channel of image `n` in a `[N, C, GRID, GRID]` activation. */
  function interiorMean({ dims, data }: LayerActivation, n: number, channel: number): number {
    let sum = 0;
    let count = 0;
    for (let y = INTERIOR.first; y <= INTERIOR.last; y++) {
      for (let x = INTERIOR.first; x <= INTERIOR.last; x++) {
        sum += data[((n * dims[1] + channel) * GRID + y) * GRID + x];
        count++;
      }
    }
    return sum / count;
  }

  function channelOf(tuning: GaborChannel): number {
    return GABOR_CHANNELS.findIndex(
      (c) => c.orientationDeg === tuning.orientationDeg && c.wavelengthPx === tuning.wavelengthPx && c.phaseDeg === tuning.phaseDeg,
    );
  }

  it('lays out channels as documented: even filters 0–7, their odd partners 8–15', () => {
    expect(GABOR_CHANNELS).toHaveLength(GABOR_SHAPES.simple[0]);
    for (let k = 0; k < GABOR_SHAPES.complex[0]; k++) {
      const [even, odd] = [GABOR_CHANNELS[k], GABOR_CHANNELS[k + GABOR_SHAPES.complex[0]]];
      expect([even.phaseDeg, odd.phaseDeg]).toEqual([0, 90]);
      expect([odd.orientationDeg, odd.wavelengthPx]).toEqual([even.orientationDeg, even.wavelengthPx]);
    }
  });

  it('is orientation selective: a vertical grating drives the 0° channel far more than the 90° one', async () => {
    for (const wavelengthPx of [4, 8]) {
      const out = await model.run(gratings(wavelengthPx, 0, [0, 0]), INPUT_DIMS, ['complex']);
      const complex = out.get('complex')!;
      const vertical = interiorMean(complex, 0, channelOf({ orientationDeg: 0, wavelengthPx, phaseDeg: 0 }));
      const horizontal = interiorMean(complex, 0, channelOf({ orientationDeg: 90, wavelengthPx, phaseDeg: 0 }));
      const oblique = interiorMean(complex, 0, channelOf({ orientationDeg: 45, wavelengthPx, phaseDeg: 0 }));
      expect(vertical, `λ=${wavelengthPx}`).toBeGreaterThan(10 * horizontal);
      expect(vertical, `λ=${wavelengthPx}`).toBeGreaterThan(oblique);
    }
  });

  /**
   * Largest change |b − a| over interior units of one channel between images 0 and 1, and the
   * largest response (of either sign when `signed`).
   */
  function unitChange({ dims, data }: LayerActivation, channel: number, signed = false): { change: number; peak: number } {
    let change = 0;
    let peak = 0;
    const plane = GRID * GRID;
    for (let y = INTERIOR.first; y <= INTERIOR.last; y++) {
      for (let x = INTERIOR.first; x <= INTERIOR.last; x++) {
        const a = data[channel * plane + y * GRID + x];
        const b = data[(dims[1] + channel) * plane + y * GRID + x];
        change = Math.max(change, Math.abs(b - a));
        peak = signed ? Math.max(peak, Math.abs(a), Math.abs(b)) : Math.max(peak, a, b);
      }
    }
    return { change, peak };
  }

  it('has phase-invariant complex cells and phase-sensitive simple cells (quarter-period shift)', async () => {
    for (const wavelengthPx of [4, 8]) {
      const out = await model.run(gratings(wavelengthPx, 0, [0, wavelengthPx / 4]), INPUT_DIMS, ['filters', 'simple', 'complex']);
      const pair = channelOf({ orientationDeg: 0, wavelengthPx, phaseDeg: 0 });
      // Unit by unit, so that a phase-sensitive pooling that only averages out over space would fail.
      const complex = unitChange(out.get('complex')!, pair);
      expect(complex.change / complex.peak, `complex λ=${wavelengthPx}`).toBeLessThan(0.1);
      // The even simple cell (in phase with the grating at every unit) loses its response; the odd
      // filter goes from silent to full amplitude, of either sign, so it is checked before rectification.
      const even = unitChange(out.get('simple')!, pair);
      expect(even.change / even.peak, `even simple cell, λ=${wavelengthPx}`).toBeGreaterThan(0.5);
      const odd = unitChange(out.get('filters')!, pair + GABOR_SHAPES.complex[0], true);
      expect(odd.change / odd.peak, `odd filter, λ=${wavelengthPx}`).toBeGreaterThan(0.5);
    }
  });

  it('ignores uniform luminance: a gray image drives no filter', async () => {
    const out = await model.run(new Float32Array(BATCH * 3 * SIDE * SIDE).fill(0.5), INPUT_DIMS, ['filters']);
    const filters = out.get('filters')!;
    for (let c = 0; c < GABOR_CHANNELS.length; c++) expect(Math.abs(interiorMean(filters, 0, c)), `channel ${c}`).toBeLessThan(1e-5);
  });
});
