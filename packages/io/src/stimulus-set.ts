/**
 * Stimulus sets on disk: a folder of images, or a Brain-Score stimulus-set CSV with its images, opened
 * as `@vvs/core`'s {@link StimulusSet} (rows in memory, pixels read lazily one image at a time).
 */
import { readdirSync, statSync } from 'node:fs';
import type { Stats } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { InputError } from '@vvs/core';
import type { StimulusRow, StimulusSet } from '@vvs/core';
import { parseCsv, typedColumn } from './csv.ts';
import { InputFileError } from './errors.ts';
import { readInputFile } from './files.ts';

/** File extensions (lower case) that {@link stimulusSetFromDirectory} takes for images. */
export const IMAGE_EXTENSIONS: readonly string[] = ['.png', '.jpg', '.jpeg', '.bmp', '.webp', '.tif', '.tiff'];

/** The two columns every Brain-Score stimulus-set CSV has: the id and the image file relative to the CSV. */
const ID_COLUMN = 'stimulus_id';
const FILENAME_COLUMN = 'filename';

/** Options shared by the stimulus-set openers. */
export interface StimulusSetOptions {
  /** The set's name (cache keys, messages). Default: the folder's name, or the CSV's name without `.csv`. */
  identifier?: string;
  /** Degrees of visual angle the images span (Brain-Score's `stimulus_set.visual_degrees`). Default: unset. */
  visualDegrees?: number;
}

/** `stat` of `path`, with a missing or unreadable path reported as an {@link InputFileError}. */
function statInput(path: string): Stats {
  try {
    return statSync(path);
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    const problem = code === 'ENOENT' || code === 'ENOTDIR' ? 'no such file or folder' : `cannot be read (${(cause as Error).message})`;
    throw new InputFileError(path, problem, { cause });
  }
}

function checkVisualDegrees(visualDegrees: number | undefined): void {
  if (visualDegrees !== undefined && !(Number.isFinite(visualDegrees) && visualDegrees > 0)) {
    throw new RangeError(`visualDegrees: expected a positive finite number of degrees, got ${visualDegrees}`);
  }
}

/**
 * A file-backed {@link StimulusSet} over `paths` (stimulus id → absolute image path), rows in order.
 * `source` (the folder or CSV) is named in errors.
 */
function fileBackedSet(
  source: string,
  rows: StimulusRow[],
  paths: ReadonlyMap<string, string>,
  identifier: string,
  visualDegrees: number | undefined,
): StimulusSet {
  const pathOf = (stimulusId: string): string => {
    const path = paths.get(stimulusId);
    if (path === undefined) throw new InputError(`stimulus set ${source}: no stimulus with id '${stimulusId}'`, { file: source, field: ID_COLUMN });
    return path;
  };
  return {
    identifier,
    rows,
    ...(visualDegrees === undefined ? {} : { visualDegrees }),
    imagePath: pathOf,
    async getImage(stimulusId: string): Promise<Uint8Array> {
      const path = pathOf(stimulusId);
      try {
        return new Uint8Array(await readFile(path));
      } catch (cause) {
        const code = (cause as NodeJS.ErrnoException).code;
        throw new InputFileError(path, code === 'ENOENT' ? 'image file not found' : `cannot read image (${(cause as Error).message})`, { cause });
      }
    },
  };
}

/**
 * Opens a folder of images as a stimulus set, the way vvs names loose images: every file whose
 * extension is one of {@link IMAGE_EXTENSIONS} (any case) is a stimulus, its `stimulus_id` the file
 * name without the extension, rows sorted by file name (UTF-16 code-unit order, independent of the
 * locale). Hidden files (names starting with `.`, e.g. macOS `._x.png` resource forks) and
 * sub-folders are skipped. Rows carry `stimulus_id` and `filename`.
 *
 * @param dir - the folder.
 * @param options - identifier (default: the folder's name) and the images' visual degrees.
 * @throws {@link InputFileError} when the folder is missing, holds no image, or two files share a
 *   stimulus id (`a.png` and `a.jpg`); RangeError for invalid `visualDegrees`.
 * @example
 * const stimuli = stimulusSetFromDirectory('stimuli/', { visualDegrees: 8 });
 * stimuli.rows.map((r) => r.stimulus_id); // ['im0', 'im1', …]
 * await stimuli.getImage('im0'); // the PNG's bytes
 */
export function stimulusSetFromDirectory(dir: string, options: StimulusSetOptions = {}): StimulusSet {
  checkVisualDegrees(options.visualDegrees);
  if (!statInput(dir).isDirectory()) throw new InputFileError(dir, 'is not a folder');
  const files = readdirSync(dir)
    .filter((name) => !name.startsWith('.') && IMAGE_EXTENSIONS.includes(extname(name).toLowerCase()))
    .filter((name) => statSync(join(dir, name)).isFile())
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  if (files.length === 0) throw new InputFileError(dir, `holds no images (expected files ending in ${IMAGE_EXTENSIONS.join(', ')})`);
  const paths = new Map<string, string>();
  const fileOf = new Map<string, string>();
  const rows: StimulusRow[] = files.map((filename) => {
    const stimulusId = filename.slice(0, filename.length - extname(filename).length);
    const other = fileOf.get(stimulusId);
    if (other !== undefined) {
      throw new InputFileError(dir, `'${other}' and '${filename}' would both be stimulus '${stimulusId}'; stimulus ids (file names without extension) must be unique`);
    }
    fileOf.set(stimulusId, filename);
    paths.set(stimulusId, resolve(dir, filename));
    return { stimulus_id: stimulusId, filename };
  });
  return fileBackedSet(dir, rows, paths, options.identifier ?? basename(resolve(dir)), options.visualDegrees);
}

/**
 * Opens a Brain-Score stimulus-set CSV (as `brainio`/`brainscore_vision` store them): one row per
 * stimulus with a `stimulus_id` column and a `filename` column giving the image's path relative to
 * the CSV's folder (or absolute). Every column becomes a row field, typed as pandas' `read_csv`
 * would (numeric columns as numbers, empty cells as `null`); `stimulus_id` always stays a string.
 * Each image file must exist (checked up front, so a typo fails before any model runs).
 *
 * @param csvPath - the `.csv` file.
 * @param options - identifier (default: the CSV's name without `.csv`) and the images' visual degrees.
 * @throws {@link InputFileError} naming the CSV when it is missing or malformed, lacks a column, has
 *   an empty or repeated `stimulus_id`, or names an image that does not exist.
 * @example
 * const stimuli = stimulusSetFromCsv('hvm/stimulus_set.csv', { visualDegrees: 8 });
 * stimuli.rows[0]; // { stimulus_id: 'n0', filename: 'n0.png', object_name: 'bear', … }
 * stimuli.imagePath!('n0'); // '/…/hvm/n0.png'
 */
export function stimulusSetFromCsv(csvPath: string, options: StimulusSetOptions = {}): StimulusSet {
  checkVisualDegrees(options.visualDegrees);
  let records: string[][];
  try {
    records = parseCsv(readInputFile(csvPath).toString('utf8'));
  } catch (error) {
    if (error instanceof SyntaxError) throw new InputFileError(csvPath, `malformed CSV: ${error.message}`, { cause: error });
    throw error;
  }
  const header = (records[0] ?? []).map((h) => h.trim());
  for (const column of [ID_COLUMN, FILENAME_COLUMN]) {
    if (!header.includes(column)) throw new InputFileError(csvPath, `no '${column}' column (columns: ${header.join(', ') || 'none'})`);
  }
  const body = records.slice(1);
  if (body.length === 0) throw new InputFileError(csvPath, 'lists no stimuli');
  body.forEach((record, r) => {
    if (record.length !== header.length) {
      throw new InputFileError(csvPath, `row ${r + 1} has ${record.length} fields, the header has ${header.length}`);
    }
  });
  const columns = header.map((name, c) => {
    const cells = body.map((record) => record[c]);
    return name === ID_COLUMN || name === FILENAME_COLUMN ? cells.map((cell) => cell.trim()) : typedColumn(cells);
  });
  const folder = dirname(csvPath);
  const paths = new Map<string, string>();
  const rows: StimulusRow[] = body.map((_, r) => {
    const row: Record<string, string | number | null> = {};
    header.forEach((name, c) => (row[name] = columns[c][r]));
    const stimulusId = row[ID_COLUMN] as string;
    const filename = row[FILENAME_COLUMN] as string;
    if (stimulusId === '' || filename === '') {
      throw new InputFileError(csvPath, `row ${r + 1} has an empty ${stimulusId === '' ? ID_COLUMN : FILENAME_COLUMN}`);
    }
    if (paths.has(stimulusId)) throw new InputFileError(csvPath, `stimulus_id '${stimulusId}' is listed twice; ids must be unique`);
    const path = resolve(folder, filename);
    let isFile = false;
    try {
      isFile = statSync(path).isFile();
    } catch {
      // A missing image is reported below with the row that names it.
    }
    if (!isFile) throw new InputFileError(csvPath, `row ${r + 1} (stimulus '${stimulusId}'): image file ${path} not found`);
    paths.set(stimulusId, path);
    return row as StimulusRow;
  });
  const identifier = options.identifier ?? basename(csvPath, extname(csvPath));
  return fileBackedSet(csvPath, rows, paths, identifier, options.visualDegrees);
}

/**
 * Opens a stimulus set from a path: a folder with {@link stimulusSetFromDirectory}, a `.csv` file
 * with {@link stimulusSetFromCsv}.
 *
 * @throws {@link InputFileError} when the path is missing or is a file other than a `.csv`.
 * @example
 * const stimuli = openStimulusSet(process.argv[2]); // 'stimuli/' or 'stimuli.csv'
 */
export function openStimulusSet(path: string, options: StimulusSetOptions = {}): StimulusSet {
  if (statInput(path).isDirectory()) return stimulusSetFromDirectory(path, options);
  if (extname(path).toLowerCase() === '.csv') return stimulusSetFromCsv(path, options);
  throw new InputFileError(path, 'expected a folder of images or a stimulus-set .csv (stimulus_id, filename, …)');
}
