import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Assembly } from '@vvs/core';
import { writeNetcdfAssembly, writeNpy } from '@vvs/io';
import { neuralFixtureAssemblies, sharedPath } from '@vvs/test-utils';
import { vvs } from './run-cli.ts';

const BIN = resolve(dirname(fileURLToPath(import.meta.url)), '../bin/vvs.js');

afterEach(() => vi.restoreAllMocks());

/** The neural_basic fixture written as the files a researcher has: features .npy + ids, recording .nc. */
let dir: string;
let expected: any;
let ids: string[];
let features: number[][];
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vvs-cli-'));
  const fixture = neuralFixtureAssemblies('neural_basic', { withTimeBin: true });
  expected = fixture.expected;
  ids = fixture.inputs.features.stimulus_id;
  features = fixture.inputs.features.data;
  await writeNetcdfAssembly(join(dir, 'recording.nc'), fixture.recording as Assembly);
  await writeNpy(join(dir, 'features.npy'), [ids.length, features[0].length], Float64Array.from(features.flat()));
  writeFileSync(join(dir, 'ids.txt'), ids.join('\n'));
});

const files = () => ['--features', join(dir, 'features.npy'), '--stimulus-ids', join(dir, 'ids.txt'), '--assembly', join(dir, 'recording.nc')];

describe('vvs score-features', () => {
  it('--exact --json reproduces Brain-Score (sklearn) from files on disk, within 1e-9', async () => {
    const { code, stdout, stderr } = await vvs('score-features', ...files(), '--exact', '--json');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const out = JSON.parse(stdout);
    expect(Math.abs(out.raw - expected.raw)).toBeLessThan(1e-9);
    expect(Math.abs(out.ceiling - expected.ceiling)).toBeLessThan(1e-9);
    expect(Math.abs(out.score - expected.scores.squared_ratio.clipped)).toBeLessThan(1e-9);
    expect(Math.abs(out.unclippedScore - expected.scores.squared_ratio.unclipped)).toBeLessThan(1e-9);
    expect(Math.abs(out.error - expected.error)).toBeLessThan(1e-9);
    expect(Math.abs(out.ceilingError - expected.ceiling_error)).toBeLessThan(1e-9);
    expect(out.splits).toHaveLength(10);
    out.splits.forEach((s: { median: number; testStimulusIds: string[] }, k: number) => {
      expect(Math.abs(s.median - expected.splits[k].median)).toBeLessThan(1e-9);
      expect(s.testStimulusIds).toEqual(expected.splits[k].test_stimulus_ids);
    });
  });

  it('the default fast path and each normalisation by name', async () => {
    for (const normalization of ['r_over_c', 'squared_ratio', 'r2_over_c']) {
      const { code, stdout } = await vvs('score-features', ...files(), '--normalization', normalization, '--json');
      expect(code).toBe(0);
      const out = JSON.parse(stdout);
      expect(out.normalization).toBe(normalization);
      expect(Math.abs(out.unclippedScore - expected.scores[normalization].unclipped)).toBeLessThan(1e-3);
    }
  });

  it('prints a readable summary without --json', async () => {
    const { code, stdout } = await vvs('score-features', ...files());
    expect(code).toBe(0);
    expect(stdout).toMatch(/^score {7}0\.819\d {2}\(squared_ratio; unclipped 0\.819\d\)$/m);
    expect(stdout).toMatch(/200 stimuli, 30 neuroids, 150 feature columns/);
  });
});

describe('vvs score-features on bad input: one line naming the file and the problem, exit code 2', () => {
  const oneLine = (stderr: string) => {
    expect(stderr.endsWith('\n')).toBe(true);
    expect(stderr.trimEnd().split('\n')).toHaveLength(1);
    return stderr.trimEnd();
  };

  it('stimuli of the recording missing from the features (lists a few)', async () => {
    const path = join(dir, 'short.npy');
    await writeNpy(path, [ids.length - 2, features[0].length], Float64Array.from(features.slice(0, -2).flat()));
    writeFileSync(join(dir, 'short.txt'), ids.slice(0, -2).join('\n'));
    const { code, stderr } = await vvs('score-features', '--features', path, '--stimulus-ids', join(dir, 'short.txt'), '--assembly', join(dir, 'recording.nc'));
    expect(code).toBe(2);
    // Listed in the recording's (sorted) stimulus order.
    const missing = ids.slice(-2).sort();
    expect(oneLine(stderr)).toBe(`vvs: ${path}: 2 of 200 recorded stimuli have no features ('${missing[0]}', '${missing[1]}')`);
  });

  it('NaN or infinite features', async () => {
    const data = Float64Array.from(features.flat());
    data[3] = Number.NaN;
    const path = join(dir, 'nan.npy');
    await writeNpy(path, [ids.length, features[0].length], data);
    const { code, stderr } = await vvs('score-features', '--features', path, '--stimulus-ids', join(dir, 'ids.txt'), '--assembly', join(dir, 'recording.nc'));
    expect(code).toBe(2);
    expect(oneLine(stderr)).toBe(`vvs: ${path}: features of stimulus '${ids[0]}' contain NaN (column 3); features must be finite`);
  });

  it('fewer training stimuli than components', async () => {
    const { code, stderr } = await vvs('score-features', ...files(), '--components', '500');
    expect(code).toBe(2);
    expect(oneLine(stderr)).toMatch(/recording\.nc: 200 stimuli give 180 training stimuli per split, fewer than the 500 PLS components$/);
  });

  it('a stratification coordinate the recording lacks', async () => {
    const { code, stderr } = await vvs('score-features', ...files(), '--stratify-by', 'texture_type');
    expect(code).toBe(2);
    expect(oneLine(stderr)).toMatch(/recording\.nc: no coordinate 'texture_type' to stratify the splits by \(presentation coordinates: .*object_name.*\); choose one with --stratify-by, or 'none' for unstratified splits$/);
  });

  it('a corrupt or non-HDF5 assembly, and a missing file', async () => {
    const garbage = join(dir, 'garbage.nc');
    writeFileSync(garbage, 'this is not HDF5 '.repeat(100));
    for (const path of [garbage, join(dir, 'missing.nc')]) {
      const { code, stderr } = await vvs('score-features', '--features', join(dir, 'features.npy'), '--stimulus-ids', join(dir, 'ids.txt'), '--assembly', path);
      expect(code).toBe(2);
      expect(oneLine(stderr).startsWith(`vvs: ${path}: `)).toBe(true);
    }
  });

  it('a truncated copy of a real Brain-Score file', async () => {
    const { readFileSync } = await import('node:fs');
    const bytes = readFileSync(sharedPath('reference/brainscore-files/assy_test_TestMe.nc'));
    const cut = join(dir, 'cut.nc');
    writeFileSync(cut, bytes.subarray(0, bytes.length / 2));
    const { code, stderr } = await vvs('score-features', '--features', join(dir, 'features.npy'), '--stimulus-ids', join(dir, 'ids.txt'), '--assembly', cut);
    expect(code).toBe(2);
    expect(oneLine(stderr).startsWith(`vvs: ${cut}: `)).toBe(true);
  });

  it('an unknown option value', async () => {
    const { code, stderr } = await vvs('score-features', ...files(), '--normalization', 'r_squared');
    expect(code).toBe(2);
    expect(oneLine(stderr)).toBe("vvs: unknown normalization 'r_squared'; expected one of r_over_c, squared_ratio, r2_over_c");
  });
});

describe('the vvs binary', () => {
  it('runs the built-in example end to end', () => {
    const run = spawnSync(process.execPath, [BIN, 'score-features', '--example', '--json'], { encoding: 'utf8' });
    expect(run.status).toBe(0);
    const out = JSON.parse(run.stdout);
    // The synthetic features predict the synthetic neurons well but below their ceiling.
    expect(out.raw).toBeGreaterThan(0.5);
    expect(out.raw).toBeLessThan(out.ceiling);
    expect(out.stimuli).toBe(320);
    expect(out.splits).toHaveLength(10);
  });
});
