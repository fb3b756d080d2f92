/**
 * `@vvs/fit`: the scaling laws of brain alignment as the seed (`scaling_primate_vvs`) fits them —
 * its YAML configs with their inheritance, its data selection and region averaging, the power law,
 * shifted power law and joint parameters-and-data law fitted in log space with the Huber loss by
 * BFGS from every start of a grid, and the compute-optimal allocation of the joint law.
 * FIT-SEMANTICS.md (in the seed's reference material) is the specification followed here.
 *
 * @example
 * import { fitExperiment } from '@vvs/fit';
 *
 * const fit = await fitExperiment('fit-configs/compute/compute_neuro.yaml', 'artifacts/benchmark_scores.csv', { bootstrap: 1000 });
 * console.log(fit.experiment, fit.n, fit.loss, fit.params.converted); // compute_neuro 620 0.0727 { E, A, alpha, S_inf }
 * console.log(fit.bootstrap?.summary.converted.alpha);                // { 'p2.5': 0.110, p50: 0.160, 'p97.5': 0.213, n_finite: 1000 }
 *
 * @packageDocumentation
 */
export { fitExperiment, experimentJson } from './experiment.ts';
export type { ExperimentFit, ExperimentBootstrap, ExperimentAllocation, FitExperimentOptions } from './experiment.ts';

// Configs and data selection.
export { loadFitConfig, parsePyYaml, mergeConfigs, LOSS_FUNCTION_PARAMETER_COUNT, DEFAULT_ARCH_FAMILY_MERGES, DEFAULT_RANDOM_STATE, DEFAULT_NUM_BOOTSTRAPS } from './config.ts';
export type { CurveType, LossFunctionName, OptimizerMethod, FilterValue, GroupReduction, GroupBySpec, DataFilters, FittingParameters, FitConfig } from './config.ts';
export { readScoresTable } from './scores-table.ts';
export type { Cell, ScoreRow, ScoreTable } from './scores-table.ts';
export { applyDataFilters, selectData } from './select.ts';
export type { OneVariableData, TwoVariableData, SelectedData } from './select.ts';

// Laws, loss, optimiser, grid fits.
export { powerLawLSE, powerLawShiftLSE, chinchillaLSE, lawForm, prepareInputs } from './forms.ts';
export type { LawFormName, OneVariableInputs, TwoVariableInputs, LawInputs, PreparedInputs, LawForm } from './forms.ts';
export { DEFAULT_HUBER_DELTA, huber, huberObjective } from './huber.ts';
export type { ObjectiveWithGradient } from './huber.ts';
export { bfgs } from './optimize.ts';
export type { BfgsOptions, BfgsStatus, BfgsResult } from './optimize.ts';
export { gridStarts, fitLaw } from './fit-grid.ts';
export type { StartGrid, FitLawOptions, LawFit } from './fit-grid.ts';

// Compute-optimal allocation of the joint law.
export { fitComputeRelation, computeOptimalAllocation, CHINCHILLA_FLOPS_PER_PARAMETER_SAMPLE } from './allocation.ts';
export type { ChinchillaParams, AllocationConvention, ComputeRelation, AllocationOptions, Allocation } from './allocation.ts';

// The seed's bootstrap: numpy's default_rng (PCG64) resamples, refits and percentiles.
export { SeedSequence, PCG64, RandomGenerator, defaultRng } from './pcg64.ts';
export { bootstrapResamples, bootstrapFits, fitResample, percentiles, summarizeBootstrap, BOOTSTRAP_PERCENTILES } from './bootstrap.ts';
export type { BootstrapResampleOptions, BootstrapData, BootstrapFitOptions, BootstrapFit, PercentileSummary, BootstrapSummary } from './bootstrap.ts';
export { bootstrapFitsOnPool } from './bootstrap-pool.ts';
export type { BootstrapPoolOptions } from './bootstrap-pool.ts';

// Curves and the bootstrap's 95 % band.
export { lawCurve, curveBand, percentileBand, scoreOf, logSpace, BAND_PERCENTILES } from './curves.ts';
export type { ScoreScale, CurveBand } from './curves.ts';
export { scalingLawFigure } from './figure.ts';

// The seed's scores table, fetched on first use (kept in @vvs/seed with the seed's other tables).
export { seedScoresTable, seedFileUrl, SEED_REPOSITORY, SEED_REF, SEED_SCORES_TABLE } from '@vvs/seed';
export type { SeedScoresOptions } from '@vvs/seed';
