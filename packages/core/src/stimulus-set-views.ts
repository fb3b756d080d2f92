/**
 * Views of a stimulus set that share its images: a subset of its stimuli, or the same stimuli shown
 * at another size. Nothing is copied or read.
 */
import type { StimulusSet } from './contracts/stimulus-set.ts';
import { InputError } from './errors.ts';

/** How many missing ids an error lists before `…`. */
const LISTED_MISSING = 5;

function view(stimuli: StimulusSet, rows: StimulusSet['rows'], visualDegrees: number | undefined): StimulusSet {
  return {
    identifier: stimuli.identifier,
    rows,
    ...(visualDegrees !== undefined ? { visualDegrees } : {}),
    getImage: (id) => stimuli.getImage(id),
    ...(stimuli.imagePath ? { imagePath: (id: string) => stimuli.imagePath!(id) } : {}),
  };
}

/**
 * The stimuli of `stimuli` whose id is among `ids`, in the set's order (what a recording or a set of
 * trials covers, so a model looks only at the images it is scored on).
 *
 * @param origin - what asked for the ids (a file), named in the error.
 * @throws InputError listing a few of the ids the set lacks.
 * @example
 * const shown = selectStimuli(hvm, recordedIds, 'assy_dicarlo_MajajHong2015_public.nc');
 */
export function selectStimuli(stimuli: StimulusSet, ids: Iterable<string>, origin: string): StimulusSet {
  const wanted = new Set(ids);
  const rows = stimuli.rows.filter((row) => wanted.has(row.stimulus_id));
  if (rows.length < wanted.size) {
    const present = new Set(rows.map((row) => row.stimulus_id));
    const missing = [...wanted].filter((id) => !present.has(id));
    throw new InputError(
      `${origin}: ${missing.length} stimuli are not in stimulus set ${stimuli.identifier} ` +
        `(${missing.slice(0, LISTED_MISSING).join(', ')}${missing.length > LISTED_MISSING ? ', …' : ''})`,
      { file: origin, field: 'stimulus_id' },
    );
  }
  return rows.length === stimuli.rows.length ? stimuli : view(stimuli, rows, stimuli.visualDegrees);
}

/**
 * `stimuli` as seen at `visualDegrees`: the same set when it already says so, otherwise a view with
 * that field of view (the benchmark, not the file, knows how large the images were shown).
 *
 * @example
 * const shown = atVisualDegrees(await openStimulusSet(dir), 4);
 */
export function atVisualDegrees(stimuli: StimulusSet, visualDegrees: number): StimulusSet {
  return stimuli.visualDegrees === visualDegrees ? stimuli : view(stimuli, stimuli.rows, visualDegrees);
}
