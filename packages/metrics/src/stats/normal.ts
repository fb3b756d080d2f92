/**
 * The standard normal quantile function Φ⁻¹, as `scipy.stats.norm.ppf`, built on @stdlib/stats.
 */
import levyQuantile from '@stdlib/stats/base/dists/levy/quantile/lib/index.js';
import gaussianQuantile from '@stdlib/stats/base/dists/normal/quantile/lib/index.js';

/**
 * Below this probability stdlib's normal quantile loses accuracy: it evaluates √2·erfinv(2p − 1),
 * and 2p − 1 is rounded unless 2p ≥ 1/2 (Sterbenz), an error that grows as p shrinks (1e-10 at
 * p = 1e-8, 1e-2 at p = 1e-16, −∞ below 5.6e-17 where scipy gives −8.4).
 */
const CANCELLATION_FREE_FROM = 0.25;

/**
 * Φ⁻¹(p), the standard normal quantile (probit), as `scipy.stats.norm.ppf(p)`
 * (`scipy.special.ndtri`): Φ⁻¹(0) = −∞, Φ⁻¹(1) = +∞, NaN outside [0, 1] or for NaN.
 *
 * For p ≥ 1/4 this is stdlib's normal quantile, which is exact there up to a few ulps. Below 1/4 it
 * uses the Lévy distribution instead, without any cancellation: if Z is standard normal,
 * P(1/Z² ≤ x) = erfc(1/√(2x)), which is the Lévy(0, 1) CDF, so for p < 1/2,
 * Φ⁻¹(p) = −1/√(Q(2p)) with Q the Lévy(0, 1) quantile (stdlib computes it as 1 / (2·erfcinv(2p)²)).
 *
 * Agreement with scipy 1.10 (measured on 120,000 probabilities): within 5 ulps for p ≥ 1e-16; for
 * p < 1e-16 (|Φ⁻¹| > 8.2) stdlib's erfcinv is less accurate than scipy's ndtri, differing by up to
 * 7e-12 absolute.
 *
 * @example
 * normalQuantile(0.975); // ≈ 1.95996398454005
 * normalQuantile(1e-10); // -6.361340902404056
 * normalQuantile(0); // -Infinity
 */
export function normalQuantile(p: number): number {
  if (p < CANCELLATION_FREE_FROM) return -1 / Math.sqrt(levyQuantile(2 * p, 0, 1));
  return gaussianQuantile(p, 0, 1);
}
