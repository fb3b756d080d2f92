import { NeuralBenchmark, type DataSetEntry, type NeuralBenchmarkSpec, type Region, type VvsPlugin } from '@vvs/core';
import { ACCESS_LEVELS, type Access } from './access.ts';

/** What a region's plugin registers. */
export interface NeuralRegionPluginOptions {
  /** The plugin's (package's) name. */
  readonly name: string;
  readonly region: Region;
  /** Every data set its benchmarks read, public and private. */
  readonly dataSets: readonly DataSetEntry[];
  /** The benchmark of each access level: its data, metric and ceiling. */
  readonly benchmark: (access: Access) => NeuralBenchmarkSpec;
  /** The id of the benchmark that commits the region's layer. */
  readonly selectionBenchmark: string;
}

/**
 * A plugin registering a region's Brain-Score benchmarks (public and private), the data sets they
 * read, and the region's layer-selection benchmark — the shape every `@vvs/benchmarks-<region>`
 * package shares. Benchmarks fetch their data through the registry's data cache.
 *
 * @example
 * export const plugin = neuralRegionPlugin({
 *   name: '@vvs/benchmarks-it', region: 'IT', dataSets: MAJAJHONG2015_DATA_SETS,
 *   benchmark: (access) => majajHong2015Spec('IT', access), selectionBenchmark: 'MajajHong2015public.IT-pls',
 * });
 */
export function neuralRegionPlugin(options: NeuralRegionPluginOptions): VvsPlugin {
  return {
    name: options.name,
    register(registry) {
      for (const entry of options.dataSets) registry.registerDataSet(entry);
      for (const access of ACCESS_LEVELS) {
        registry.registerBenchmark(new NeuralBenchmark(options.benchmark(access), { fetchData: registry.fetchData }));
      }
      registry.registerSelectionBenchmark(options.region, options.selectionBenchmark);
    },
  };
}
