import type { DataFetcher, NeuralBenchmarkData, Region } from '@vvs/core';
import type { Access } from '../access.ts';
import { loadNeuralRecording } from '../neural-recording.ts';

/** The presentation coordinate FreemanZiemba2013's splits are stratified by. */
export const FREEMANZIEMBA2013_STRATIFY_BY = 'texture_type';

/** The response window Brain-Score averages FreemanZiemba2013's 1-ms bins over, in ms (`time_window = (50, 200)`). */
export const FREEMANZIEMBA2013_TIME_WINDOW = { start: 50, end: 200 } as const;

/**
 * FreemanZiemba2013 as Brain-Score's benchmarks load it (vision
 * `benchmarks/freemanziemba2013/benchmarks/benchmark.py`, `load_assembly`): the
 * `FreemanZiemba2013.<access>` assembly, the region's neuroids, the plain mean of the 150 one-ms bins
 * [50, 51) … [199, 200), every repetition kept, with the apertured images
 * (`FreemanZiemba2013.aperture-<access>`).
 *
 * @example
 * const { stimuli, recording } = await loadFreemanZiemba2013(fetchData, 'V1', 'public');
 */
export function loadFreemanZiemba2013(fetchData: DataFetcher, region: Extract<Region, 'V1' | 'V2'>, access: Access): Promise<NeuralBenchmarkData> {
  return loadNeuralRecording(fetchData, {
    assembly: `FreemanZiemba2013.${access}`,
    stimuli: `FreemanZiemba2013.aperture-${access}`,
    region,
    timeBin: { kind: 'window', ...FREEMANZIEMBA2013_TIME_WINDOW },
    stimulusColumns: [FREEMANZIEMBA2013_STRATIFY_BY],
  });
}
