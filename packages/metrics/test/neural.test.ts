import { describe, expect, it } from 'vitest';
import { fromRows, matrix, takeRows, toRows } from '@vvs/linalg';
import { expectAllClose, loadFixture } from '@vvs/test-utils';
import { crossValidatedPredictivity } from '../src/neural/predictivity.ts';
import { internalConsistency } from '../src/neural/ceiling.ts';
import { meanByGroup } from '../src/neural/group-mean.ts';
import { ceilScore, NORMALIZATIONS } from '../src/neural/normalization.ts';

const FIXTURES = ['neural_basic', 'neural_reps28'] as const;

/** The fixture's inputs in the metric's terms: sorted stimuli, averaged targets, aligned features. */
function prepare(name: string) {
  const c = loadFixture(`reference/metrics/${name}.json`).cases[0];
  const { assembly, features } = c.inputs;
  const ids: string[] = c.expected.stimulus_ids_sorted;
  const index = new Map(ids.map((id, i) => [id, i]));
  const stimulus = Int32Array.from(assembly.stimulus_id as string[], (id) => index.get(id)!);
  const responses = fromRows(assembly.data);
  const averaged = meanByGroup(responses, stimulus, ids.length);
  const x = takeRows(fromRows(features.data), c.expected.feature_row_for_sorted);
  return { c, responses, stimulus, averaged, x, labels: c.expected.object_name_sorted as string[] };
}

describe.each(FIXTURES)('%s', (name) => {
  const { c, responses, stimulus, averaged, x, labels } = prepare(name);
  const e = c.expected;

  it('averages repetitions per stimulus like numpy', () => {
    expectAllClose(toRows(averaged), e.averaged, { rtol: 1e-12, atol: 1e-14 }, 'averaged');
  });

  it('exact mode reproduces sklearn split for split (predictions 1e-8 relative, r and raw 1e-9)', async () => {
    const result = await crossValidatedPredictivity(x, averaged, labels, { exact: true });
    result.splits.forEach((s, k) => {
      expect(Array.from(s.train)).toEqual(e.splits[k].train_indices);
      expect(Array.from(s.test)).toEqual(e.splits[k].test_indices);
      expectAllClose(toRows(s.predictions), e.splits[k].predictions, { rtol: 1e-8, atol: 1e-12 }, `split ${k} predictions`);
      expectAllClose(s.perNeuroidR, e.splits[k].per_neuroid_r, { atol: 1e-9 }, `split ${k} r`);
      expect(s.median).toBeCloseTo(e.splits[k].median, 9);
    });
    expect(Math.abs(result.raw - e.raw)).toBeLessThan(1e-9);
    expect(Math.abs(result.error - e.error)).toBeLessThan(1e-9);
  });

  it('the kernel fast path stays within 1e-3 of sklearn (and in practice far closer)', async () => {
    const result = await crossValidatedPredictivity(x, averaged, labels);
    expect(Math.abs(result.raw - e.raw)).toBeLessThan(1e-3);
    result.splits.forEach((s, k) => expect(Math.abs(s.median - e.splits[k].median)).toBeLessThan(1e-3));
    // The same power iteration in kernel form: agreement to rounding, not just to the budget.
    expect(Math.abs(result.raw - e.raw)).toBeLessThan(1e-8);
  });

  it('ridge: the kernel path (blocked native Cholesky) equals sklearn-style primal/dual Ridge per split', async () => {
    const exact = await crossValidatedPredictivity(x, averaged, labels, { regression: 'ridge', exact: true });
    const fast = await crossValidatedPredictivity(x, averaged, labels, { regression: 'ridge' });
    fast.splits.forEach((s, k) => expectAllClose(s.predictions.data, exact.splits[k].predictions.data, { rtol: 1e-8, atol: 1e-10 }, `split ${k}`));
    expect(Math.abs(fast.raw - exact.raw)).toBeLessThan(1e-9);
  });

  it('float32 features give the same fast-path score to float32 rounding', async () => {
    const f32 = { rows: x.rows, cols: x.cols, data: Float32Array.from(x.data) };
    const result = await crossValidatedPredictivity(f32, averaged, labels);
    expect(Math.abs(result.raw - e.raw)).toBeLessThan(1e-3);
  });

  it('internal-consistency ceiling matches split for split', () => {
    const result = internalConsistency({
      responses,
      stimulus,
      repetition: c.inputs.assembly.repetition,
      nStimuli: averaged.rows,
    });
    expect(result.repetitionValues).toEqual(e.repetition_values_sorted);
    result.splits.forEach((s, k) => {
      const ref = e.ceiling_splits[k];
      expect(s.trainRepetitions).toEqual(ref.train_repetitions);
      expect(s.testRepetitions).toEqual(ref.test_repetitions);
      expectAllClose(s.perNeuroidR, ref.per_neuroid_r, { atol: 1e-12 }, `ceiling split ${k} r`);
      expectAllClose(s.perNeuroidSpearmanBrown, ref.per_neuroid_spearman_brown, { atol: 1e-12 }, `ceiling split ${k} SB`);
      expect(Math.abs(s.median - ref.median)).toBeLessThan(1e-12);
    });
    expect(Math.abs(result.ceiling - e.ceiling)).toBeLessThan(1e-9);
    expect(Math.abs(result.error - e.ceiling_error)).toBeLessThan(1e-9);
  });

  it('normalises with each of the three rules', () => {
    for (const rule of NORMALIZATIONS) {
      const s = ceilScore(e.raw, e.ceiling, rule);
      expect(Math.abs(s.unclipped - e.scores[rule].unclipped)).toBeLessThan(1e-12);
      expect(Math.abs(s.clipped - e.scores[rule].clipped)).toBeLessThan(1e-12);
    }
  });
});

describe('crossValidatedPredictivity input checks', () => {
  it('refuses more PLS components than training stimuli', async () => {
    const y = matrix(20, 2, Array.from({ length: 40 }, (_, i) => Math.sin(i)));
    const x = matrix(20, 30, Array.from({ length: 600 }, (_, i) => Math.cos(i * 1.3)));
    await expect(crossValidatedPredictivity(x, y, Array(20).fill('a'))).rejects.toThrow(/18 training stimuli.*25 components/);
  });
});

describe('ceilScore', () => {
  it('clips to [0, 1] and keeps the unclipped value', () => {
    expect(ceilScore(0.9, 0.8, 'r_over_c')).toEqual({ unclipped: 1.125, clipped: 1 });
    expect(ceilScore(-0.2, 0.5, 'r_over_c')).toEqual({ unclipped: -0.4, clipped: 0 });
    expect(ceilScore(0.5, 0.5, 'r2_over_c').unclipped).toBeCloseTo(0.5, 15);
  });
});

describe('meanByGroup', () => {
  it('skips NaN like xarray (skipna) and gives NaN to a group with no valid value', () => {
    // rows: (group 0: [1, NaN]), (group 1: [NaN, NaN]), (group 0: [3, 4])
    const m = meanByGroup(matrix(3, 2, [1, Number.NaN, Number.NaN, Number.NaN, 3, 4]), Int32Array.of(0, 1, 0), 2);
    expect(Array.from(m.data)).toEqual([2, 4, Number.NaN, Number.NaN]);
  });

  it('averages NaN-free rows per group', () => {
    const m = meanByGroup(matrix(4, 1, [1, 5, 3, 7]), Int32Array.of(0, 1, 0, 1), 2);
    expect(Array.from(m.data)).toEqual([2, 6]);
  });

  it('refuses a group index out of range', () => {
    expect(() => meanByGroup(matrix(1, 1, [1]), Int32Array.of(3), 2)).toThrow(/row 0 has group 3, outside 0..1/);
  });
});
