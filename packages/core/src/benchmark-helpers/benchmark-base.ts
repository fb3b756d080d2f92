import type { BenchmarkProgress, BenchmarkRunOptions } from '../contracts/benchmark.ts';
import type { BenchmarkTarget } from '../contracts/region.ts';
import { Lazy, noDataFetcher, type DataFetcher } from './run-support.ts';

/** What every spec-defined benchmark states about itself, besides how to load its data. */
export interface BenchmarkSpecBase<TData> {
  readonly id: string;
  readonly version: number;
  readonly visualDegrees: number;
  readonly numberOfTrials: number;
  readonly description?: string;
  readonly bibtex?: string;
  /** Catalog ids of the published data sets `load` fetches. */
  readonly dataSets?: readonly string[];
  readonly synthetic?: boolean;
  /** Reads the data, fetching files through `fetchData` when they are published ones. */
  load(fetchData: DataFetcher, signal?: AbortSignal): Promise<TData>;
}

/**
 * The part of Brain-Score's `BenchmarkBase` every vvs benchmark defined by a spec shares: its
 * descriptive fields, and its data, loaded on first use through the run's fetcher (or the default
 * one), shared by every model scored, and loaded again only after a failure.
 *
 * @example
 * class MyBenchmark extends SpecBenchmark<MyData> { … }
 */
export abstract class SpecBenchmark<TData> {
  readonly id: string;
  abstract readonly target: BenchmarkTarget;
  abstract readonly metric: string;
  readonly version: number;
  readonly visualDegrees: number;
  readonly numberOfTrials: number;
  readonly description?: string;
  readonly bibtex?: string;
  readonly dataSets?: readonly string[];
  readonly synthetic?: boolean;

  readonly #spec: BenchmarkSpecBase<TData>;
  readonly #defaultFetch: DataFetcher;
  #data: Lazy<TData> | undefined;

  protected constructor(spec: BenchmarkSpecBase<TData>, fetchData: DataFetcher | undefined) {
    this.#spec = spec;
    this.id = spec.id;
    this.version = spec.version;
    this.visualDegrees = spec.visualDegrees;
    this.numberOfTrials = spec.numberOfTrials;
    if (spec.description !== undefined) this.description = spec.description;
    if (spec.bibtex !== undefined) this.bibtex = spec.bibtex;
    if (spec.dataSets !== undefined) this.dataSets = spec.dataSets;
    if (spec.synthetic) this.synthetic = true;
    this.#defaultFetch = fetchData ?? noDataFetcher(spec.id);
  }

  /** The benchmark's data, loaded on first use and then kept. */
  data(options: BenchmarkRunOptions = {}): Promise<TData> {
    this.#data ??= new Lazy(async () => {
      this.report(options, 'data');
      return this.prepare(await this.#spec.load(options.fetchData ?? this.#defaultFetch, options.signal));
    });
    return this.#data.get();
  }

  /** Adjusts loaded data before it is kept (e.g. shows the stimuli at the benchmark's visual degrees). */
  protected abstract prepare(loaded: TData): TData;

  /** Tells the run's progress listener, if any, which stage this benchmark is in. */
  protected report(options: BenchmarkRunOptions, stage: BenchmarkProgress['stage'], done?: number, total?: number): void {
    options.onProgress?.({ benchmark: this.id, stage, ...(done !== undefined ? { done } : {}), ...(total !== undefined ? { total } : {}) });
  }

  /** `attrs` every score and ceiling of this benchmark carries. */
  protected labels(): Record<string, unknown> {
    return { benchmark: this.id, version: this.version, ...(this.synthetic ? { synthetic: true } : {}) };
  }
}
