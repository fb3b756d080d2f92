/**
 * A benchmark plugin in one file: `Example2026.IT-ridge` compares models with the built-in synthetic
 * IT recording by cross-validated ridge regression instead of PLS. A benchmark names its data, its
 * metric and its ceiling; registering it touches nothing in vvs's core.
 *
 *   pnpm vvs score --plugin ./examples/custom-benchmark/plugin.ts --model builtin:cnn --benchmark Example2026.IT-ridge --layer stage4
 */
import { NeuralBenchmark, type VvsPlugin } from '@vvs/core';
import { SYNTHETIC_REPETITIONS, syntheticNeuralData } from '@vvs/benchmarks-synthetic';

export const plugin: VvsPlugin = {
  name: 'example-custom-benchmark',
  register(registry) {
    registry.registerBenchmark(
      new NeuralBenchmark({
        id: 'Example2026.IT-ridge',
        version: 1,
        region: 'IT',
        // The metric: ridge regression from the model's features to each neuroid, Pearson r on the
        // held-out stimuli of 10 splits stratified by object, median over neuroids.
        metric: 'ridge',
        stratifyBy: 'object_name',
        visualDegrees: 8,
        numberOfTrials: SYNTHETIC_REPETITIONS,
        synthetic: true,
        description: 'the synthetic IT recording, compared by ridge regression',
        // The data: images and a recording with repetitions (here generated; usually files fetched
        // through `fetchData` from data sets registered with registry.registerDataSet).
        load: async () => {
          const { stimuli, recording } = await syntheticNeuralData('IT');
          return { stimuli, recording };
        },
        // The ceiling: NeuralBenchmark's split-half internal consistency over the repetitions.
      }),
    );
  },
};

export default plugin;
