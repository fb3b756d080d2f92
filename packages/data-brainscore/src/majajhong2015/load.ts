import type { DataFetcher, NeuralBenchmarkData, Region } from '@vvs/core';
import type { Access } from '../access.ts';
import { loadNeuralRecording } from '../neural-recording.ts';

/** The presentation coordinate MajajHong2015's splits are stratified by. */
export const MAJAJHONG2015_STRATIFY_BY = 'object_name';

/**
 * MajajHong2015 as Brain-Score's benchmarks load it (vision `benchmarks/majajhong2015/benchmark.py`,
 * `load_assembly`): the `MajajHong2015.<access>` assembly with its single time bin squeezed, the
 * region's neuroids, every repetition kept (the ceiling needs them), with the `hvm-<access>` images.
 *
 * @example
 * const { stimuli, recording } = await loadMajajHong2015(fetchData, 'IT', 'public');
 */
export function loadMajajHong2015(fetchData: DataFetcher, region: Extract<Region, 'V4' | 'IT'>, access: Access): Promise<NeuralBenchmarkData> {
  return loadNeuralRecording(fetchData, {
    assembly: `MajajHong2015.${access}`,
    stimuli: `hvm-${access}`,
    region,
    timeBin: { kind: 'mean' },
    stimulusColumns: [MAJAJHONG2015_STRATIFY_BY],
  });
}
