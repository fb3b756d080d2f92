/**
 * Simulated neurons with a known answer: each neuroid reads one committed layer of a built-in
 * model through a random linear–nonlinear map, and each presentation adds trial-to-trial noise of a
 * known size, so the generating layer, the recording's ceiling and the best achievable score are
 * all known in advance.
 */
import type { Assembly, BrainModel, Region, StimulusSet } from '@vvs/core';
import { SeededRandom } from './random.ts';
import { centeredGram } from '@vvs/linalg';
import { symmetricEigen } from './eigen.ts';

/**
 * The linear–nonlinear map and noise of a simulated population. Every field is documented with
 * the role it plays; {@link simulateNeurons} says how they combine.
 */
export interface NeuronModel {
  /** Number of neuroids. */
  neuroids: number;
  /** Presentations of every stimulus (Brain-Score's repetitions); the ceiling grows with them. */
  repetitions: number;
  /**
   * Standard deviation of each neuroid's Gaussian spatial receptive field, as a fraction of the
   * side of the part of the layer's grid that the stimuli cover.
   */
  receptiveFieldSize: number;
  /** Fraction of the layer's channels each neuroid pools (at least one). */
  channelFraction: number;
  /** Threshold of the softplus, in standard deviations of the neuroid's linear drive. */
  threshold: number;
  /**
   * Trial-to-trial noise: standard deviation of one trial's noise over the standard deviation of
   * the neuroid's noiseless response across stimuli (κ in {@link expectedCeiling}).
   */
  noiseToSignal: number;
}

/** Options of {@link simulateNeurons}. */
export interface SimulateNeuronsOptions extends NeuronModel {
  /** The generating model, committed so that `region` reads the generating layer. */
  model: BrainModel;
  region: Region;
  stimuli: StimulusSet;
  /**
   * Shape after the batch axis of the committed layer's output: `[channels, height, width]` (a
   * pooled layer is `[channels, 1, 1]`). Recordings are flattened in this C order, as Brain-Score's.
   */
  layerShape: readonly [number, number, number];
  /** Seed of the map's and the noise's draws. */
  seed: number;
}

/** Baseline firing rate of every neuroid, in spikes per second (a typical spontaneous rate). */
export const BASELINE_RATE_HZ = 5;

/**
 * Range of the gain of each neuroid's nonlinearity, in spikes per second per unit of softplus
 * output: drawn log-uniformly, so evoked rates span roughly 5–100 spikes/s as in ventral-stream
 * recordings.
 */
export const GAIN_RANGE_HZ = [10, 40] as const;

/** Receptive fields reach this many standard deviations from their centre; beyond, weights are negligible (e^−4.5 ≈ 1%). */
const RECEPTIVE_FIELD_EXTENT_SD = 3;

/**
 * The expected split-half internal-consistency ceiling of a simulated recording, as Brain-Score
 * estimates it (repetitions split into halves of ⌊R/2⌋ and ⌈R/2⌉, averaged per stimulus, Pearson r
 * of the halves, Spearman–Brown corrected). A neuroid whose noiseless response has variance S over
 * the stimuli and whose trials add independent noise of variance σ² = κ²·S has half-averages with
 * correlation ρ = S / √((S + σ²/a)(S + σ²/b)) = 1 / √((1 + κ²/a)(1 + κ²/b)), and the ceiling is the
 * Spearman–Brown correction 2ρ / (1 + ρ). For even R (a = b = R/2) this is the reliability of the
 * full average, 1 / (1 + κ²/R). Every neuroid has the same κ, so the median over neuroids has the
 * same expectation; estimation adds a spread of about (1 − ρ²)/√(stimuli) per neuroid and a small
 * downward bias of Pearson's r, of order (1 − ρ²)/(2·stimuli).
 *
 * @throws RangeError when `repetitions` is not an integer ≥ 2 or `noiseToSignal` is negative.
 * @example
 * expectedCeiling(2, 24); // 1 / (1 + 4/24) = 0.857…
 */
export function expectedCeiling(noiseToSignal: number, repetitions: number): number {
  if (!Number.isInteger(repetitions) || repetitions < 2) throw new RangeError(`repetitions: expected an integer ≥ 2, got ${repetitions}`);
  if (!(noiseToSignal >= 0)) throw new RangeError(`noiseToSignal: expected a non-negative number, got ${noiseToSignal}`);
  const a = Math.floor(repetitions / 2);
  const b = repetitions - a;
  const k2 = noiseToSignal * noiseToSignal;
  const rho = 1 / Math.sqrt((1 + k2 / a) * (1 + k2 / b));
  return (2 * rho) / (1 + rho);
}

/**
 * Simulates a neural recording from a model's committed layer: Brain-Score-shaped, one
 * presentation row per (stimulus, repetition).
 *
 * For each neuroid (all draws from `seed`):
 * 1. **Receptive field**: a Gaussian spatial window of standard deviation `receptiveFieldSize` × the
 *    side of the stimulus's footprint on the layer's grid (the footprint is the centred fraction
 *    stimuli.visualDegrees / model.visualDegrees of the grid, as the model sees a smaller stimulus on a
 *    gray screen), centred uniformly within the footprint.
 * 2. **Channels**: a random subset of ⌈`channelFraction` × channels⌉ channels, each with a weight
 *    drawn from N(0, 1). Each channel's activity is pooled over the window and z-scored over the
 *    stimuli, and the weighted sum is z-scored again: the linear drive d (mean 0, variance 1) — the
 *    factorised "where × what" readout of Klindt et al. (2017, NeurIPS), here with known weights.
 * 3. **Nonlinearity**: rate = {@link BASELINE_RATE_HZ} + gain · softplus(d − `threshold`), the gain
 *    drawn log-uniformly from {@link GAIN_RANGE_HZ}: a smooth rectification, as firing rates are.
 * 4. **Trials**: each of the `repetitions` presentations adds independent Gaussian noise of
 *    standard deviation `noiseToSignal` × the standard deviation of the rate over the stimuli, so
 *    every neuroid has the same expected ceiling, {@link expectedCeiling}(noiseToSignal, repetitions).
 *
 * The layer is read with `model.record(region, stimuli)`, exactly the features a benchmark sees
 * when it records the committed model. Rows are repetition-major (all stimuli of repetition 0,
 * then of repetition 1, …), with the stimulus set's string and number columns as presentation
 * coordinates, plus `repetition`; neuroids carry `neuroid_id` and `region`. `attrs` say the data are
 * synthetic and name the generator, the map's parameters and the expected ceiling.
 *
 * @throws RangeError for a `layerShape` that does not match the recording, or a parameter out of range.
 * @example
 * const assembly = await simulateNeurons({
 *   model, region: 'V1', stimuli, layerShape: [16, 56, 56], seed: 1,
 *   neuroids: 64, repetitions: 24, receptiveFieldSize: 0.1, channelFraction: 0.5, threshold: 0, noiseToSignal: 2,
 * });
 * assembly.dims; // ['presentation', 'neuroid']
 * assembly.attrs!.expectedCeiling; // 0.857…
 */
export async function simulateNeurons(options: SimulateNeuronsOptions): Promise<Assembly> {
  const { model, region, stimuli, layerShape, seed, neuroids, repetitions, receptiveFieldSize, channelFraction, threshold, noiseToSignal } = options;
  checkModel(options);
  const recording = await model.record(region, stimuli);
  const [channels, height, width] = layerShape;
  const cols = recording.shape[1];
  if (cols !== channels * height * width) {
    throw new RangeError(`layerShape: [${layerShape.join(', ')}] has ${channels * height * width} values, but ${model.id}'s ${region} layer gives ${cols} per stimulus`);
  }
  const n = stimuli.rows.length;
  const features = recording.data;
  const rng = new SeededRandom(seed);
  const footprint = Math.min(1, (stimuli.visualDegrees ?? model.visualDegrees) / model.visualDegrees);
  const perNeuroid = Math.max(1, Math.ceil(channelFraction * channels));

  const rates = new Float64Array(n * neuroids);
  const drive = new Float64Array(n);
  const pooled = new Float64Array(n);
  const K = Number(process.env.K ?? 0) || neuroids;
  const templates: Float64Array[] = [];
  for (let j = 0; j < K; j++) {
    const window = receptiveField(rng, height, width, footprint, receptiveFieldSize);
    const chosen = rng.sample(channels, perNeuroid);
    drive.fill(0);
    for (const c of chosen) {
      const weight = rng.normal();
      pooled.fill(0);
      for (let s = 0; s < n; s++) {
        const base = s * cols + c * height * width;
        let sum = 0;
        for (let k = 0; k < window.cells.length; k++) sum += window.weights[k] * features[base + window.cells[k]];
        pooled[s] = sum;
      }
      if (process.env.ZC === '1' ? zscore(pooled) : true) for (let s = 0; s < n; s++) drive[s] += weight * pooled[s];
    }
    zscore(drive);
    templates.push(drive.slice());
  }
  const PC = Number(process.env.PC ?? 0);
  if (PC) {
    const { gram } = await centeredGram({ rows: n, cols, data: features });
    const { vectors } = symmetricEigen(gram);
    templates.length = 0;
    for (let k = 0; k < PC; k++) templates.push(Float64Array.from({ length: n }, (_, s) => vectors.data[s * n + k] * Math.sqrt(n)));
  }
  const KK = PC || K;
  for (let j = 0; j < neuroids; j++) {
    if (PC) {
      drive.fill(0);
      for (let k = 0; k < KK; k++) { const b = rng.normal(); for (let s = 0; s < n; s++) drive[s] += b * templates[k][s]; }
      zscore(drive);
    } else if (K === neuroids) drive.set(templates[j]);
    else {
      drive.fill(0);
      for (let k = 0; k < K; k++) { const b = rng.normal(); for (let s = 0; s < n; s++) drive[s] += b * templates[k][s]; }
      zscore(drive);
    }
    const gain = GAIN_RANGE_HZ[0] * (GAIN_RANGE_HZ[1] / GAIN_RANGE_HZ[0]) ** rng.uniform();
    for (let s = 0; s < n; s++) rates[s * neuroids + j] = BASELINE_RATE_HZ + gain * softplus(drive[s] - threshold);
  }

  const rows = n * repetitions;
  const data = new Float64Array(rows * neuroids);
  const noiseSd = Float64Array.from({ length: neuroids }, (_, j) => noiseToSignal * columnSd(rates, n, neuroids, j));
  for (let r = 0; r < repetitions; r++) {
    for (let s = 0; s < n; s++) {
      const row = (r * n + s) * neuroids;
      for (let j = 0; j < neuroids; j++) data[row + j] = rates[s * neuroids + j] + noiseSd[j] * rng.normal();
    }
  }

  const coords: Record<string, { dim: string; values: string[] | number[] }> = {};
  for (const column of Object.keys(stimuli.rows[0] ?? {})) {
    const values = stimuli.rows.map((row) => row[column]);
    if (values.every((v) => typeof v === 'string') || values.every((v) => typeof v === 'number')) {
      coords[column] = { dim: 'presentation', values: repeatRows(values as string[] | number[], repetitions) };
    }
  }
  coords.repetition = { dim: 'presentation', values: Array.from({ length: rows }, (_, i) => Math.floor(i / n)) };
  coords.neuroid_id = { dim: 'neuroid', values: Array.from({ length: neuroids }, (_, j) => `synthetic.${region}.${String(j).padStart(3, '0')}`) };
  coords.region = { dim: 'neuroid', values: Array(neuroids).fill(region) };
  return {
    dims: ['presentation', 'neuroid'],
    shape: [rows, neuroids],
    data,
    coords,
    attrs: {
      synthetic: true,
      identifier: `synthetic.${region}`,
      stimulus_set_identifier: stimuli.identifier,
      generator: { model: model.id, layer: model.regionLayer[region] },
      seed,
      neuroids,
      repetitions,
      receptiveFieldSize,
      channelFraction,
      threshold,
      noiseToSignal,
      expectedCeiling: expectedCeiling(noiseToSignal, repetitions),
    },
  };
}

/** A receptive field's grid cells (flattened y·width + x) and their normalised Gaussian weights. */
interface Window {
  cells: Int32Array;
  weights: Float64Array;
}

function receptiveField(rng: SeededRandom, height: number, width: number, footprint: number, size: number): Window {
  // Footprint edges and centre in grid coordinates (cell centres at integer + ½).
  const extentY = footprint * height;
  const extentX = footprint * width;
  const centreY = (height - extentY) / 2 + rng.uniform() * extentY;
  const centreX = (width - extentX) / 2 + rng.uniform() * extentX;
  const sdY = Math.max(size * extentY, Number.MIN_VALUE);
  const sdX = Math.max(size * extentX, Number.MIN_VALUE);
  const cells: number[] = [];
  const weights: number[] = [];
  const y0 = Math.max(0, Math.floor(centreY - RECEPTIVE_FIELD_EXTENT_SD * sdY));
  const y1 = Math.min(height - 1, Math.floor(centreY + RECEPTIVE_FIELD_EXTENT_SD * sdY));
  const x0 = Math.max(0, Math.floor(centreX - RECEPTIVE_FIELD_EXTENT_SD * sdX));
  const x1 = Math.min(width - 1, Math.floor(centreX + RECEPTIVE_FIELD_EXTENT_SD * sdX));
  let total = 0;
  for (let y = y0; y <= y1; y++) {
    for (let x = x0; x <= x1; x++) {
      const w = Math.exp(-0.5 * (((y + 0.5 - centreY) / sdY) ** 2 + ((x + 0.5 - centreX) / sdX) ** 2));
      cells.push(y * width + x);
      weights.push(w);
      total += w;
    }
  }
  // The nearest cell always lies within the window, so the total is positive unless underflow leaves one cell at weight 0.
  return { cells: Int32Array.from(cells), weights: Float64Array.from(weights, (w) => (total > 0 ? w / total : 1 / weights.length)) };
}

/** z-scores `x` in place (population standard deviation); returns false, leaving zeros, when `x` is constant. */
function zscore(x: Float64Array): boolean {
  let sum = 0;
  for (let i = 0; i < x.length; i++) sum += x[i];
  const mean = sum / x.length;
  let squares = 0;
  for (let i = 0; i < x.length; i++) squares += (x[i] - mean) ** 2;
  const sd = Math.sqrt(squares / x.length);
  // Below this relative spread the values are float32 rounding of a constant, not a signal.
  const constant = !(sd > 1e-6 * Math.max(1, Math.abs(mean)));
  for (let i = 0; i < x.length; i++) x[i] = constant ? 0 : (x[i] - mean) / sd;
  return !constant;
}

/** log(1 + eˣ), computed without overflow. */
function softplus(x: number): number {
  return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
}

function columnSd(m: Float64Array, rows: number, cols: number, j: number): number {
  let sum = 0;
  for (let i = 0; i < rows; i++) sum += m[i * cols + j];
  const mean = sum / rows;
  let squares = 0;
  for (let i = 0; i < rows; i++) squares += (m[i * cols + j] - mean) ** 2;
  return Math.sqrt(squares / rows);
}

function repeatRows<T>(values: T[], times: number): T[] {
  const out: T[] = [];
  for (let r = 0; r < times; r++) out.push(...values);
  return out;
}

function checkModel({ neuroids, repetitions, receptiveFieldSize, channelFraction, noiseToSignal, layerShape }: SimulateNeuronsOptions): void {
  const positiveInteger = (value: number, name: string, min = 1) => {
    if (!Number.isInteger(value) || value < min) throw new RangeError(`${name}: expected an integer ≥ ${min}, got ${value}`);
  };
  positiveInteger(neuroids, 'neuroids');
  positiveInteger(repetitions, 'repetitions', 2);
  layerShape.forEach((d, i) => positiveInteger(d, `layerShape[${i}]`));
  if (!(receptiveFieldSize > 0)) throw new RangeError(`receptiveFieldSize: expected a positive number, got ${receptiveFieldSize}`);
  if (!(channelFraction > 0 && channelFraction <= 1)) throw new RangeError(`channelFraction: expected a number in (0, 1], got ${channelFraction}`);
  if (!(noiseToSignal >= 0)) throw new RangeError(`noiseToSignal: expected a non-negative number, got ${noiseToSignal}`);
}
