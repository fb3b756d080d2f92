/**
 * The I2n reference cases of `reference/metrics/` (`i2n_dense.json`, `i2n_sparse.json`): their
 * inputs, and the human trials in the shape `@vvs/metrics`' `I2nHumanData` takes.
 */
import { loadFixture } from './index.ts';

/** The inputs of an I2n case, as the fixture stores them (0-based indices into the tables). */
export interface I2nFixtureInputs {
  objects: string[];
  stimulus_ids: string[];
  image_truth: number[];
  trials: { stimulus: number[]; sample_obj: number[]; dist_obj: number[]; choice: number[] };
  model: { stimulus_ids: string[]; choices: string[]; probabilities: number[][] };
}

/** The summary every I2n case expects (the full matrices are in the fixture too). */
export interface I2nFixtureSummary {
  raw_mean_r: number;
  ceiling_mean: number;
  score: number;
  score_error: number;
}

/**
 * The first case of `reference/metrics/<name>.json`; `TExpected` types its `expected` block further.
 *
 * @example
 * const { inputs, expected } = i2nFixtureCase('i2n_dense');
 */
export function i2nFixtureCase<TExpected extends I2nFixtureSummary = I2nFixtureSummary>(
  name: 'i2n_dense' | 'i2n_sparse',
): { name: string; inputs: I2nFixtureInputs; expected: TExpected } {
  return loadFixture<{ cases: { name: string; inputs: I2nFixtureInputs; expected: TExpected }[] }>(`reference/metrics/${name}.json`).cases[0];
}

/**
 * A case's human trials as `I2nHumanData` (`objects`, `stimulusIds`, `imageTruth`, `trials`).
 *
 * @example
 * const human = i2nHumanInputs(i2nFixtureCase('i2n_dense').inputs);
 */
export function i2nHumanInputs(inputs: I2nFixtureInputs) {
  return {
    objects: inputs.objects,
    stimulusIds: inputs.stimulus_ids,
    imageTruth: inputs.image_truth,
    trials: { stimulus: inputs.trials.stimulus, sampleObj: inputs.trials.sample_obj, distObj: inputs.trials.dist_obj, choice: inputs.trials.choice },
  };
}
