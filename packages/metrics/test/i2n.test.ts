import { fromRows, matrix, type Matrix } from '@vvs/linalg';
import { expectAllClose, loadFixture, type I2nFixtureInputs } from '@vvs/test-utils';
import { describe, expect, it } from 'vitest';
import {
  correlateNonNaN,
  dprimeMatrix,
  i2n,
  i2nLayout,
  i2nNormalize,
  i2nSplitHalves,
  type I2nHumanData,
  type I2nMatrices,
  type I2nModelOutput,
} from '../src/behavior/i2n.ts';
import { nanMean } from '../src/stats/descriptive.ts';

type Rows = (number | null)[][];
interface HalfExpected {
  P: Rows;
  dprime: Rows;
  i2n: Rows;
  n_nan_offdiagonal_P: number;
  n_nan_offdiagonal_i2n: number;
}
interface I2nCase {
  name: string;
  params: { n_splits: number; random_state: number; dprime_cap: number };
  inputs: I2nFixtureInputs;
  expected: {
    stimulus_ids_sorted: string[];
    truth_sorted: string[];
    choices_sorted: string[];
    model_P: Rows;
    model_dprime: Rows;
    model_i2n: Rows;
    splits: {
      shuffled_trial_indices: number[];
      half1_size: number;
      human_half1: HalfExpected;
      human_half2: HalfExpected;
      ceiling: number;
      ceiling_n_entries: number;
      ceiling_brainscore_skipna_false_would_raise: boolean;
      r: number;
      r_n_entries: number;
      r_brainscore_would_raise: boolean;
      ceiled: number;
    }[];
    raw_mean_r: number;
    ceiling_mean: number;
    score: number;
    score_error: number;
  };
}

/** README: "I2n and kappa within 1e-9" (every matrix entry, correlation and score). */
const TOL = { atol: 1e-9 };

function inputsOf(c: I2nCase): { model: I2nModelOutput; human: I2nHumanData } {
  const { inputs } = c;
  return {
    model: {
      stimulusIds: inputs.model.stimulus_ids,
      choices: inputs.model.choices,
      probabilities: fromRows(inputs.model.probabilities),
    },
    human: {
      objects: inputs.objects,
      stimulusIds: inputs.stimulus_ids,
      imageTruth: inputs.image_truth,
      trials: {
        stimulus: inputs.trials.stimulus,
        sampleObj: inputs.trials.sample_obj,
        distObj: inputs.trials.dist_obj,
        choice: inputs.trials.choice,
      },
    },
  };
}

/** NaNs outside each row's truth cell (the truth cell is NaN by definition). */
function nanOffTruth(m: Matrix, truth: Int32Array): number {
  let n = 0;
  for (let i = 0; i < m.rows; i++) {
    for (let c = 0; c < m.cols; c++) if (c !== truth[i] && Number.isNaN(m.data[i * m.cols + c])) n++;
  }
  return n;
}

function expectMatrices(got: I2nMatrices, P: Rows, dprime: Rows, i2nRows: Rows, label: string): void {
  expectAllClose(got.P.data, P, TOL, `${label} P`);
  expectAllClose(got.dprime.data, dprime, TOL, `${label} dprime`);
  expectAllClose(got.i2n.data, i2nRows, TOL, `${label} i2n`);
}

describe.each(['i2n_dense', 'i2n_sparse'])('I2n on the %s fixture', (name) => {
  const c = loadFixture<{ cases: I2nCase[] }>(`reference/metrics/${name}.json`).cases[0];
  const e = c.expected;
  const { model, human } = inputsOf(c);
  const options = { nSplits: c.params.n_splits, randomState: c.params.random_state, dprimeCap: c.params.dprime_cap };
  const result = i2n(model, human, options);

  it('orders rows and columns as np.unique (code-point order), whatever the input order', () => {
    expect(result.layout.stimulusIds).toEqual(e.stimulus_ids_sorted);
    expect(result.layout.objects).toEqual(e.choices_sorted);
    expect(Array.from(result.layout.truth, (col) => result.layout.objects[col])).toEqual(e.truth_sorted);
  });

  it("model P, d′ and I2n", () => {
    expectMatrices(result.model, e.model_P, e.model_dprime, e.model_i2n, 'model');
  });

  it('trial halves: one RandomState(0) shuffling list(range(n)) for both splits, exactly', () => {
    expect(result.splits).toHaveLength(e.splits.length);
    result.splits.forEach((split, k) => {
      const expected = e.splits[k];
      expect(Array.from(split.shuffledTrialIndices)).toEqual(expected.shuffled_trial_indices);
      expect(split.half1.length).toBe(expected.half1_size);
      expect(split.half1.length + split.half2.length).toBe(c.inputs.trials.stimulus.length);
    });
  });

  it('human P, d′ and I2n of each half, with their empty-cell counts', () => {
    result.splits.forEach((split, k) => {
      const expected = e.splits[k];
      for (const [got, half, label] of [
        [split.human1, expected.human_half1, `split ${k} half 1`],
        [split.human2, expected.human_half2, `split ${k} half 2`],
      ] as const) {
        expectMatrices(got, half.P, half.dprime, half.i2n, label);
        expect(nanOffTruth(got.P, result.layout.truth)).toBe(half.n_nan_offdiagonal_P);
        expect(nanOffTruth(got.i2n, result.layout.truth)).toBe(half.n_nan_offdiagonal_i2n);
      }
    });
  });

  it('ceiling, r (model vs first half), ceiled score per split, and their entry counts', () => {
    result.splits.forEach((split, k) => {
      const expected = e.splits[k];
      expect(split.ceilingEntries).toBe(expected.ceiling_n_entries);
      expect(split.rEntries).toBe(expected.r_n_entries);
      expectAllClose([split.ceiling, split.r, split.ceiled], [expected.ceiling, expected.r, expected.ceiled], TOL, `split ${k}`);
    });
  });

  it('score (mean of ceiled), score error (std ddof 0), raw mean r, mean ceiling', () => {
    expectAllClose(
      [result.score, result.scoreError, result.rawMeanR, result.ceilingMean],
      [e.score, e.score_error, e.raw_mean_r, e.ceiling_mean],
      TOL,
      'aggregate',
    );
  });

  it("nanRule 'brain-score' raises exactly where Brain-Score would, and agrees elsewhere", () => {
    const wouldRaise = e.splits.some((s) => s.ceiling_brainscore_skipna_false_would_raise || s.r_brainscore_would_raise);
    if (wouldRaise) {
      expect(() => i2n(model, human, { ...options, nanRule: 'brain-score' })).toThrow(/AssertionError/);
    } else {
      expect(i2n(model, human, { ...options, nanRule: 'brain-score' }).score).toBe(result.score);
    }
    result.splits.forEach((split, k) => {
      const s = e.splits[k];
      const ceiling = () => correlateNonNaN(split.human1.i2n, split.human2.i2n, 'brain-score');
      const r = () => correlateNonNaN(result.model.i2n, split.human1.i2n, 'brain-score');
      if (s.ceiling_brainscore_skipna_false_would_raise) expect(ceiling).toThrow(RangeError);
      else expect(ceiling().r).toBe(split.ceiling);
      if (s.r_brainscore_would_raise) expect(r).toThrow(RangeError);
      else expect(r().r).toBe(split.r);
    });
  });

  it('I2n has zero nanmean in every (truth, choice) group', () => {
    const { truth } = result.layout;
    const { i2n: m } = result.splits[0].human1;
    for (let t = 0; t < m.cols; t++) {
      const rows = Array.from(truth.keys()).filter((i) => truth[i] === t);
      for (let col = 0; col < m.cols; col++) {
        const groupMean = nanMean(rows.map((i) => m.data[i * m.cols + col]));
        if (!Number.isNaN(groupMean)) expect(Math.abs(groupMean)).toBeLessThan(1e-14);
      }
    }
  });
});

describe('I2n invariances and validation (dense fixture)', () => {
  const c = loadFixture<{ cases: I2nCase[] }>('reference/metrics/i2n_dense.json').cases[0];
  const { model, human } = inputsOf(c);
  const reference = i2n(model, human);

  it('does not depend on the order of the object and image tables', () => {
    const nObjects = human.objects.length;
    const nImages = human.stimulusIds.length;
    // Reverse both tables and remap every index into them.
    const objects = [...human.objects].reverse();
    const stimulusIds = [...human.stimulusIds].reverse();
    const object = (k: number) => nObjects - 1 - k;
    const image = (k: number) => nImages - 1 - k;
    const permuted: I2nHumanData = {
      objects,
      stimulusIds,
      imageTruth: Array.from({ length: nImages }, (_, k) => object(human.imageTruth[image(k)])),
      trials: {
        stimulus: Array.from(human.trials.stimulus, image),
        sampleObj: Array.from(human.trials.sampleObj, object),
        distObj: Array.from(human.trials.distObj, object),
        choice: Array.from(human.trials.choice, object),
      },
    };
    const result = i2n(model, permuted);
    expect(result.layout.stimulusIds).toEqual(reference.layout.stimulusIds);
    expect(result.score).toBe(reference.score);
    expect(result.splits[1].human2.i2n).toEqual(reference.splits[1].human2.i2n);
  });

  it('default options are Brain-Score’s: RandomState(0), 2 splits, d′ cap 5', () => {
    expect(reference.splits).toHaveLength(2);
    expect(Array.from(reference.splits[0].shuffledTrialIndices)).toEqual(c.expected.splits[0].shuffled_trial_indices);
    const halves = i2nSplitHalves(10);
    expect(Array.from(halves[0].half1)).toEqual([2, 8, 4, 9, 1]);
    expect(Array.from(halves[0].half2)).toEqual([6, 7, 3, 0, 5]);
  });

  it('rejects a model whose images or choices differ from the human tables', () => {
    const dropped = { ...model, stimulusIds: model.stimulusIds.map((id, k) => (k === 0 ? 'unknown' : id)) };
    expect(() => i2n(dropped, human)).toThrow(/lacks/);
    const narrow = { ...model, choices: model.choices.slice(1), probabilities: matrix(model.probabilities.rows, model.choices.length - 1) };
    expect(() => i2n(narrow, human)).toThrow(/24/);
    expect(() => i2n({ ...model, choices: model.choices.slice(1) }, human)).toThrow(/probabilities is 240×24/);
  });

  it('rejects out-of-range trial indices and duplicate names', () => {
    const badTrials = { ...human, trials: { ...human.trials, choice: [...Array.from(human.trials.choice).slice(0, -1), 99] } };
    expect(() => i2n(model, badTrials)).toThrow(/trials.choice\[\d+\] must be an index/);
    expect(() => i2nLayout({ ...human, objects: [human.objects[1], ...human.objects.slice(1)] })).toThrow(/unique/);
  });
});

describe('d′ and normalisation details', () => {
  it('clips ±∞ to ±cap, keeps ∞ − ∞ as NaN, and nanmean-centres each (truth, choice) group', () => {
    // Two objects, two images each. Image rows 0, 1: truth 0; rows 2, 3: truth 1.
    const truth = Int32Array.from([0, 0, 1, 1]);
    const P = matrix(4, 2, [Number.NaN, 0, Number.NaN, 0.5, 1, Number.NaN, 0, Number.NaN]);
    const dprime = dprimeMatrix(P, truth);
    // Row 0, choice 1: hit 1 → +∞; false alarm = nanmean(P[2,0], P[3,0]) = 0.5 → 0: +∞ clipped to 5.
    expect(dprime.data[1]).toBe(5);
    // Row 2, choice 0: hit 0 → −∞; false alarm = nanmean(P[0,1], P[1,1]) = 0.25 → −0.674: clipped to −5.
    expect(dprime.data[4]).toBe(-5);
    // Row 3, choice 0: hit 1 → +∞; the same false alarm: clipped to 5.
    expect(dprime.data[6]).toBe(5);
    expect(dprime.data[0]).toBeNaN();
    const normalised = i2nNormalize(dprime, truth);
    expect(normalised.data[4]).toBe(-5);
    expect(normalised.data[6]).toBe(5);
    // ∞ − ∞: hit 1 (P = 0) against a false-alarm rate of 1.
    const infinite = dprimeMatrix(matrix(2, 2, [Number.NaN, 0, 1, Number.NaN]), Int32Array.from([0, 1]));
    expect(infinite.data[1]).toBeNaN();
  });
});
