/**
 * Rajalingham2018 as Brain-Score's I2n benchmarks load it (vision
 * `benchmarks/rajalingham2018/benchmarks/benchmark.py` and `public_benchmark.py`): the human
 * match-to-sample trials of `Rajalingham2018.<access>`, the images they were shown
 * (`objectome.<access>`, the assembly's stimulus set), and the public objectome images the model's
 * readout is fitted on (`objectome.public`, labelled by `image_label`).
 */
import {
  InputError,
  LABEL_COLUMN,
  assemblySource,
  coordinate,
  stimulusKey,
  type Assembly,
  type DataFetcher,
  type I2nBenchmarkData,
  type StimulusSet,
} from '@vvs/core';
import { openBrainScoreStimulusSet } from '@vvs/io';
import { readBehavioralAssembly } from '../behavioral-assembly.ts';
import { compareCodePoints, type I2nHumanData } from '@vvs/metrics';
import type { Access } from '../access.ts';

/**
 * The human trials of a Brain-Score I2n assembly as `@vvs/metrics`' {@link I2nHumanData}: images
 * keyed by `stimulus_id` (older files: `image_id`), the objects being every name that occurs as a
 * sample, distractor or choice (sorted), each image's truth its `truth` coordinate (Brain-Score's
 * packaging sets `truth = sample_obj`; `sample_obj` stands in when a file lacks `truth`), and the
 * trials' `sample_obj`, `dist_obj` and choice (the assembly's values) as indices, in the
 * assembly's order (the random halves depend on it).
 *
 * @throws InputError naming the file for a missing coordinate or an image with two truths.
 * @example
 * const { trials, choices } = await readBehavioralAssembly(path);
 * const human = i2nHumanData(trials, choices);
 * human.trials.stimulus.length; // the number of trials
 */
export function i2nHumanData(trials: Assembly, choices: readonly string[]): I2nHumanData {
  const text = (name: string) => coordinate(trials, name, 'presentation').values.map(String);
  const ids = text(stimulusKey(trials));
  const sample = text('sample_obj');
  const distractor = text('dist_obj');
  const truth = trials.coords.truth !== undefined ? text('truth') : sample;

  const objects = [...new Set([...sample, ...distractor, ...choices])].sort(compareCodePoints);
  const objectIndex = new Map(objects.map((name, k) => [name, k]));
  const stimulusIds: string[] = [];
  const imageTruth: number[] = [];
  const stimulusIndex = new Map<string, number>();
  const stimulus = new Int32Array(ids.length);
  for (let t = 0; t < ids.length; t++) {
    let k = stimulusIndex.get(ids[t]);
    if (k === undefined) {
      k = stimulusIds.length;
      stimulusIndex.set(ids[t], k);
      stimulusIds.push(ids[t]);
      imageTruth.push(objectIndex.get(truth[t])!);
    } else if (objects[imageTruth[k]] !== truth[t]) {
      throw new InputError(`${assemblySource(trials)}: image '${ids[t]}' has two truths, '${objects[imageTruth[k]]}' and '${truth[t]}'`, {
        file: assemblySource(trials),
        field: 'truth',
      });
    }
    stimulus[t] = k;
  }
  const indices = (names: readonly string[]) => Int32Array.from(names, (name) => objectIndex.get(name)!);
  return {
    objects,
    stimulusIds,
    imageTruth: Int32Array.from(imageTruth),
    trials: { stimulus, sampleObj: indices(sample), distObj: indices(distractor), choice: indices(choices) },
  };
}

/**
 * Rajalingham2018 as Brain-Score's I2n benchmark of `access` loads it: the fitting images
 * (`objectome.public`, every row labelled in `image_label`), the test images (`objectome.<access>`,
 * the stimulus set of the assembly — for the public benchmark the same images as the fitting ones),
 * and the human trials of `Rajalingham2018.<access>` ({@link i2nHumanData}). Every test image must
 * have trials and every trial's image must be a test image, as Brain-Score's metric requires.
 *
 * @throws InputError when a fitting image has no label or the trials and the test images differ;
 *   InputFileError for a malformed file.
 * @example
 * const { fitting, test, human } = await loadRajalingham2018(fetchData, 'public');
 * test.rows.length; // 2160
 */
export async function loadRajalingham2018(fetchData: DataFetcher, access: Access): Promise<I2nBenchmarkData> {
  const fitting = await openStimulusSet(fetchData, 'objectome.public');
  const unlabelled = fitting.rows.find((row) => row[LABEL_COLUMN] === undefined || row[LABEL_COLUMN] === null);
  if (unlabelled !== undefined) {
    throw new InputError(`objectome.public: fitting image '${unlabelled.stimulus_id}' has no '${LABEL_COLUMN}'`, { field: LABEL_COLUMN });
  }
  const test = access === 'public' ? fitting : await openStimulusSet(fetchData, `objectome.${access}`);
  const [assemblyPath] = await fetchData(`Rajalingham2018.${access}`);
  const { trials, choices } = await readBehavioralAssembly(assemblyPath!);
  const human = i2nHumanData(trials, choices);
  checkSameImages(assemblyPath!, human.stimulusIds, test);
  return { fitting, test, human };
}

async function openStimulusSet(fetchData: DataFetcher, id: string): Promise<StimulusSet> {
  const [csv, zip] = await fetchData(id);
  return openBrainScoreStimulusSet({ csv: csv!, zip: zip!, identifier: id });
}

/** The trials' images and the test images must be the same set: the model is scored on every image it sees. */
function checkSameImages(path: string, trialImages: readonly string[], test: StimulusSet): void {
  const shown = new Set(test.rows.map((row) => row.stimulus_id));
  const tried = new Set(trialImages);
  const withoutImage = trialImages.filter((id) => !shown.has(id));
  const withoutTrials = test.rows.map((row) => row.stimulus_id).filter((id) => !tried.has(id));
  const sample = (ids: string[]) => `${ids.slice(0, 3).join(', ')}${ids.length > 3 ? ', …' : ''}`;
  if (withoutImage.length > 0) {
    throw new InputError(`${path}: ${withoutImage.length} images with trials are not in stimulus set ${test.identifier} (${sample(withoutImage)})`, {
      file: path,
      field: 'stimulus_id',
    });
  }
  if (withoutTrials.length > 0) {
    throw new InputError(`${path}: ${withoutTrials.length} images of stimulus set ${test.identifier} have no trials (${sample(withoutTrials)})`, {
      file: path,
      field: 'stimulus_id',
    });
  }
}
