/**
 * Registers a custom model through the plugin registry (dependency injection), commits it to
 * regions, and scores it on the synthetic suite's V1 and IT benchmarks.
 *
 *   pnpm --filter @vvs/example-custom-model start
 */
import { CommittedBrainModel, PluginRegistry, createContainer } from '@vvs/core';
import { plugin as synthetic } from '@vvs/benchmarks-synthetic';
import { ColourGridModel } from './model.ts';

const registry = createContainer().resolve(PluginRegistry);
registry.install(synthetic);
registry.install({
  name: 'my-models',
  register(r) {
    // A factory: the model is built on first use, with the container at hand for any service it needs.
    r.registerModel(
      () =>
        new CommittedBrainModel('colour-grid', new ColourGridModel(), {
          regionLayer: { V1: 'luminance', V2: 'luminance', V4: 'colour', IT: 'colour' },
          behavioralReadoutLayer: 'colour',
        }),
      { id: 'colour-grid' },
    );
  },
});

const model = registry.model('colour-grid');
for (const id of ['synthetic.V1', 'synthetic.IT']) {
  const score = await registry.benchmark(id).score(model);
  console.log(`${model.id} on ${id} [synthetic]: score ${score.value.toFixed(3)}, raw ${score.raw.toFixed(3)}, ceiling ${score.ceiling.toFixed(3)} (layer ${score.attrs?.layer})`);
}
