import { describe, expect, it } from 'vitest';
import { I2nBenchmark, PluginRegistry, RegistrationError, createContainer } from '@vvs/core';
import { GEIRHOS2021_BIBTEX, RAJALINGHAM2018_BIBTEX } from '@vvs/data-brainscore';
import defaultPlugin, { ErrorConsistencyBenchmark, GEIRHOS2021_DATASETS, plugin } from '../src/index.ts';

/** Brain-Score's registry keys of the 17 error-consistency benchmarks (vision `benchmarks/geirhos2021/__init__.py`). */
const GEIRHOS2021_IDS = [
  'colour', 'contrast', 'cueconflict', 'edge', 'eidolonI', 'eidolonII', 'eidolonIII', 'falsecolour', 'highpass',
  'lowpass', 'phasescrambling', 'powerequalisation', 'rotation', 'silhouette', 'sketch', 'stylized', 'uniformnoise',
].map((dataset) => `Geirhos2021${dataset}-error_consistency`);

function freshRegistry(): PluginRegistry {
  return createContainer().resolve(PluginRegistry);
}

describe('@vvs/benchmarks-behavior plugin', () => {
  it('registers the 19 behavioural benchmarks, all with target behavior', () => {
    const registry = freshRegistry();
    registry.install(plugin);
    const listed = registry.list('benchmark');
    expect(listed.map((b) => b.id)).toEqual(['Rajalingham2018public-i2n', 'Rajalingham2018-i2n', ...GEIRHOS2021_IDS]);
    expect(listed.every((b) => b.target === 'behavior' && b.registrant === '@vvs/benchmarks-behavior')).toBe(true);
    expect(listed.map((b) => b.version)).toEqual([2, 2, ...GEIRHOS2021_IDS.map(() => 1)]);
    expect(registry.plugins()).toEqual(['@vvs/benchmarks-behavior']);
    expect(defaultPlugin).toBe(plugin);
  });

  it("builds each benchmark with Brain-Score's facts", () => {
    const registry = freshRegistry();
    registry.install(plugin);
    const i2n = registry.benchmark('Rajalingham2018-i2n');
    expect(i2n).toBeInstanceOf(I2nBenchmark);
    expect(i2n).toMatchObject({ metric: 'i2n', visualDegrees: 8, numberOfTrials: 2, bibtex: RAJALINGHAM2018_BIBTEX });
    const cueConflict = registry.benchmark('Geirhos2021cueconflict-error_consistency');
    expect(cueConflict).toBeInstanceOf(ErrorConsistencyBenchmark);
    expect(cueConflict).toMatchObject({
      metric: 'error_consistency',
      visualDegrees: 3,
      numberOfTrials: 1,
      bibtex: GEIRHOS2021_BIBTEX,
      dataSets: ['Geirhos2021_cue-conflict', 'Geirhos2021_cue-conflict.stimuli'],
    });
  });

  it('registers every data set its benchmarks read', () => {
    const registry = freshRegistry();
    registry.install(plugin);
    const ids = registry.dataSets.list().map((entry) => entry.id);
    expect(ids).toHaveLength(4 + 2 * GEIRHOS2021_DATASETS.length);
    const read = registry.list('benchmark').flatMap((b) => registry.benchmark(b.id).dataSets ?? []);
    expect(new Set(read)).toEqual(new Set(ids));
    expect(registry.dataSets.get('Geirhos2021_false-colour').files[0].name).toBe('assy_brendel_Geirhos2021_false-colour.nc');
  });

  it('refuses to be installed twice', () => {
    const registry = freshRegistry();
    registry.install(plugin);
    expect(() => registry.install(plugin)).toThrow(RegistrationError);
    expect(() => registry.install(plugin)).toThrow('plugin "@vvs/benchmarks-behavior" is already installed');
  });
});
