/**
 * Reproduces the seed's stored point fits (shared/seed/fit-results, FIT-SEMANTICS §8–§9): the seed's
 * selection of the score table, then the full grid of BFGS starts.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { expectAllClose, loadFixture, sharedPath } from '@vvs/test-utils';
import { loadFitConfig } from '../src/config.ts';
import { readScoresTable } from '../src/scores-table.ts';
import { selectData, type OneVariableData } from '../src/select.ts';
import { lawForm, prepareInputs } from '../src/forms.ts';
import { huberObjective } from '../src/huber.ts';
import { fitLaw, type LawFit } from '../src/fit-grid.ts';
import type { ScoreTable } from '../src/scores-table.ts';

/** Agreement with the stored best loss (the seed's BFGS used finite-difference gradients). */
const LOSS_RTOL = 1e-6;
/** Agreement with the stored converted parameters: relative, or absolute below 1e-3. */
const PARAM_TOL = 1e-3;
/** The loss at the stored (rounded) parameters matches the stored loss to < 1e-13 (FIT-SEMANTICS §9). */
const STORED_LOSS_RTOL = 1e-12;
/** Agreement of predicted 1 − S along the data (compute_behavior, where e is a flat direction). */
const CURVE_RTOL = 1e-5;

interface StoredFit {
  config_path: string;
  fitting_function: string;
  n_data_points: number;
  params_raw: Record<string, number>;
  params_converted: Record<string, number>;
  best_huber_loss: number;
}

const EXPERIMENTS = ['compute_neuro', 'compute_behavior', 'parameter_scaling'] as const;

let table: ScoreTable;
beforeAll(async () => {
  table = await readScoresTable(sharedPath('seed/artifacts/benchmark_scores.csv'));
});

describe.each(EXPERIMENTS)('stored fit %s', (name) => {
  const stored = loadFixture<StoredFit>(`seed/fit-results/${name}.json`);
  const form = lawForm(stored.fitting_function);
  let data: OneVariableData;
  let fit: LawFit;

  beforeAll(async () => {
    const config = await loadFitConfig(sharedPath(`seed/fit-configs/${stored.config_path}`));
    data = selectData(table, config) as OneVariableData;
    fit = fitLaw({
      form,
      x: data.x,
      logY: data.logY!,
      delta: config.fitting.delta,
      grid: config.fitting.initialParameters,
    });
  });

  it('selects the stored number of points', () => {
    expect(data.curveType).toBe('one_variable');
    expect(data.x.length).toBe(stored.n_data_points);
    expect(fit.nStarts).toBe(150);
  });

  it('evaluates the stored loss at the stored parameters', () => {
    const raw = Float64Array.from(form.parameterNames, (p) => stored.params_raw[p]);
    const loss = huberObjective(form, { x: data.x }, data.logY!, 1e-3)(raw, new Float64Array(raw.length));
    expectAllClose([loss], [stored.best_huber_loss], { rtol: STORED_LOSS_RTOL }, 'loss at stored params');
  });

  it('reaches the stored best loss', () => {
    expectAllClose([fit.loss], [stored.best_huber_loss], { rtol: LOSS_RTOL }, 'best loss');
  });

  it('reaches the stored parameters (E absolutely where it is ~0)', () => {
    for (const [key, expected] of Object.entries(stored.params_converted)) {
      const tol = Math.abs(expected) < PARAM_TOL ? { atol: PARAM_TOL } : { rtol: PARAM_TOL };
      expectAllClose([fit.converted[key]], [expected], tol, key);
    }
    if (name !== 'compute_behavior') {
      // e is well determined here, so the raw parameters agree too.
      for (const p of form.parameterNames) expectAllClose([fit.params[p]], [stored.params_raw[p]], { rtol: PARAM_TOL }, p);
    }
  });

  it('predicts the stored curve along the data', () => {
    const prepared = prepareInputs(form, { x: data.x });
    const ours = new Float64Array(data.x.length);
    const theirs = new Float64Array(data.x.length);
    form.evaluate(fit.paramVector, prepared, ours, null);
    form.evaluate(Float64Array.from(form.parameterNames, (p) => stored.params_raw[p]), prepared, theirs, null);
    expectAllClose(ours.map(Math.exp), theirs.map(Math.exp), { rtol: CURVE_RTOL }, '1 − S');
  });
});
