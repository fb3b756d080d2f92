/**
 * Brain-Score's Rajalingham2018 I2n benchmarks (vision `benchmarks/rajalingham2018/benchmarks/benchmark.py`,
 * `DicarloRajalingham2018I2n`, and `public_benchmark.py`, `RajalinghamMatchtosamplePublicBenchmark`)
 * as core `I2nBenchmarkSpec`s: human two-alternative match-to-sample trials on objectome images,
 * compared with a model's readout probabilities by image-by-distractor consistency (I2n).
 */
import type { I2nBenchmarkSpec } from '@vvs/core';
import { RAJALINGHAM2018_BIBTEX, loadRajalingham2018, type Access } from '@vvs/data-brainscore';

/** Brain-Score's `version` of both Rajalingham2018 I2n benchmarks. */
export const RAJALINGHAM2018_VERSION = 2;

/** Degrees of visual angle the objectome images spanned (`self._visual_degrees = 8`). */
export const RAJALINGHAM2018_VISUAL_DEGREES = 8;

/** Presentations per image (`self._number_of_trials = 2`). */
export const RAJALINGHAM2018_NUMBER_OF_TRIALS = 2;

/**
 * The Rajalingham2018 I2n benchmark of `access`, as Brain-Score registers it:
 * `Rajalingham2018public-i2n` (public) or `Rajalingham2018-i2n` (private). The readout is fitted on
 * the public objectome images in both; the model is tested on the images of the access level's
 * trials (for the public benchmark, the same images); the ceiling is the humans' split-half I2n
 * consistency over two seeded halvings.
 *
 * Brain-Score's public ceiling correlates the halves with `skipna=True` (entries defined in both),
 * which is the default rule of `i2n` in `@vvs/metrics`. Its private ceiling and both scores use
 * `skipna=False`, which keeps the entries defined in the second matrix and raises where the first
 * is undefined among them; wherever Brain-Score returns a number the two rules keep the same
 * entries, so the values agree, and where it raises, `I2nBenchmark` returns the value over the
 * entries defined in both.
 *
 * @example
 * registry.registerBenchmark(new I2nBenchmark(rajalingham2018Spec('public'), { fetchData: registry.fetchData }));
 */
export function rajalingham2018Spec(access: Access): I2nBenchmarkSpec {
  return {
    id: access === 'public' ? 'Rajalingham2018public-i2n' : 'Rajalingham2018-i2n',
    version: RAJALINGHAM2018_VERSION,
    visualDegrees: RAJALINGHAM2018_VISUAL_DEGREES,
    numberOfTrials: RAJALINGHAM2018_NUMBER_OF_TRIALS,
    description: `human match-to-sample choices on ${access} objectome images (Rajalingham2018), I2n consistency, split-half ceiling`,
    bibtex: RAJALINGHAM2018_BIBTEX,
    dataSets: access === 'public' ? ['Rajalingham2018.public', 'objectome.public'] : [`Rajalingham2018.${access}`, 'objectome.public', `objectome.${access}`],
    load: (fetchData) => loadRajalingham2018(fetchData, access),
  };
}
