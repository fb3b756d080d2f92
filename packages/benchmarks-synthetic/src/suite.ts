/**
 * The built-in synthetic suite: for each target (V1, V2, V4, IT, behaviour) the stimuli, the
 * simulated data and the built-in model layer that generated them, generated deterministically on
 * first use and kept for the life of the process.
 */
import { CommittedBrainModel, isRegion, type Assembly, type Commitment, type Region, type StimulusSet } from '@vvs/core';
import type { I2nHumanData } from '@vvs/metrics';
import { OnnxModelAdapter } from '@vvs/models-onnx';
import { simulateNeurons, type NeuronModel } from './neurons.ts';
import { simulateObservers } from './observers.ts';
import { deriveSeed } from './random.ts';
import { cachedOnDisk } from './data-cache.ts';
import { gratingsAndTextures, objectImages, OBJECT_VISUAL_DEGREES, TEXTURE_VISUAL_DEGREES } from './stimuli.ts';

/** What the synthetic suite has data for: the four ventral-stream regions and behaviour. */
export type SyntheticTarget = Region | 'behavior';

/** The model and layer that generated a target's data. */
export interface SyntheticGenerator {
  /** Model spec as `OnnxModelAdapter.load` and `vvs --model` take it. */
  readonly model: string;
  readonly layer: string;
}

/** Seed of the suite when none is given; every part's seed derives from it (see {@link deriveSeed}). */
export const SYNTHETIC_SEED = 0;

/** Version of every synthetic benchmark; raised whenever the generators change the data (it also names the data kept on disk). */
export const SYNTHETIC_VERSION = 1;

/** The built-in model that generates every target: the four-stage CNN with seed-0 weights. */
export const SYNTHETIC_MODEL = 'builtin:cnn@0';

/**
 * The generating layer of each target: the CNN's stages in hierarchical order for the regions, and
 * its global average pooling for the behavioural readout. One model generates everything, so one
 * committed model ({@link SYNTHETIC_GENERATOR_COMMITMENT}) is the known best answer for the whole suite.
 */
export const SYNTHETIC_GENERATORS: Readonly<Record<SyntheticTarget, SyntheticGenerator>> = {
  V1: { model: SYNTHETIC_MODEL, layer: 'stage1' },
  V2: { model: SYNTHETIC_MODEL, layer: 'stage2' },
  V4: { model: SYNTHETIC_MODEL, layer: 'stage3' },
  IT: { model: SYNTHETIC_MODEL, layer: 'stage4' },
  behavior: { model: SYNTHETIC_MODEL, layer: 'avgpool' },
};

/** {@link SYNTHETIC_MODEL}'s commitment to the generating layers: the model that scores best on every target. */
export const SYNTHETIC_GENERATOR_COMMITMENT: Commitment = {
  regionLayer: {
    V1: SYNTHETIC_GENERATORS.V1.layer,
    V2: SYNTHETIC_GENERATORS.V2.layer,
    V4: SYNTHETIC_GENERATORS.V4.layer,
    IT: SYNTHETIC_GENERATORS.IT.layer,
  },
  behavioralReadoutLayer: SYNTHETIC_GENERATORS.behavior.layer,
};

/** Neuroids per region (MajajHong2015 has 88 in V4 and 168 in IT; 64 keep the suite fast). */
export const SYNTHETIC_NEUROIDS = 64;

/** Repetitions of every stimulus; with {@link SYNTHETIC_NOISE_TO_SIGNAL} they set the ceiling, 1 / (1 + 2²/24) ≈ 0.857. */
export const SYNTHETIC_REPETITIONS = 24;

/** Trial-to-trial noise over the across-stimulus signal, per neuroid (κ of `expectedCeiling`). */
export const SYNTHETIC_NOISE_TO_SIGNAL = 2;

/**
 * Softplus threshold, in standard deviations of the drive: 2 below its mean, so most stimuli drive a
 * neuroid above threshold and the rectification shapes only its weakest responses. A threshold at
 * the mean makes responses nonlinear enough that deeper layers, themselves nonlinear in the
 * generating layer, predict them about as well as the generating layer (measured).
 */
export const SYNTHETIC_THRESHOLD = -2;

/**
 * Principal components each region's neuroids mix (see `simulateNeurons`). Neighbouring layers
 * carry a layer's first few components almost exactly, so more components make the signal more
 * specific to the generating layer, at the price of a harder fit from a few hundred stimuli.
 * V1/V2: 12 — beyond that the texture set's components become image-specific detail that even the
 * generating layer cannot learn from 192 stimuli. V4/IT: 25, as many as Brain-Score's PLS
 * components — the object set's components stay learnable, and fewer (10–20) leave the
 * neighbouring layer within 0.6–3 % of the generating one. Measured on suite seeds 0–3, the
 * generating layer's unclipped (r/c)² is 0.96–1.04 on V1, 1.03–1.05 on V2 and 1.11–1.13 on V4/IT,
 * ahead of the best other candidate layer by 5–11 %, 3.5–6 % and 4–6 %.
 */
export const SYNTHETIC_COMPONENTS: Readonly<Record<Region, number>> = { V1: 12, V2: 12, V4: 25, IT: 25 };

/** Images of each object class in the V4/IT stimulus set: 8 × 36 = 288 images. */
export const NEURAL_OBJECT_IMAGES_PER_CLASS = 36;

/** Images of each object class the behavioural readout is fitted on: 8 × 40 = 320 images. */
export const BEHAVIOR_FITTING_IMAGES_PER_CLASS = 40;

/** Images of each object class the observers are tested on: 8 × 30 = 240, Rajalingham 2018's count. */
export const BEHAVIOR_TEST_IMAGES_PER_CLASS = 30;

/**
 * Trials per (test image, distractor) pair: 240 × 7 × 40 = 67,200 trials, so that each half of a
 * split has about 20 trials per cell of the I2n matrix and the split-half ceiling is well above zero.
 */
export const BEHAVIOR_TRIALS_PER_PAIR = 40;

/**
 * RMS log-odds of the observers' choices (`simulateObservers`' `logOddsScale`): within the range
 * where the probit of a logistic is nearly linear, so the generating model's I2n matches the
 * observers' up to noise. Measured on the default suite: scale 0.5, 1.5, 3, 6, 20 give a human
 * split-half ceiling of 0.45, 0.76, 0.86, 0.91, 0.97 and a generating-model score of 1.00, 0.99,
 * 0.96, 0.90, 0.78 (sharper rules saturate proportions at 0 or 1, where d′ is clipped).
 * The observers follow the random network's weak readout, which prefers the true object in only
 * about 54 % of the pairs, so they are about 53 % correct, far below human observers; what I2n
 * compares is the pattern of image-level errors, which they share with the generating model.
 */
export const BEHAVIOR_LOG_ODDS_SCALE = 1.5;

/** Options shared by the suite's generators. */
export interface SyntheticSuiteOptions {
  /** The suite's seed (default {@link SYNTHETIC_SEED}): the same seed always gives the same data. */
  seed?: number;
}

/** A region's synthetic recording and what a neural benchmark needs to score against it. */
export interface SyntheticNeuralData {
  /** Benchmark-style identifier, `synthetic.<region>`. */
  readonly identifier: string;
  readonly region: Region;
  readonly stimuli: StimulusSet;
  /** The recording: presentation × neuroid, one row per (stimulus, repetition); `attrs.synthetic` is true. */
  readonly recording: Assembly;
  readonly generator: SyntheticGenerator;
  /** Presentation coordinate to stratify cross-validation splits by (`texture_type` or `object_name`). */
  readonly stratifyBy: string;
  /** Presentations of each stimulus in the recording (Brain-Score's `number_of_trials`). */
  readonly numberOfTrials: number;
  /** Degrees the stimuli span (Brain-Score's `visual_degrees`): 4 for V1/V2, 8 for V4/IT. */
  readonly visualDegrees: number;
  readonly synthetic: true;
}

/** The synthetic behavioural data: an I2n problem (Rajalingham 2018 layout) with a known best model. */
export interface SyntheticBehaviorData {
  /** Benchmark-style identifier, `synthetic.behavior`. */
  readonly identifier: string;
  /** Images the readout is fitted on (labels in `image_label`). */
  readonly fitting: StimulusSet;
  /** Images the observers saw; disjoint from `fitting`. */
  readonly test: StimulusSet;
  /** The observers' trials, for `@vvs/metrics`' `i2n`. */
  readonly human: I2nHumanData;
  readonly generator: SyntheticGenerator;
  /** Sharpness β of the observers' choice rule. */
  readonly sharpness: number;
  /** The observers' expected proportion correct. */
  readonly expectedAccuracy: number;
  readonly visualDegrees: number;
  readonly synthetic: true;
}

const neuralCache = new Map<string, Promise<SyntheticNeuralData>>();
const behaviorCache = new Map<number, Promise<SyntheticBehaviorData>>();
const gratingsCache = new Map<number, Promise<StimulusSet>>();
const objectsCache = new Map<number, Promise<StimulusSet>>();

/**
 * The synthetic recording of `region`: V1 and V2 on {@link gratingsAndTextures} (stratified by
 * `texture_type`), V4 and IT on {@link objectImages} (stratified by `object_name`), each simulated by
 * `simulateNeurons` from {@link SYNTHETIC_MODEL}'s generating layer ({@link SYNTHETIC_GENERATORS})
 * with {@link SYNTHETIC_NEUROIDS} neuroids, {@link SYNTHETIC_REPETITIONS} repetitions and the
 * region's {@link SYNTHETIC_COMPONENTS}. Generated on first use and memoised per (region, seed) for
 * the life of the process; V1 and V2 share one stimulus set, as do V4 and IT.
 *
 * @throws RangeError (as a rejection) when `region` is not one of V1, V2, V4, IT.
 * @example
 * const { stimuli, recording, stratifyBy } = await syntheticNeuralData('V4');
 * const score = await scoreFeatures(await model.record('V4', stimuli), recording, { stratifyBy });
 */
export function syntheticNeuralData(region: Region, { seed = SYNTHETIC_SEED }: SyntheticSuiteOptions = {}): Promise<SyntheticNeuralData> {
  if (!isRegion(region)) return Promise.reject(new RangeError(`region: expected one of V1, V2, V4, IT, got '${region}'`));
  return memoise(neuralCache, `${region}@${seed}`, () => cachedOnDisk(`neural.${region}`, seed, SYNTHETIC_VERSION, async () => {
    const texture = region === 'V1' || region === 'V2';
    const stimuli = texture ? await gratingsSet(seed) : await objectsSet(seed);
    const neuronModel: NeuronModel = {
      neuroids: SYNTHETIC_NEUROIDS,
      repetitions: SYNTHETIC_REPETITIONS,
      components: SYNTHETIC_COMPONENTS[region],
      threshold: SYNTHETIC_THRESHOLD,
      noiseToSignal: SYNTHETIC_NOISE_TO_SIGNAL,
    };
    const recording = await withGeneratorModel((model) => simulateNeurons({ model, region, stimuli, seed: deriveSeed(seed, `neurons.${region}`), ...neuronModel }));
    return {
      identifier: `synthetic.${region}`,
      region,
      stimuli,
      recording,
      generator: SYNTHETIC_GENERATORS[region],
      stratifyBy: texture ? 'texture_type' : 'object_name',
      numberOfTrials: SYNTHETIC_REPETITIONS,
      visualDegrees: texture ? TEXTURE_VISUAL_DEGREES : OBJECT_VISUAL_DEGREES,
      synthetic: true,
    } satisfies SyntheticNeuralData;
  }));
}

/**
 * The synthetic behavioural data: {@link objectImages} fitting and test sets (disjoint ids and
 * draws) and two-alternative trials simulated by `simulateObservers` from {@link SYNTHETIC_MODEL}'s
 * readout of {@link SYNTHETIC_GENERATORS}`.behavior`, {@link BEHAVIOR_TRIALS_PER_PAIR} trials per
 * (image, distractor) at {@link BEHAVIOR_LOG_ODDS_SCALE}. Memoised per seed.
 *
 * @example
 * const { fitting, test, human } = await syntheticBehaviorData();
 * const result = i2n(i2nModelOutput(await model.probabilities(fitting, test)), human);
 */
export function syntheticBehaviorData({ seed = SYNTHETIC_SEED }: SyntheticSuiteOptions = {}): Promise<SyntheticBehaviorData> {
  return memoise(behaviorCache, seed, () => cachedOnDisk('behavior', seed, SYNTHETIC_VERSION, async () => {
    const [fitting, test] = await Promise.all([
      objectImages({ seed: deriveSeed(seed, 'stimuli.behavior-fitting'), imagesPerObject: BEHAVIOR_FITTING_IMAGES_PER_CLASS, part: 'behavior-fitting' }),
      objectImages({ seed: deriveSeed(seed, 'stimuli.behavior-test'), imagesPerObject: BEHAVIOR_TEST_IMAGES_PER_CLASS, part: 'behavior-test' }),
    ]);
    const observers = await withGeneratorModel((model) =>
      simulateObservers({
        model,
        fitting,
        test,
        trialsPerPair: BEHAVIOR_TRIALS_PER_PAIR,
        logOddsScale: BEHAVIOR_LOG_ODDS_SCALE,
        seed: deriveSeed(seed, 'observers'),
      }),
    );
    return {
      identifier: 'synthetic.behavior',
      fitting,
      test,
      human: observers.human,
      generator: SYNTHETIC_GENERATORS.behavior,
      sharpness: observers.sharpness,
      expectedAccuracy: observers.expectedAccuracy,
      visualDegrees: OBJECT_VISUAL_DEGREES,
      synthetic: true,
    } satisfies SyntheticBehaviorData;
  }));
}

function gratingsSet(seed: number): Promise<StimulusSet> {
  return memoise(gratingsCache, seed, () => gratingsAndTextures({ seed: deriveSeed(seed, 'stimuli.gratings-textures') }));
}

function objectsSet(seed: number): Promise<StimulusSet> {
  return memoise(objectsCache, seed, () => objectImages({ seed: deriveSeed(seed, 'stimuli.objects'), imagesPerObject: NEURAL_OBJECT_IMAGES_PER_CLASS }));
}

/** Runs `use` with {@link SYNTHETIC_MODEL} committed to the generating layers, releasing the model's session afterwards. */
async function withGeneratorModel<T>(use: (model: CommittedBrainModel) => Promise<T>): Promise<T> {
  const adapter = await OnnxModelAdapter.load(SYNTHETIC_MODEL, { id: SYNTHETIC_MODEL });
  try {
    return await use(new CommittedBrainModel(SYNTHETIC_MODEL, adapter, SYNTHETIC_GENERATOR_COMMITMENT));
  } finally {
    await adapter.dispose();
  }
}

/** The cached promise for `key`, or a new one from `make`; a failure is not cached, so a later call retries. */
function memoise<K, V>(cache: Map<K, Promise<V>>, key: K, make: () => Promise<V>): Promise<V> {
  let value = cache.get(key);
  if (!value) {
    value = make();
    cache.set(key, value);
    value.catch(() => cache.delete(key));
  }
  return value;
}
