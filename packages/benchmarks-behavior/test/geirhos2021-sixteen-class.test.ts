import { describe, expect, it } from 'vitest';
import {
  IMAGENET_CLASSES,
  IMAGENET_INDICES_BY_CATEGORY,
  SIXTEEN_CLASS_CATEGORIES,
  sixteenClassDecision,
  sixteenClassProbabilities,
} from '../src/index.ts';

/** Per-category class counts of model-vs-human's human_categories.py (`<category>_indices`). */
const COUNTS = {
  airplane: 1,
  bear: 4,
  bicycle: 2,
  bird: 49,
  boat: 5,
  bottle: 7,
  car: 3,
  cat: 6,
  chair: 4,
  clock: 3,
  dog: 109,
  elephant: 2,
  keyboard: 2,
  knife: 1,
  oven: 1,
  truck: 8,
};

describe('16-class categories (model-vs-human helper/human_categories.py)', () => {
  it('are the 16 sorted entry-level categories', () => {
    expect(SIXTEEN_CLASS_CATEGORIES).toHaveLength(16);
    expect([...SIXTEEN_CLASS_CATEGORIES]).toEqual([...SIXTEEN_CLASS_CATEGORIES].sort());
    expect(Object.keys(IMAGENET_INDICES_BY_CATEGORY).sort()).toEqual([...SIXTEEN_CLASS_CATEGORIES]);
  });

  it("each category's ImageNet indices", () => {
    const indices = IMAGENET_INDICES_BY_CATEGORY;
    expect(Object.fromEntries(SIXTEEN_CLASS_CATEGORIES.map((c) => [c, indices[c].length]))).toEqual(COUNTS);
    expect(indices.airplane).toEqual([404]);
    expect(indices.bear).toEqual([294, 295, 296, 297]);
    expect(indices.bicycle).toEqual([444, 671]);
    expect(indices.boat).toEqual([472, 554, 625, 814, 914]);
    expect(indices.bottle).toEqual([440, 720, 737, 898, 899, 901, 907]);
    expect(indices.car).toEqual([436, 511, 817]);
    expect(indices.cat).toEqual([281, 282, 283, 284, 285, 286]);
    expect(indices.chair).toEqual([423, 559, 765, 857]);
    expect(indices.clock).toEqual([409, 530, 892]);
    expect(indices.elephant).toEqual([385, 386]);
    expect(indices.keyboard).toEqual([508, 878]);
    expect(indices.knife).toEqual([499]);
    expect(indices.oven).toEqual([766]);
    expect(indices.truck).toEqual([555, 569, 656, 675, 717, 734, 864, 867]);
    // The two long lists: their ends and the classes they skip.
    expect([indices.bird[0], indices.bird.at(-1)]).toEqual([8, 145]);
    expect(indices.bird).not.toContain(9); // ostrich
    expect(indices.bird).not.toContain(134);
    expect([indices.dog[0], indices.dog.at(-1)]).toEqual([152, 268]);
    for (const skipped of [192, 204, 227, 242, 251, 258, 260, 264]) expect(indices.dog).not.toContain(skipped);
  });

  it('207 distinct classes in all, ascending within each category, all within ImageNet-1k', () => {
    const all = SIXTEEN_CLASS_CATEGORIES.flatMap((c) => [...IMAGENET_INDICES_BY_CATEGORY[c]]);
    expect(all).toHaveLength(207);
    expect(new Set(all).size).toBe(207);
    expect(all.every((i) => Number.isInteger(i) && i >= 0 && i < IMAGENET_CLASSES)).toBe(true);
    for (const c of SIXTEEN_CLASS_CATEGORIES) {
      const list = IMAGENET_INDICES_BY_CATEGORY[c];
      expect(list.every((v, k) => k === 0 || v > list[k - 1]), c).toBe(true);
    }
  });
});

describe('ImageNet probabilities → 16-class decision (ImageNetProbabilitiesTo16ClassesMapping)', () => {
  it("a category's value is the MEAN (not the sum) of its classes' probabilities", () => {
    const p = new Float64Array(IMAGENET_CLASSES);
    for (const i of IMAGENET_INDICES_BY_CATEGORY.dog) p[i] = 0.004; // dog: sum 0.436, mean 0.004
    p[499] = 0.3; // knife: one class
    p[294] = 0.2; // bear: mean 0.05 over 4 classes
    const values = sixteenClassProbabilities(p);
    const at = (c: (typeof SIXTEEN_CLASS_CATEGORIES)[number]) => values[SIXTEEN_CLASS_CATEGORIES.indexOf(c)];
    expect(at('dog')).toBeCloseTo(0.004, 15);
    expect(at('knife')).toBe(0.3);
    expect(at('bear')).toBe(0.05);
    expect(at('airplane')).toBe(0);
    // A sum would pick dog; model-vs-human's mean picks knife.
    expect(sixteenClassDecision(p)).toBe('knife');
  });

  it('classes outside the 16 categories do not count; exact ties go to the later category', () => {
    const p = new Float64Array(IMAGENET_CLASSES);
    p[0] = 0.9; // tench: no category
    p[404] = 0.05; // airplane
    p[766] = 0.05; // oven
    expect(sixteenClassDecision(p)).toBe('oven');
  });

  it('refuses anything but 1000 probabilities in [0, 1]', () => {
    expect(() => sixteenClassProbabilities(new Float64Array(999))).toThrow(/expected 1000 ImageNet class probabilities, got 999/);
    const p = new Float64Array(IMAGENET_CLASSES);
    p[3] = 1.5;
    expect(() => sixteenClassDecision(p)).toThrow(/got 1.5 at class 3/);
    p[3] = Number.NaN;
    expect(() => sixteenClassDecision(p)).toThrow(/got NaN at class 3/);
  });
});
