import { I2nBenchmark, type VvsPlugin } from '@vvs/core';
import {
  ACCESS_LEVELS,
  GEIRHOS2021_DATASETS,
  OBJECTOME_PRIVATE,
  OBJECTOME_PUBLIC,
  RAJALINGHAM2018_PRIVATE,
  RAJALINGHAM2018_PUBLIC,
  geirhos2021Entries,
} from '@vvs/data-brainscore';
import { ErrorConsistencyBenchmark } from './geirhos2021/brainscore-benchmark.ts';
import { rajalingham2018Spec } from './rajalingham2018/benchmark-spec.ts';

/**
 * Brain-Score's behavioural benchmarks (target `behavior`), with the published data sets they read:
 * - `Rajalingham2018public-i2n` and `Rajalingham2018-i2n`: human match-to-sample trials on objectome
 *   images (Rajalingham et al. 2018), I2n consistency of the model's readout probabilities,
 *   split-half ceiling;
 * - `Geirhos2021<dataset>-error_consistency` for the 17 model-vs-human datasets (Geirhos et al. 2021):
 *   error consistency (Cohen's κ) of the model's 16-class decisions with each human subject,
 *   ceiled by the subjects' with each other. These need models that give logits.
 *
 * Benchmarks fetch their data through the registry's data cache.
 *
 * @example
 * registry.install(plugin);
 * const score = await registry.benchmark('Geirhos2021colour-error_consistency').score(model);
 */
export const plugin: VvsPlugin = {
  name: '@vvs/benchmarks-behavior',
  register(registry) {
    for (const entry of [RAJALINGHAM2018_PUBLIC, RAJALINGHAM2018_PRIVATE, OBJECTOME_PUBLIC, OBJECTOME_PRIVATE]) registry.registerDataSet(entry);
    for (const dataset of GEIRHOS2021_DATASETS) for (const entry of geirhos2021Entries(dataset)) registry.registerDataSet(entry);
    for (const access of ACCESS_LEVELS) {
      registry.registerBenchmark(new I2nBenchmark(rajalingham2018Spec(access), { fetchData: registry.fetchData }));
    }
    for (const dataset of GEIRHOS2021_DATASETS) {
      registry.registerBenchmark(new ErrorConsistencyBenchmark(dataset, { fetchData: registry.fetchData }));
    }
  },
};
