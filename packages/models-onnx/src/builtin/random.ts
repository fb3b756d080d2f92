/**
 * The seeded random numbers of the built-in CNN's weights. A self-contained 32-bit generator keeps
 * the generated models reproducible byte for byte on every platform and Node version, independent
 * of any other package's generator.
 */

/** The largest seed: seeds are unsigned 32-bit integers, the state size of {@link mulberry32}. */
const MAX_SEED = 0xffffffff;

/** 2^32, mapping a 32-bit output to [0, 1). */
const TWO_POW_32 = 4294967296;

/** Weyl-sequence increment of mulberry32 (Tommy Ettinger's constant). */
const MULBERRY_INCREMENT = 0x6d2b79f5;

/**
 * A uniform generator on [0, 1) from mulberry32 (Tommy Ettinger, 2017; the public-domain generator
 * widely used as a small seeded JavaScript PRNG): a Weyl sequence scrambled by two multiply-xorshift
 * rounds. 32 bits of state, period 2^32 — ample for the ~10^5 weights drawn here.
 * Rejects a seed that is not an integer in [0, 2^32 − 1] with a RangeError.
 *
 * @example
 * const next = mulberry32(0);
 * next(); // 0.26642920868471265
 */
export function mulberry32(seed: number): () => number {
  if (!Number.isInteger(seed) || seed < 0 || seed > MAX_SEED) {
    throw new RangeError(`seed: expected an integer in [0, ${MAX_SEED}], got ${seed}`);
  }
  let state = seed | 0;
  return () => {
    state = (state + MULBERRY_INCREMENT) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / TWO_POW_32;
  };
}

/**
 * Fills `out` with independent normal draws of mean 0 and standard deviation `std`, by the
 * Box–Muller transform (Box & Muller, 1958) of pairs of uniforms from `uniform`: for u1 ∈ (0, 1],
 * u2 ∈ [0, 1), `sqrt(−2 ln u1)·cos(2π u2)` and `…·sin(2π u2)` are two independent N(0, 1) draws.
 *
 * @example
 * const weights = normalFill(new Float32Array(4), Math.sqrt(2 / 27), mulberry32(0));
 */
export function normalFill<T extends Float32Array | Float64Array>(out: T, std: number, uniform: () => number): T {
  for (let i = 0; i < out.length; i += 2) {
    // 1 − u keeps the logarithm's argument in (0, 1].
    const radius = std * Math.sqrt(-2 * Math.log(1 - uniform()));
    const angle = 2 * Math.PI * uniform();
    out[i] = radius * Math.cos(angle);
    if (i + 1 < out.length) out[i + 1] = radius * Math.sin(angle);
  }
  return out;
}
