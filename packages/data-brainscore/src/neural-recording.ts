/**
 * Brain-Score's preparation of a neural recording for its benchmarks
 * (`benchmarks/<name>/benchmark.py: load_assembly`): keep one region's neuroids, collapse the time
 * bins to the response window, and pair the recording with the images it was recorded on.
 */
import {
  InputError,
  assemblySource,
  collapseTimeBins,
  coordinate,
  selectAlong,
  selectStimuli,
  stimulusKey,
  type Assembly,
  type DataFetcher,
  type NeuralBenchmarkData,
  type Region,
  type StimulusSet,
  type TimeBinSelection,
} from '@vvs/core';
import { openBrainScoreStimulusSet, readNetcdfAssembly } from '@vvs/io';

/** Which files make up a recording and how to cut it. */
export interface NeuralRecordingSource {
  /** Catalog id of the assembly (`'MajajHong2015.public'`). */
  readonly assembly: string;
  /** Catalog id of its stimulus set (`'hvm-public'`). */
  readonly stimuli: string;
  /** The region whose neuroids to keep (the `region` neuroid coordinate). */
  readonly region: Region;
  /** How the time bins collapse (MajajHong2015: its one bin; FreemanZiemba2013: the 50–200 ms window). */
  readonly timeBin: TimeBinSelection;
  /** Stimulus-set columns the benchmark needs on the presentations (e.g. its stratification coordinate). */
  readonly stimulusColumns: readonly string[];
}

/**
 * Fetches and prepares a Brain-Score recording: `presentation × neuroid`, one row per repetition,
 * the region's neuroids only, time bins collapsed, with the named stimulus-set columns attached to
 * the presentations where the file lacks them (Brain-Score's `stimulus_set_loader` merges them in);
 * and the stimulus set cut down to the recorded images.
 *
 * @example
 * const data = await loadNeuralRecording(fetchData, {
 *   assembly: 'MajajHong2015.public', stimuli: 'hvm-public', region: 'IT',
 *   timeBin: { kind: 'mean' }, stimulusColumns: ['object_name'],
 * });
 */
export async function loadNeuralRecording(fetchData: DataFetcher, source: NeuralRecordingSource): Promise<NeuralBenchmarkData> {
  const [assemblyPath] = await fetchData(source.assembly);
  const [csv, zip] = await fetchData(source.stimuli);
  const stimuli = await openBrainScoreStimulusSet({ csv: csv!, zip: zip!, identifier: source.stimuli });
  const raw = await readNetcdfAssembly(assemblyPath!);
  const region = selectAlong(raw, 'region', [source.region]);
  const recording = withStimulusColumns(collapseTimeBins(region, source.timeBin), stimuli, source.stimulusColumns);
  const recorded = coordinate(recording, stimulusKey(recording), 'presentation').values.map(String);
  return { stimuli: selectStimuli(stimuli, recorded, assemblyPath!), recording };
}

/**
 * `recording` with each of `columns` present on its presentations, taken from the stimulus set by
 * stimulus id when the file does not carry it.
 *
 * @throws InputError when a column is in neither, or a recorded stimulus is not in the set.
 */
export function withStimulusColumns(recording: Assembly, stimuli: StimulusSet, columns: readonly string[]): Assembly {
  const missing = columns.filter((c) => recording.coords[c] === undefined);
  if (missing.length === 0) return recording;
  const ids = coordinate(recording, stimulusKey(recording), 'presentation').values.map(String);
  const rows = new Map(stimuli.rows.map((row) => [row.stimulus_id, row]));
  const coords = { ...recording.coords };
  for (const column of missing) {
    if (!stimuli.rows.some((row) => row[column] !== undefined)) {
      throw new InputError(`${assemblySource(recording)}: neither the recording nor stimulus set ${stimuli.identifier} has a '${column}' column`, {
        field: column,
      });
    }
    coords[column] = {
      dim: 'presentation',
      values: ids.map((id) => {
        const row = rows.get(id);
        if (row === undefined) {
          throw new InputError(`${assemblySource(recording)}: recorded stimulus '${id}' is not in stimulus set ${stimuli.identifier}`, { field: 'stimulus_id' });
        }
        return row[column];
      }) as string[] | number[],
    };
  }
  return { ...recording, coords };
}
