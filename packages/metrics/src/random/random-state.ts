/**
 * numpy's legacy `numpy.random.RandomState`: the MT19937 Mersenne Twister (Matsumoto & Nishimura,
 * "Mersenne Twister: a 623-dimensionally equidistributed uniform pseudo-random number generator",
 * ACM TOMACS 8(1), 1998) with `init_genrand` seeding, and the legacy sampling routines built on it
 * (`random_sample`, `shuffle`, `permutation`, `choice(replace=False)`), draw for draw.
 *
 * Brain-Score seeds every split with `RandomState(seed)`, so reproducing its numbers requires this
 * exact stream, not merely a good generator.
 */

/** Number of 32-bit words in the MT19937 state (N). */
const STATE_WORDS = 624;
/** Offset of the word mixed into each twisted word (M). */
const TWIST_OFFSET = 397;
/** Coefficients of the twist matrix A in rational normal form (a). */
const MATRIX_A = 0x9908b0df;
/** Selects the most significant bit of a word (the upper w − r = 1 bits). */
const UPPER_MASK = 0x80000000;
/** Selects the 31 least significant bits of a word (the lower r bits). */
const LOWER_MASK = 0x7fffffff;
/** Multiplier of `init_genrand` (Knuth, TAOCP vol. 2, 3rd ed., p. 106). */
const SEED_MULTIPLIER = 1812433253;
/** Tempering mask b (applied after a left shift by 7). */
const TEMPERING_MASK_B = 0x9d2c5680;
/** Tempering mask c (applied after a left shift by 15). */
const TEMPERING_MASK_C = 0xefc60000;
/** Largest 32-bit unsigned integer: the largest seed and the largest bound of `boundedInt`. */
const MAX_UINT32 = 0xffffffff;
/** 2^26: scales the 27 high bits of the first word in a 53-bit double. */
const TWO_POW_26 = 67108864;
/** 2^53: the denominator that maps a 53-bit integer into [0, 1). */
const TWO_POW_53 = 9007199254740992;

/** An indexable, writable sequence: a plain array or any typed array. */
export interface MutableArrayLike<T> {
  readonly length: number;
  [index: number]: T;
}

/** The non-bigint typed arrays, which `permutation` copies into an array of the same kind. */
export type NumericTypedArray =
  | Int8Array
  | Uint8Array
  | Uint8ClampedArray
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | Float32Array
  | Float64Array;

/** Snapshot of the generator, as numpy's `RandomState.get_state()[1:3]`. */
export interface MT19937State {
  /** The 624 state words. */
  key: Uint32Array;
  /** Index of the next word to temper; 624 means the state is twisted before the next draw. */
  pos: number;
}

/**
 * numpy's legacy `RandomState` seeded with a 32-bit integer.
 *
 * Reproduces `numpy.random.RandomState(seed)` (numpy ≥ 1.17, `_legacy_seeding` → `mt19937_seed`,
 * the reference `init_genrand`) and its legacy methods, so that every draw, shuffle and permutation
 * equals numpy's for the same seed and call sequence.
 *
 * @example
 * ```ts
 * const rng = new RandomState(0);
 * rng.randomSample(); // 0.5488135039273248, as np.random.RandomState(0).random_sample()
 * new RandomState(0).permutation(10); // Int32Array [2, 8, 4, 9, 1, 6, 7, 3, 0, 5]
 * ```
 */
export class RandomState {
  private readonly key = new Uint32Array(STATE_WORDS);
  private pos = STATE_WORDS;

  /**
   * @param seed integer in [0, 2^32 − 1], as numpy's integer seeds.
   * @throws TypeError when `seed` is not a number; RangeError when it is not such an integer.
   */
  constructor(seed: number) {
    if (typeof seed !== 'number') {
      throw new TypeError(`seed must be a number, got ${typeof seed}`);
    }
    if (!Number.isInteger(seed) || seed < 0 || seed > MAX_UINT32) {
      throw new RangeError(`seed must be an integer between 0 and 2**32 - 1, got ${seed}`);
    }
    const key = this.key;
    key[0] = seed;
    for (let i = 1; i < STATE_WORDS; i++) {
      const previous = key[i - 1];
      // Math.imul keeps the product modulo 2^32, as the C code's uint32 arithmetic does.
      key[i] = Math.imul(SEED_MULTIPLIER, previous ^ (previous >>> 30)) + i;
    }
  }

  /**
   * The generator state, as `RandomState.get_state()` returns it (key words and position).
   * Returns a copy; drawing afterwards does not change it.
   *
   * @example
   * ```ts
   * new RandomState(0).getState().key.slice(0, 3); // Uint32Array [0, 1, 1812433255]
   * ```
   */
  getState(): MT19937State {
    return { key: this.key.slice(), pos: this.pos };
  }

  /**
   * The next raw 32-bit output (`genrand_int32`, numpy's `random_raw` / `randint(0, 2**32,
   * dtype=np.uint32)`).
   *
   * @example
   * ```ts
   * new RandomState(0).randomUint32(); // 2357136044
   * ```
   */
  randomUint32(): number {
    if (this.pos === STATE_WORDS) this.twist();
    let y = this.key[this.pos++];
    y ^= y >>> 11;
    y ^= (y << 7) & TEMPERING_MASK_B;
    y ^= (y << 15) & TEMPERING_MASK_C;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /**
   * A double uniform on [0, 1) with 53 random bits, as numpy's legacy `random_sample()`
   * (`mt19937_next_double`: 27 bits of one word and 26 of the next).
   *
   * @example
   * ```ts
   * new RandomState(1).randomSample(); // 0.417022004702574
   * ```
   */
  randomSample(): number {
    const high = this.randomUint32() >>> 5;
    const low = this.randomUint32() >>> 6;
    return (high * TWO_POW_26 + low) / TWO_POW_53;
  }

  /**
   * An integer uniform on [0, max] by masked rejection, as numpy's legacy `random_interval`
   * (`rk_interval`): draw 32-bit words, keep the bits of the smallest 2^k − 1 ≥ max, and retry
   * while the result exceeds `max`. `max = 0` returns 0 without drawing.
   *
   * @param max inclusive upper bound, an integer in [0, 2^32 − 1].
   * @example
   * ```ts
   * new RandomState(0).boundedInt(9); // 5 (mask 15: words giving 12 and 15 are rejected)
   * ```
   */
  boundedInt(max: number): number {
    if (!Number.isInteger(max) || max < 0 || max > MAX_UINT32) {
      throw new RangeError(`max must be an integer between 0 and 2**32 - 1, got ${max}`);
    }
    return this.interval(max);
  }

  /**
   * Shuffles `x` in place with numpy's legacy Fisher–Yates (`RandomState.shuffle` on a 1-D array or
   * a list): for i = n − 1 down to 1, swap x[i] with x[boundedInt(i)].
   *
   * @example
   * ```ts
   * const a = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
   * new RandomState(0).shuffle(a); // a = [2, 8, 4, 9, 1, 6, 7, 3, 0, 5]
   * ```
   */
  shuffle<T>(x: MutableArrayLike<T>): void {
    for (let i = x.length - 1; i > 0; i--) {
      const j = this.interval(i);
      const swapped = x[i];
      x[i] = x[j];
      x[j] = swapped;
    }
  }

  /**
   * A shuffled `arange(n)`, or a shuffled copy of an array (the input is left untouched), as
   * numpy's legacy `RandomState.permutation`. `permutation(0)` and `permutation(1)` draw nothing.
   *
   * @example
   * ```ts
   * new RandomState(1).permutation(3); // Int32Array [0, 2, 1]
   * new RandomState(5).permutation([7, 3, 11, 5, 2, 13]); // [13, 11, 2, 3, 7, 5]
   * ```
   */
  permutation(n: number): Int32Array;
  permutation<A extends NumericTypedArray>(array: A): A;
  permutation<T>(array: readonly T[]): T[];
  permutation<T>(x: number | NumericTypedArray | readonly T[]): Int32Array | NumericTypedArray | T[] {
    let result: Int32Array | NumericTypedArray | T[];
    if (typeof x === 'number') {
      result = arange(x, 'n');
    } else if (Array.isArray(x)) {
      result = x.slice();
    } else {
      result = (x as NumericTypedArray).slice();
    }
    this.shuffle<number | T>(result);
    return result;
  }

  /**
   * `size` distinct elements of `a` (or of `arange(a)` when `a` is a number), as numpy's legacy
   * `RandomState.choice(a, size, replace=False)` without `p`: `permutation(len(a))[:size]` applied
   * to `a`. Sampling with replacement is not provided (Brain-Score's splitters never use it).
   *
   * @throws RangeError when `size` exceeds the population or is not a non-negative integer.
   * @example
   * ```ts
   * new RandomState(1).choice(8, 4, { replace: false }); // Int32Array [7, 2, 1, 6]
   * new RandomState(0).choice([2, 5, 7], 2, { replace: false }); // [7, 5]
   * ```
   */
  choice(a: number, size: number, options: { replace: false }): Int32Array;
  choice<T>(a: ArrayLike<T>, size: number, options: { replace: false }): T[];
  choice<T>(a: number | ArrayLike<T>, size: number, options: { replace: false }): Int32Array | T[] {
    if (options.replace !== false) {
      throw new RangeError('choice supports only replace: false');
    }
    const populationSize = typeof a === 'number' ? checkLength(a, 'a') : a.length;
    if (!Number.isInteger(size) || size < 0) {
      throw new RangeError(`size must be a non-negative integer, got ${size}`);
    }
    if (size > populationSize) {
      throw new RangeError(
        `Cannot take a larger sample than population when replace is false (size ${size} > ${populationSize})`,
      );
    }
    const picked = this.permutation(populationSize).subarray(0, size);
    if (typeof a === 'number') return picked.slice();
    return Array.from(picked, (index) => a[index]);
  }

  /** `random_interval` without argument checks, for the internal loops. */
  private interval(max: number): number {
    if (max === 0) return 0;
    // Smallest 2^k − 1 ≥ max (max > 0 here, so the shift is at most 31).
    const mask = MAX_UINT32 >>> Math.clz32(max);
    let value: number;
    do {
      value = (this.randomUint32() & mask) >>> 0;
    } while (value > max);
    return value;
  }

  /**
   * Regenerates all 624 words (`mt19937_gen`). Indices wrap modulo N; words below i are already
   * the new ones, exactly as in the reference in-place loop.
   */
  private twist(): void {
    const key = this.key;
    for (let i = 0; i < STATE_WORDS; i++) {
      const y = (key[i] & UPPER_MASK) | (key[(i + 1) % STATE_WORDS] & LOWER_MASK);
      key[i] = key[(i + TWIST_OFFSET) % STATE_WORDS] ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    }
    this.pos = 0;
  }
}

/**
 * A `RandomState` from a seed, or the given instance itself, as scikit-learn's
 * `sklearn.utils.check_random_state` (an instance is shared, so its stream continues across calls).
 *
 * @example
 * ```ts
 * const rng = checkRandomState(1); // new RandomState(1)
 * checkRandomState(rng) === rng; // true
 * ```
 */
export function checkRandomState(randomState: number | RandomState): RandomState {
  return randomState instanceof RandomState ? randomState : new RandomState(randomState);
}

/** `[0, 1, …, n − 1]` as an Int32Array (numpy's `arange(n)` for indices). */
function arange(n: number, name: string): Int32Array {
  const out = new Int32Array(checkLength(n, name));
  for (let i = 0; i < n; i++) out[i] = i;
  return out;
}

/** Validates a length that indexes an Int32Array. */
function checkLength(n: number, name: string): number {
  if (!Number.isInteger(n) || n < 0 || n > 0x7fffffff) {
    throw new RangeError(`${name} must be a non-negative integer below 2**31, got ${n}`);
  }
  return n;
}
