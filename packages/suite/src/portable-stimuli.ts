import { readFile } from 'node:fs/promises';
import { InputError, type StimulusRow, type StimulusSet } from '@vvs/core';

/**
 * A stimulus set as plain data that can be posted to a worker thread: its rows, and for each image
 * either the file it is read from or its encoded bytes (for sets that live in memory).
 */
export interface PortableStimulusSet {
  readonly identifier: string;
  readonly visualDegrees?: number;
  readonly rows: readonly StimulusRow[];
  /** Image file per stimulus id, for file-backed sets. */
  readonly paths?: Readonly<Record<string, string>>;
  /** Encoded image bytes per stimulus id, for in-memory sets. */
  readonly images?: Readonly<Record<string, Uint8Array>>;
}

/**
 * `stimuli` as plain data: file paths when the set has them (nothing is read here), else every
 * image's bytes.
 *
 * @example
 * await pool.run({ task: 'activations', input: { stimuli: await toPortable(stimuli), … } });
 */
export async function toPortable(stimuli: StimulusSet): Promise<PortableStimulusSet> {
  const base = { identifier: stimuli.identifier, rows: stimuli.rows, ...(stimuli.visualDegrees !== undefined ? { visualDegrees: stimuli.visualDegrees } : {}) };
  const ids = stimuli.rows.map((r) => r.stimulus_id);
  if (stimuli.imagePath) {
    const path = stimuli.imagePath.bind(stimuli);
    return { ...base, paths: Object.fromEntries(ids.map((id) => [id, path(id)])) };
  }
  const images = await Promise.all(ids.map((id) => stimuli.getImage(id)));
  return { ...base, images: Object.fromEntries(ids.map((id, i) => [id, images[i]!])) };
}

/**
 * The stimulus set a {@link PortableStimulusSet} describes, as a worker sees it.
 *
 * @example
 * const stimuli = fromPortable(posted.stimuli);
 */
export function fromPortable(portable: PortableStimulusSet): StimulusSet {
  const { paths, images } = portable;
  const pathOf = (id: string): string => {
    const path = paths?.[id];
    if (path === undefined) throw new InputError(`${portable.identifier}: no stimulus '${id}'`, { field: 'stimulus_id' });
    return path;
  };
  return {
    identifier: portable.identifier,
    rows: portable.rows,
    ...(portable.visualDegrees !== undefined ? { visualDegrees: portable.visualDegrees } : {}),
    getImage: async (id) => images?.[id] ?? new Uint8Array(await readFile(pathOf(id))),
    ...(paths ? { imagePath: pathOf } : {}),
  };
}
