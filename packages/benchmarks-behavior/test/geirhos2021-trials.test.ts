import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '@vvs/core';
import { InputFileError } from '@vvs/io';
import type { ObserverTrial } from '@vvs/metrics';
import { sharedPath } from '@vvs/test-utils';
import {
  GEIRHOS2021_DATASETS,
  SINGLE_CONDITION,
  describeTrialCsv,
  findTrialCsvs,
  pandasConditionLabels,
  pythonFloatRepr,
  readDatasetFolder,
  readTrialFiles,
  readTrialTable,
  shortImageName,
} from '../src/index.ts';

/** Datasets whose condition column exercises each pandas type (float with inf, float, int, bool, text, none). */
const LABEL_DATASETS = ['high-pass', 'uniform-noise', 'low-pass', 'false-colour', 'colour', 'edge'] as const;

let root: string;
let trials: Record<string, ObserverTrial[]>;
beforeAll(() => {
  root = sharedPath('reference/mvh/raw-data');
  trials = Object.fromEntries(LABEL_DATASETS.map((dataset) => [dataset, readDatasetFolder(join(root, dataset))]));
});

const conditions = (dataset: string) => [...new Set(trials[dataset].map((t) => t.condition))].sort();

describe('shortImageName (model-vs-human get_short_imagename)', () => {
  it('keeps the ImageNet id, else the last part, else the whole name', () => {
    expect(shortImageName('0001_cl_s01_cr_oven_40_n04111531_14126.png')).toBe('n04111531_14126.png');
    expect(shortImageName('0001_cl_dnn_cr_oven_40_n04111531_14126.png')).toBe('n04111531_14126.png');
    expect(shortImageName('0001_s5n_s01_0_bird_00_bird3-bird2.png')).toBe('bird3-bird2.png');
    expect(shortImageName('airplane1.png')).toBe('airplane1.png');
    expect(shortImageName('0000_cl_s01_bw_boat_40_n02951358_5952.JPEG')).toBe('n02951358_5952.JPEG');
  });
});

describe('pandasConditionLabels (pd.concat of read_csv columns, then astype(str))', () => {
  it('integers stay integers; a float or inf anywhere turns every file to float', () => {
    expect(pandasConditionLabels([['0', '15'], ['40', '+7']])).toEqual([['0', '15'], ['40', '7']]);
    expect(pandasConditionLabels([['1', 'inf'], ['3', '0.7']])).toEqual([['1.0', 'inf'], ['3.0', '0.7']]);
    expect(pandasConditionLabels([['1', '3'], ['0.55']])).toEqual([['1.0', '3.0'], ['0.55']]);
    expect(pandasConditionLabels([['0.00', '0.10', '0.35', '-inf', '1e-5', '2e16']])).toEqual([['0.0', '0.1', '0.35', '-inf', '1e-05', '2e+16']]);
  });

  it('a missing value makes an integer column float and prints as nan', () => {
    expect(pandasConditionLabels([['0', '0'], ['NaN', 'NaN']])).toEqual([['0.0', '0.0'], ['nan', 'nan']]);
    expect(pandasConditionLabels([['0', '']])).toEqual([['0.0', 'nan']]);
  });

  it('true/false become True/False, with missing cells too', () => {
    expect(pandasConditionLabels([['true', 'false'], ['FALSE']])).toEqual([['True', 'False'], ['False']]);
    expect(pandasConditionLabels([['true', 'NaN']])).toEqual([['True', 'nan']]);
    expect(pandasConditionLabels([['true', 'NaN'], ['false']])).toEqual([['True', 'nan'], ['False']]);
  });

  it('text columns keep the cells; in an object column each file keeps its own type', () => {
    expect(pandasConditionLabels([['0', 'pow']])).toEqual([['0', 'pow']]);
    expect(pandasConditionLabels([['1.0', '2'], ['c50', 'na']])).toEqual([['1.0', '2.0'], ['c50', 'na']]);
    expect(pandasConditionLabels([['1', '2'], ['c50']])).toEqual([['1', '2'], ['c50']]);
  });

  it('pythonFloatRepr follows repr() around its notation switches', () => {
    expect([3, 0.1, 1e15, 1e16, 1.5e16, 0.0001, 0.00001, -0, 123.456, 5e-324].map(pythonFloatRepr)).toEqual([
      '3.0',
      '0.1',
      '1000000000000000.0',
      '1e+16',
      '1.5e+16',
      '0.0001',
      '1e-05',
      '-0.0',
      '123.456',
      '5e-324',
    ]);
  });
});

describe('reading model-vs-human raw-data', () => {
  it('labels the conditions of the real folders as model-vs-human does (EXPECTED.md)', () => {
    expect(conditions('high-pass')).toEqual(['0.4', '0.45', '0.55', '0.7', '1.0', '1.5', '3.0', 'inf']);
    expect(conditions('uniform-noise')).toEqual(['0.0', '0.03', '0.05', '0.1', '0.2', '0.35', '0.6', '0.9']);
    expect(conditions('low-pass')).toEqual(['0', '1', '10', '15', '3', '40', '5', '7']);
    expect(conditions('false-colour')).toEqual(['False', 'True']);
    expect(conditions('colour')).toEqual(['bw', 'cr']);
    // Non-parametric: humans write 0, the model NaN; all trials form one condition.
    expect(conditions('edge')).toEqual([SINGLE_CONDITION]);
  });

  it('reads every row of LF and CRLF files, Session or session, keeping na answers (which are wrong)', () => {
    const colour = trials.colour;
    const subject01 = colour.filter((t) => t.subject === 'subject-01');
    expect(subject01).toHaveLength(1280);
    expect(colour.filter((t) => t.subject === 'resnet50')).toHaveLength(1280);
    const na = subject01.filter((t) => t.choice === 'na');
    expect(na).toHaveLength(8);
    expect(na.every((t) => t.choice !== t.truth)).toBe(true);
    // The CRLF model file leaves no '\r' on the last column.
    expect(colour.every((t) => !t.imageId.endsWith('\r'))).toBe(true);
    expect(subject01[0]).toEqual({
      subject: 'subject-01',
      condition: 'cr',
      imageId: 'n04111531_14126.png',
      truth: 'oven',
      choice: 'oven',
    });
  });

  it('finds the raw-data layout: humans and models by file name, performances/ ignored', () => {
    const csvs = findTrialCsvs([root]);
    expect(csvs.filter((c) => !c.human).map((c) => c.observer)).toEqual(Array(17).fill('resnet50'));
    expect(new Set(csvs.map((c) => c.dataset))).toEqual(new Set(GEIRHOS2021_DATASETS));
    expect(csvs.filter((c) => c.human && c.dataset === 'sketch')).toHaveLength(7);
    expect(describeTrialCsv(join(root, 'edge/edge_subject-03_session_1.csv'))).toMatchObject({
      dataset: 'edge',
      observer: 'subject-03',
      human: true,
    });
    // A dataset folder given directly, and a file twice: listed once.
    const edge = join(root, 'edge');
    expect(findTrialCsvs([edge, join(edge, 'edge_resnet50_session-1.csv')])).toHaveLength(11);
  });
});

describe('malformed input', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'vvs-mvh-'));
    mkdirSync(join(dir, 'colour'));
    const source = join(root, 'colour/colour_subject-01_session_1.csv');
    const text = readFileSync(source, 'utf8');
    writeFileSync(join(dir, 'colour/colour_subject-01_session_1.csv'), text.replace('imagename', 'image_name'));
    mkdirSync(join(dir, 'shapes'));
    copyFileSync(source, join(dir, 'shapes/shapes_subject-01_session_1.csv'));
    mkdirSync(join(dir, 'edge'));
    writeFileSync(join(dir, 'edge/notes.txt'), 'no CSV here');
  });

  it('a missing column: InputFileError naming the file and the column', () => {
    const file = join(dir, 'colour/colour_subject-01_session_1.csv');
    const error = (() => {
      try {
        readTrialTable(file);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(InputFileError);
    expect((error as InputFileError).file).toBe(file);
    expect((error as Error).message).toMatch(new RegExp(`^${file}: no 'imagename' column \\(columns: subj, session, `));
    expect(() => readDatasetFolder(join(dir, 'colour'))).toThrow(/no 'imagename' column/);
  });

  it('an unknown dataset folder, a folder without CSVs, a folder that does not exist', () => {
    expect(() => readDatasetFolder(join(dir, 'shapes'))).toThrow(/'shapes' is not a model-vs-human dataset/);
    expect(() => readDatasetFolder(join(dir, 'edge'))).toThrow(/edge: the dataset folder holds no \.csv files/);
    expect(() => readDatasetFolder(join(dir, 'rotation'))).toThrow(new RegExp(`${join(dir, 'rotation')}: no such folder`));
    expect(() => readDatasetFolder(join(dir, 'rotation'))).toThrow(InputError);
    expect(() => readTrialFiles('rotation', [])).toThrow(/no trial CSV files given/);
    expect(() => findTrialCsvs([join(dir, 'nowhere')])).toThrow(/nowhere: no such file or folder/);
    expect(() => describeTrialCsv(join(dir, 'shapes/shapes_subject-01_session_1.csv'))).toThrow(/cannot tell its model-vs-human dataset/);
  });

  it('rows of the wrong length and trials without a category', () => {
    const file = join(dir, 'bad.csv');
    writeFileSync(file, 'subj,object_response,category,condition,imagename\nsubject-01,cat,cat,0,a.png\nsubject-01,cat\n');
    expect(() => readTrialTable(file)).toThrow(/bad\.csv: trial row 2 has 2 fields, the header has 5/);
    writeFileSync(file, 'subj,object_response,category,condition,imagename\r\nsubject-01,cat,,0,a.png\r\n');
    expect(() => readTrialTable(file)).toThrow(/bad\.csv: trial row 1 has an empty 'category'/);
    writeFileSync(file, 'subj,object_response,category,condition,imagename\n');
    expect(() => readTrialTable(file)).toThrow(/bad\.csv: holds no trials/);
  });
});
