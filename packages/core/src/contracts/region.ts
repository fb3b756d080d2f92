/**
 * The ventral-stream areas vvs scores models against, in processing order (Brain-Score's region
 * commitments: `V1`, `V2`, `V4`, `IT`).
 *
 * @example
 * for (const region of REGIONS) console.log(region, model.regionLayer[region]);
 */
export const REGIONS = ['V1', 'V2', 'V4', 'IT'] as const;

/**
 * A cortical area of the primate ventral visual stream.
 *
 * @example
 * const region: Region = 'IT';
 */
export type Region = (typeof REGIONS)[number];

/**
 * Everything a benchmark can target: one neural region, or behaviour (Brain-Score's
 * `Rajalingham2018-i2n`, `Geirhos2021-error_consistency`, … compare choices, not recordings).
 *
 * @example
 * const target: BenchmarkTarget = 'behavior';
 */
export type BenchmarkTarget = Region | 'behavior';

/**
 * All benchmark targets: the four regions, then `'behavior'` (American spelling, as in Brain-Score's
 * `BrainModel.Task` and its benchmark ids).
 *
 * @example
 * BENCHMARK_TARGETS.includes('V4'); // true
 */
export const BENCHMARK_TARGETS = [...REGIONS, 'behavior'] as const satisfies readonly BenchmarkTarget[];

/**
 * Whether `value` names a region (`'V1' | 'V2' | 'V4' | 'IT'`, case-sensitive).
 *
 * @example
 * isRegion('IT'); // true
 * isRegion('it'); // false
 */
export function isRegion(value: unknown): value is Region {
  return (REGIONS as readonly unknown[]).includes(value);
}

/**
 * Whether `value` is a benchmark target: a region or `'behavior'`.
 *
 * @example
 * isBenchmarkTarget('behavior'); // true
 * isBenchmarkTarget('V3');       // false
 */
export function isBenchmarkTarget(value: unknown): value is BenchmarkTarget {
  return (BENCHMARK_TARGETS as readonly unknown[]).includes(value);
}
