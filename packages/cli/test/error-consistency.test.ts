import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { mvhExpected, sharedPath } from '@vvs/test-utils';
import { vvs } from './run-cli.ts';

const BIN = resolve(dirname(fileURLToPath(import.meta.url)), '../bin/vvs.js');

/** EXPECTED.md (reference/mvh): ResNet-50's row to the 7 printed decimals, per-dataset κ and the human–human mean at full precision. */
const EXPECTED = mvhExpected();
const RESNET50_ROW = EXPECTED.resnet50;
const PRINTED_TOLERANCE = 5e-8;
const FULL_PRECISION_TOLERANCE = 1e-12;
const HUMAN_HUMAN = EXPECTED.humanHuman;
const SOME_DATASET_KAPPAS = Object.fromEntries(['colour', 'high-pass', 'silhouette'].map((d) => [d, EXPECTED.resnet50ErrorConsistency[d]]));
const METRIC_KEYS = ['errorConsistency', 'observedConsistency', 'accuracyDifference', 'oodAccuracy'];

afterEach(() => vi.restoreAllMocks());

let raw: string;
/** A folder holding only ResNet-50's 17 files, flat, as a user's own model output would be. */
let flat: string;
let tmp: string;
beforeAll(() => {
  raw = sharedPath('reference/mvh/raw-data');
  tmp = mkdtempSync(join(tmpdir(), 'vvs-ec-'));
  flat = join(tmp, 'resnet50');
  mkdirSync(flat);
  for (const dataset of ['colour', 'edge', 'high-pass']) {
    copyFileSync(join(raw, dataset, `${dataset}_resnet50_session-1.csv`), join(flat, `${dataset}_resnet50_session-1.csv`));
  }
});

function expectResnetRow(out: any) {
  expect(Object.keys(out)).toEqual(['aggregate', 'datasets', 'humanHumanErrorConsistency']);
  expect(Object.keys(out.aggregate)).toEqual(METRIC_KEYS);
  for (const [key, expected] of Object.entries(RESNET50_ROW)) {
    expect(Math.abs(out.aggregate[key] - expected), key).toBeLessThan(PRINTED_TOLERANCE);
  }
  expect(Object.keys(out.datasets)).toHaveLength(17);
  for (const [dataset, kappa] of Object.entries(SOME_DATASET_KAPPAS)) {
    expect(Object.keys(out.datasets[dataset])).toEqual(METRIC_KEYS);
    expect(Math.abs(out.datasets[dataset].errorConsistency - kappa), dataset).toBeLessThan(FULL_PRECISION_TOLERANCE);
  }
  expect(Math.abs(out.humanHumanErrorConsistency.aggregate - HUMAN_HUMAN)).toBeLessThan(FULL_PRECISION_TOLERANCE);
}

describe('vvs error-consistency', () => {
  it('--json on model-vs-human raw-data reproduces the ResNet-50 row and the human–human mean (spawned CLI)', () => {
    const run = spawnSync(process.execPath, [BIN, 'error-consistency', '--humans', raw, '--model', raw, '--model-name', 'resnet50', '--json'], {
      encoding: 'utf8',
    });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expectResnetRow(JSON.parse(run.stdout));
  });

  it('prints a table: one row per dataset, the mean row, the human–human line', async () => {
    const { code, stdout } = await vvs('error-consistency', '--humans', raw, '--model', raw, '--model-name', 'resnet50');
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(1 + 1 + 17 + 1 + 1);
    expect(lines[1]).toMatch(/^dataset\s+accuracy diff\. ↓\s+obs\. consistency ↑\s+error consistency ↑\s+OOD accuracy ↑$/);
    expect(lines[2]).toMatch(/^colour\s+0\.0070\s+0\.8914\s+0\.2114\s+0\.9688$/);
    expect(lines[19]).toMatch(/^mean of 17 datasets\s+0\.0872\s+0\.6649\s+0\.2083\s+0\.5588$/);
    expect(lines[20]).toBe('human–human error consistency: 0.4312 (mean of the same 17 datasets)');
  });

  it("a folder of one model's CSVs, with --skip-missing for the datasets it lacks", async () => {
    const { code, stdout, stderr } = await vvs('error-consistency', '--humans', raw, '--model', flat, '--skip-missing', '--json');
    expect(code).toBe(0);
    const out = JSON.parse(stdout);
    expect(Object.keys(out.datasets)).toEqual(['colour', 'edge', 'high-pass']);
    expect(Math.abs(out.datasets.colour.errorConsistency - SOME_DATASET_KAPPAS.colour)).toBeLessThan(FULL_PRECISION_TOLERANCE);
    expect(Math.abs(out.datasets['high-pass'].errorConsistency - SOME_DATASET_KAPPAS['high-pass'])).toBeLessThan(FULL_PRECISION_TOLERANCE);
    expect(stderr.trim().split('\n')).toHaveLength(14);
    expect(stderr).toContain('warning: dataset contrast has human trials but none of resnet50: left out');
  });

  it('a dataset only the humans have is an error without --skip-missing', async () => {
    const { code, stdout, stderr } = await vvs('error-consistency', '--humans', raw, '--model', flat);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toBe('vvs: dataset contrast has human trials but none of resnet50 (--skip-missing leaves such datasets out)\n');
  });

  it('a missing column: exit 2, one line naming the file and the column', async () => {
    const humans = join(tmp, 'humans', 'colour');
    mkdirSync(humans, { recursive: true });
    for (const s of ['01', '02', '03', '04']) copyFileSync(join(raw, 'colour', `colour_subject-${s}_session_1.csv`), join(humans, `colour_subject-${s}_session_1.csv`));
    const broken = join(humans, 'colour_subject-03_session_1.csv');
    writeFileSync(broken, readFileSync(broken, 'utf8').replace('object_response', 'response'));
    const { code, stderr } = await vvs('error-consistency', '--humans', humans, '--model', join(flat, 'colour_resnet50_session-1.csv'));
    expect(code).toBe(2);
    expect(stderr).toMatch(new RegExp(`^vvs: ${broken}: no 'object_response' column \\(columns: [^\\n]*\\)\\n$`));
  });

  it('a folder that does not exist: exit 2, one line naming it', async () => {
    const missing = join(tmp, 'no-such-folder');
    const { code, stderr } = await vvs('error-consistency', '--humans', missing, '--model', flat);
    expect(code).toBe(2);
    expect(stderr).toBe(`vvs: ${missing}: no such file or folder\n`);
  });

  it('several models without --model-name, an unknown --model-name, a missing flag', async () => {
    const two = join(tmp, 'two-models');
    mkdirSync(two);
    copyFileSync(join(flat, 'colour_resnet50_session-1.csv'), join(two, 'colour_resnet50_session-1.csv'));
    copyFileSync(join(flat, 'colour_resnet50_session-1.csv'), join(two, 'colour_alexnet_session-1.csv'));
    let result = await vvs('error-consistency', '--humans', raw, '--model', two);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/holds trials of 2 models \(alexnet, resnet50\); choose one with --model-name\n$/);
    result = await vvs('error-consistency', '--humans', raw, '--model', raw, '--model-name', 'vgg16');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/no trial files of model 'vgg16' \(models found: resnet50\)\n$/);
    result = await vvs('error-consistency', '--humans', raw);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('vvs: error-consistency needs --humans <paths...> and --model <paths...>\n');
  });
});
