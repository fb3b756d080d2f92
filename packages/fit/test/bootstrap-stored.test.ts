/**
 * The seed's stored bootstraps (shared/seed/fit-results/<experiment>.bootstrap.csv and the
 * percentiles in <experiment>.json), reproduced: compute_neuro in full (1000 resamples on a worker
 * pool: every refit's loss, and the percentiles of every parameter), the other two on their first
 * resamples, each matched to a stored fit.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectAllClose, loadFixture, sharedPath } from '@vvs/test-utils';
import { loadFitConfig, type FitConfig } from '../src/config.ts';
import { readScoresTable, type ScoreTable } from '../src/scores-table.ts';
import { selectData, type OneVariableData } from '../src/select.ts';
import { lawForm } from '../src/forms.ts';
import { bootstrapFits, summarizeBootstrap, type BootstrapFit, type PercentileSummary } from '../src/bootstrap.ts';
import { bootstrapFitsOnPool } from '../src/bootstrap-pool.ts';

/** The tolerance on bootstrap percentiles of the parameters (1000 resamples). */
const PERCENTILE_ATOL = 0.01;
/** A refit's loss against the stored one (the seed's BFGS used finite-difference gradients). */
const LOSS_RTOL = 1e-6;
/** Parameters of a refit against the matched stored fit: relative, or absolute below 1e-3. */
const PARAM_TOL = 1e-3;
/** Resamples refitted for the experiments not run in full. */
const FIRST = 60;
/** Worker threads of the pool (this machine has two cores). */
const WORKERS = 2;

interface StoredBootstrap {
  config_path: string;
  bootstrap: {
    n_samples: number;
    params_raw: Record<string, PercentileSummary>;
    params_converted: Record<string, PercentileSummary>;
    best_huber_loss: PercentileSummary;
  };
}

/** The stored bootstrap list: loss, raw parameters and winning start per resample, sorted by loss. */
function storedFits(name: string): Record<string, number>[] {
  const [header, ...lines] = readFileSync(sharedPath(`seed/fit-results/${name}.bootstrap.csv`), 'utf8').trim().split('\n');
  const names = header!.split(',');
  return lines.map((line) => Object.fromEntries(line.split(',').map((v, j) => [names[j], Number(v)])));
}

/** The stored fit whose loss is nearest `fit`'s. */
function nearest(stored: readonly Record<string, number>[], fit: BootstrapFit): Record<string, number> {
  return stored.reduce((best, row) => (Math.abs(row.loss! - fit.loss) < Math.abs(best.loss! - fit.loss) ? row : best));
}

let table: ScoreTable;
const selected = async (name: string): Promise<{ config: FitConfig; data: OneVariableData; stored: StoredBootstrap }> => {
  const stored = loadFixture<StoredBootstrap>(`seed/fit-results/${name}.json`);
  const config = await loadFitConfig(sharedPath(`seed/fit-configs/${stored.config_path}`));
  return { config, data: selectData(table, config) as OneVariableData, stored };
};

beforeAll(async () => {
  table = await readScoresTable(sharedPath('seed/artifacts/benchmark_scores.csv'));
});

describe.each(['compute_neuro', 'compute_behavior', 'parameter_scaling'])('summarizeBootstrap on the stored %s fits', (name) => {
  it("gives the stored percentiles (numpy's linear method) of every parameter and of the loss", () => {
    const stored = loadFixture<StoredBootstrap>(`seed/fit-results/${name}.json`);
    const form = lawForm('power_law_LSE');
    const fits: BootstrapFit[] = storedFits(name).map((row) => {
      const params = Object.fromEntries(form.parameterNames.map((p) => [p, row[p]!]));
      return { loss: row.loss!, params, converted: form.convert(form.parameterNames.map((p) => row[p]!)) };
    });
    const summary = summarizeBootstrap(fits);
    for (const [group, expected] of [[summary.raw, stored.bootstrap.params_raw], [summary.converted, stored.bootstrap.params_converted]] as const) {
      for (const [key, q] of Object.entries(expected)) {
        expectAllClose([group[key]!['p2.5'], group[key]!.p50, group[key]!['p97.5']], [q['p2.5'], q.p50, q['p97.5']], { rtol: 1e-14, atol: 1e-300 }, `${name} ${key}`);
        expect(group[key]!.n_finite).toBe(q.n_finite);
      }
    }
    expectAllClose([summary.loss.p50], [stored.bootstrap.best_huber_loss.p50], { rtol: 1e-14 }, 'loss median');
  });
});

describe('the full compute_neuro bootstrap (1000 resamples on 2 workers)', () => {
  let fits: BootstrapFit[];
  let stored: StoredBootstrap;

  beforeAll(async () => {
    const experiment = await selected('compute_neuro');
    stored = experiment.stored;
    const { lossFunction, delta, initialParameters, numBootstraps, randomState } = experiment.config.fitting;
    expect(numBootstraps).toBe(1000);
    fits = await bootstrapFitsOnPool(experiment.data, lossFunction as 'power_law_LSE', initialParameters, delta, { seed: randomState, workers: WORKERS });
  }, 600_000);

  it("reaches every one of the seed's 1000 bootstrap losses (sorted lists agree)", () => {
    expect(fits.length).toBe(1000);
    const ours = fits.map((f) => f.loss).sort((a, b) => a - b);
    expectAllClose(ours, storedFits('compute_neuro').map((row) => row.loss!), { rtol: LOSS_RTOL }, 'sorted bootstrap losses');
  });

  it('gives the stored 2.5 / 50 / 97.5 percentiles of every parameter to 0.01', () => {
    const summary = summarizeBootstrap(fits);
    for (const [group, expected] of [[summary.raw, stored.bootstrap.params_raw], [summary.converted, stored.bootstrap.params_converted]] as const) {
      for (const [key, q] of Object.entries(expected)) {
        const ours = group[key]!;
        expectAllClose([ours['p2.5'], ours.p50, ours['p97.5']], [q['p2.5'], q.p50, q['p97.5']], { atol: PERCENTILE_ATOL }, `percentiles of ${key}`);
        expect(ours.n_finite).toBe(1000);
      }
    }
  });
});

describe.each(['compute_behavior', 'parameter_scaling'])('the first %s bootstrap resamples', (name) => {
  it(`refit on the pool to stored fits (first ${FIRST}), bit-identical to the in-thread refits (first 4)`, async () => {
    const { config, data } = await selected(name);
    const { lossFunction, delta, initialParameters, randomState } = config.fitting;
    const form = lossFunction as 'power_law_LSE';
    const pooled = await bootstrapFitsOnPool(data, form, initialParameters, delta, { seed: randomState, workers: WORKERS, first: FIRST });
    expect(pooled.length).toBe(FIRST);
    const stored = storedFits(name);
    for (const [i, fit] of pooled.entries()) {
      const match = nearest(stored, fit);
      expectAllClose([fit.loss], [match.loss!], { rtol: LOSS_RTOL }, `resample ${i} loss`);
      // compute_behavior never levels off: e runs along a flat valley, so compare E = exp(e) absolutely.
      expectAllClose([fit.converted.E!], [Math.exp(match.e!)], { atol: PARAM_TOL, rtol: PARAM_TOL }, `resample ${i} E`);
      for (const key of ['a', 'alpha']) expectAllClose([fit.params[key]!], [match[key]!], { rtol: PARAM_TOL, atol: PARAM_TOL }, `resample ${i} ${key}`);
    }
    const inThread = bootstrapFits(data, form, initialParameters, delta, { seed: randomState, first: 4 });
    expect(pooled.slice(0, 4)).toEqual(inThread);
  }, 300_000);
});
