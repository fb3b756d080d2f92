import type { CeilingResult } from '@vvs/metrics';
import type { ComputePool } from '../scoring/compute.ts';
import type { BrainModel } from './brain-model.ts';
import type { BenchmarkTarget } from './region.ts';
import type { Score } from './score.ts';

/**
 * What a benchmark run may be given from outside: where to find data, how to report progress, and
 * when to stop. Every field is optional; a benchmark uses sensible defaults (the default data cache).
 *
 * @example
 * await benchmark.score(model, { signal: AbortSignal.timeout(60_000), onProgress: (e) => console.log(e.stage) });
 */
export interface BenchmarkRunOptions {
  /**
   * Fetches the files of a data set (a catalog entry) and resolves to their local paths, e.g.
   * `DataCache.ensure`. Benchmarks that read published data call it; built-in data ignores it.
   */
  readonly fetchData?: (dataSetId: string) => Promise<readonly string[]>;
  /** Stops the run at the next safe point (rejects with the signal's reason). */
  readonly signal?: AbortSignal;
  /** Receives the stage the benchmark is in (`'data'`, `'ceiling'`, `'activations'`, `'metric'`). */
  readonly onProgress?: (event: BenchmarkProgress) => void;
  /**
   * Where the heavy computations (regressions, ceilings, readouts) run: a worker pool in a suite run,
   * this thread by default. Results do not depend on it.
   */
  readonly compute?: ComputePool;
  /**
   * Ceilings kept from earlier runs, under a key that includes the data's checksum; a benchmark
   * whose ceiling is a split-half internal consistency looks there before computing it.
   */
  readonly ceilingCache?: CeilingCache;
}

/**
 * Where a run keeps neural ceilings between runs (`@vvs/suite` keeps them on disk, keyed by
 * benchmark, version and the checksum of the data).
 *
 * @example
 * const cache: CeilingCache = { get: (_benchmark, compute) => compute() }; // keeps nothing
 */
export interface CeilingCache {
  /** The ceiling of `benchmark`: as stored for the same data, or computed by `compute` (and stored). */
  get(benchmark: Benchmark, compute: () => Promise<CeilingResult>): Promise<CeilingResult>;
}

/**
 * One progress report of a benchmark run.
 *
 * @example
 * const event: BenchmarkProgress = { benchmark: 'MajajHong2015public.IT-pls', stage: 'metric', done: 3, total: 10 };
 */
export interface BenchmarkProgress {
  readonly benchmark: string;
  readonly stage: 'data' | 'ceiling' | 'activations' | 'metric';
  readonly done?: number;
  readonly total?: number;
}

/**
 * Experimental data, a metric and a ceiling bundled under one id: Brain-Score's `Benchmark`
 * (`BenchmarkBase` with `identifier`, `version`, `ceiling`, `bibtex`, `__call__(candidate)`).
 *
 * A benchmark names its data, its metric and its ceiling: `metric` is the id of the comparison
 * (`'pls'`, `'ridge'`, `'i2n'`, `'error_consistency'`), `ceiling()` estimates how well the data agree
 * with themselves, and `dataSets` lists the catalog entries its data come from (so `vvs data pull`
 * can fetch them ahead of a run). Construction must be cheap (registries build benchmarks on first
 * use); load data lazily in `ceiling()`/`score()`.
 *
 * @example
 * const it: Benchmark = {
 *   id: 'MajajHong2015public.IT-pls', target: 'IT', version: 3, metric: 'pls',
 *   visualDegrees: 8, numberOfTrials: 50,
 *   ceiling: async () => internalConsistency(await loadNeural()),
 *   score: async (model) => ceilScore(await pls(await model.record('IT', stimuli), await loadNeural())),
 * };
 * const score = await it.score(model); // score.value in [0, 1]
 */
export interface Benchmark {
  /** Registry id, e.g. `'MajajHong2015public.IT-pls'`. */
  readonly id: string;
  /** The region (or behaviour) the benchmark measures. */
  readonly target: BenchmarkTarget;
  /** Non-negative integer; raised whenever the data or metric change scores. */
  readonly version: number;
  /** Id of the metric comparing model and data, e.g. `'pls'` (Brain-Score's metric registry names). */
  readonly metric: string;
  /** Catalog ids of the published data sets the benchmark reads (absent for built-in data). */
  readonly dataSets?: readonly string[];
  /** True for built-in synthetic data: scores say nothing about the brain, and every output says so. */
  readonly synthetic?: boolean;
  /** One line for listings: what is recorded, how it is compared. */
  readonly description?: string;
  /** Citation of the data's paper, as a BibTeX entry. */
  readonly bibtex?: string;
  /** Size of the stimuli in the subject's visual field, in degrees (4 for FreemanZiemba2013, 8 for MajajHong2015). */
  readonly visualDegrees?: number;
  /** Repetitions per stimulus in the experiment (Brain-Score's `number_of_trials`). */
  readonly numberOfTrials?: number;
  /** The data's ceiling (an unceiled {@link Score}: `value` is the ceiling). */
  ceiling(options?: BenchmarkRunOptions): Promise<Score>;
  /** Scores `model` against the data, ceiled. */
  score(model: BrainModel, options?: BenchmarkRunOptions): Promise<Score>;
}
