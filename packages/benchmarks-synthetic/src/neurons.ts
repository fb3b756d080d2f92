/**
 * Simulated neurons with a known answer: each neuroid reads one committed layer of a built-in
 * model through a random linear–nonlinear map, and each presentation adds trial-to-trial noise of a
 * known size, so the generating layer and the recording's ceiling are known in advance.
 */
import type { Assembly, BrainModel, Region, StimulusSet } from '@vvs/core';
import { centeredGram } from '@vvs/linalg';
import { symmetricEigen } from '@vvs/linalg';
import { SeededRandom } from './random.ts';

/** The linear–nonlinear map and the noise of a simulated population; {@link simulateNeurons} says how they combine. */
export interface NeuronModel {
  /** Number of neuroids. */
  neuroids: number;
  /** Presentations of every stimulus (Brain-Score's repetitions); the ceiling grows with them. */
  repetitions: number;
  /**
   * Principal components of the generating layer (over the stimulus set) that the neuroids mix:
   * the dimensionality of the population's stimulus-driven signal.
   */
  components: number;
  /** Threshold of the softplus, in standard deviations of each neuroid's linear drive from its mean. */
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
  /** Seed of the map's and the noise's draws. */
  seed: number;
}

/** Baseline firing rate of every neuroid, in spikes per second (a typical spontaneous rate). */
export const BASELINE_RATE_HZ = 5;

/**
 * Range of the gain of each neuroid's nonlinearity, in spikes per second per unit of softplus
 * output, drawn log-uniformly: with a unit-variance drive and the suite's threshold, rates span
 * roughly 5–200 spikes/s, as in ventral-stream recordings.
 */
export const GAIN_RANGE_HZ = [10, 40] as const;

/**
 * Smallest variance of a principal component, relative to the first's, that counts as a dimension
 * the stimuli drive rather than float32 rounding of the activations.
 */
const MIN_COMPONENT_VARIANCE = 1e-9;

/**
 * The expected split-half internal-consistency ceiling of a simulated recording, as Brain-Score
 * estimates it (repetitions split into halves of a = ⌊R/2⌋ and b = ⌈R/2⌉, each averaged per
 * stimulus, Pearson r of the halves, Spearman–Brown corrected). A neuroid whose noiseless response
 * has variance S over the stimuli and whose trials add independent noise of variance σ² = κ²·S has
 * half-averages correlated at ρ = S / √((S + σ²/a)(S + σ²/b)) = 1 / √((1 + κ²/a)(1 + κ²/b)), and the
 * ceiling is the Spearman–Brown correction 2ρ / (1 + ρ). For even R this is the reliability of the
 * full average, **1 / (1 + κ²/R)**. Every neuroid has the same κ, so the median over neuroids has
 * the same expectation; the estimate spreads by about (1 − ρ²)/√(stimuli) per neuroid and split,
 * and Pearson's r is biased low by about ρ(1 − ρ²)/(2·stimuli).
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
 * Simulates a neural recording of `region` from a model's committed layer, Brain-Score-shaped: one
 * presentation row per (stimulus, repetition).
 *
 * The layer is read with `model.record(region, stimuli)` — exactly the features a benchmark sees
 * when it records the committed model. Then, with every draw from `seed`:
 * 1. **Principal components**: the `components` leading principal components of the layer's
 *    activations over the stimuli (eigenvectors of the centred stimulus Gram matrix), each scaled to
 *    unit variance: the directions along which these stimuli move the layer most.
 * 2. **Linear drive**: each neuroid mixes them with weights drawn from N(0, 1), and the sum is
 *    z-scored. This is a linear map of the layer's units, w = Σₖ bₖ vₖ / sₖ (vₖ the principal axes,
 *    sₖ their standard deviations), random within the layer's dominant subspace and whitened, so
 *    every component counts equally.
 * 3. **Nonlinearity**: rate = {@link BASELINE_RATE_HZ} + gain · softplus(drive − `threshold`), the
 *    gain drawn log-uniformly from {@link GAIN_RANGE_HZ}: a smooth rectification, as firing rates are.
 * 4. **Trials**: each of the `repetitions` presentations adds independent Gaussian noise of standard
 *    deviation `noiseToSignal` × the rate's standard deviation over the stimuli, so every neuroid has
 *    the same expected ceiling, {@link expectedCeiling}(noiseToSignal, repetitions).
 *
 * Why the dominant components rather than, say, a random window of units: Brain-Score fits 25 PLS
 * components on a few hundred stimuli, which learns the directions along which a layer varies most
 * and little else. A readout of a small window of units is too weak a direction for the generating
 * layer to learn from so few stimuli, and the next, coarser layer then predicts it better than its own
 * layer does; a readout of the dominant components is learnable from the generating layer, and
 * neighbouring layers, which carry those directions only approximately, predict it less well.
 *
 * Rows are repetition-major (all stimuli of repetition 0, then of repetition 1, …), with the
 * stimulus set's string and number columns as presentation coordinates, plus `repetition`; neuroids
 * carry `neuroid_id` and `region`. `attrs` say the data are synthetic and name the generator
 * (`model`, `layer`), the map's parameters, the seed and the expected ceiling.
 *
 * @throws RangeError for a parameter out of range, or when the layer varies along fewer than
 *   `components` dimensions over the stimuli.
 * @example
 * const assembly = await simulateNeurons({
 *   model, region: 'V4', stimuli, seed: 1,
 *   neuroids: 64, repetitions: 24, components: 15, threshold: -2, noiseToSignal: 2,
 * });
 * assembly.dims; // ['presentation', 'neuroid']
 * assembly.attrs!.expectedCeiling; // 0.857…
 */
export async function simulateNeurons(options: SimulateNeuronsOptions): Promise<Assembly> {
  const { model, region, stimuli, seed, neuroids, repetitions, components, threshold, noiseToSignal } = options;
  checkNeuronModel(options, stimuli.rows.length);
  const n = stimuli.rows.length;
  const recording = await model.record(region, stimuli);
  const scores = await principalScores(recording, components, `${model.id}'s ${region} layer`);

  const rng = new SeededRandom(seed);
  const rates = new Float64Array(n * neuroids);
  const drive = new Float64Array(n);
  for (let j = 0; j < neuroids; j++) {
    drive.fill(0);
    for (const score of scores) {
      const weight = rng.normal();
      for (let s = 0; s < n; s++) drive[s] += weight * score[s];
    }
    standardize(drive);
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
  for (const column of Object.keys(stimuli.rows[0])) {
    const values = stimuli.rows.map((row) => row[column]);
    if (values.every((v) => typeof v === 'string') || values.every((v) => typeof v === 'number')) {
      coords[column] = { dim: 'presentation', values: repeatRows(values as (string | number)[], repetitions) as string[] | number[] };
    }
  }
  coords.repetition = { dim: 'presentation', values: Array.from({ length: rows }, (_, i) => Math.floor(i / n)) };
  coords.neuroid_id = { dim: 'neuroid', values: Array.from({ length: neuroids }, (_, j) => `synthetic.${region}.${String(j).padStart(3, '0')}`) };
  coords.region = { dim: 'neuroid', values: Array<string>(neuroids).fill(region) };
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
      components,
      threshold,
      noiseToSignal,
      expectedCeiling: expectedCeiling(noiseToSignal, repetitions),
    },
  };
}

/**
 * The first `k` principal-component scores of a presentation × feature recording, each scaled to
 * mean 0 and variance 1: √n times the leading eigenvectors of the centred Gram matrix X̃X̃ᵀ.
 */
async function principalScores(recording: Assembly, k: number, label: string): Promise<Float64Array[]> {
  const [n, p] = recording.shape;
  const { gram } = await centeredGram({ rows: n, cols: p, data: recording.data });
  const { values, vectors } = symmetricEigen(gram);
  if (!(values[k - 1] > MIN_COMPONENT_VARIANCE * values[0])) {
    throw new RangeError(`components: ${label} varies along fewer than ${k} dimensions over these ${n} stimuli`);
  }
  return Array.from({ length: k }, (_, c) => Float64Array.from({ length: n }, (_, s) => vectors.data[s * n + c] * Math.sqrt(n)));
}

/** Rescales `x` in place to mean 0 and (population) variance 1. */
function standardize(x: Float64Array): void {
  let sum = 0;
  for (let i = 0; i < x.length; i++) sum += x[i];
  const mean = sum / x.length;
  let squares = 0;
  for (let i = 0; i < x.length; i++) squares += (x[i] - mean) ** 2;
  const sd = Math.sqrt(squares / x.length);
  for (let i = 0; i < x.length; i++) x[i] = (x[i] - mean) / sd;
}

/** log(1 + eˣ), without overflow. */
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

function checkNeuronModel({ neuroids, repetitions, components, threshold, noiseToSignal }: NeuronModel, stimuli: number): void {
  const integerAtLeast = (value: number, name: string, min: number) => {
    if (!Number.isInteger(value) || value < min) throw new RangeError(`${name}: expected an integer ≥ ${min}, got ${value}`);
  };
  integerAtLeast(neuroids, 'neuroids', 1);
  integerAtLeast(repetitions, 'repetitions', 2);
  integerAtLeast(components, 'components', 1);
  // Centred data on n stimuli span at most n − 1 dimensions.
  if (components > stimuli - 1) throw new RangeError(`components: expected at most ${stimuli - 1} (stimuli − 1), got ${components}`);
  if (!Number.isFinite(threshold)) throw new RangeError(`threshold: expected a finite number, got ${threshold}`);
  if (!(noiseToSignal >= 0)) throw new RangeError(`noiseToSignal: expected a non-negative number, got ${noiseToSignal}`);
}
