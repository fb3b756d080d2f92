import type { NeuralBenchmarkSpec } from '@vvs/core';
import { MAJAJHONG2015_BIBTEX } from './bibtex.ts';
import type { Access } from '../access.ts';
import { loadMajajHong2015, MAJAJHONG2015_STRATIFY_BY } from './load.ts';

/** Brain-Score's `version` of the MajajHong2015 PLS benchmarks, public and private (vision `benchmarks/majajhong2015/benchmark.py`). */
export const MAJAJHONG2015_VERSION = 4;

/** Degrees of visual angle the HvM images spanned (`VISUAL_DEGREES = 8`). */
export const MAJAJHONG2015_VISUAL_DEGREES = 8;

/** Repetitions per image (`NUMBER_OF_TRIALS = 50`). */
export const MAJAJHONG2015_NUMBER_OF_TRIALS = 50;

/**
 * The MajajHong2015 PLS benchmark of a region, as Brain-Score registers it: `MajajHong2015public.<region>-pls`
 * (public) or `MajajHong2015.<region>-pls` (private). Data: the recording and HvM images of that
 * access; metric: `pls` (25 components, 10 splits stratified by `object_name`); ceiling: split-half
 * internal consistency over the 50 repetitions.
 *
 * @example
 * registry.registerBenchmark(new NeuralBenchmark(majajHong2015Spec('IT', 'public'), { fetchData: registry.fetchData }));
 */
export function majajHong2015Spec(region: 'V4' | 'IT', access: Access): NeuralBenchmarkSpec {
  return {
    id: access === 'public' ? `MajajHong2015public.${region}-pls` : `MajajHong2015.${region}-pls`,
    version: MAJAJHONG2015_VERSION,
    region,
    metric: 'pls',
    stratifyBy: MAJAJHONG2015_STRATIFY_BY,
    visualDegrees: MAJAJHONG2015_VISUAL_DEGREES,
    numberOfTrials: MAJAJHONG2015_NUMBER_OF_TRIALS,
    description: `${region} multi-unit responses to ${access} HvM images (MajajHong2015), PLS regression, split-half ceiling`,
    bibtex: MAJAJHONG2015_BIBTEX,
    dataSets: [`MajajHong2015.${access}`, `hvm-${access}`],
    load: (fetchData) => loadMajajHong2015(fetchData, region, access),
  };
}
