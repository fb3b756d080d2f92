/**
 * The seeded random numbers behind every synthetic stimulus, neuron and choice. Draws come from
 * numpy's legacy MT19937 (`RandomState` of `@vvs/metrics`), so a seed yields the same suite on every
 * platform and Node version, and each draw can be checked against numpy.
 */
import { RandomState } from '@vvs/metrics';

/**
 * A seeded source of uniform, normal and integer draws: numpy's `numpy.random.RandomState(seed)`
 * with its legacy `random_sample`, `standard_normal` (the polar Box–Muller method with a cached
 * spare, `legacy_gauss`) and `randint` — call for call identical to numpy.
 *
 * @example
 * const rng = new SeededRandom(0);
 * rng.normal(); // 1.764052345967664, as np.random.RandomState(0).standard_normal()
 * rng.uniform(2, 4); // a double in [2, 4)
 * rng.integer(8); // an integer in 0..7
 */
export class SeededRandom {
  private readonly state: RandomState;
  /** The second normal of the last polar pair, returned by the next {@link normal} call (numpy's `has_gauss`). */
  private spare: number | undefined;

  /** @throws RangeError when `seed` is not an integer in [0, 2³² − 1]. */
  constructor(readonly seed: number) {
    this.state = new RandomState(seed);
  }

  /**
   * A double uniform on [low, high) (numpy's `uniform(low, high)`: `low + (high − low)·random_sample()`).
   *
   * @example
   * new SeededRandom(1).uniform(); // 0.417022004702574
   */
  uniform(low = 0, high = 1): number {
    return low + (high - low) * this.state.randomSample();
  }

  /**
   * A normal draw of mean `mean` and standard deviation `sd` (numpy's legacy `normal(mean, sd)` =
   * `mean + sd·standard_normal()`, the polar method of Marsaglia & Bray (1964): draw (x₁, x₂) uniform
   * in the unit disc, r² = x₁² + x₂², and return x₂·√(−2 ln r² / r²), keeping x₁·√(…) for the next call).
   *
   * @example
   * const rng = new SeededRandom(0);
   * [rng.normal(), rng.normal()]; // [1.764052345967664, 0.4001572083672233]
   */
  normal(mean = 0, sd = 1): number {
    if (this.spare !== undefined) {
      const z = this.spare;
      this.spare = undefined;
      return mean + sd * z;
    }
    let x1: number;
    let x2: number;
    let r2: number;
    do {
      x1 = 2 * this.state.randomSample() - 1;
      x2 = 2 * this.state.randomSample() - 1;
      r2 = x1 * x1 + x2 * x2;
    } while (r2 >= 1 || r2 === 0);
    const f = Math.sqrt((-2 * Math.log(r2)) / r2);
    this.spare = f * x1;
    return mean + sd * f * x2;
  }

  /**
   * An integer uniform on 0..n − 1 (numpy's legacy `randint(n)`).
   *
   * @throws RangeError when `n` is not a positive integer.
   * @example
   * new SeededRandom(0).integer(10); // 5
   */
  integer(n: number): number {
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`n: expected a positive integer, got ${n}`);
    return this.state.boundedInt(n - 1);
  }

  /**
   * `k` distinct integers of 0..n − 1 in random order: the first `k` entries of a legacy
   * `permutation(n)` (a Fisher–Yates shuffle).
   *
   * @throws RangeError when `k` is not an integer in [0, n].
   * @example
   * new SeededRandom(0).sample(10, 3); // Int32Array [2, 8, 4]
   */
  sample(n: number, k: number): Int32Array {
    if (!Number.isInteger(k) || k < 0 || k > n) throw new RangeError(`k: expected an integer in [0, ${n}], got ${k}`);
    return (this.state.permutation(n) as Int32Array).subarray(0, k);
  }
}

/**
 * A child seed for one named part of the suite, so parts can be generated alone, in any order, and
 * changing one part's draws leaves the others' unchanged: FNV-1a (32-bit) of `part`, mixed with the
 * suite's seed by a multiply-xorshift round (the finaliser of MurmurHash3).
 *
 * @throws RangeError when `seed` is not an integer in [0, 2³² − 1].
 * @example
 * deriveSeed(0, 'neurons.V1') !== deriveSeed(0, 'neurons.V2'); // true
 * deriveSeed(0, 'neurons.V1') === deriveSeed(0, 'neurons.V1'); // true
 */
export function deriveSeed(seed: number, part: string): number {
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new RangeError(`seed: expected an integer in [0, 4294967295], got ${seed}`);
  }
  let h = FNV_OFFSET_BASIS;
  for (let i = 0; i < part.length; i++) h = Math.imul(h ^ part.charCodeAt(i), FNV_PRIME);
  h ^= seed;
  h = Math.imul(h ^ (h >>> 16), MURMUR_MIX_1);
  h = Math.imul(h ^ (h >>> 13), MURMUR_MIX_2);
  return (h ^ (h >>> 16)) >>> 0;
}

/** FNV-1a's 32-bit offset basis (Fowler, Noll & Vo). */
const FNV_OFFSET_BASIS = 0x811c9dc5;
/** FNV-1a's 32-bit prime. */
const FNV_PRIME = 0x01000193;
/** First multiplier of MurmurHash3's 32-bit finaliser `fmix32`. */
const MURMUR_MIX_1 = 0x85ebca6b;
/** Second multiplier of MurmurHash3's 32-bit finaliser `fmix32`. */
const MURMUR_MIX_2 = 0xc2b2ae35;
