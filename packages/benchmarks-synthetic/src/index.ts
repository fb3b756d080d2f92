// The built-in synthetic suite: stimuli, simulated neurons and observers with known answers.
export {
  SYNTHETIC_SEED,
  SYNTHETIC_MODEL,
  SYNTHETIC_GENERATORS,
  SYNTHETIC_GENERATOR_COMMITMENT,
  SYNTHETIC_NEUROIDS,
  SYNTHETIC_REPETITIONS,
  SYNTHETIC_NOISE_TO_SIGNAL,
  SYNTHETIC_THRESHOLD,
  SYNTHETIC_COMPONENTS,
  NEURAL_OBJECT_IMAGES_PER_CLASS,
  BEHAVIOR_FITTING_IMAGES_PER_CLASS,
  BEHAVIOR_TEST_IMAGES_PER_CLASS,
  BEHAVIOR_TRIALS_PER_PAIR,
  BEHAVIOR_LOG_ODDS_SCALE,
  syntheticNeuralData,
  syntheticBehaviorData,
} from './suite.ts';
export type { SyntheticTarget, SyntheticGenerator, SyntheticSuiteOptions, SyntheticNeuralData, SyntheticBehaviorData } from './suite.ts';

// Procedurally drawn stimulus sets.
export {
  SYNTHETIC_IMAGE_SIZE,
  TEXTURE_VISUAL_DEGREES,
  OBJECT_VISUAL_DEGREES,
  TEXTURE_MEAN_LUMINANCE,
  GRATING_ORIENTATIONS_DEG,
  GRATING_CYCLES_PER_DEGREE,
  GRATING_PHASES_DEG,
  GRATING_CONTRAST_RANGE,
  APERTURE_RADIUS_RANGE,
  APERTURE_CENTRE_RANGE,
  NOISE_FAMILIES,
  NOISE_SAMPLES_PER_FAMILY,
  NOISE_COMPONENTS,
  NOISE_FREQUENCY_RANGE_CPD,
  ORIENTED_NOISE_HALF_WIDTH_DEG,
  BANDPASS_CENTRE_RANGE_CPD,
  CHECK_SIZES_PX,
  NOISE_RMS_CONTRAST_RANGE,
  OBJECT_NAMES,
  OBJECT_SHAPES,
  OBJECT_RADIUS_RANGE,
  OBJECT_CENTRE_RANGE,
  BACKGROUND_LUMINANCE_RANGE,
  OBJECT_CONTRAST_RANGE,
  OBJECT_BACKGROUNDS,
  gratingsAndTextures,
  objectImages,
} from './stimuli.ts';
export type { NoiseFamily, ObjectName, GratingsAndTexturesOptions, ObjectImagesOptions } from './stimuli.ts';

// Simulated neurons (linear–nonlinear maps of a model layer, with trial noise) and their ceiling.
export { simulateNeurons, expectedCeiling, BASELINE_RATE_HZ, GAIN_RANGE_HZ } from './neurons.ts';
export type { NeuronModel, SimulateNeuronsOptions } from './neurons.ts';

// Simulated two-alternative observers for I2n.
export { simulateObservers, i2nModelOutput } from './observers.ts';
export type { SimulateObserversOptions, SimulatedObservers } from './observers.ts';

// Building blocks: seeded draws, raster drawing, in-memory stimulus sets. (The symmetric eigendecomposition they use is @vvs/linalg's symmetricEigen.)
export { SeededRandom, deriveSeed } from './random.ts';
export { inMemoryStimulusSet, encodeRgbPng } from './raster.ts';
export type { RgbImage } from './raster.ts';

// The suite as benchmarks: synthetic.V1 … synthetic.IT, synthetic.behavior.
export { plugin, plugin as default, syntheticBenchmarkId, SYNTHETIC_VERSION } from './plugin.ts';
