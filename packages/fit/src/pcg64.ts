/**
 * numpy's default random generator, bit for bit: `numpy.random.default_rng(seed)` for an integer
 * seed (a `SeedSequence` feeding a `PCG64` bit generator) and `Generator.integers` for int64 draws
 * whose range fits in 32 bits. The seed's bootstrap draws its resamples with it (FIT-SEMANTICS §5).
 *
 * Sources followed: numpy/random/bit_generator.pyx (`SeedSequence`), numpy/random/_pcg64.pyx and
 * src/pcg64/pcg64.h (`pcg64_set_seed`, `pcg_setseq_128_srandom_r`, XSL-RR output, 32-bit buffering),
 * numpy/random/src/distributions/distributions.c (`random_bounded_uint64_fill`,
 * `buffered_bounded_lemire_uint32`). Checked against numpy 1.24.2.
 */

/** SeedSequence constants (bit_generator.pyx), all uint32 arithmetic. */
const INIT_A = 0x43b0d7e5;
const MULT_A = 0x931e8875;
const INIT_B = 0x8b51f9dd;
const MULT_B = 0x58f38ded;
const MIX_MULT_L = 0xca01f9dd;
const MIX_MULT_R = 0x4973f715;
const XSHIFT = 16;
/** numpy's `DEFAULT_POOL_SIZE`: the entropy pool holds 4 uint32 words (128 bits). */
const DEFAULT_POOL_SIZE = 4;

/** The PCG64 LCG multiplier `PCG_DEFAULT_MULTIPLIER_128` (pcg64.h). */
const PCG_MULTIPLIER = 0x2360ed051fc65da44385df649fccf645n;
/** 2^128 − 1: the LCG works modulo 2^128. */
const MASK_128 = (1n << 128n) - 1n;
/**
 * The state is kept as eight 16-bit limbs (least significant first) so that the 128-bit
 * multiply-add runs on exact double arithmetic: every partial product is below 2^32 and a column
 * sum of eight of them stays far below 2^53. BigInt would be ~20× slower in the hot loop.
 */
const LIMBS = 8;
const LIMB_BITS = 16;
const LIMB_BASE = 1 << LIMB_BITS;
/** The largest range (high − low − 1) served by numpy's 32-bit Lemire path. */
const MAX_UINT32 = 0xffffffff;

/** 128-bit BigInt → 16-bit limbs, least significant first. */
function toLimbs(value: bigint): Float64Array {
  const limbs = new Float64Array(LIMBS);
  for (let k = 0; k < LIMBS; k++) limbs[k] = Number((value >> BigInt(LIMB_BITS * k)) & 0xffffn);
  return limbs;
}

/** 16-bit limbs → 128-bit BigInt. */
function fromLimbs(limbs: Float64Array): bigint {
  let value = 0n;
  for (let k = LIMBS - 1; k >= 0; k--) value = (value << BigInt(LIMB_BITS)) | BigInt(limbs[k]);
  return value;
}

/** numpy's `_coerce_to_uint32_array` for a non-negative integer: 32-bit words, least significant first. */
function uint32Words(entropy: bigint): number[] {
  if (entropy === 0n) return [0];
  const words: number[] = [];
  for (let v = entropy; v > 0n; v >>= 32n) words.push(Number(v & 0xffffffffn));
  return words;
}

/**
 * numpy's `SeedSequence(entropy)` (bit_generator.pyx; O'Neill's seed_seq hashing) for a
 * non-negative integer entropy and no spawn key: the entropy is hashed into a 4-word pool, from
 * which {@link SeedSequence.generateState} derives any number of well-mixed words.
 *
 * @example
 * const ss = new SeedSequence(42);
 * ss.pool; // Uint32Array [1662858758, 128880814, 1875164712, 753753205], as numpy's ss.pool
 */
export class SeedSequence {
  /** The mixed entropy pool (numpy's `SeedSequence.pool`). */
  readonly pool: Uint32Array;

  /** @throws RangeError when `entropy` is not a non-negative integer. */
  constructor(entropy: number | bigint) {
    if (typeof entropy === 'number' && !Number.isSafeInteger(entropy)) {
      throw new RangeError(`entropy: expected a non-negative safe integer (or a bigint), got ${entropy}`);
    }
    const big = BigInt(entropy);
    if (big < 0n) throw new RangeError(`entropy: expected a non-negative integer, got ${entropy}`);
    this.pool = SeedSequence.mixEntropy(uint32Words(big));
  }

  /** `SeedSequence.mix_entropy`: hashes every entropy word into the pool and cross-mixes it. */
  private static mixEntropy(entropy: readonly number[]): Uint32Array {
    let hashConst = INIT_A;
    const hashmix = (value: number): number => {
      let v = (value ^ hashConst) >>> 0;
      hashConst = Math.imul(hashConst, MULT_A) >>> 0;
      v = Math.imul(v, hashConst) >>> 0;
      return (v ^ (v >>> XSHIFT)) >>> 0;
    };
    const mix = (x: number, y: number): number => {
      const r = (Math.imul(MIX_MULT_L, x) - Math.imul(MIX_MULT_R, y)) >>> 0;
      return (r ^ (r >>> XSHIFT)) >>> 0;
    };
    const mixer = new Uint32Array(DEFAULT_POOL_SIZE);
    for (let i = 0; i < DEFAULT_POOL_SIZE; i++) mixer[i] = hashmix(i < entropy.length ? entropy[i] : 0);
    for (let src = 0; src < DEFAULT_POOL_SIZE; src++) {
      for (let dst = 0; dst < DEFAULT_POOL_SIZE; dst++) {
        if (src !== dst) mixer[dst] = mix(mixer[dst], hashmix(mixer[src]));
      }
    }
    for (let src = DEFAULT_POOL_SIZE; src < entropy.length; src++) {
      for (let dst = 0; dst < DEFAULT_POOL_SIZE; dst++) mixer[dst] = mix(mixer[dst], hashmix(entropy[src]));
    }
    return mixer;
  }

  /**
   * `SeedSequence.generate_state(nWords, np.uint32)`. numpy's `generate_state(k, np.uint64)` is
   * the same stream of 2k words read in little-endian pairs.
   *
   * @example
   * new SeedSequence(42).generateState(2); // Uint32Array [0xcd540ab7, 0x9f1e2e6d]
   */
  generateState(nWords: number): Uint32Array {
    if (!Number.isInteger(nWords) || nWords < 0) {
      throw new RangeError(`nWords: expected a non-negative integer, got ${nWords}`);
    }
    const state = new Uint32Array(nWords);
    let hashConst = INIT_B;
    for (let i = 0; i < nWords; i++) {
      let v = (this.pool[i % DEFAULT_POOL_SIZE] ^ hashConst) >>> 0;
      hashConst = Math.imul(hashConst, MULT_B) >>> 0;
      v = Math.imul(v, hashConst) >>> 0;
      state[i] = (v ^ (v >>> XSHIFT)) >>> 0;
    }
    return state;
  }
}

/**
 * numpy's `PCG64` bit generator: a 128-bit LCG (multiplier 0x2360ed051fc65da44385df649fccf645,
 * odd increment) whose output is XSL-RR (high ⊕ low 64 bits, rotated right by the top 6 state
 * bits), seeded from a {@link SeedSequence} as `PCG64(seed)` is.
 *
 * @example
 * const bg = new PCG64(42);
 * bg.nextUint64(); // 0xc621fbcd16d92688n, as default_rng(42).bit_generator.random_raw()
 */
export class PCG64 {
  private readonly state: Float64Array;
  private readonly inc: Float64Array;
  private readonly multiplier = toLimbs(PCG_MULTIPLIER);
  /** numpy's `has_uint32`/`uinteger`: the high half of a 64-bit output waiting to be served. */
  private hasUint32 = false;
  private uinteger = 0;
  /** Scratch for one 64-bit output: [low 32 bits, high 32 bits]. */
  private readonly raw = new Uint32Array(2);
  /** Scratch for the next state's limbs. */
  private readonly next = new Float64Array(LIMBS);

  /** @throws RangeError when `seed` is not a non-negative integer. */
  constructor(seed: number | bigint) {
    // _pcg64.pyx: val = seed_seq.generate_state(4, np.uint64); pcg64_set_seed(state, val, val + 2),
    // where PCG_128BIT_CONSTANT(high, low) takes the first uint64 as the high half.
    const words = new SeedSequence(seed).generateState(8);
    const u64 = (i: number) => (BigInt(words[2 * i + 1]) << 32n) | BigInt(words[2 * i]);
    const initState = (u64(0) << 64n) | u64(1);
    const initSeq = (u64(2) << 64n) | u64(3);
    // pcg_setseq_128_srandom_r: state = 0, inc = 2·initseq + 1, step, state += initstate, step.
    const inc = ((initSeq << 1n) | 1n) & MASK_128;
    let state = inc; // 0 · multiplier + inc
    state = (state + initState) & MASK_128;
    state = (state * PCG_MULTIPLIER + inc) & MASK_128;
    this.state = toLimbs(state);
    this.inc = toLimbs(inc);
  }

  /** The 128-bit LCG state and increment, as numpy's `bit_generator.state['state']`. */
  get stateValue(): { state: bigint; inc: bigint } {
    return { state: fromLimbs(this.state), inc: fromLimbs(this.inc) };
  }

  /** Steps the LCG and writes the XSL-RR output's low and high 32 bits into `this.raw`. */
  private step(): void {
    const s = this.state;
    const m = this.multiplier;
    const c = this.inc;
    const next = this.next;
    let carry = 0;
    for (let k = 0; k < LIMBS; k++) {
      let acc = carry + c[k];
      for (let i = 0; i <= k; i++) acc += s[i] * m[k - i];
      carry = Math.floor(acc / LIMB_BASE);
      next[k] = acc - carry * LIMB_BASE;
    }
    for (let k = 0; k < LIMBS; k++) s[k] = next[k];
    // XSL-RR: x = high64 ^ low64, rotated right by state >> 122.
    let hi = (((s[7] << 16) | s[6]) ^ ((s[3] << 16) | s[2])) >>> 0;
    let lo = (((s[5] << 16) | s[4]) ^ ((s[1] << 16) | s[0])) >>> 0;
    let rot = s[7] >>> 10;
    if (rot >= 32) {
      const t = hi;
      hi = lo;
      lo = t;
      rot -= 32;
    }
    if (rot > 0) {
      const newLo = ((lo >>> rot) | (hi << (32 - rot))) >>> 0;
      hi = ((hi >>> rot) | (lo << (32 - rot))) >>> 0;
      lo = newLo;
    }
    this.raw[0] = lo;
    this.raw[1] = hi;
  }

  /** `pcg64_next64`: the next 64-bit output (numpy's `random_raw()`). */
  nextUint64(): bigint {
    this.step();
    return (BigInt(this.raw[1]) << 32n) | BigInt(this.raw[0]);
  }

  /**
   * `pcg64_next32`: the low half of a fresh 64-bit output, then its high half on the next call
   * (the buffer lives in the generator, as numpy's `has_uint32`/`uinteger`).
   */
  nextUint32(): number {
    if (this.hasUint32) {
      this.hasUint32 = false;
      return this.uinteger;
    }
    this.step();
    this.hasUint32 = true;
    this.uinteger = this.raw[1];
    return this.raw[0];
  }
}

/**
 * A port of the part of `numpy.random.Generator` that the seed uses: `integers` for int64 output.
 * Create it with {@link defaultRng}.
 */
export class RandomGenerator {
  /** The underlying bit generator. */
  readonly bitGenerator: PCG64;

  constructor(bitGenerator: PCG64) {
    this.bitGenerator = bitGenerator;
  }

  /**
   * `Generator.integers(low, high, size)` with numpy's defaults (dtype int64, `endpoint=False`):
   * `prod(size)` integers uniform on [low, high), in C order. Like numpy's
   * `random_bounded_uint64_fill` for a range high − low − 1 ≤ 2^32 − 1, each draw is Lemire's
   * multiply-shift on a 32-bit output (`buffered_bounded_lemire_uint32`), rejecting the few that
   * would bias it; a range of exactly 2^32 takes the 32-bit outputs as they are.
   *
   * @param size an integer or a shape; the result is flat (row-major for a shape).
   * @throws RangeError when low/high are not safe integers, high ≤ low, the range needs more than
   *   32 bits (numpy's 64-bit path is not ported) or size is not a list of non-negative integers.
   * @example
   * defaultRng(42).integers(0, 620, [1000, 620]).subarray(0, 3); // Float64Array [55, 479, 405]
   */
  integers(low: number, high: number, size: number | readonly number[]): Float64Array {
    if (!Number.isSafeInteger(low) || !Number.isSafeInteger(high)) {
      throw new RangeError(`low, high: expected safe integers, got ${low}, ${high}`);
    }
    if (high <= low) throw new RangeError(`high: expected high > low, got low=${low}, high=${high}`);
    const range = high - low - 1;
    if (range > MAX_UINT32) {
      throw new RangeError(`high - low: ranges above 2^32 (numpy's 64-bit path) are not supported, got ${high - low}`);
    }
    const shape = typeof size === 'number' ? [size] : size;
    let count = 1;
    for (const dim of shape) {
      if (!Number.isInteger(dim) || dim < 0) throw new RangeError(`size: expected non-negative integers, got [${shape.join(', ')}]`);
      count *= dim;
    }
    const out = new Float64Array(count);
    const bg = this.bitGenerator;
    if (range === 0) {
      out.fill(low);
    } else if (range === MAX_UINT32) {
      for (let i = 0; i < count; i++) out[i] = low + bg.nextUint32();
    } else {
      const rangeExcl = range + 1;
      // (UINT32_MAX − rng) mod rng_excl: outputs whose low product word falls below it are rejected.
      const threshold = (MAX_UINT32 - range) % rangeExcl;
      for (let i = 0; i < count; i++) {
        let u = bg.nextUint32();
        let leftover = Math.imul(u, rangeExcl) >>> 0;
        if (leftover < rangeExcl) {
          while (leftover < threshold) {
            u = bg.nextUint32();
            leftover = Math.imul(u, rangeExcl) >>> 0;
          }
        }
        out[i] = low + mulHigh32(u, rangeExcl);
      }
    }
    return out;
  }
}

/** The high 32 bits of the 64-bit product of two uint32 values, exactly (splitting `u` in 16-bit halves). */
function mulHigh32(u: number, v: number): number {
  const lowPart = (u & 0xffff) * v; // < 2^48
  const highPart = (u >>> 16) * v; // < 2^48
  return Math.floor((highPart + Math.floor(lowPart / LIMB_BASE)) / LIMB_BASE);
}

/**
 * `numpy.random.default_rng(seed)` for a non-negative integer seed: a {@link RandomGenerator} on
 * `PCG64(SeedSequence(seed))`. Same seed, same stream as numpy.
 *
 * @example
 * const rng = defaultRng(42);
 * rng.integers(0, 620, [2, 3]); // Float64Array [55, 479, 405, 272, 268, 532], as numpy
 */
export function defaultRng(seed: number | bigint): RandomGenerator {
  return new RandomGenerator(new PCG64(seed));
}
