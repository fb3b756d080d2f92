/**
 * `vvs fit` as users run it, in a child process (the bundled CLI, its bootstrap on worker threads):
 * the seed's parameter_scaling experiment against its stored fit, the figure as SVG and PNG, and the
 * usage errors. Bootstrap counts are small so that the file stays well under a minute.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnVvs, type Exit } from './spawn-cli.ts';
import { expectAllClose, loadFixture, sharedPath } from '@vvs/test-utils';

const CONFIG = sharedPath('seed/fit-configs/parameter/parameter_scaling.yaml');
const SCORES = sharedPath('seed/artifacts/benchmark_scores.csv');
const STORED = loadFixture<{
  n_data_points: number;
  best_huber_loss: number;
  params_converted: Record<'E' | 'A' | 'alpha' | 'S_inf', number>;
}>('seed/fit-results/parameter_scaling.json');

/** The fit's agreement with the stored one (FIT-SEMANTICS: loss to ~1e-9, parameters to ~3e-6). */
const LOSS_RTOL = 1e-6;
const PARAM_RTOL = 1e-3;
/** The first bytes of every PNG file. */
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

const scratch = mkdtempSync(join(tmpdir(), 'vvs-cli-fit-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));


/** Runs `vvs fit --config <parameter_scaling> --scores <table> …args` in a child process. */
function vvsFit(args: string[], { config = CONFIG, env = {} }: { config?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Exit> {
  return spawnVvs(['fit', '--config', config, ...args], env);
}

interface Percentiles {
  'p2.5': number;
  p50: number;
  'p97.5': number;
  n_finite: number;
}
interface FitJson {
  experiment: string;
  function: string;
  n: number;
  loss: number;
  params: { raw: Record<string, number>; converted: Record<string, number> };
  bootstrap: null | { samples: number; seed: number; params: { converted: Record<string, Percentiles> } };
}

describe('vvs fit', () => {
  it('--json: the stored parameter_scaling fit, with the percentiles of 8 bootstrap refits on 2 workers', async () => {
    // Run alone first: it also (re)builds the CLI bundle when the sources changed.
    const { code, stdout, stderr } = await vvsFit(['--scores', SCORES, '--bootstrap', '8', '--workers', '2', '--json']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const fit = JSON.parse(stdout) as FitJson;
    expect(fit.experiment).toBe('parameter_scaling');
    expect(fit.function).toBe('power_law_LSE');
    expect(fit.n).toBe(STORED.n_data_points);
    expectAllClose([fit.loss], [STORED.best_huber_loss], { rtol: LOSS_RTOL }, 'loss');
    for (const name of ['E', 'A', 'alpha'] as const) expectAllClose([fit.params.converted[name]!], [STORED.params_converted[name]], { rtol: PARAM_RTOL }, name);
    expect(fit.bootstrap).not.toBeNull();
    const { samples, seed, params } = fit.bootstrap!;
    expect([samples, seed]).toEqual([8, 42]);
    expect(Object.keys(params.converted).sort()).toEqual(Object.keys(fit.params.converted).sort());
    for (const [name, p] of Object.entries(params.converted)) {
      expect(p.n_finite, name).toBe(8);
      expect(p['p2.5'], name).toBeLessThanOrEqual(p.p50);
      expect(p.p50, name).toBeLessThanOrEqual(p['p97.5']);
    }
  });

  it('--bootstrap 0 --json: the same point fit and bootstrap null', async () => {
    const { code, stdout } = await vvsFit(['--scores', SCORES, '--bootstrap', '0', '--json']);
    expect(code).toBe(0);
    const fit = JSON.parse(stdout) as FitJson;
    expect(fit.bootstrap).toBeNull();
    expectAllClose([fit.loss], [STORED.best_huber_loss], { rtol: LOSS_RTOL }, 'loss');
  });

  it('--plot writes the figure as SVG (axis titles, experiment) and as PNG', async () => {
    const svgFile = join(scratch, 'f.svg');
    const pngFile = join(scratch, 'f.png');
    const [svgRun, pngRun] = await Promise.all([
      vvsFit(['--scores', SCORES, '--bootstrap', '4', '--workers', '1', '--plot', svgFile]),
      vvsFit(['--scores', SCORES, '--bootstrap', '0', '--plot', pngFile]),
    ]);
    expect(svgRun.code).toBe(0);
    expect(svgRun.stderr).toContain(`vvs: wrote ${svgFile}`);
    const svg = readFileSync(svgFile, 'utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    const texts = [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
    // parameter_scaling: x is n_params; its region filter mixes V1, V2, V4, IT and Behavioral, so y is plain 'Alignment'.
    expect(texts).toContain('Parameters');
    expect(texts).toContain('Alignment');
    expect(texts.some((t) => t!.startsWith('parameter_scaling: 1 − S = '))).toBe(true);
    expect(texts.some((t) => t!.includes('95 % band of 4 bootstrap fits'))).toBe(true);
    // The text output still goes to stdout.
    expect(svgRun.stdout).toContain('bootstrap: 4 resamples, seed 42');

    expect(pngRun.code).toBe(0);
    const png = readFileSync(pngFile);
    expect(png.subarray(0, PNG_SIGNATURE.length).equals(PNG_SIGNATURE)).toBe(true);
  });

  it('usage errors: exit code 2 and one stderr line naming the cause', async () => {
    const missing = join(scratch, 'no-such-config.yaml');
    const runs = await Promise.all([
      vvsFit(['--scores', SCORES], { config: missing }),
      vvsFit(['--scores', SCORES, '--plot', join(scratch, 'f.pdf')]),
      vvsFit(['--scores', SCORES, '--convention', 'other']),
      vvsFit(['--scores', SCORES, '--bootstrap', '-1']),
      // No --scores, offline, empty cache: the table cannot be fetched.
      vvsFit(['--cache-dir', join(scratch, 'empty-cache')], { env: { VVS_OFFLINE: '1' } }),
    ]);
    const causes = [missing, "--plot: expected a .svg or .png file, got '", "--convention: expected seed or chinchilla, got 'other'", "--bootstrap: expected a non-negative integer, got '-1'", join(scratch, 'empty-cache', 'seed', 'benchmark_scores.csv')];
    for (const [i, run] of runs.entries()) {
      expect(run.code, run.stderr).toBe(2);
      expect(run.stdout).toBe('');
      const lines = run.stderr.trimEnd().split('\n');
      expect(lines, run.stderr).toHaveLength(1);
      expect(lines[0]).toContain(causes[i]);
    }
    expect(runs[4]!.stderr).toContain('--scores');
  });
});
