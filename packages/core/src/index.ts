// Contracts: what models, benchmarks and metrics look like to each other.
export type { Assembly, Coordinate } from './contracts/assembly.ts';
export { isLazyFeatures } from './contracts/features.ts';
export type { LazyFeatures } from './contracts/features.ts';
export { REGIONS, BENCHMARK_TARGETS, isRegion, isBenchmarkTarget } from './contracts/region.ts';
export type { Region, BenchmarkTarget } from './contracts/region.ts';
export type { StimulusRow, StimulusSet } from './contracts/stimulus-set.ts';
export type { Score } from './contracts/score.ts';
export type { Metric, Ceiling, AnyMetric } from './contracts/metric.ts';
export type { ActivationOptions, ActivationBatch, ModelAdapter } from './contracts/model-adapter.ts';
export type { RecordingOptions, ProbabilitiesOptions, BrainModel } from './contracts/brain-model.ts';
export type { Benchmark, BenchmarkRunOptions, BenchmarkProgress } from './contracts/benchmark.ts';

// Errors with exit codes.
export {
  EXIT_FAILURE,
  EXIT_USAGE,
  VvsError,
  InputError,
  RegistrationError,
  UnknownPluginError,
  isUserError,
} from './errors.ts';
export type { VvsErrorOptions } from './errors.ts';

// Dependency injection and the plugin registry.
export { PluginRegistry } from './registry/plugin-registry.ts';
export type { PluginFactory, PluginMeta, BenchmarkMeta, PluginInfo, BenchmarkInfo, VvsPlugin } from './registry/plugin-registry.ts';
export { TOKENS, createContainer } from './registry/container.ts';
export { loadPlugins } from './registry/load-plugins.ts';
export type { LoadPluginsOptions } from './registry/load-plugins.ts';
export { PLUGIN_KINDS, ID_PATTERN, MODEL_ID_PATTERN } from './registry/validation.ts';
export type { PluginKind } from './registry/validation.ts';
export { closestMatches } from './registry/closest.ts';

// Assembly operations and Brain-Score's neural scoring of precomputed features.
export {
  STIMULUS_KEYS,
  stimulusKey,
  assemblySource,
  coordinate,
  selectAlong,
  parseTimeBin,
  collapseTimeBins,
  asMatrix,
  averageRepetitions,
  perStimulus,
  alignFeatures,
  sharedFeatureRows,
  checkFiniteFeatures,
  nonFiniteFeatureError,
} from './assembly-ops.ts';
export type { TimeBinSelection, StimulusAverage } from './assembly-ops.ts';
export { scoreFeatures, neuralCeiling, ceilingTask, DEFAULT_STRATIFY_BY } from './scoring/score-features.ts';
export { ActivationMemo, DEFAULT_ACTIVATION_MEMO_BYTES } from './activation-memo.ts';
export type { ActivationMemoOptions } from './activation-memo.ts';
export { COMPUTE_TASKS, IN_THREAD_COMPUTE, runComputeTask } from './scoring/compute.ts';
export type { ComputePool, ComputeTaskName, ComputeInput, ComputeOutput, PredictivityTask, ReadoutTask, ReadoutResult } from './scoring/compute.ts';
export type { ScoreFeaturesOptions, FeatureScore, FeatureScoreSplit } from './scoring/score-features.ts';

// Streamed activations gathered per layer.
export { collectActivations } from './activations.ts';
export type { LayerActivations } from './activations.ts';

// Models committed to brain regions.
export { CommittedBrainModel, LABEL_COLUMN, DEFAULT_MODEL_VISUAL_DEGREES } from './brain-model/committed-brain-model.ts';
export type { Commitment } from './brain-model/committed-brain-model.ts';

// Layer commitments (the seed's commitments.json).
export { parseCommitments, commitmentFor } from './commitments.ts';
export type { LayerCommitment, CommitmentTable } from './commitments.ts';

// Built-in synthetic data (the example and the benchmark workload).
export { syntheticPopulation, EXAMPLE_POPULATION } from './synthetic/population.ts';
export type { SyntheticPopulationOptions } from './synthetic/population.ts';

// Automatic layer selection (Brain-Score's LayerSelection).
export { selectLayer } from './selection/layer-selection.ts';
export type { LayerScore, LayerSelection, SelectLayerOptions } from './selection/layer-selection.ts';
export { commitToLayer, selectLayerOnBenchmark, layerSelectionBenchmark, defaultCandidateLayers } from './selection/benchmark-layer-selection.ts';
export type { BenchmarkLayerSelectionOptions, BenchmarkLayerSelection } from './selection/benchmark-layer-selection.ts';

// Data sets: the catalog, verified downloads and the local cache (vvs data).
export { DATA_SET_KINDS, PARTIAL_SUFFIX, SHA1_PATTERN, DataCatalog, parseCatalogFile, sameDataSet } from './data/catalog.ts';
export type { DataSetKind, DataFile, DataSetEntry, AddDataSetOptions } from './data/catalog.ts';
export { ChecksumError, DownloadError, downloadFile, sha1OfFile } from './data/download.ts';
export type { DownloadProgress, DownloadOptions, TransferOptions } from './data/download.ts';
export { CACHE_DIR_ENV, OFFLINE_ENV, DataCache, DataNotCachedError, defaultCacheDir, offlineFromEnv } from './data/cache.ts';
export type { DataCacheOptions, DataProgress, PullOptions, FileStatus, FileCheck, DataNotCachedDetails } from './data/cache.ts';
export { writeFileAtomic } from './data/write-atomic.ts';
export type { CeilingCache } from './contracts/benchmark.ts';
export { formatBytes } from './data/bytes.ts';

// Worker threads.
export { workerModule } from './workers/worker-module.ts';

// Benchmark building blocks: neural predictivity and I2n benchmarks defined by a spec.
export { SpecBenchmark } from './benchmark-helpers/benchmark-base.ts';
export type { BenchmarkSpecBase } from './benchmark-helpers/benchmark-base.ts';
export { NeuralBenchmark } from './benchmark-helpers/neural-benchmark.ts';
export type { NeuralBenchmarkSpec, NeuralBenchmarkData, NeuralBenchmarkOptions, NeuralMetricId } from './benchmark-helpers/neural-benchmark.ts';
export { I2nBenchmark } from './benchmark-helpers/i2n-benchmark.ts';
export type { I2nBenchmarkSpec, I2nBenchmarkData, I2nBenchmarkOptions } from './benchmark-helpers/i2n-benchmark.ts';
export { Lazy, ceilingScore, elapsedMs, noDataFetcher } from './benchmark-helpers/run-support.ts';
export { atVisualDegrees, selectStimuli } from './stimulus-set-views.ts';
export type { DataFetcher } from './benchmark-helpers/run-support.ts';
