import { InputError } from '@vvs/core';
import { computeOptimalAllocation, fitComputeRelation, type Allocation, type AllocationConvention } from './allocation.ts';
import { bootstrapFits, summarizeBootstrap, type BootstrapFit, type BootstrapSummary } from './bootstrap.ts';
import { bootstrapFitsOnPool } from './bootstrap-pool.ts';
import { loadFitConfig, type FitConfig } from './config.ts';
import { fitLaw, type LawFit } from './fit-grid.ts';
import { readScoresTable } from './scores-table.ts';
import { selectData, type SelectedData } from './select.ts';

/** The bootstrap of an experiment: its resamples' fits and their percentiles. */
export interface ExperimentBootstrap {
  /** Resamples refitted. */
  readonly samples: number;
  /** Seed of `numpy.random.default_rng` that drew them. */
  readonly seed: number;
  /** Each resample's best fit, in resample order. */
  readonly fits: readonly BootstrapFit[];
  /** 2.5 / 50 / 97.5 percentiles of every parameter and of the loss. */
  readonly summary: BootstrapSummary;
}

/**
 * The compute-optimal allocation of a joint (chinchilla) law, FIT-SEMANTICS §6: N* = G·(C/m)^(a/n),
 * D* = (C/m)^(b/n)/G in the fit's scaled units.
 */
export interface ExperimentAllocation {
  readonly convention: AllocationConvention;
  /** Shares of compute growth going to parameters (a) and to samples (b). */
  readonly a: number;
  readonly b: number;
  /** The seed's G = (alpha·A / (beta·B))^(1/(alpha + beta)). */
  readonly G: number;
  /** Compute model C ≈ m·(N·D)^n. */
  readonly m: number;
  readonly n: number;
  /** The allocation as functions of the budget. */
  readonly optimal: Allocation;
}

/** The fit of one seed experiment: its config, the data it selects, the best law, and its bootstrap. */
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
  /** For the joint law: the compute-optimal allocation. */
  readonly allocation?: ExperimentAllocation;
  /** Absent when no resample was asked for. */
  readonly bootstrap?: ExperimentBootstrap;
  readonly fit: LawFit;
  readonly config: FitConfig;
  readonly data: SelectedData;
}

/** Options of {@link fitExperiment}. */
export interface FitExperimentOptions {
  /** Bootstrap resamples to refit (default: the config's `num_bootstraps`, 1000); 0 skips the bootstrap. */
  readonly bootstrap?: number;
  /** Seed of the resamples (default: the config's `random_state`, 42). */
  readonly seed?: number;
  /** Worker threads for the bootstrap refits (default: the machine's cores); 0 refits in this thread. */
  readonly workers?: number;
  /** Convention of the joint law's allocation (default 'seed'; see allocation.ts). */
  readonly convention?: AllocationConvention;
  /** Called as resamples are refitted. */
  readonly onProgress?: (done: number, total: number) => void;
  readonly signal?: AbortSignal;
}

/** The column of compute in the seed's scores table. */
const COMPUTE_COLUMN = 'total_flops';

/**
 * Compute per selected row of a joint-law fit in the units of N·D (FIT-SEMANTICS §6):
 * C = total_flops / (X1_scaler · X2_scaler); `scale` converts back to FLOPs.
 *
 * @example
 * const { compute, scale } = computeOf(fit.data, fit.config);
 * compute[0] * scale; // the first row's total_flops
 */
export function computeOf(data: SelectedData, config: FitConfig): { compute: Float64Array; scale: number } {
  const scale = config.fitting.x1Scaler * config.fitting.x2Scaler;
  return { compute: Float64Array.from(data.rows, (row) => Number(row[COMPUTE_COLUMN]) / scale), scale };
}

/**
 * Fits one of the seed's experiments end to end (FIT-SEMANTICS §1–§6): loads the YAML config with
 * its `base_config` chain, selects and averages the rows of the scores table as the config says,
 * fits the config's law in log space with the Huber loss from every start of its grid, refits the
 * seed's bootstrap resamples (on worker threads), and for the joint law derives the compute-optimal
 * allocation.
 *
 * @throws InputError naming the config for a bad config or selection (see {@link loadFitConfig},
 *   {@link selectData}), for `use_log: false` (the seed's forms are log-space only), or for fewer
 *   data points than the law has parameters.
 * @example
 * const fit = await fitExperiment('fit-configs/compute/compute_neuro.yaml', 'artifacts/benchmark_scores.csv', { bootstrap: 1000 });
 * fit.params.converted;                      // { E: 0.5227, A: 0.5491, alpha: 0.1569, S_inf: 0.4773 }
 * fit.bootstrap?.summary.converted.alpha;    // { 'p2.5': 0.110, p50: 0.160, 'p97.5': 0.213, n_finite: 1000 }
 */
export async function fitExperiment(configPath: string, scoresPath: string, options: FitExperimentOptions = {}): Promise<ExperimentFit> {
  const config = await loadFitConfig(configPath);
  const data = selectData(await readScoresTable(scoresPath), config);
  const refuse = (problem: string, field?: string, cause?: unknown) =>
    new InputError(`${config.path}: ${problem}`, { file: config.path, ...(field ? { field } : {}), ...(cause ? { cause } : {}) });
  if (data.logY === null) throw refuse("use_log is false, but the seed's laws are fitted in log space only", 'use_log');
  const { lossFunction, delta, initialParameters, numBootstraps, randomState, dataFraction } = config.fitting;
  const samples = options.bootstrap ?? numBootstraps;
  if (!Number.isSafeInteger(samples) || samples < 0) throw new RangeError(`bootstrap: expected a non-negative integer, got ${samples}`);
  const seed = options.seed ?? randomState;
  const variables = data.curveType === 'one_variable' ? { x: data.x } : { n: data.n, d: data.d };
  let fit: LawFit;
  try {
    fit = fitLaw({ form: lossFunction, ...variables, logY: data.logY, delta, grid: initialParameters });
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    throw refuse(error.message, undefined, error);
  }
  const allocation = data.curveType === 'two_variables' ? experimentAllocation(fit, data, config, options.convention ?? 'seed') : undefined;

  let bootstrap: ExperimentBootstrap | undefined;
  if (samples > 0) {
    const resampling = { numBootstraps: samples, dataFraction, seed, ...(options.onProgress ? { onProgress: options.onProgress } : {}) };
    const { workers } = options;
    const fits = workers === 0
      ? bootstrapFits(data, lossFunction, initialParameters, delta, resampling)
      : await bootstrapFitsOnPool(data, lossFunction, initialParameters, delta, { ...resampling, ...(workers !== undefined ? { workers } : {}), ...(options.signal ? { signal: options.signal } : {}) });
    bootstrap = { samples, seed, fits, summary: summarizeBootstrap(fits) };
  }
  return {
    experiment: config.experimentName,
    function: lossFunction,
    n: data.rows.length,
    loss: fit.loss,
    params: { raw: fit.params, converted: fit.converted },
    ...(allocation ? { allocation } : {}),
    ...(bootstrap ? { bootstrap } : {}),
    fit,
    config,
    data,
  };
}

/** The joint law's allocation, with the seed's compute model fitted on the selected rows. */
function experimentAllocation(fit: LawFit, data: SelectedData & { curveType: 'two_variables' }, config: FitConfig, convention: AllocationConvention): ExperimentAllocation {
  const { A, alpha, B, beta } = fit.converted as { A: number; alpha: number; B: number; beta: number };
  const relation = convention === 'chinchilla' ? undefined : fitComputeRelation(data.n, data.d, computeOf(data, config).compute);
  const optimal = computeOptimalAllocation({ A, alpha, B, beta }, { convention, ...(relation ? { relation } : {}) });
  return { convention, a: optimal.a, b: optimal.b, G: optimal.G, m: optimal.relation.m, n: optimal.relation.n, optimal };
}

/**
 * What `vvs fit --json` prints for an experiment: the fields (experiment, function, n, loss,
 * raw and converted parameters, the allocation of a joint law, the bootstrap's percentiles), plain
 * JSON with no functions or arrays of fits.
 *
 * @example
 * console.log(JSON.stringify(experimentJson(await fitExperiment(config, scores))));
 */
export function experimentJson(fit: ExperimentFit): Record<string, unknown> {
  return {
    experiment: fit.experiment,
    function: fit.function,
    config: fit.config.path,
    n: fit.n,
    loss: fit.loss,
    params: { raw: fit.params.raw, converted: fit.params.converted },
    best_start: fit.fit.start,
    ...(fit.allocation ? { allocation: { convention: fit.allocation.convention, a: fit.allocation.a, b: fit.allocation.b, G: fit.allocation.G, m: fit.allocation.m, n: fit.allocation.n } } : {}),
    bootstrap: fit.bootstrap
      ? { samples: fit.bootstrap.samples, seed: fit.bootstrap.seed, params: { raw: fit.bootstrap.summary.raw, converted: fit.bootstrap.summary.converted }, loss: fit.bootstrap.summary.loss }
      : null,
  };
}
