/**
 * Stimulus identifiers: reading a sidecar list of them (the rows of a `.npy` feature matrix).
 */
import { extname } from 'node:path';
import { parseCsv } from './csv.ts';
import { InputFileError } from './errors.ts';
import { readInputFile } from './files.ts';

/** Columns a `.csv`/`.tsv` sidecar may hold the ids in, in order of preference. */
const STIMULUS_ID_COLUMNS: readonly string[] = ['stimulus_id', 'image_id'];

/** Parses a `.csv` or `.tsv` sidecar: the ids are the `stimulus_id` (or `image_id`) column. */
function idsFromTable(path: string, text: string, delimiter: string): string[] {
  let records: string[][];
  try {
    records = parseCsv(text, delimiter);
  } catch (error) {
    throw new InputFileError(path, `malformed table: ${(error as Error).message}`, { cause: error });
  }
  const header = (records[0] ?? []).map((h) => h.trim());
  const column = STIMULUS_ID_COLUMNS.map((c) => header.indexOf(c)).find((index) => index >= 0);
  if (column === undefined) {
    throw new InputFileError(path, `no ${STIMULUS_ID_COLUMNS.join(' or ')} column (columns: ${header.join(', ') || 'none'})`);
  }
  return records.slice(1).map((record, row) => {
    const id = (record[column] ?? '').trim();
    if (id === '') throw new InputFileError(path, `row ${row + 1} has an empty ${header[column]}`);
    return id;
  });
}

/** Parses a `.json` sidecar: an array of strings. */
function idsFromJson(path: string, text: string): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new InputFileError(path, `invalid JSON: ${(error as Error).message}`, { cause: error });
  }
  if (!Array.isArray(parsed) || !parsed.every((id) => typeof id === 'string')) {
    throw new InputFileError(path, 'expected a JSON array of strings (the stimulus ids, one per row)');
  }
  return parsed;
}

/**
 * Reads a list of stimulus ids, one per row of a feature matrix, from a sidecar file. The format is
 * chosen by extension:
 *
 * - `.json`: an array of strings;
 * - `.csv` (or `.tsv`): a table with a header; the ids are its `stimulus_id` column, else its
 *   `image_id` column (a Brain-Score stimulus-set CSV works as is);
 * - anything else (`.txt`, …): plain text, one id per line; lines are trimmed and blank ones skipped.
 *
 * @param path - the sidecar file.
 * @returns the ids in file order.
 * @throws {@link InputFileError} when the file is missing or malformed, lists no id, or lists an id
 *   twice (the message names it and both positions).
 * @example
 * const ids = readStimulusIds('features.ids.txt'); // ['im0', 'im1', …]
 */
export function readStimulusIds(path: string): string[] {
  const text = readInputFile(path).toString('utf8').replace(/^\uFEFF/, '');
  const extension = extname(path).toLowerCase();
  const ids =
    extension === '.json'
      ? idsFromJson(path, text)
      : extension === '.csv' || extension === '.tsv'
        ? idsFromTable(path, text, extension === '.tsv' ? '\t' : ',')
        : text
            .split(/\r?\n/)
            .map((line) => line.trim())
            .filter((line) => line !== '');
  if (ids.length === 0) throw new InputFileError(path, 'lists no stimulus ids');
  const firstSeen = new Map<string, number>();
  ids.forEach((id, index) => {
    const first = firstSeen.get(id);
    if (first !== undefined) {
      throw new InputFileError(path, `stimulus id "${id}" is listed twice (entries ${first + 1} and ${index + 1}); ids must be unique`);
    }
    firstSeen.set(id, index);
  });
  return ids;
}
