import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '@vvs/core';
import { sharedPath } from '@vvs/test-utils';
import { fitExperiment } from '../src/index.ts';

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
