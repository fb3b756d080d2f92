import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadFixture, mvhExpected, sharedPath } from '@vvs/test-utils';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  aggregateErrorConsistency,
  errorConsistency,
  errorConsistencyFromCorrectness,
  type ObserverTrial,
} from '../src/behavior/error-consistency.ts';
import { mean } from '../src/stats/descriptive.ts';

interface EcCase {
  name: string;
  inputs: { truth: string[]; choice_observer1: string[]; choice_observer2: string[] };
  expected: {
    correct_observer1: boolean[];
    correct_observer2: boolean[];
    accuracy1: number;
    accuracy2: number;
    c_exp: number;
    c_obs: number;
    kappa: number | null;
  };
}

const { cases } = loadFixture<{ cases: EcCase[] }>('reference/metrics/error_consistency.json');
/** Suggested fixture tolerance for kappa (README: "I2n and kappa within 1e-9"). */
const TOL = 1e-9;

describe('errorConsistency (one observer pair)', () => {
  it.each(cases)('$name: accuracies, c_exp, c_obs and kappa', (c) => {
    const { truth, choice_observer1, choice_observer2 } = c.inputs;
    const got = errorConsistency(truth, choice_observer1, choice_observer2);
    const e = c.expected;
    expect(Math.abs(got.accuracy1 - e.accuracy1)).toBeLessThanOrEqual(TOL);
    expect(Math.abs(got.accuracy2 - e.accuracy2)).toBeLessThanOrEqual(TOL);
    expect(Math.abs(got.cExp - e.c_exp)).toBeLessThanOrEqual(TOL);
    expect(Math.abs(got.cObs - e.c_obs)).toBeLessThanOrEqual(TOL);
    if (e.kappa === null) expect(got.kappa).toBeNaN();
    else expect(Math.abs(got.kappa - e.kappa)).toBeLessThanOrEqual(TOL);
    // The correctness-based entry point gives the same result from the fixture's correctness vectors.
    expect(errorConsistencyFromCorrectness(e.correct_observer1, e.correct_observer2)).toEqual(got);
  });

  it('is symmetric in the two observers and 1 for identical, imperfect observers', () => {
    const { truth, choice_observer1, choice_observer2 } = cases[0].inputs;
    expect(errorConsistency(truth, choice_observer2, choice_observer1).kappa).toBe(
      errorConsistency(truth, choice_observer1, choice_observer2).kappa,
    );
    expect(errorConsistency(truth, choice_observer1, choice_observer1).kappa).toBe(1);
  });

  it('rejects mismatched lengths and empty input', () => {
    expect(() => errorConsistency(['a', 'b'], ['a'], ['a', 'b'])).toThrow(RangeError);
    expect(() => errorConsistency([], [], [])).toThrow(/at least one trial/);
  });
});

describe('aggregateErrorConsistency (synthetic)', () => {
  const trial = (subject: string, condition: string, imageId: string, truth: string, choice: string): ObserverTrial => ({
    subject,
    condition,
    imageId,
    truth,
    choice,
  });
  // Two conditions; in 'easy' everyone is always right (cExp = cObs = 1).
  const trials: ObserverTrial[] = [];
  const answers: Record<string, string[]> = {
    m: ['a', 'x', 'a', 'x'],
    s1: ['a', 'x', 'x', 'a'],
    s2: ['x', 'a', 'a', 'a'],
  };
  for (const [subject, choices] of Object.entries(answers)) {
    choices.forEach((choice, k) => trials.push(trial(subject, 'hard', `img${k}`, 'a', choice)));
    for (let k = 0; k < 3; k++) trials.push(trial(subject, 'easy', `img${k}`, 'b', 'b'));
    trials.push(trial(subject, 'control', 'img0', 'c', subject === 'm' ? 'c' : 'x'));
  }
  const hard = (s: string, t: string) =>
    errorConsistency(['a', 'a', 'a', 'a'], answers[s], answers[t]).kappa;

  it('averages over conditions per pair, then over pairs; applies the perfect-agreement convention', () => {
    const resultOne = aggregateErrorConsistency(trials, { source: 'm', excludeConditions: ['control'] });
    expect(resultOne.conditions).toEqual(['easy', 'hard']);
    expect(resultOne.pairs.map((p) => [p.subject1, p.subject2])).toEqual([
      ['m', 's1'],
      ['m', 's2'],
    ]);
    const k1 = hard('m', 's1');
    const k2 = hard('m', 's2');
    expect(resultOne.pairs[0].meanKappa).toBeCloseTo((1 + k1) / 2, 15);
    expect(resultOne.score).toBeCloseTo(((1 + k1) / 2 + (1 + k2) / 2) / 2, 15);
    expect(Array.from(resultOne.conditionMeans)).toEqual([1, (k1 + k2) / 2]);

    const resultNaN = aggregateErrorConsistency(trials, { source: 'm', excludeConditions: ['control'], perfectAgreement: 'nan' });
    expect(resultNaN.pairs[0].conditions[0].kappa).toBeNaN();
    expect(resultNaN.score).toBeNaN();
  });

  it('compares all unordered pairs without a source, independently of record order', () => {
    const humans = trials.filter((t) => t.subject !== 'm');
    const forward = aggregateErrorConsistency(humans, { excludeConditions: ['control', 'easy'] });
    const backward = aggregateErrorConsistency([...humans].reverse(), { excludeConditions: ['control', 'easy'] });
    expect(forward.pairs.map((p) => [p.subject1, p.subject2])).toEqual([['s1', 's2']]);
    expect(forward.score).toBe(hard('s1', 's2'));
    expect(backward).toEqual(forward);
  });

  it('rejects unknown sources, duplicate images and mismatched image sets', () => {
    expect(() => aggregateErrorConsistency(trials, { source: 'nobody' })).toThrow(/source 'nobody'/);
    expect(() => aggregateErrorConsistency([...trials, trial('s1', 'hard', 'img0', 'a', 'a')])).toThrow(/twice/);
    const renamed = trials.map((t) => (t.subject === 's2' && t.imageId === 'img3' ? { ...t, imageId: 'other' } : t));
    expect(() => aggregateErrorConsistency(renamed, { source: 'm' })).toThrow(/not by s2/);
  });
});

// ---------------------------------------------------------------------------------------------
// model-vs-human (Geirhos et al. 2021) raw trials: reproduce the published ResNet-50 and
// human–human error consistencies (reference/mvh/EXPECTED.md).

/** EXPECTED.md: per-dataset values are full precision; "compare within 1e-12". */
const MVH_TOL = 1e-12;
/** EXPECTED.md gives the 17-dataset ResNet-50 mean to 7 decimals (0.2083392): half a unit of the last. */
const MVH_ROUNDED_TOL = 5e-8;

/**
 * Conditions excluded per dataset (EXPECTED.md's table, model-vs-human's EXCLUDE_CONDITIONS), spelled
 * as in the CSV files rather than as pandas re-prints them ('inf' for high-pass, '0.00' not '0.0'
 * for uniform-noise, 'true' not 'True' for false-colour). Datasets without conditions are absent.
 */
const EXCLUDED: Record<string, string[]> = {
  colour: ['cr'],
  contrast: ['c100', 'c03', 'c01'],
  'high-pass': ['inf', '0.55', '0.45', '0.4'],
  'low-pass': ['0', '15', '40'],
  'phase-scrambling': ['0', '150', '180'],
  'power-equalisation': ['0'],
  'false-colour': ['true'],
  rotation: ['0'],
  eidolonI: ['1-10-10', '64-10-10', '128-10-10'],
  eidolonII: ['1-3-10', '32-3-10', '64-3-10', '128-3-10'],
  eidolonIII: ['1-0-10', '16-0-10', '32-0-10', '64-0-10', '128-0-10'],
  'uniform-noise': ['0.00', '0.60', '0.90'],
};
/** Datasets without distortion levels: all trials form one condition. */
const NON_PARAMETRIC = new Set(['cue-conflict', 'edge', 'silhouette', 'sketch', 'stylized']);
const SINGLE_CONDITION = 'all';

/** EXPECTED.md (reference/mvh): ResNet-50's error consistency per dataset, their mean (7 decimals), the human–human mean. */
const EXPECTED = mvhExpected();
const RESNET50: Record<string, number> = EXPECTED.resnet50ErrorConsistency;
const RESNET50_MEAN = EXPECTED.resnet50.errorConsistency;
const HUMAN_HUMAN_MEAN = EXPECTED.humanHuman;

/** model-vs-human's short image name: the ImageNet id and index, or just the file's last part. */
function shortImageName(imagename: string): string {
  const parts = imagename.split('_');
  if (parts.length === 1) return imagename;
  const [secondLast, last] = parts.slice(-2);
  return secondLast.startsWith('n0') ? `${secondLast}_${last}` : last;
}

/** Reads one trial CSV (no quoted fields; LF or CRLF; column names case-insensitive). */
function readTrials(path: string, dataset: string): ObserverTrial[] {
  const [header, ...lines] = readFileSync(path, 'utf8').split(/\r?\n/).filter((line) => line.length > 0);
  const column = new Map(header.split(',').map((name, k) => [name.toLowerCase(), k] as const));
  const at = (name: string) => {
    const k = column.get(name);
    if (k === undefined) throw new Error(`${path}: no column '${name}'`);
    return k;
  };
  const [subj, response, category, condition, imagename] = ['subj', 'object_response', 'category', 'condition', 'imagename'].map(at);
  return lines.map((line) => {
    const f = line.split(',');
    return {
      subject: f[subj],
      condition: NON_PARAMETRIC.has(dataset) ? SINGLE_CONDITION : f[condition],
      imageId: shortImageName(f[imagename]),
      truth: f[category],
      choice: f[response],
    };
  });
}

describe('aggregateErrorConsistency on model-vs-human raw data', () => {
  const root = sharedPath('reference/mvh/raw-data');
  const datasets = Object.keys(RESNET50);
  const trialsOf = (dataset: string) =>
    readdirSync(join(root, dataset))
      .filter((file) => file.endsWith('.csv'))
      .flatMap((file) => readTrials(join(root, dataset, file), dataset));

  const resnet = new Map<string, number>();
  const humans = new Map<string, number>();
  beforeAll(() => {
    for (const dataset of datasets) {
      const trials = trialsOf(dataset);
      const excludeConditions = EXCLUDED[dataset] ?? [];
      resnet.set(dataset, aggregateErrorConsistency(trials, { source: 'resnet50', excludeConditions }).score);
      const humanTrials = trials.filter((t) => t.subject !== 'resnet50');
      humans.set(dataset, aggregateErrorConsistency(humanTrials, { excludeConditions }).score);
    }
  });

  it.each(datasets)('ResNet-50 vs humans on %s', (dataset) => {
    expect(Math.abs(resnet.get(dataset)! - RESNET50[dataset])).toBeLessThanOrEqual(MVH_TOL);
  });

  it('ResNet-50 mean over the 17 datasets (published .208)', () => {
    const meanOverDatasets = mean([...resnet.values()]);
    expect(Math.abs(meanOverDatasets - RESNET50_MEAN)).toBeLessThanOrEqual(MVH_ROUNDED_TOL);
  });

  it('human–human mean over the 17 datasets (0.4312)', () => {
    const meanOverDatasets = mean([...humans.values()]);
    expect(Math.abs(meanOverDatasets - HUMAN_HUMAN_MEAN)).toBeLessThanOrEqual(MVH_TOL);
  });
});
