/**
 * A seeded synthetic "IT population and model features" pair with a known structure, used as vvs's
 * built-in example data and as the workload of `pnpm bench`.
 *
 * Generative model: each stimulus has a latent vector z = object prototype + image-specific
 * deviation (d dimensions). Neuroids read z through random weights plus Gaussian trial noise
 * (so repetitions agree up to the noise, and the ceiling is below 1); model features read z through
 * other random weights, from a copy of z blurred by stimulus-level "model mismatch" noise, plus
 * feature noise — so the features predict the neuroids well, but clearly below the ceiling, as a
 * real model does. Numbers are drawn from numpy's legacy MT19937, so a given seed always yields the same
 * data on every platform.
 */
import { RandomState } from '@vvs/metrics';
import { matmul, matrix, type Matrix } from '@vvs/linalg';
import type { Assembly } from '../contracts/assembly.ts';

/** Shape and noise of a synthetic problem. */
export interface SyntheticPopulationOptions {
  objects: number;
  imagesPerObject: number;
  repetitions: number;
  neuroids: number;
  featureColumns: number;
  /** Latent dimensions shared by neuroids and features. */
  latentDims?: number;
  /** Trial-to-trial noise of the neuroids, relative to the latent signal's scale. */
  trialNoise?: number;
  /** Noise added to the features, relative to their signal's scale. */
  featureNoise?: number;
  /** Stimulus-level noise on the latent the features see (what the model gets wrong about each image). */
  modelMismatch?: number;
  seed?: number;
}

/** The example's defaults: a small IT-like recording that scores in about a second. */
export const EXAMPLE_POPULATION: SyntheticPopulationOptions = {
  objects: 8,
  imagesPerObject: 40,
  repetitions: 10,
  neuroids: 40,
  featureColumns: 512,
};

/**
 * Generates `features` (presentation × neuroid, float32, one row per stimulus, rows in a shuffled
 * order so that alignment is exercised) and `recording` (presentation × neuroid × time_bin, one row
 * per repetition, with stimulus_id, object_name and repetition coordinates).
 *
 * @example
 * const { features, recording } = await syntheticPopulation(EXAMPLE_POPULATION);
 */
export async function syntheticPopulation(options: SyntheticPopulationOptions): Promise<{ features: Assembly; recording: Assembly }> {
  const { objects, imagesPerObject, repetitions, neuroids, featureColumns, latentDims = 32, trialNoise = 2, featureNoise = 1, modelMismatch = 1, seed = 0 } = options;
  const rng = new RandomState(seed);
  const normal = gaussianSource(rng);
  const nStimuli = objects * imagesPerObject;
  const prototypes = randomMatrix(objects, latentDims, normal);
  const latent = matrix(nStimuli, latentDims);
  const stimulusIds: string[] = [];
  const objectNames: string[] = [];
  for (let o = 0; o < objects; o++) {
    for (let i = 0; i < imagesPerObject; i++) {
      const s = o * imagesPerObject + i;
      stimulusIds.push(`obj${o}_img${String(i).padStart(3, '0')}`);
      objectNames.push(`object${o}`);
      for (let d = 0; d < latentDims; d++) latent.data[s * latentDims + d] = prototypes.data[o * latentDims + d] + 0.8 * normal();
    }
  }
  const neuralSignal = await matmul(latent, randomMatrix(latentDims, neuroids, normal));
  const modelLatent = matrix(nStimuli, latentDims, latent.data);
  for (let i = 0; i < modelLatent.data.length; i++) modelLatent.data[i] += modelMismatch * normal();
  const featureSignal = await matmul(modelLatent, randomMatrix(latentDims, featureColumns, normal));

  // Features: one row per stimulus, in a seeded shuffled order, stored as float32 like activations.
  const order = rng.permutation(nStimuli);
  const featureScale = featureNoise * Math.sqrt(latentDims);
  const featureData = new Float32Array(nStimuli * featureColumns);
  for (let r = 0; r < nStimuli; r++) {
    const s = order[r];
    for (let j = 0; j < featureColumns; j++) {
      featureData[r * featureColumns + j] = Math.max(0, featureSignal.data[s * featureColumns + j] + featureScale * normal());
    }
  }
  const features: Assembly = {
    dims: ['presentation', 'neuroid'],
    shape: [nStimuli, featureColumns],
    data: featureData,
    coords: {
      stimulus_id: { dim: 'presentation', values: Array.from(order, (s) => stimulusIds[s]) },
      neuroid_id: { dim: 'neuroid', values: Array.from({ length: featureColumns }, (_, j) => `feature${j}`) },
    },
    attrs: { source_file: 'synthetic features' },
  };

  // Recording: repetition-major rows, one time bin (70–170 ms), as Brain-Score stores MajajHong2015.
  const rows = nStimuli * repetitions;
  const noiseScale = trialNoise * Math.sqrt(latentDims);
  const data = new Float64Array(rows * neuroids);
  const presentationIds: string[] = [];
  const presentationObjects: string[] = [];
  const repetition: number[] = [];
  for (let rep = 0; rep < repetitions; rep++) {
    for (let s = 0; s < nStimuli; s++) {
      const row = rep * nStimuli + s;
      presentationIds.push(stimulusIds[s]);
      presentationObjects.push(objectNames[s]);
      repetition.push(rep);
      for (let j = 0; j < neuroids; j++) data[row * neuroids + j] = neuralSignal.data[s * neuroids + j] + noiseScale * normal();
    }
  }
  const recording: Assembly = {
    dims: ['presentation', 'neuroid', 'time_bin'],
    shape: [rows, neuroids, 1],
    data,
    coords: {
      stimulus_id: { dim: 'presentation', values: presentationIds },
      object_name: { dim: 'presentation', values: presentationObjects },
      repetition: { dim: 'presentation', values: repetition },
      neuroid_id: { dim: 'neuroid', values: Array.from({ length: neuroids }, (_, j) => `neuroid${j}`) },
      region: { dim: 'neuroid', values: Array.from({ length: neuroids }, () => 'IT') },
      time_bin_start: { dim: 'time_bin', values: [70] },
      time_bin_end: { dim: 'time_bin', values: [170] },
    },
    attrs: { source_file: 'synthetic recording' },
  };
  return { features, recording };
}

function randomMatrix(rows: number, cols: number, normal: () => number): Matrix {
  const m = matrix(rows, cols);
  for (let i = 0; i < m.data.length; i++) m.data[i] = normal();
  return m;
}

/** Standard normal draws by the Box–Muller transform over the generator's uniform doubles. */
function gaussianSource(rng: RandomState): () => number {
  let spare: number | undefined;
  return () => {
    if (spare !== undefined) {
      const v = spare;
      spare = undefined;
      return v;
    }
    const u = 1 - rng.randomSample(); // in (0, 1], so the log is finite
    const radius = Math.sqrt(-2 * Math.log(u));
    const angle = 2 * Math.PI * rng.randomSample();
    spare = radius * Math.sin(angle);
    return radius * Math.cos(angle);
  };
}
