/**
 * Geirhos2021 as Brain-Score's error-consistency benchmarks load it (vision
 * `benchmarks/geirhos2021/benchmark.py`, `load_assembly`): the human trials of
 * `Geirhos2021_<dataset>` without the excluded conditions, and the images of the kept trials.
 */
import { InputError, coordinate, selectStimuli, stimulusKey, type DataFetcher, type StimulusSet } from '@vvs/core';
import { openBrainScoreStimulusSet } from '@vvs/io';
import type { ObserverTrial } from '@vvs/metrics';
import { readBehavioralAssembly } from '../behavioral-assembly.ts';
import type { Geirhos2021Dataset } from './catalog.ts';

/**
 * The conditions Brain-Score's Geirhos2021 benchmarks leave out (`EXCLUDE_CONDITIONS` in vision
 * `benchmarks/geirhos2021/benchmark.py`, taken from model-vs-human's `plotting/plot.py`): each
 * parametric dataset's undistorted control and the conditions where mean human accuracy is below
 * 0.2. The values are as Brain-Score writes them, typed as its assemblies' `condition` coordinate
 * holds them: numbers for high-pass (∞ is `np.inf`), low-pass, phase-scrambling, rotation and
 * uniform-noise; strings otherwise — including `'False-Colour'`, Brain-Score's label of the
 * false-colour control, and `'0'` for power-equalisation. Brain-Score compares them with `np.isin`,
 * so a number never matches a string. (model-vs-human's own table, over the labels of its trial
 * CSVs, is `EXCLUDE_CONDITIONS` of `@vvs/benchmarks-behavior`; the two select the same trials.)
 * Datasets without conditions exclude nothing.
 */
export const GEIRHOS2021_EXCLUDE_CONDITIONS: Readonly<Record<Geirhos2021Dataset, readonly (string | number)[]>> = {
  colour: ['cr'],
  contrast: ['c100', 'c03', 'c01'],
  'cue-conflict': [],
  edge: [],
  eidolonI: ['1-10-10', '64-10-10', '128-10-10'],
  eidolonII: ['1-3-10', '32-3-10', '64-3-10', '128-3-10'],
  eidolonIII: ['1-0-10', '16-0-10', '32-0-10', '64-0-10', '128-0-10'],
  'false-colour': ['False-Colour'],
  'high-pass': [Number.POSITIVE_INFINITY, 0.55, 0.45, 0.4],
  'low-pass': [0, 15, 40],
  'phase-scrambling': [0, 150, 180],
  'power-equalisation': ['0'],
  rotation: [0],
  silhouette: [],
  sketch: [],
  stylized: [],
  'uniform-noise': [0.0, 0.6, 0.9],
};

/** One Geirhos2021 data set as its Brain-Score benchmark sees it. */
export interface Geirhos2021Data {
  /** The images of the kept trials, in the stimulus set's order. */
  readonly stimuli: StimulusSet;
  /**
   * The human trials in the kept conditions: `subject`, `imageId` (the trial's stimulus id), `truth`,
   * `choice` (the assembly's values) and `condition` as text (numbers written by JavaScript's
   * `String`, e.g. `'3'` for 3.0; the labels only group trials).
   */
  readonly trials: ObserverTrial[];
}

/**
 * Geirhos2021 `dataset` as Brain-Score's benchmark loads it: the trials of `Geirhos2021_<dataset>`
 * (a 1-D behavioural assembly with coordinates `subject`, `condition`, `truth` and `stimulus_id` or
 * `image_id`, the values being the subjects' choices) minus the trials whose condition is in
 * {@link GEIRHOS2021_EXCLUDE_CONDITIONS} (each of which must occur, as Brain-Score asserts), and the
 * images of `Geirhos2021_<dataset>.stimuli` restricted to those of the kept trials.
 *
 * @throws InputError when an excluded condition does not occur, a coordinate is missing, or a kept
 *   trial's image is not in the stimulus set; InputFileError for a malformed file.
 * @example
 * const { stimuli, trials } = await loadGeirhos2021(fetchData, 'colour');
 * new Set(trials.map((t) => t.condition)); // Set { 'bw' }
 */
export async function loadGeirhos2021(fetchData: DataFetcher, dataset: Geirhos2021Dataset): Promise<Geirhos2021Data> {
  const [assemblyPath] = await fetchData(`Geirhos2021_${dataset}`);
  const [csv, zip] = await fetchData(`Geirhos2021_${dataset}.stimuli`);
  const { trials: assembly, choices } = await readBehavioralAssembly(assemblyPath!);
  const text = (name: string) => coordinate(assembly, name, 'presentation').values.map(String);
  const conditions = coordinate(assembly, 'condition', 'presentation').values;
  const excluded = GEIRHOS2021_EXCLUDE_CONDITIONS[dataset];
  const absent = excluded.filter((condition) => !(conditions as readonly (string | number)[]).includes(condition));
  if (absent.length > 0) {
    throw new InputError(
      `${assemblyPath}: excluded condition(s) ${absent.map((c) => JSON.stringify(c)).join(', ')} of ${dataset} do not occur among its conditions`,
      { file: assemblyPath, field: 'condition' },
    );
  }
  const subjects = text('subject');
  const imageIds = text(stimulusKey(assembly));
  const truths = text('truth');
  const trials: ObserverTrial[] = [];
  for (let t = 0; t < choices.length; t++) {
    if (excluded.includes(conditions[t])) continue;
    trials.push({ subject: subjects[t], condition: String(conditions[t]), imageId: imageIds[t], truth: truths[t], choice: choices[t] });
  }
  const all = await openBrainScoreStimulusSet({ csv: csv!, zip: zip!, identifier: `Geirhos2021_${dataset}` });
  return { stimuli: selectStimuli(all, trials.map((trial) => trial.imageId), assemblyPath!), trials };
}
