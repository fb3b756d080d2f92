/**
 * What every benchmark implementation needs around its metric: data loaded once and shared by all
 * models, a data fetcher when none is given, timings, and the shape of the ceiling's Score.
 */
import type { Score } from '../contracts/score.ts';
import { InputError } from '../errors.ts';

/**
 * Fetches the files of a catalog data set and resolves to their local paths (e.g. `DataCache.ensure`).
 *
 * @example
 * const fetchData: DataFetcher = (id) => cache.ensure(id);
 */
export type DataFetcher = (dataSetId: string) => Promise<readonly string[]>;

/**
 * A fetcher for benchmarks constructed without one: it refuses, naming the benchmark and the data
 * set, so that a benchmark never silently downloads from a place nobody configured.
 *
 * @example
 * await noDataFetcher('MajajHong2015public.IT-pls')('MajajHong2015.public'); // throws InputError
 */
export function noDataFetcher(benchmarkId: string): DataFetcher {
  return async (dataSetId) => {
    throw new InputError(
      `benchmark '${benchmarkId}' reads data set '${dataSetId}', but it was given no way to fetch data: ` +
        'pass { fetchData } (e.g. a DataCache) to score()/ceiling(), or run it through `vvs score`',
      { field: 'fetchData' },
    );
  };
}

/**
 * A lazily computed value shared by every caller, computed again only after a failure (so a
 * transient download error does not poison the benchmark for the rest of a run).
 *
 * @example
 * const data = new Lazy(() => loadAssembly());
 * const a = await data.get(); const b = await data.get(); // one load
 */
export class Lazy<T> {
  #pending: Promise<T> | undefined;

  constructor(private readonly compute: () => Promise<T>) {}

  get(): Promise<T> {
    if (this.#pending === undefined) {
      this.#pending = this.compute();
      this.#pending.catch(() => {
        this.#pending = undefined;
      });
    }
    return this.#pending;
  }
}

/**
 * The {@link Score} of a ceiling estimate: not ceiled itself, so `value = unclipped = raw` and
 * `ceiling = 1`, with the estimate's standard error.
 *
 * @example
 * ceilingScore(0.82, 0.004, { benchmark: 'MajajHong2015public.IT-pls' }).value; // 0.82
 */
export function ceilingScore(value: number, error: number, attrs: Record<string, unknown>): Score {
  return { value, unclipped: value, raw: value, ceiling: 1, error, normalization: 'none', attrs };
}

/**
 * Milliseconds since `start` (a `performance.now()` reading), rounded to 0.1 ms for reports.
 *
 * @example
 * const t0 = performance.now(); await work(); elapsedMs(t0); // 1234.5
 */
export function elapsedMs(start: number): number {
  return Math.round((performance.now() - start) * 10) / 10;
}
