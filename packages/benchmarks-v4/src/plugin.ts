import type { VvsPlugin } from '@vvs/core';
import { MAJAJHONG2015_DATA_SETS, neuralRegionPlugin, majajHong2015Spec } from '@vvs/data-brainscore';

/**
 * Brain-Score's V4 benchmarks, `MajajHong2015public.V4-pls` and `MajajHong2015.V4-pls`:
 * - data: MajajHong2015 (Majaj et al. 2015), multi-unit responses to HvM object images shown at 8°, splits stratified by object_name;
 * - metric: `pls` (cross-validated PLS-25 regression, Pearson r per neuroid, median over neuroids);
 * - ceiling: split-half internal consistency over repetitions, Spearman–Brown corrected.
 * The public benchmark commits models' V4 layers.
 *
 * @example
 * registry.install(plugin);
 * await registry.benchmark('MajajHong2015public.V4-pls').score(model, { fetchData: registry.fetchData });
 */
export const plugin: VvsPlugin = neuralRegionPlugin({
  name: '@vvs/benchmarks-v4',
  region: 'V4',
  dataSets: MAJAJHONG2015_DATA_SETS,
  benchmark: (access) => majajHong2015Spec('V4', access),
  selectionBenchmark: 'MajajHong2015public.V4-pls',
});
