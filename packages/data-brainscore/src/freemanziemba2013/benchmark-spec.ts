import type { NeuralBenchmarkSpec } from '@vvs/core';
import type { Access } from '../access.ts';
import { FREEMANZIEMBA2013_BIBTEX } from './bibtex.ts';
import { loadFreemanZiemba2013, FREEMANZIEMBA2013_STRATIFY_BY } from './load.ts';

/**
 * Brain-Score's `version` of the FreemanZiemba2013 PLS benchmarks: 1 for the public ones
 * (`public_benchmarks.py`), 3 for the private ones (`benchmark.py`).
 */
export const FREEMANZIEMBA2013_VERSIONS: Readonly<Record<Access, number>> = { public: 1, private: 3 };

/** Degrees of visual angle the textures spanned (`VISUAL_DEGREES = 4`). */
export const FREEMANZIEMBA2013_VISUAL_DEGREES = 4;

/** Repetitions per image (`NUMBER_OF_TRIALS = 20`). */
export const FREEMANZIEMBA2013_NUMBER_OF_TRIALS = 20;

/**
 * The FreemanZiemba2013 PLS benchmark of a region, as Brain-Score registers it:
 * `FreemanZiemba2013public.<region>-pls` (public) or `FreemanZiemba2013.<region>-pls` (private). Data:
 * the recording averaged over 50–200 ms and the apertured images of that access; metric: `pls`
 * (25 components, 10 splits stratified by `texture_type`); ceiling: split-half internal consistency
 * over the 20 repetitions.
 *
 * @example
 * registry.registerBenchmark(new NeuralBenchmark(freemanZiemba2013Spec('V1', 'public'), { fetchData: registry.fetchData }));
 */
export function freemanZiemba2013Spec(region: 'V1' | 'V2', access: Access): NeuralBenchmarkSpec {
  return {
    id: access === 'public' ? `FreemanZiemba2013public.${region}-pls` : `FreemanZiemba2013.${region}-pls`,
    version: FREEMANZIEMBA2013_VERSIONS[access],
    region,
    metric: 'pls',
    stratifyBy: FREEMANZIEMBA2013_STRATIFY_BY,
    visualDegrees: FREEMANZIEMBA2013_VISUAL_DEGREES,
    numberOfTrials: FREEMANZIEMBA2013_NUMBER_OF_TRIALS,
    description: `${region} responses to ${access} textures and noise (FreemanZiemba2013), 50–200 ms, PLS regression, split-half ceiling`,
    bibtex: FREEMANZIEMBA2013_BIBTEX,
    dataSets: [`FreemanZiemba2013.${access}`, `FreemanZiemba2013.aperture-${access}`],
    load: (fetchData) => loadFreemanZiemba2013(fetchData, region, access),
  };
}
