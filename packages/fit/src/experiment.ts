import { InputError } from '@vvs/core';
import { loadFitConfig, type FitConfig } from './config.ts';
import { fitLaw, type LawFit } from './fit-grid.ts';
import { readScoresTable } from './scores-table.ts';
import { selectData, type SelectedData } from './select.ts';

/** The point fit of one seed experiment: its config, the data it selects, and the best law. */
export interface ExperimentFit {
  /** The config's `experiment_name`. */
  readonly experiment: string;
  /** The seed's `loss_function` name of the law. */
  readonly function: string;
  /** Data points after the config's filters and region averaging. */
  readonly n: number;
  /** Sum of Huber losses of the best fit. */
  readonly loss: number;
  readonly params: { readonly raw: Readonly<Record<string, number>>; readonly converted: Readonly<Record<string, number>> };
  readonly fit: LawFit;
  readonly config: FitConfig;
  readonly data: SelectedData;
}

/**
 * Fits one of the seed's experiments end to end (FIT-SEMANTICS §1–§5): loads the YAML config with
 * its `base_config` chain, selects and averages the rows of the scores table as the config says, and
 * fits the config's law in log space with the Huber loss from every start of its grid.
 *
 * @throws InputError naming the config for a bad config or selection (see {@link loadFitConfig},
 *   {@link selectData}), for `use_log: false` (the seed's forms are log-space only), or for fewer
 *   data points than the law has parameters.
 * @example
 * const fit = await fitExperiment('fit-configs/compute/compute_neuro.yaml', 'artifacts/benchmark_scores.csv');
 * fit.params.converted; // { E: 0.5227, A: 0.5491, alpha: 0.1569, S_inf: 0.4773 }
 */
export async function fitExperiment(configPath: string, scoresPath: string): Promise<ExperimentFit> {
  const config = await loadFitConfig(configPath);
  const data = selectData(await readScoresTable(scoresPath), config);
  if (data.logY === null) {
    throw new InputError(`${configPath}: use_log is false, but the seed's laws are fitted in log space only`, { file: configPath, field: 'use_log' });
  }
  const { lossFunction, delta, initialParameters } = config.fitting;
  const variables = data.curveType === 'one_variable' ? { x: data.x } : { n: data.n, d: data.d };
  let fit: LawFit;
  try {
    fit = fitLaw({ form: lossFunction, ...variables, logY: data.logY, delta, grid: initialParameters });
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    throw new InputError(`${configPath}: ${error.message}`, { file: configPath, cause: error });
  }
  return {
    experiment: config.experimentName,
    function: lossFunction,
    n: data.rows.length,
    loss: fit.loss,
    params: { raw: fit.params, converted: fit.converted },
    fit,
    config,
    data,
  };
}
