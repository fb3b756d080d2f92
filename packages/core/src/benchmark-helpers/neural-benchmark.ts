import { DEFAULT_NORMALIZATION, type CeilingResult, type Normalization } from '@vvs/metrics';
import type { Assembly } from '../contracts/assembly.ts';
import type { Benchmark, BenchmarkRunOptions } from '../contracts/benchmark.ts';
import type { BrainModel } from '../contracts/brain-model.ts';
import type { Region } from '../contracts/region.ts';
import type { Score } from '../contracts/score.ts';
import type { StimulusSet } from '../contracts/stimulus-set.ts';
import type { TimeBinSelection } from '../assembly-ops.ts';
import { ceilingTask, scoreFeatures } from '../scoring/score-features.ts';
import { IN_THREAD_COMPUTE } from '../scoring/compute.ts';
import { SpecBenchmark, type BenchmarkSpecBase } from './benchmark-base.ts';
import { atVisualDegrees } from '../stimulus-set-views.ts';
import { Lazy, ceilingScore, elapsedMs, type DataFetcher } from './run-support.ts';

/** The experiment a neural benchmark compares models with. */
export interface NeuralBenchmarkData {
  /** The images, in any order; their `visualDegrees` is overridden by the benchmark's. */
  readonly stimuli: StimulusSet;
  /**
   * presentation × neuroid [× time_bin], one presentation row per repetition, with `stimulus_id`
   * and `repetition` coordinates (and the stratification coordinate), restricted to the region.
   */
  readonly recording: Assembly;
}

/** The regressions a neural benchmark can use, by metric id. */
export type NeuralMetricId = 'pls' | 'ridge';

/**
 * Everything that defines a neural predictivity benchmark: its data, its metric and its ceiling
 * (Brain-Score's `NeuralBenchmark` with `CrossRegressedCorrelation` and `InternalConsistency`).
 *
 * @example
 * const spec: NeuralBenchmarkSpec = {
 *   id: 'MajajHong2015public.IT-pls', version: 3, region: 'IT',
 *   visualDegrees: 8, numberOfTrials: 50, stratifyBy: 'object_name',
 *   dataSets: ['MajajHong2015.public', 'hvm-public'],
 *   load: async (fetchData) => loadMajajHong(await fetchData('MajajHong2015.public'), 'IT'),
 * };
 */
export interface NeuralBenchmarkSpec extends BenchmarkSpecBase<NeuralBenchmarkData> {
  readonly region: Region;
  /** Cross-validated regression and Pearson r per neuroid; default `'pls'` (25 components). */
  readonly metric?: NeuralMetricId;
  /** How raw score and ceiling combine; default `'squared_ratio'`, (r/c)², the seed's. */
  readonly normalization?: Normalization;
  /** Presentation coordinate the 10 splits are stratified by, or `null` for plain shuffle splits. */
  readonly stratifyBy: string | null;
  /** How several time bins collapse to one (default: their mean). */
  readonly timeBin?: TimeBinSelection;
}

/** Options of a {@link NeuralBenchmark}. */
export interface NeuralBenchmarkOptions {
  /** Used when a run passes no `fetchData` (e.g. the default data cache). */
  readonly fetchData?: DataFetcher;
}

/**
 * A neural predictivity benchmark: the model's committed layer for the region is recorded on the
 * benchmark's images, regressed onto the neurons (10 stratified splits, PLS-25 by default), and the
 * median Pearson r, averaged over splits, is ceiled by the recording's split-half internal
 * consistency — Brain-Score's `NeuralBenchmark` (`benchmark_helpers/neural_common.py`), number for
 * number (DESIGN.md §2). Data and ceiling are computed once per instance and shared by every model.
 *
 * @example
 * const it = new NeuralBenchmark(spec, { fetchData: (id) => cache.ensure(id) });
 * const score = await it.score(model);
 * console.log(score.value, score.raw, score.ceiling, score.attrs?.layer);
 */
export class NeuralBenchmark extends SpecBenchmark<NeuralBenchmarkData> implements Benchmark {
  readonly target: Region;
  readonly metric: NeuralMetricId;

  readonly #spec: NeuralBenchmarkSpec;
  #ceiling: Lazy<CeilingResult> | undefined;

  constructor(spec: NeuralBenchmarkSpec, { fetchData }: NeuralBenchmarkOptions = {}) {
    super(spec, fetchData);
    this.#spec = spec;
    this.target = spec.region;
    this.metric = spec.metric ?? 'pls';
  }

  protected prepare(loaded: NeuralBenchmarkData): NeuralBenchmarkData {
    return { stimuli: atVisualDegrees(loaded.stimuli, this.visualDegrees), recording: loaded.recording };
  }

  async ceiling(options: BenchmarkRunOptions = {}): Promise<Score> {
    const result = await this.#ceilingResult(options);
    return ceilingScore(result.ceiling, result.error, {
      ...this.labels(),
      method: 'internal_consistency',
      splitValues: result.splits.map((s) => s.median),
    });
  }

  async score(model: BrainModel, options: BenchmarkRunOptions = {}): Promise<Score> {
    const started = performance.now();
    const data = await this.data(options);
    const dataMs = elapsedMs(started);
    options.signal?.throwIfAborted();

    const recordingStart = performance.now();
    this.report(options, 'activations');
    const features = await model.record(this.target, data.stimuli, { numberOfTrials: 1, signal: options.signal });
    const activationsMs = elapsedMs(recordingStart);
    options.signal?.throwIfAborted();

    const ceilingStart = performance.now();
    const ceiling = await this.#ceilingResult(options);
    const ceilingMs = elapsedMs(ceilingStart);

    const metricStart = performance.now();
    const result = await scoreFeatures(features, data.recording, {
      stratifyBy: this.#spec.stratifyBy,
      regression: this.metric,
      normalization: this.#spec.normalization ?? DEFAULT_NORMALIZATION,
      ...(this.#spec.timeBin ? { timeBin: this.#spec.timeBin } : {}),
      ceiling,
      ...(options.compute ? { compute: options.compute } : {}),
      onProgress: (stage, done, total) =>
        stage === 'regression' && this.report(options, 'metric', done, total),
    });
    const metricMs = elapsedMs(metricStart);

    return {
      value: result.value,
      unclipped: result.unclipped,
      raw: result.raw,
      ceiling: result.ceiling,
      error: result.error,
      ...(result.ceilingError !== undefined ? { ceilingError: result.ceilingError } : {}),
      ...(result.normalization !== undefined ? { normalization: result.normalization } : {}),
      attrs: {
        ...this.labels(),
        model: model.id,
        region: this.target,
        layer: model.regionLayer[this.target],
        metric: this.metric,
        stratifyBy: this.#spec.stratifyBy,
        splitValues: result.splits.map((s) => s.median),
        stimuli: result.stimuli,
        neuroids: result.neuroids,
        featureColumns: result.featureColumns,
        warnings: result.warnings,
        timings: { dataMs, activationsMs, ceilingMs, metricMs, totalMs: elapsedMs(started) },
      },
    };
  }

  #ceilingResult(options: BenchmarkRunOptions): Promise<CeilingResult> {
    this.#ceiling ??= new Lazy(async () => {
      const compute = async () => {
        const { recording } = await this.data(options);
        this.report(options, 'ceiling');
        return (options.compute ?? IN_THREAD_COMPUTE).run('ceiling', ceilingTask(recording, this.#spec.timeBin));
      };
      return options.ceilingCache ? options.ceilingCache.get(this, compute) : compute();
    });
    return this.#ceiling.get();
  }
}
