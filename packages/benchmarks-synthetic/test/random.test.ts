import { describe, expect, it } from 'vitest';
import { SeededRandom, deriveSeed } from '../src/index.ts';

describe('SeededRandom', () => {
  it("draws numpy's legacy RandomState values", () => {
    // np.random.RandomState(0).standard_normal(4)
    const rng = new SeededRandom(0);
    expect([rng.normal(), rng.normal(), rng.normal(), rng.normal()]).toEqual([1.764052345967664, 0.4001572083672233, 0.9787379841057392, 2.240893199201458]);
    // np.random.RandomState(0).normal(2, 3) after those four draws
    expect(rng.normal(2, 3)).toBeCloseTo(7.602673970449903, 14);
    expect(new SeededRandom(1).uniform()).toBe(0.417022004702574); // RandomState(1).random_sample()
    expect(new SeededRandom(0).integer(10)).toBe(5); // RandomState(0).randint(10)
    expect(Array.from(new SeededRandom(0).sample(10, 3))).toEqual([2, 8, 4]); // RandomState(0).permutation(10)[:3]
  });

  it('rejects bad arguments with RangeErrors naming them', () => {
    expect(() => new SeededRandom(-1)).toThrow(RangeError);
    expect(() => new SeededRandom(0).integer(0)).toThrow('n: expected a positive integer, got 0');
    expect(() => new SeededRandom(0).sample(3, 4)).toThrow('k: expected an integer in [0, 3], got 4');
  });
});

describe('deriveSeed', () => {
  it('gives each part its own stable 32-bit seed', () => {
    const parts = ['neurons.V1', 'neurons.V2', 'stimuli.objects', 'observers'];
    const seeds = parts.map((part) => deriveSeed(0, part));
    expect(new Set(seeds).size).toBe(parts.length);
    expect(parts.map((part) => deriveSeed(0, part))).toEqual(seeds);
    expect(deriveSeed(1, 'neurons.V1')).not.toBe(deriveSeed(0, 'neurons.V1'));
    for (const s of seeds) expect(Number.isInteger(s) && s >= 0 && s <= 0xffffffff).toBe(true);
    expect(() => deriveSeed(1.5, 'x')).toThrow(RangeError);
  });
});
