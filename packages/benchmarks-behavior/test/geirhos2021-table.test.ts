import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ObserverTrial } from '@vvs/metrics';
import { mvhExpected, sharedPath } from '@vvs/test-utils';
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

/** What EXPECTED.md (reference/mvh) asks to reproduce: ResNet-50's row printed to 7 decimals, per-dataset values, kept conditions. */
const EXPECTED = mvhExpected();
const RESNET50_ROW = EXPECTED.resnet50;
const RESNET50_ERROR_CONSISTENCY = EXPECTED.resnet50ErrorConsistency;
const HUMAN_HUMAN = EXPECTED.humanHuman;
const KEPT = EXPECTED.keptConditions;
/** The row is printed to 7 decimals: half a unit of the last one. */
const PRINTED_TOLERANCE = 5e-8;
/** EXPECTED.md: summation order may move the last bits of full-precision values. */
const FULL_PRECISION_TOLERANCE = 1e-12;
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
