/**
 * Brain-Score stimulus sets as they are published: a CSV of metadata plus a zip of the images
 * (`stimulus_<identifier>.csv` / `.zip`), opened as `@vvs/core`'s {@link StimulusSet} without
 * extracting the zip — the images are read from it one at a time, on demand.
 */
import { posix } from 'node:path';
import type { StimulusRow, StimulusSet } from '@vvs/core';
import { InputError } from '@vvs/core';
import { parseCsv, typedColumn } from './csv.ts';
import { InputFileError } from './errors.ts';
import { readInputFile } from './files.ts';
import { ZipArchive } from './zip.ts';

/**
 * Column names of the stimulus id, newest first: `stimulus_id`, or `image_id` in sets packaged before
 * Brain-Score renamed images to stimuli (its loader, `StimulusSetLoader.correct_stimulus_id_name`, copies it).
 */
const ID_COLUMNS = ['stimulus_id', 'image_id'] as const;

/** Column names of the image's path inside the zip, newest first: `filename`, or the older `image_file_name`. */
const FILENAME_COLUMNS = ['filename', 'image_file_name'] as const;

/** Options of {@link openBrainScoreStimulusSet}. */
export interface BrainScoreStimulusSetOptions {
  /** The stimulus set's CSV (`stimulus_<identifier>.csv`). */
  readonly csv: string;
  /** The zip of its images (`stimulus_<identifier>.zip`). */
  readonly zip: string;
  /** Brain-Score's identifier of the set, e.g. `'dicarlo.hvm-public'` (cache keys, messages). */
  readonly identifier: string;
  /** Degrees of visual angle the images span (the benchmark's `visual_degrees`). Default: unset. */
  readonly visualDegrees?: number;
}

/** Resolves CSV file names to zip entries: the exact path, else a unique entry with the same base name. */
function entryResolver(csv: string, zip: ZipArchive): (filename: string, row: number, stimulusId: string) => string {
  const byBaseName = new Map<string, string[]>();
  for (const entry of zip.entries()) {
    const base = posix.basename(entry);
    const list = byBaseName.get(base);
    if (list === undefined) byBaseName.set(base, [entry]);
    else list.push(entry);
  }
  return (filename, row, stimulusId) => {
    if (zip.has(filename)) return filename;
    // Windows-made CSVs may use '\' and './'; zip entries always use '/'.
    const normalized = posix.normalize(filename.replace(/\\/g, '/'));
    if (zip.has(normalized)) return normalized;
    const candidates = byBaseName.get(posix.basename(normalized)) ?? [];
    if (candidates.length === 1) return candidates[0];
    const where = `row ${row} (stimulus '${stimulusId}')`;
    if (candidates.length > 1) {
      throw new InputFileError(csv, `${where}: '${filename}' matches several entries of ${zip.path} (${candidates.slice(0, 3).join(', ')}); name one by its path`);
    }
    throw new InputFileError(csv, `${where}: image '${filename}' is not in ${zip.path}`);
  };
}

/**
 * Opens a Brain-Score stimulus set from its CSV and its zip of images, as brainio's
 * `StimulusSetLoader` does after `unzip` — but reading images straight out of the zip, lazily.
 *
 * - Every CSV column becomes a row field, typed as pandas' `read_csv` would (numeric columns as
 *   numbers, empty cells as `null`); the id and file-name columns stay strings.
 * - The id is the `stimulus_id` column; sets packaged before the rename have `image_id`, which is
 *   copied to `stimulus_id` (the row keeps both), as Brain-Score's loader does.
 * - The image file is named by the `filename` column (older sets: `image_file_name`), a path inside
 *   the zip. When no entry has exactly that path — zips made by zipping a folder put every image in a
 *   subfolder (`images/n0.png` for `n0.png`) — the entry with the same base name is used, provided
 *   there is only one. Every row's image is matched up front, so a missing image fails here, not
 *   halfway through a model run.
 *
 * @returns a {@link StimulusSet} whose `getImage(id)` reads that image's bytes from the zip
 *   (checked against its CRC-32); no `imagePath`, since the images are not files on disk.
 * @throws {@link InputFileError} naming the CSV (missing or malformed, no id or file-name column, an
 *   empty or repeated id, an image not in the zip or matching several entries) or the zip (missing,
 *   not a zip, truncated); RangeError for invalid `visualDegrees`.
 * @example
 * const stimuli = await openBrainScoreStimulusSet({
 *   csv: 'stimulus_dicarlo_hvm-public.csv',
 *   zip: 'stimulus_dicarlo_hvm-public.zip',
 *   identifier: 'dicarlo.hvm-public',
 *   visualDegrees: 8,
 * });
 * stimuli.rows[0]; // { stimulus_id: '…', object_name: 'bear', filename: '….png', … }
 * const png = await stimuli.getImage(stimuli.rows[0].stimulus_id);
 */
export async function openBrainScoreStimulusSet(options: BrainScoreStimulusSetOptions): Promise<StimulusSet> {
  const { csv, identifier, visualDegrees } = options;
  if (visualDegrees !== undefined && !(Number.isFinite(visualDegrees) && visualDegrees > 0)) {
    throw new RangeError(`visualDegrees: expected a positive finite number of degrees, got ${visualDegrees}`);
  }
  let records: string[][];
  try {
    records = parseCsv(readInputFile(csv).toString('utf8'));
  } catch (error) {
    if (error instanceof SyntaxError) throw new InputFileError(csv, `malformed CSV: ${error.message}`, { cause: error });
    throw error;
  }
  const header = (records[0] ?? []).map((h) => h.trim());
  const idColumn = ID_COLUMNS.find((c) => header.includes(c));
  const fileColumn = FILENAME_COLUMNS.find((c) => header.includes(c));
  if (idColumn === undefined || fileColumn === undefined) {
    const [newest, older] = idColumn === undefined ? ID_COLUMNS : FILENAME_COLUMNS;
    throw new InputFileError(csv, `no '${newest}' (or '${older}') column (columns: ${header.join(', ') || 'none'})`);
  }
  const body = records.slice(1);
  if (body.length === 0) throw new InputFileError(csv, 'lists no stimuli');
  body.forEach((record, r) => {
    if (record.length !== header.length) throw new InputFileError(csv, `row ${r + 1} has ${record.length} fields, the header has ${header.length}`);
  });
  const columns = header.map((name, c) => {
    const cells = body.map((record) => record[c]);
    return name === idColumn || name === fileColumn ? cells.map((cell) => cell.trim()) : typedColumn(cells);
  });

  const zip = await ZipArchive.open(options.zip);
  const resolveEntry = entryResolver(csv, zip);
  const entries = new Map<string, string>();
  const rows: StimulusRow[] = body.map((_, r) => {
    const row: Record<string, string | number | null> = {};
    header.forEach((name, c) => (row[name] = columns[c][r]));
    const stimulusId = row[idColumn] as string;
    const filename = row[fileColumn] as string;
    if (stimulusId === '' || filename === '') throw new InputFileError(csv, `row ${r + 1} has an empty ${stimulusId === '' ? idColumn : fileColumn}`);
    if (entries.has(stimulusId)) throw new InputFileError(csv, `${idColumn} '${stimulusId}' is listed twice; ids must be unique`);
    entries.set(stimulusId, resolveEntry(filename, r + 1, stimulusId));
    if (idColumn !== 'stimulus_id') row.stimulus_id = stimulusId;
    return row as StimulusRow;
  });

  return {
    identifier,
    rows,
    ...(visualDegrees === undefined ? {} : { visualDegrees }),
    async getImage(stimulusId: string): Promise<Uint8Array> {
      const entry = entries.get(stimulusId);
      if (entry === undefined) throw new InputError(`stimulus set ${identifier}: no stimulus with id '${stimulusId}'`, { file: csv, field: 'stimulus_id' });
      return zip.read(entry);
    },
  };
}
