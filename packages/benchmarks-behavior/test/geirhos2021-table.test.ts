import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ObserverTrial } from '@vvs/metrics';
import { sharedPath } from '@vvs/test-utils';
import {
  EXCLUDE_CONDITIONS,
  GEIRHOS2021_DATASETS,
  SINGLE_CONDITION,
  humanHumanErrorConsistency,
  modelVsHumanTable,
  readDatasetFolder,
  type ModelVsHumanTable,
  type HumanHumanErrorConsistency,
} from '../src/index.ts';

/** EXPECTED.md (reference/mvh): ResNet-50's row, full-precision reproduction printed to 7 decimals. */
const RESNET50_ROW = {
  accuracyDifference: 0.0871649,
  observedConsistency: 0.6649405,
  errorConsistency: 0.2083392,
  oodAccuracy: 0.5588205,
};
/** Half a unit in the 7th decimal: the printed numbers are rounded. */
const PRINTED_TOLERANCE = 5e-8;
/** Summation order may move the last bits (EXPECTED.md). */
const FULL_PRECISION_TOLERANCE = 1e-12;
const HUMAN_HUMAN = 0.4312163758598353;
const RESNET50_ERROR_CONSISTENCY: Record<string, number> = {
  colour: 0.21135098386338053,
  contrast: 0.22545727435578836,
  'cue-conflict': 0.06799689102686254,
  edge: 0.03625908550737976,
  eidolonI: 0.21028801194907953,
  eidolonII: 0.25089602688343654,
  eidolonIII: 0.15805577959032674,
  'false-colour': 0.2943053248759542,
  'high-pass': 0.20299548419029284,
  'low-pass': 0.16740815010088939,
  'phase-scrambling': 0.2687880113960354,
  'power-equalisation': 0.29293438875068695,
  rotation: 0.1689201896921,
  silhouette: 0.4280508710640706,
  sketch: 0.10536763304626211,
  stylized: 0.2543042750188937,
  'uniform-noise': 0.19838848360414257,
};
/** The kept conditions of EXPECTED.md's table, in pandas-label form. */
const KEPT: Record<string, string[]> = {
  colour: ['bw'],
  contrast: ['c50', 'c30', 'c15', 'c10', 'c05'],
  'high-pass': ['3.0', '1.5', '1.0', '0.7'],
  'low-pass': ['1', '3', '5', '7', '10'],
  'phase-scrambling': ['30', '60', '90', '120'],
  'power-equalisation': ['pow'],
  'false-colour': ['False'],
  rotation: ['90', '180', '270'],
  eidolonI: ['2-10-10', '4-10-10', '8-10-10', '16-10-10', '32-10-10'],
  eidolonII: ['2-3-10', '4-3-10', '8-3-10', '16-3-10'],
  eidolonIII: ['2-0-10', '4-0-10', '8-0-10'],
  'uniform-noise': ['0.03', '0.05', '0.1', '0.2', '0.35'],
};
/** Human subjects per dataset (EXPECTED.md). */
const SUBJECTS: Record<string, number> = { 'cue-conflict': 10, edge: 10, silhouette: 10, sketch: 7, stylized: 5 };

const isHuman = (trial: ObserverTrial) => trial.subject.startsWith('subject-');

let model: Record<string, ObserverTrial[]>;
let humans: Record<string, ObserverTrial[]>;
let table: ModelVsHumanTable;
let humanHuman: HumanHumanErrorConsistency;
beforeAll(() => {
  const root = sharedPath('reference/mvh/raw-data');
  model = {};
  humans = {};
  for (const dataset of GEIRHOS2021_DATASETS) {
    const trials = readDatasetFolder(join(root, dataset));
    model[dataset] = trials.filter((trial) => trial.subject === 'resnet50');
    humans[dataset] = trials.filter(isHuman);
  }
  table = modelVsHumanTable(model, humans);
  humanHuman = humanHumanErrorConsistency(humans);
});

describe('modelVsHumanTable on model-vs-human raw-data (ResNet-50)', () => {
  it("reproduces the published row's four numbers to the 7 printed decimals", () => {
    for (const [key, expected] of Object.entries(RESNET50_ROW)) {
      const actual = table.aggregate[key as keyof typeof RESNET50_ROW];
      expect(Math.abs(actual - expected), key).toBeLessThan(PRINTED_TOLERANCE);
    }
    expect(table.model).toBe('resnet50');
  });

  it('reproduces each dataset error consistency within 1e-12, and their unweighted mean is the aggregate', () => {
    expect(Object.keys(table.datasets)).toEqual([...GEIRHOS2021_DATASETS]);
    for (const dataset of GEIRHOS2021_DATASETS) {
      expect(Math.abs(table.datasets[dataset].errorConsistency - RESNET50_ERROR_CONSISTENCY[dataset]), dataset).toBeLessThan(
        FULL_PRECISION_TOLERANCE,
      );
    }
    const mean = Object.values(table.datasets).reduce((s, row) => s + row.oodAccuracy, 0) / GEIRHOS2021_DATASETS.length;
    expect(table.aggregate.oodAccuracy).toBeCloseTo(mean, 14);
  });

  it('keeps exactly the conditions of EXPECTED.md (exclusions applied to pandas labels) and compares every subject', () => {
    for (const dataset of GEIRHOS2021_DATASETS) {
      const row = table.datasets[dataset];
      const expected = KEPT[dataset] ?? [SINGLE_CONDITION];
      expect([...row.conditions].sort(), dataset).toEqual([...expected].sort());
      expect(row.humans, dataset).toHaveLength(SUBJECTS[dataset] ?? 4);
      expect(row.pairs.every((pair) => pair.subject1 === 'resnet50'), dataset).toBe(true);
    }
  });

  it('accuracy difference is the squared (not absolute) difference, averaged over conditions then subjects', () => {
    const row = table.datasets.contrast;
    const perSubject = row.pairs.map((pair) => {
      const squares = pair.conditions.map((c) => (c.accuracy1 - c.accuracy2) ** 2);
      return squares.reduce((s, x) => s + x, 0) / squares.length;
    });
    expect(row.accuracyDifference).toBeCloseTo(perSubject.reduce((s, x) => s + x, 0) / perSubject.length, 15);
    const absolute = row.pairs.flatMap((pair) => pair.conditions.map((c) => Math.abs(c.accuracy1 - c.accuracy2)));
    expect(row.accuracyDifference).toBeLessThan(Math.max(...absolute) ** 2 + 1e-15);
  });

  it('OOD accuracy pools the model trials of the kept conditions only', () => {
    const kept = model['high-pass'].filter((trial) => !EXCLUDE_CONDITIONS['high-pass'].includes(trial.condition));
    expect(table.datasets['high-pass'].modelTrials).toBe(kept.length);
    expect(kept.length).toBe(4 * 160);
    expect(table.datasets['high-pass'].oodAccuracy).toBe(kept.filter((t) => t.choice === t.truth).length / kept.length);
  });
});

describe('humanHumanErrorConsistency', () => {
  it('reproduces the human–human average over the 17 datasets within 1e-12', () => {
    expect(Math.abs(humanHuman.aggregate - HUMAN_HUMAN)).toBeLessThan(FULL_PRECISION_TOLERANCE);
    expect(Object.keys(humanHuman.datasets)).toEqual([...GEIRHOS2021_DATASETS]);
    // Humans agree with each other more than ResNet-50 agrees with them, on every dataset.
    for (const dataset of GEIRHOS2021_DATASETS) {
      expect(humanHuman.datasets[dataset], dataset).toBeGreaterThan(table.datasets[dataset].errorConsistency);
    }
  });
});

describe('modelVsHumanTable input checks', () => {
  it('refuses datasets covered by only one side, naming them', () => {
    const { colour: _colour, ...rest } = model;
    expect(() => modelVsHumanTable(rest, humans)).toThrow(/no model trials for colour/);
  });

  it('refuses exclusions that do not occur (labels not in pandas form)', () => {
    const relabel = (trials: ObserverTrial[]) => trials.map((t) => ({ ...t, condition: t.condition === 'inf' ? 'Infinity' : t.condition }));
    expect(() => modelVsHumanTable({ 'high-pass': relabel(model['high-pass']) }, { 'high-pass': relabel(humans['high-pass']) })).toThrow(
      /high-pass: excluded condition\(s\) 'inf' not among its conditions/,
    );
  });

  it('refuses a dataset without an exclusion entry and a model named like a human', () => {
    expect(() => modelVsHumanTable({ mine: model.colour }, { mine: humans.colour })).toThrow(/no excluded conditions known for dataset 'mine'/);
    const impostor = model.colour.map((t) => ({ ...t, subject: 'subject-01' }));
    expect(() => modelVsHumanTable({ colour: impostor }, { colour: humans.colour })).toThrow(/both the model and a human subject/);
  });

  it('custom exclusions change what is kept', () => {
    const all = modelVsHumanTable({ colour: model.colour }, { colour: humans.colour }, { excludeConditions: { colour: [] } });
    expect(all.datasets.colour.conditions).toEqual(['bw', 'cr']);
    expect(all.datasets.colour.modelTrials).toBe(1280);
  });
});
