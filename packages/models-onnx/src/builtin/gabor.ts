/**
 * `gabor`: a V1-like model — a fixed bank of Gabor filters on the grayscale image, read out as
 * half-wave rectified simple cells and energy-model complex cells, in the manner of the VOneBlock's
 * front end (Dapello et al., 2020) with a fixed, regular bank instead of sampled parameters.
 */
import { GraphBuilder } from './graph-builder.ts';
import { BUILTIN_INPUT_SHAPE } from './input.ts';

/**
 * Preferred orientations, in degrees: the direction of the carrier's wave vector, counter-clockwise
 * from the image's x axis (columns; y points down the rows). 0° prefers a vertical grating
 * (luminance varying along x), 90° a horizontal one.
 */
export const GABOR_ORIENTATIONS_DEG = [0, 45, 90, 135] as const;

/**
 * Carrier wavelengths in pixels of the 224-pixel input: spatial frequencies of 0.25 and 0.125
 * cycles/pixel (7 and 3.5 cycles/degree at Brain-Score's default 8° field of view).
 */
export const GABOR_WAVELENGTHS_PX = [4, 8] as const;

/**
 * Carrier phases in degrees: the even (cosine) and odd (sine) members of each quadrature pair.
 * An energy model needs exactly this pair (Adelson & Bergen, 1985).
 */
export const GABOR_PHASES_DEG = [0, 90] as const;

/**
 * Gaussian envelope width over wavelength, σ/λ = 0.4: a spatial-frequency bandwidth of ≈1.46
 * octaves (σ/λ = (1/π)·sqrt(ln 2 / 2)·(2^b + 1)/(2^b − 1)), close to the ≈1.4-octave median of
 * macaque V1 simple cells (De Valois, Albrecht & Thorell, 1982). The envelope is isotropic.
 */
export const GABOR_SIGMA_PER_WAVELENGTH = 0.4;

/** Side of the square filter kernels in pixels (odd, so the kernel has a centre pixel). */
export const GABOR_KERNEL_SIZE = 15;

/** Stride of the filtering: one unit every 4 pixels, a 56×56 retinotopic grid. */
export const GABOR_STRIDE = 4;

/** Zero padding on every side, half the kernel, so units are centred on pixels 0, 4, …, 220. */
const GABOR_PADDING = (GABOR_KERNEL_SIZE - 1) / 2;

/** Side of the output grid: floor((224 + 2·7 − 15) / 4) + 1 = 56. */
const GABOR_GRID = Math.floor((BUILTIN_INPUT_SHAPE[1] + 2 * GABOR_PADDING - GABOR_KERNEL_SIZE) / GABOR_STRIDE) + 1;

/** Orientation × wavelength combinations: the number of complex cells per position. */
const GABOR_PAIRS = GABOR_ORIENTATIONS_DEG.length * GABOR_WAVELENGTHS_PX.length;

/** Tuning of one filter channel (one simple cell per position). */
export interface GaborChannel {
  readonly orientationDeg: number;
  readonly wavelengthPx: number;
  readonly phaseDeg: number;
}

/**
 * The channels of the `filters` and `simple` layers, in order: channel
 * `c = (phase·2 + wavelength)·4 + orientation` (index order of the constants above), so the even
 * filters fill channels 0–7 and their odd partners channels 8–15. Channel `k` of the `complex` layer
 * pools the quadrature pair `k` and `k + 8`, with that pair's orientation and wavelength.
 */
export const GABOR_CHANNELS: readonly GaborChannel[] = GABOR_PHASES_DEG.flatMap((phaseDeg) =>
  GABOR_WAVELENGTHS_PX.flatMap((wavelengthPx) => GABOR_ORIENTATIONS_DEG.map((orientationDeg) => ({ orientationDeg, wavelengthPx, phaseDeg }))),
);

/** Shapes after the batch axis of the `gabor` model's layers. */
export const GABOR_SHAPES = {
  grayscale: [1, BUILTIN_INPUT_SHAPE[1], BUILTIN_INPUT_SHAPE[2]],
  filters: [GABOR_CHANNELS.length, GABOR_GRID, GABOR_GRID],
  simple: [GABOR_CHANNELS.length, GABOR_GRID, GABOR_GRID],
  complex: [GABOR_PAIRS, GABOR_GRID, GABOR_GRID],
} as const;

/**
 * One Gabor kernel, row-major `size×size` with its centre at the middle pixel:
 * `exp(−(x² + y²) / 2σ²) · cos(2π x′/λ + φ)` with `x′ = x cos θ + y sin θ`. The even (cosine)
 * kernel's DC response is removed by subtracting a multiple of the envelope — so a uniform image
 * drives no cell, as for a real simple cell — and every kernel is scaled to unit L2 norm, so all
 * channels respond with amplitude 1 to the best-matching unit-norm patch.
 */
function gaborKernel({ orientationDeg, wavelengthPx, phaseDeg }: GaborChannel): Float64Array {
  const size = GABOR_KERNEL_SIZE;
  const half = (size - 1) / 2;
  const sigma = GABOR_SIGMA_PER_WAVELENGTH * wavelengthPx;
  const theta = (orientationDeg * Math.PI) / 180;
  const phase = (phaseDeg * Math.PI) / 180;
  const kernel = new Float64Array(size * size);
  const envelope = new Float64Array(size * size);
  let kernelSum = 0;
  let envelopeSum = 0;
  for (let row = 0; row < size; row++) {
    const y = row - half;
    for (let col = 0; col < size; col++) {
      const x = col - half;
      const i = row * size + col;
      envelope[i] = Math.exp(-(x * x + y * y) / (2 * sigma * sigma));
      kernel[i] = envelope[i] * Math.cos((2 * Math.PI * (x * Math.cos(theta) + y * Math.sin(theta))) / wavelengthPx + phase);
      kernelSum += kernel[i];
      envelopeSum += envelope[i];
    }
  }
  const dc = kernelSum / envelopeSum;
  let squares = 0;
  for (let i = 0; i < kernel.length; i++) {
    kernel[i] -= dc * envelope[i];
    squares += kernel[i] * kernel[i];
  }
  const norm = Math.sqrt(squares);
  for (let i = 0; i < kernel.length; i++) kernel[i] /= norm;
  return kernel;
}

/**
 * Serializes the `gabor` model. Layers (shapes in {@link GABOR_SHAPES}, batch first):
 * - `grayscale` `[N, 1, 224, 224]`: the mean of the R, G and B channels (`ReduceMean`);
 * - `filters` `[N, 16, 56, 56]`: the linear Gabor responses (`Conv`, 15×15, stride 4, padding 7;
 *   channels as {@link GABOR_CHANNELS});
 * - `simple` `[N, 16, 56, 56]`: simple cells, the half-wave rectified responses `max(0, r)`;
 * - `complex` `[N, 8, 56, 56]`: complex cells by the energy model `sqrt(r_even² + r_odd²)` of each
 *   quadrature pair (Adelson & Bergen, 1985), invariant to the stimulus's phase.
 *
 * @example
 * const model = await OnnxModel.fromBytes(gaborModel(), 'builtin:gabor');
 * model.layers(); // ['grayscale', 'filters', 'simple', 'complex']
 */
export function gaborModel(): Uint8Array {
  const graph = new GraphBuilder('vvs_gabor', 'V1-like Gabor filter bank: half-wave rectified simple cells and energy-model complex cells', BUILTIN_INPUT_SHAPE);
  const taps = GABOR_KERNEL_SIZE * GABOR_KERNEL_SIZE;
  const weights = new Float32Array(GABOR_CHANNELS.length * taps);
  GABOR_CHANNELS.forEach((channel, c) => weights.set(gaborKernel(channel), c * taps));
  const weight = graph.initializer('filters.weight', [GABOR_CHANNELS.length, 1, GABOR_KERNEL_SIZE, GABOR_KERNEL_SIZE], weights);

  const [grayscale] = graph.node('grayscale', 'ReduceMean', [graph.input], { ints: { axes: [1], keepdims: 1 } });
  const [filters] = graph.node('filters', 'Conv', [grayscale, weight], {
    ints: {
      kernel_shape: [GABOR_KERNEL_SIZE, GABOR_KERNEL_SIZE],
      strides: [GABOR_STRIDE, GABOR_STRIDE],
      pads: [GABOR_PADDING, GABOR_PADDING, GABOR_PADDING, GABOR_PADDING],
    },
  });
  graph.node('simple', 'Relu', [filters]);
  // Even filters fill the first half of the channels and their odd partners the second half.
  const [even, odd] = graph.node('complex', 'Split', [filters], { ints: { axis: 1 }, outputs: 2 });
  const [evenSquared] = graph.node('complex', 'Mul', [even, even]);
  const [oddSquared] = graph.node('complex', 'Mul', [odd, odd]);
  const [energy] = graph.node('complex', 'Add', [evenSquared, oddSquared]);
  const [complex] = graph.node('complex', 'Sqrt', [energy]);
  return graph.encode(complex, GABOR_SHAPES.complex);
}
