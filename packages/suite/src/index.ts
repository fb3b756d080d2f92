/**
 * `@vvs/suite`: score many models on many benchmarks, one results row per pair, resumable.
 *
 * @example
 * const store = await ResultsStore.open('vvs-results.duckdb');
 * await runSuite({ registry, models: [onnxSuiteModel('builtin:cnn')], benchmarks: ['synthetic.IT'], store });
 */
export { runSuite } from './run-suite.ts';
export type { SuiteModel, SuiteProgress, RunSuiteOptions, SuiteSummary } from './run-suite.ts';
export { onnxSuiteModel } from './onnx-model.ts';
