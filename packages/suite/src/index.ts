/**
 * `@vvs/suite`: score many models on many benchmarks, one results row per pair, resumable, with the
 * scoring on a pool of worker threads.
 *
 * @example
 * const store = await ResultsStore.open('vvs-results.duckdb');
 * await runSuite({ registry, models: [onnxSuiteModel('builtin:cnn')], benchmarks: ['synthetic.IT'], store, workers: 2 });
 */
export { runSuite } from './run-suite.ts';
export type { SuiteModel, SuiteModelContext, SuiteProgress, RunSuiteOptions, SuiteSummary } from './run-suite.ts';
export { onnxSuiteModel, PooledOnnxAdapter } from './onnx-model.ts';
export { toPortable, fromPortable } from './portable-stimuli.ts';
export type { PortableStimulusSet } from './portable-stimuli.ts';
export type { ActivationsTask, ActivationsResult, PoolTask } from './compute-worker.ts';
export { WorkerComputePool } from './worker-pool.ts';
export { DiskCeilingCache } from './ceiling-cache.ts';
export type { DiskCeilingCacheOptions } from './ceiling-cache.ts';
export type { WorkerComputePoolOptions } from './worker-pool.ts';
