/**
 * Simulated human observers for I2n (Rajalingham et al., 2018): two-alternative match-to-sample
 * choices drawn from a model's behavioural readout, so the model that generated them is the known
 * best match and the trial-to-trial noise sets a well-defined split-half ceiling.
 */
import type { Assembly, BrainModel, StimulusSet } from '@vvs/core';
import { LABEL_COLUMN } from '@vvs/core';
import { matrix } from '@vvs/linalg';
import type { I2nHumanData, I2nModelOutput } from '@vvs/metrics';
import { SeededRandom } from './random.ts';

/**
 * A probabilities assembly (`presentation × choice`, from {@link BrainModel.probabilities}) as the
 * model input of `@vvs/metrics`' `i2n`: row names from `stimulus_id`, column names from `choice`.
 *
 * @throws TypeError when the assembly is not `presentation × choice` with those coordinates.
 * @example
 * const model = i2nModelOutput(await brainModel.probabilities(fitting, test));
 * i2n(model, human).score;
 */
export function i2nModelOutput(probabilities: Assembly): I2nModelOutput {
  const { dims, shape, coords, data } = probabilities;
  if (dims.length !== 2 || dims[0] !== 'presentation' || dims[1] !== 'choice' || !coords.stimulus_id || !coords.choice) {
    throw new TypeError(`probabilities: expected dims (presentation, choice) with stimulus_id and choice coordinates, got (${dims.join(', ')})`);
  }
  return {
    stimulusIds: coords.stimulus_id.values.map(String),
    choices: coords.choice.values.map(String),
    probabilities: matrix(shape[0], shape[1], Float64Array.from(data)),
  };
}

/** Options of {@link simulateObservers}. */
export interface SimulateObserversOptions {
  /** The generating model; its behavioural readout is the observers' internal evidence. */
  model: BrainModel;
  /** Images the readout is fitted on, labelled in `image_label`. */
  fitting: StimulusSet;
  /** Images the observers see, with their true object in `object_name`; disjoint from `fitting`. */
  test: StimulusSet;
  /** Trials per (test image, distractor object) pair. */
  trialsPerPair: number;
  /**
   * Root-mean-square, over all (image, distractor) pairs, of the log-odds the observers choose with,
   * β·(log p_t − log p_d): sets the sharpness β of the choice rule relative to the readout's spread.
   */
  logOddsScale: number;
  /** Seed of the choices. */
  seed: number;
}

/** The simulated observers' trials and how their choice rule was set. */
export interface SimulatedObservers {
  /** The trials in `@vvs/metrics`' I2n layout (Brain-Score's `Rajalingham2018` assembly). */
  human: I2nHumanData;
  /** The sharpness β of the choice rule. */
  sharpness: number;
  /** The observers' expected proportion correct over all trials. */
  expectedAccuracy: number;
  /** The generating model's readout on the test images. */
  modelOutput: I2nModelOutput;
}

/**
 * Simulates human two-alternative match-to-sample trials (Rajalingham et al., 2018, J. Neurosci.
 * 38(33)): on each trial an observer sees a test image of object t and chooses between t and a
 * distractor object d. Every (image, distractor) pair — each of the other objects once — gets
 * `trialsPerPair` trials.
 *
 * The observers' evidence is the generating model's readout (`model.probabilities(fitting, test)`,
 * Brain-Score's logistic regression on the behavioural readout layer), passed through a tempered
 * Luce choice rule: the observer picks t with probability
 * `p_t^β / (p_t^β + p_d^β) = σ(β · (log p_t − log p_d))`. At β = 1 this is the two-way probability
 * the I2n metric reads from a model (`p_c / (p_c + p_t)`), but the strongly regularised readout
 * (C = 1e−3) gives probabilities near uniform, which would make every choice a coin flip; β is
 * set so that the root-mean-square of the tempered log-odds over all pairs is `logOddsScale`. Up to
 * a scale of about 2, the probit of a logistic is close to linear, so the observers' I2n then
 * follows the model's; much sharper rules saturate proportions at 0 and 1, where d′ is clipped.
 * Each choice is an independent Bernoulli draw, so the I2n of two random halves of the trials
 * differs only by binomial noise, and the split-half ceiling is well defined.
 *
 * Trials are listed image by image (in `test`'s row order), then distractor (in object order),
 * then repetition.
 *
 * @throws RangeError for a non-positive or non-integer `trialsPerPair`, a non-positive
 *   `logOddsScale`, fitting and test sets that share an image, a test image whose `object_name` is
 *   not a readout class, or a readout that gives every class the same probability.
 * @example
 * const { human, modelOutput } = await simulateObservers({ model, fitting, test, trialsPerPair: 40, logOddsScale: 1.5, seed: 3 });
 * i2n(modelOutput, human).score; // ≈ 1: the generating model matches its own observers up to noise
 */
export async function simulateObservers(options: SimulateObserversOptions): Promise<SimulatedObservers> {
  const { model, fitting, test, trialsPerPair, logOddsScale, seed } = options;
  if (!Number.isInteger(trialsPerPair) || trialsPerPair < 1) throw new RangeError(`trialsPerPair: expected a positive integer, got ${trialsPerPair}`);
  if (!(logOddsScale > 0 && Number.isFinite(logOddsScale))) throw new RangeError(`logOddsScale: expected a positive number, got ${logOddsScale}`);
  const fittingIds = new Set(fitting.rows.map((r) => r.stimulus_id));
  const shared = test.rows.find((r) => fittingIds.has(r.stimulus_id));
  if (shared) throw new RangeError(`test: stimulus '${shared.stimulus_id}' is also in the fitting set ${fitting.identifier}`);

  const modelOutput = i2nModelOutput(await model.probabilities(fitting, test));
  const objects = [...modelOutput.choices];
  const objectIndex = new Map(objects.map((name, k) => [name, k]));
  const nObjects = objects.length;
  const rowOf = new Map(modelOutput.stimulusIds.map((id, i) => [id, i]));
  const stimulusIds = test.rows.map((r) => r.stimulus_id);
  const imageTruth = Int32Array.from(test.rows, (r) => {
    const k = objectIndex.get(String(r.object_name));
    if (k === undefined) throw new RangeError(`test: '${r.stimulus_id}' shows '${r.object_name}', which is not among the classes the readout learnt from the fitting set's '${LABEL_COLUMN}' (${objects.join(', ')})`);
    return k;
  });

  // Log-odds of truth over each distractor, one per (image, distractor) pair.
  const logOdds: number[] = [];
  const pairs: [number, number][] = [];
  const { probabilities } = modelOutput;
  stimulusIds.forEach((id, i) => {
    const row = rowOf.get(id)! * nObjects;
    const t = imageTruth[i];
    for (let d = 0; d < nObjects; d++) {
      if (d === t) continue;
      logOdds.push(Math.log(probabilities.data[row + t]) - Math.log(probabilities.data[row + d]));
      pairs.push([i, d]);
    }
  });
  const rms = Math.sqrt(logOdds.reduce((sum, x) => sum + x * x, 0) / logOdds.length);
  if (!(rms > 0)) throw new RangeError(`model: ${model.id}'s readout gives every class the same probability on every test image; its choices carry no evidence`);
  const sharpness = logOddsScale / rms;

  const nTrials = pairs.length * trialsPerPair;
  const trials = {
    stimulus: new Int32Array(nTrials),
    sampleObj: new Int32Array(nTrials),
    distObj: new Int32Array(nTrials),
    choice: new Int32Array(nTrials),
  };
  const rng = new SeededRandom(seed);
  let k = 0;
  pairs.forEach(([i, d], pair) => {
    const pCorrect = sigmoid(sharpness * logOdds[pair]);
    for (let trial = 0; trial < trialsPerPair; trial++, k++) {
      trials.stimulus[k] = i;
      trials.sampleObj[k] = imageTruth[i];
      trials.distObj[k] = d;
      trials.choice[k] = rng.uniform() < pCorrect ? imageTruth[i] : d;
    }
  });
  return {
    human: { objects, stimulusIds, imageTruth, trials },
    sharpness,
    expectedAccuracy: meanAccuracy(logOdds, sharpness),
    modelOutput,
  };
}

function meanAccuracy(logOdds: readonly number[], sharpness: number): number {
  let sum = 0;
  for (const x of logOdds) sum += sigmoid(sharpness * x);
  return sum / logOdds.length;
}

function sigmoid(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}
