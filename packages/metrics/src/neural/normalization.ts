/**
 * How Brain-Score turns a raw score and a ceiling into the reported score. The rule changed over
 * time, and scores are only comparable under the same rule:
 * - `r_over_c`: raw / ceiling (Brain-Score 2018, Schrimpf et al. 2018).
 * - `squared_ratio`: (raw / ceiling)² (December 2019 – January 2026; behind the scores of
 *   scaling_primate_vvs, Gokce & Schrimpf 2024, hence the default).
 * - `r2_over_c`: raw² / ceiling (since January 2026: explained variance over the ceiling).
 */

/** The names of the normalisations, in the order they were introduced. */
export const NORMALIZATIONS = ['r_over_c', 'squared_ratio', 'r2_over_c'] as const;
/** One of {@link NORMALIZATIONS}. */
export type Normalization = (typeof NORMALIZATIONS)[number];
/** The rule behind the seed's scores. */
export const DEFAULT_NORMALIZATION: Normalization = 'squared_ratio';

/** A ceiled score: the value as computed and the value clipped to [0, 1] as Brain-Score reports it. */
export interface CeiledScore {
  unclipped: number;
  clipped: number;
}

/**
 * Applies a normalisation to a raw score.
 *
 * @example
 * ceilScore(0.6, 0.8, 'squared_ratio'); // { unclipped: 0.5625, clipped: 0.5625 }
 */
export function ceilScore(raw: number, ceiling: number, normalization: Normalization = DEFAULT_NORMALIZATION): CeiledScore {
  let unclipped: number;
  switch (normalization) {
    case 'r_over_c':
      unclipped = raw / ceiling;
      break;
    case 'squared_ratio':
      unclipped = (raw / ceiling) ** 2;
      break;
    case 'r2_over_c':
      unclipped = (raw * raw) / ceiling;
      break;
    default:
      throw new RangeError(`unknown normalization '${String(normalization)}'; expected one of ${NORMALIZATIONS.join(', ')}`);
  }
  return { unclipped, clipped: Math.min(Math.max(unclipped, 0), 1) };
}

/** Narrows a user-supplied string to a {@link Normalization}, with a clear error otherwise. */
export function parseNormalization(name: string): Normalization {
  if ((NORMALIZATIONS as readonly string[]).includes(name)) return name as Normalization;
  throw new RangeError(`unknown normalization '${name}'; expected one of ${NORMALIZATIONS.join(', ')}`);
}
