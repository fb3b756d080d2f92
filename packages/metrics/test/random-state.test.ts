import { loadFixture } from '@vvs/test-utils';
import { describe, expect, it } from 'vitest';
import { RandomState, checkRandomState } from '../src/random/random-state.ts';

interface RngFixture {
  cases: {
    raw_uint32: { seed: number; first_10: number[]; index_620_to_629: number[]; index_1240_to_1259: number[] }[];
    seeded_state: { seed: number; key: number[]; pos: number }[];
    random_sample: { seed: number; values: number[] }[];
    shuffle: { seed: number; n: number; result: number[] }[];
    successive_shuffles: { seed: number; n: number; results: number[][] }[];
    permutation: { seed: number; n?: number; array?: number[]; result: number[] }[];
    successive_permutations: { seed: number; sizes: number[]; results: number[][] }[];
    choice_without_replacement: { seed: number; a: number | number[]; size: number; result: number[] }[];
  };
}

const fixture = loadFixture<RngFixture>('reference/metrics/rng_mt19937.json').cases;

describe('RandomState (numpy legacy MT19937)', () => {
  it.each(fixture.raw_uint32)('raw 32-bit stream for seed $seed, across two state regenerations', (c) => {
    const rng = new RandomState(c.seed);
    const stream = Array.from({ length: 1260 }, () => rng.randomUint32());
    expect(stream.slice(0, 10)).toEqual(c.first_10);
    expect(stream.slice(620, 630)).toEqual(c.index_620_to_629);
    expect(stream.slice(1240, 1260)).toEqual(c.index_1240_to_1259);
  });

  it.each(fixture.seeded_state)('state right after seeding with $seed (init_genrand)', (c) => {
    const state = new RandomState(c.seed).getState();
    expect(Array.from(state.key)).toEqual(c.key);
    expect(state.pos).toBe(c.pos);
  });

  it('getState returns a snapshot that later draws do not change', () => {
    const rng = new RandomState(0);
    const before = rng.getState();
    rng.randomUint32();
    expect(before.pos).toBe(624);
    expect(rng.getState().pos).toBe(1);
    expect(Array.from(before.key)).not.toEqual(Array.from(rng.getState().key));
  });

  it.each(fixture.random_sample)('random_sample doubles for seed $seed, bit for bit', (c) => {
    const rng = new RandomState(c.seed);
    const values = c.values.map(() => rng.randomSample());
    for (let i = 0; i < values.length; i++) expect(Object.is(values[i], c.values[i])).toBe(true);
  });

  it.each(fixture.shuffle)('shuffle of arange($n) for seed $seed, as a list and as typed arrays', (c) => {
    const list = Array.from({ length: c.n }, (_, i) => i);
    new RandomState(c.seed).shuffle(list);
    expect(list).toEqual(c.result);
    for (const typed of [Int32Array.from(list.keys()), Float64Array.from(list.keys())]) {
      new RandomState(c.seed).shuffle(typed);
      expect(Array.from(typed)).toEqual(c.result);
    }
  });

  it.each(fixture.successive_shuffles)('two successive shuffles of range($n) from one generator', (c) => {
    const rng = new RandomState(c.seed);
    for (const expected of c.results) {
      const indices = Array.from({ length: c.n }, (_, i) => i);
      rng.shuffle(indices);
      expect(indices).toEqual(expected);
    }
  });

  it.each(fixture.permutation.map((c) => ({ ...c, what: c.array ? `[${c.array.join(', ')}]` : String(c.n) })))(
    'permutation($what) for seed $seed',
    (c) => {
      const rng = new RandomState(c.seed);
      if (c.array) {
        const input = c.array.slice();
        expect(rng.permutation(input)).toEqual(c.result);
        expect(input).toEqual(c.array); // shuffles a copy
        const typed = Int32Array.from(c.array);
        const permuted = new RandomState(c.seed).permutation(typed);
        expect(permuted).toBeInstanceOf(Int32Array);
        expect(Array.from(permuted)).toEqual(c.result);
        expect(Array.from(typed)).toEqual(c.array);
      } else {
        const result = rng.permutation(c.n as number);
        expect(result).toBeInstanceOf(Int32Array);
        expect(Array.from(result)).toEqual(c.result);
      }
    },
  );

  it.each(fixture.successive_permutations)('successive permutations of sizes $sizes (n = 1 draws nothing)', (c) => {
    const rng = new RandomState(c.seed);
    expect(c.sizes.map((n) => Array.from(rng.permutation(n)))).toEqual(c.results);
  });

  it.each(fixture.choice_without_replacement)('choice($a, $size, replace=False) for seed $seed', (c) => {
    const rng = new RandomState(c.seed);
    const result = typeof c.a === 'number' ? Array.from(rng.choice(c.a, c.size, { replace: false })) : rng.choice(c.a, c.size, { replace: false });
    expect(result).toEqual(c.result);
  });

  it('boundedInt draws nothing for max 0, returns raw words for max 2^32 − 1, and stays in [0, max]', () => {
    const rng = new RandomState(42);
    expect(rng.boundedInt(0)).toBe(0);
    expect(rng.getState().pos).toBe(624);
    const raw = new RandomState(42).randomUint32();
    expect(rng.boundedInt(0xffffffff)).toBe(raw);
    for (const max of [1, 2, 3, 5, 1000, 2 ** 31 + 1]) {
      for (let k = 0; k < 200; k++) {
        const v = rng.boundedInt(max);
        expect(Number.isInteger(v) && v >= 0 && v <= max).toBe(true);
      }
    }
  });

  it('rejects invalid seeds, bounds and choice sizes', () => {
    for (const seed of [-1, 2 ** 32, 1.5, Number.NaN]) expect(() => new RandomState(seed)).toThrow(RangeError);
    expect(() => new RandomState('1' as unknown as number)).toThrow(TypeError);
    const rng = new RandomState(0);
    for (const max of [-1, 2 ** 32, 0.5]) expect(() => rng.boundedInt(max)).toThrow(RangeError);
    expect(() => rng.choice(3, 4, { replace: false })).toThrow(/larger sample than population/);
    expect(() => rng.choice([1, 2], -1, { replace: false })).toThrow(RangeError);
  });

  it('checkRandomState builds a generator from a seed and passes an instance through', () => {
    const rng = new RandomState(7);
    expect(checkRandomState(rng)).toBe(rng);
    expect(checkRandomState(7).getState()).toEqual(new RandomState(7).getState());
  });
});
