import type { VvsPlugin } from '@vvs/core';
import { FREEMANZIEMBA2013_DATA_SETS, neuralRegionPlugin, freemanZiemba2013Spec } from '@vvs/data-brainscore';

/**
 * Brain-Score's V1 benchmarks, `FreemanZiemba2013public.V1-pls` and `FreemanZiemba2013.V1-pls`:
 * - data: FreemanZiemba2013 (Freeman et al. 2013), responses to naturalistic textures and matched noise shown at 4°, averaged over 50–200 ms, splits stratified by texture_type;
 * - metric: `pls` (cross-validated PLS-25 regression, Pearson r per neuroid, median over neuroids);
 * - ceiling: split-half internal consistency over repetitions, Spearman–Brown corrected.
 * The public benchmark commits models' V1 layers.
 *
 * @example
 * registry.install(plugin);
 * await registry.benchmark('FreemanZiemba2013public.V1-pls').score(model, { fetchData: registry.fetchData });
 */
export const plugin: VvsPlugin = neuralRegionPlugin({
  name: '@vvs/benchmarks-v1',
  region: 'V1',
  dataSets: FREEMANZIEMBA2013_DATA_SETS,
  benchmark: (access) => freemanZiemba2013Spec('V1', access),
  selectionBenchmark: 'FreemanZiemba2013public.V1-pls',
});
