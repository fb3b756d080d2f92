import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '@vvs/core';
import { sharedPath } from '@vvs/test-utils';
import { experimentJson, fitExperiment } from '../src/index.ts';

const SCORES = sharedPath('seed/artifacts/benchmark_scores.csv');
const scratch = mkdtempSync(join(tmpdir(), 'vvs-fit-experiment-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('fitExperiment', () => {
  it('fits compute_neuro from its config and the scores table as the seed stored it', async () => {
    const stored = JSON.parse(readFileSync(sharedPath('seed/fit-results/compute_neuro.json'), 'utf8'));
    const fit = await fitExperiment(sharedPath(`seed/fit-configs/${stored.config_path}`), SCORES, { bootstrap: 0 });
    expect([fit.experiment, fit.function, fit.n]).toEqual(['compute_neuro', 'power_law_LSE', stored.n_data_points]);
    expect(Math.abs(fit.loss - stored.best_huber_loss) / stored.best_huber_loss).toBeLessThan(1e-6);
    for (const [name, value] of Object.entries(stored.params_converted as Record<string, number>)) {
      expect(Math.abs(fit.params.converted[name]! - value) / Math.abs(value), name).toBeLessThan(1e-3);
    }
  });

  it("derives the joint law's compute-optimal allocation (FIT-SEMANTICS §6) in both conventions", async () => {
    const config = sharedPath('seed/fit-configs/compute/chinchilla.yaml');
    const fit = await fitExperiment(config, SCORES, { bootstrap: 0 });
    expect(fit.function).toBe('chinchilla_LSE');
    const { A, alpha, B, beta } = fit.params.converted as Record<string, number>;
    const allocation = fit.allocation!;
    expect(allocation.convention).toBe('seed');
    expect(allocation.a).toBeCloseTo(beta! / (alpha! + beta!), 14);
    expect(allocation.b).toBeCloseTo(alpha! / (alpha! + beta!), 14);
    expect(allocation.G).toBeCloseTo(((alpha! * A!) / (beta! * B!)) ** (1 / (alpha! + beta!)), 12);
    // The compute model: least squares of log10 C on log10(N·D) over the fitted rows, C = total_flops / (1e5·1e4).
    const u = fit.data.rows.map((_, i) => Math.log10((fit.data as { n: Float64Array }).n[i]! * (fit.data as { d: Float64Array }).d[i]!));
    const v = fit.data.rows.map((r) => Math.log10(Number(r.total_flops) / 1e9));
    const mu = u.reduce((s, x) => s + x, 0) / u.length;
    const mv = v.reduce((s, x) => s + x, 0) / v.length;
    const slope = u.reduce((s, x, i) => s + (x - mu) * (v[i]! - mv), 0) / u.reduce((s, x) => s + (x - mu) ** 2, 0);
    expect(allocation.n).toBeCloseTo(slope, 10);
    expect(Math.log10(allocation.m)).toBeCloseTo(mv - slope * mu, 10);
    // The budget is spent on the relation's terms: m·(N*·D*)^n = C.
    const C = 1e9;
    expect(allocation.m * (allocation.optimal.nOpt(C) * allocation.optimal.dOpt(C)) ** allocation.n).toBeCloseTo(C, -1);
    const json = experimentJson(fit) as { allocation: Record<string, unknown>; bootstrap: unknown };
    expect(Object.keys(json.allocation)).toEqual(['convention', 'a', 'b', 'G', 'm', 'n']);
    expect(json.bootstrap).toBeNull();
    const chinchilla = await fitExperiment(config, SCORES, { bootstrap: 0, convention: 'chinchilla' });
    expect([chinchilla.allocation!.m, chinchilla.allocation!.n]).toEqual([6, 1]);
  }, 60_000);

  it('refuses, naming the config, a selection with fewer points than parameters and a config without log space', async () => {
    const base = sharedPath('seed/fit-configs/compute/compute_neuro.yaml');
    const tiny = join(scratch, 'tiny.yaml');
    writeFileSync(tiny, `base_config: ${base}\nexperiment_name: tiny\ndata_filters:\n  set_filters:\n    model_id: [resnet18_imagenet_full]\n`);
    await expect(fitExperiment(tiny, SCORES, { bootstrap: 0 })).rejects.toThrow(InputError);
    await expect(fitExperiment(tiny, SCORES, { bootstrap: 0 })).rejects.toThrow(/tiny\.yaml: .*3 parameters but only 1 data point/);
    const linear = join(scratch, 'linear.yaml');
    writeFileSync(linear, `base_config: ${base}\nfitting_parameters:\n  use_log: false\n`);
    await expect(fitExperiment(linear, SCORES, { bootstrap: 0 })).rejects.toThrow(/linear\.yaml: use_log is false/);
  });
});
