import { I2nBenchmark, NeuralBenchmark, REGIONS, type Region, type VvsPlugin } from '@vvs/core';
import { OBJECT_VISUAL_DEGREES, TEXTURE_VISUAL_DEGREES } from './stimuli.ts';
import { SYNTHETIC_GENERATORS, SYNTHETIC_REPETITIONS, SYNTHETIC_VERSION, syntheticBehaviorData, syntheticNeuralData } from './suite.ts';

export { SYNTHETIC_VERSION };

/** Trials per test image and distractor in the simulated I2n experiment (Brain-Score's Rajalingham2018: 2 looks per image). */
const I2N_LOOKS = 2;

/** Regions shown textures and gratings at 4° (FreemanZiemba2013-like); the others see objects at 8° (MajajHong2015-like). */
const TEXTURE_REGIONS: ReadonlySet<Region> = new Set(['V1', 'V2']);

/**
 * The id of the synthetic benchmark of a target: `synthetic.V1` … `synthetic.IT`, `synthetic.behavior`.
 *
 * @example
 * syntheticBenchmarkId('IT'); // 'synthetic.IT'
 */
export function syntheticBenchmarkId(target: Region | 'behavior'): string {
  return `synthetic.${target}`;
}

/**
 * The built-in synthetic suite as benchmarks, generated on first use (nothing to download):
 * - `synthetic.V1`, `.V2`: textures and gratings at 4°, splits stratified by `texture_type`;
 * - `synthetic.V4`, `.IT`: parametric objects on varied backgrounds at 8°, stratified by `object_name`;
 *   neurons simulated from `builtin:cnn@0`'s `stage1` … `stage4` through a random linear–nonlinear
 *   map, with trial-to-trial noise over repetitions; metric `pls`, split-half ceiling;
 * - `synthetic.behavior`: simulated humans choosing from the same model's `avgpool` readout; metric
 *   `i2n`, human split-half ceiling.
 * The right answer is known: the generating model and layer score near the ceiling. Every score and
 * listing says `synthetic`.
 *
 * @example
 * registry.install(plugin);
 * await registry.benchmark('synthetic.IT').score(commitToLayer('builtin:cnn', adapter, 'stage4'));
 */
export const plugin: VvsPlugin = {
  name: '@vvs/benchmarks-synthetic',
  register(registry) {
    for (const region of REGIONS) {
      const textures = TEXTURE_REGIONS.has(region);
      const generator = SYNTHETIC_GENERATORS[region];
      registry.registerBenchmark(
        new NeuralBenchmark({
          id: syntheticBenchmarkId(region),
          version: SYNTHETIC_VERSION,
          region,
          metric: 'pls',
          stratifyBy: textures ? 'texture_type' : 'object_name',
          visualDegrees: textures ? TEXTURE_VISUAL_DEGREES : OBJECT_VISUAL_DEGREES,
          numberOfTrials: SYNTHETIC_REPETITIONS,
          synthetic: true,
          description: `SYNTHETIC ${region}: neurons simulated from ${generator.model} ${generator.layer} on procedural ${textures ? 'textures and gratings' : 'objects'}`,
          load: async () => {
            const { stimuli, recording } = await syntheticNeuralData(region);
            return { stimuli, recording };
          },
        }),
      );
    }
    const generator = SYNTHETIC_GENERATORS.behavior;
    registry.registerBenchmark(
      new I2nBenchmark({
        id: syntheticBenchmarkId('behavior'),
        version: SYNTHETIC_VERSION,
        visualDegrees: OBJECT_VISUAL_DEGREES,
        numberOfTrials: I2N_LOOKS,
        synthetic: true,
        description: `SYNTHETIC behaviour: match-to-sample choices simulated from ${generator.model} ${generator.layer} readout`,
        load: async () => {
          const { fitting, test, human } = await syntheticBehaviorData();
          return { fitting, test, human };
        },
      }),
    );
  },
};
