/**
 * The catalog of downloadable data sets: which files make up each Brain-Score assembly or stimulus
 * set, where they live and what their SHA-1 digests are — the information Brain-Score keeps in its
 * `data/<name>/__init__.py` registrations (`load_assembly_from_s3(identifier, sha1, version_id, …)`,
 * `load_stimulus_set_from_s3(identifier, csv_sha1, zip_sha1, …)`).
 */
import { readFileSync } from 'node:fs';
import { InputError, RegistrationError, UnknownPluginError } from '../errors.ts';
import { closestMatches } from '../registry/closest.ts';
import { ID_PATTERN, describeValue } from '../registry/validation.ts';

/** The kinds of data set: a recording (`.nc` assembly) or a stimulus set (CSV of metadata + zip of images). */
export const DATA_SET_KINDS = ['assembly', 'stimulus_set'] as const;

/**
 * What a data set holds: `'assembly'` (a Brain-Score `DataAssembly` as netCDF) or `'stimulus_set'`
 * (a `StimulusSet` as CSV plus a zip of images).
 *
 * @example
 * const kind: DataSetKind = 'stimulus_set';
 */
export type DataSetKind = (typeof DATA_SET_KINDS)[number];

/**
 * One file of a data set.
 *
 * @example
 * const file: DataFile = {
 *   name: 'assy_dicarlo_MajajHong2015_public.nc',
 *   url: 'https://brainscore-storage.s3.amazonaws.com/brainio-brainscore/assy_dicarlo_MajajHong2015_public.nc',
 *   sha1: '0123456789abcdef0123456789abcdef01234567', // the file's real SHA-1 goes here
 * };
 */
export interface DataFile {
  /** The file's name in the cache, e.g. `'assy_dicarlo_MajajHong2015_public.nc'` (no folders). */
  readonly name: string;
  /** Where to download it: an `http:`/`https:` URL, or a `file:` URL for a local mirror. */
  readonly url: string;
  /** SHA-1 of the complete file, 40 lowercase hex digits (what Brain-Score's catalogs record). */
  readonly sha1: string;
  /** Size in bytes, when known: shown before downloading and used to spot truncated downloads. */
  readonly size?: number;
}

/**
 * One data set of the catalog.
 *
 * @example
 * const entry: DataSetEntry = {
 *   id: 'MajajHong2015.public',
 *   kind: 'assembly',
 *   identifier: 'dicarlo.MajajHong2015.public',
 *   files: [file],
 * };
 */
export interface DataSetEntry {
  /** vvs's id, e.g. `'MajajHong2015.public'`: characters of `ID_PATTERN`, the name of its cache folder. */
  readonly id: string;
  /** What it holds. */
  readonly kind: DataSetKind;
  /** Brain-Score's identifier, e.g. `'dicarlo.MajajHong2015.public'`, when it has one. */
  readonly identifier?: string;
  /** Its files, at least one (a stimulus set has its CSV and its zip). */
  readonly files: readonly DataFile[];
  /** One line for listings. */
  readonly description?: string;
  /**
   * The S3 object version Brain-Score pins (`version_id`), kept as provenance; the SHA-1 is what is
   * checked. To fetch that exact version, put `?versionId=…` in the file's `url`.
   */
  readonly versionId?: string;
}

/** Options of {@link DataCatalog.add}. */
export interface AddDataSetOptions {
  /**
   * Where the entry came from (a catalog file's path, a plugin's name); named in duplicate errors and
   * returned by {@link DataCatalog.source}, so that a hint can repeat `--catalog <file>`.
   */
  readonly source?: string;
}

/** One problem with an entry: the field that holds it (`files[0].sha1`) and what is wrong. */
interface Problem {
  readonly field: string;
  readonly problem: string;
}

/** A SHA-1 digest as Brain-Score's catalogs write it (`hashlib.sha1().hexdigest()`): 40 lowercase hex digits. */
export const SHA1_PATTERN = /^[0-9a-f]{40}$/;

/** URL schemes {@link DataCatalog} accepts: web downloads and local mirrors. */
const URL_SCHEMES: readonly string[] = ['http:', 'https:', 'file:'];

/**
 * Suffix of an unfinished download beside its final name (see `downloadFile`); a data file may not
 * end with it, or its download would collide with another file's.
 */
export const PARTIAL_SUFFIX = '.partial';

const ENTRY_KEYS: readonly string[] = ['id', 'kind', 'identifier', 'files', 'description', 'versionId'];
const FILE_KEYS: readonly string[] = ['name', 'url', 'sha1', 'size'];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function unknownKeys(value: Record<string, unknown>, known: readonly string[], prefix: string): Problem[] {
  return Object.keys(value)
    .filter((key) => !known.includes(key))
    .map((key) => ({ field: `${prefix}${key}`, problem: `is not a known field (known: ${known.join(', ')})` }));
}

function optionalString(value: Record<string, unknown>, key: string): Problem[] {
  const v = value[key];
  if (v === undefined || (typeof v === 'string' && v.trim() !== '')) return [];
  return [{ field: key, problem: `must be a non-empty string when given (got ${describeValue(v)})` }];
}

/** Problems with one file of an entry; `at` is its field path (`files[0]`). */
function fileProblems(file: unknown, at: string): Problem[] {
  if (!isRecord(file)) return [{ field: at, problem: `must be an object with name, url and sha1 (got ${describeValue(file)})` }];
  const problems = unknownKeys(file, FILE_KEYS, `${at}.`);
  const { name, url, sha1, size } = file;
  if (typeof name !== 'string' || name === '' || name === '.' || name === '..' || /[/\\\0]/.test(name)) {
    problems.push({ field: `${at}.name`, problem: `must be a plain file name, without folders (got ${describeValue(name)})` });
  } else if (name.endsWith(PARTIAL_SUFFIX)) {
    problems.push({ field: `${at}.name`, problem: `must not end with ${PARTIAL_SUFFIX}, the suffix of unfinished downloads (got ${describeValue(name)})` });
  }
  let scheme: string | undefined;
  try {
    scheme = typeof url === 'string' ? new URL(url).protocol : undefined;
  } catch {
    // Reported below as not a URL.
  }
  if (scheme === undefined || !URL_SCHEMES.includes(scheme)) {
    problems.push({ field: `${at}.url`, problem: `must be an http:, https: or file: URL (got ${describeValue(url)})` });
  }
  if (typeof sha1 !== 'string' || !SHA1_PATTERN.test(sha1)) {
    problems.push({ field: `${at}.sha1`, problem: `must be 40 lowercase hex digits (got ${describeValue(sha1)})` });
  }
  if (size !== undefined && !(Number.isSafeInteger(size) && (size as number) >= 0)) {
    problems.push({ field: `${at}.size`, problem: `must be a non-negative integer number of bytes (got ${describeValue(size)})` });
  }
  return problems;
}

/**
 * Every problem with `entry` as a {@link DataSetEntry}, each with the field that holds it. A valid
 * entry has an id matching `ID_PATTERN` (and not only dots, since it names a folder), a known kind,
 * at least one file, each with a plain file name (no two alike), an http(s)/file URL and a
 * 40-hex-digit lowercase SHA-1; optional fields are non-empty strings (or a byte count for `size`);
 * no other fields.
 */
function entryProblems(entry: unknown): Problem[] {
  if (!isRecord(entry)) return [{ field: '', problem: `a data set must be an object (got ${describeValue(entry)})` }];
  const problems = unknownKeys(entry, ENTRY_KEYS, '');
  const { id, kind, files } = entry;
  if (typeof id !== 'string' || !ID_PATTERN.test(id) || /^\.+$/.test(id)) {
    problems.push({ field: 'id', problem: `must be non-empty, of characters [A-Za-z0-9._-], and not only dots (got ${describeValue(id)})` });
  }
  if (!(DATA_SET_KINDS as readonly unknown[]).includes(kind)) {
    problems.push({ field: 'kind', problem: `must be one of ${DATA_SET_KINDS.join(', ')} (got ${describeValue(kind)})` });
  }
  problems.push(...optionalString(entry, 'identifier'), ...optionalString(entry, 'description'), ...optionalString(entry, 'versionId'));
  if (!Array.isArray(files) || files.length === 0) {
    problems.push({ field: 'files', problem: `must list at least one file (got ${Array.isArray(files) ? 'none' : describeValue(files)})` });
    return problems;
  }
  const seen = new Map<string, number>();
  files.forEach((file: unknown, i) => {
    problems.push(...fileProblems(file, `files[${i}]`));
    const name = isRecord(file) ? file.name : undefined;
    if (typeof name !== 'string') return;
    const first = seen.get(name);
    if (first !== undefined) problems.push({ field: `files[${i}].name`, problem: `repeats files[${first}].name ${describeValue(name)}` });
    else seen.set(name, i);
  });
  return problems;
}

function describeProblems(problems: readonly Problem[]): string {
  return problems.map(({ field, problem }) => (field === '' ? problem : `${field} ${problem}`)).join('; ');
}

/** A frozen copy of a valid entry holding only its known fields, so later edits of the original cannot bypass validation. */
/**
 * Whether two entries describe the same data set: the same fields with the same values, whatever
 * their key order (how two plugins that both read a data set may both register it).
 *
 * @example
 * sameDataSet(MAJAJHONG2015_PUBLIC, { ...MAJAJHONG2015_PUBLIC }); // true
 */
export function sameDataSet(a: DataSetEntry, b: DataSetEntry): boolean {
  return JSON.stringify(frozenEntry(a)) === JSON.stringify(frozenEntry(b));
}

function frozenEntry(entry: DataSetEntry): DataSetEntry {
  const files = entry.files.map((f) =>
    Object.freeze({ name: f.name, url: f.url, sha1: f.sha1, ...(f.size === undefined ? {} : { size: f.size }) }),
  );
  return Object.freeze({
    id: entry.id,
    kind: entry.kind,
    ...(entry.identifier === undefined ? {} : { identifier: entry.identifier }),
    files: Object.freeze(files),
    ...(entry.description === undefined ? {} : { description: entry.description }),
    ...(entry.versionId === undefined ? {} : { versionId: entry.versionId }),
  });
}

/**
 * The data sets vvs knows how to download, by id: a registry like Brain-Score's `data_registry`, but
 * holding only where the files are and their SHA-1 digests (loading them is the benchmark's job).
 * Entries are validated on the way in and frozen.
 *
 * @example
 * const catalog = new DataCatalog();
 * catalog.add({
 *   id: 'MajajHong2015.public',
 *   kind: 'assembly',
 *   identifier: 'dicarlo.MajajHong2015.public',
 *   files: [{ name: 'assy_dicarlo_MajajHong2015_public.nc', url: 'https://…/assy_dicarlo_MajajHong2015_public.nc', sha1: '0123…4567' }],
 * });
 * catalog.get('MajajHong2015.public').files[0].name; // 'assy_dicarlo_MajajHong2015_public.nc'
 * catalog.get('MajajHong2015.publc'); // UnknownPluginError: …; did you mean "MajajHong2015.public"?
 */
export class DataCatalog {
  readonly #entries = new Map<string, { entry: DataSetEntry; source?: string }>();

  /**
   * @param entries - entries to {@link add} right away.
   * @throws RegistrationError as {@link add} does.
   */
  constructor(entries: Iterable<DataSetEntry> = []) {
    for (const entry of entries) this.add(entry);
  }

  /** How many data sets the catalog holds. */
  get size(): number {
    return this.#entries.size;
  }

  /**
   * Adds a data set after checking it (see {@link DataSetEntry} for the rules).
   *
   * @param entry - the data set.
   * @param options - `source`: where the entry came from, named in errors.
   * @returns this catalog, for chaining.
   * @throws RegistrationError naming the data set and each bad field (`files[0].sha1 must be 40
   *   lowercase hex digits`), or the data set already in the catalog and where it came from.
   * @example
   * catalog.add(entry, { source: 'my-catalog.json' });
   */
  add(entry: DataSetEntry, options: AddDataSetOptions = {}): this {
    const { source } = options;
    const from = source === undefined ? '' : ` (from ${source})`;
    const problems = entryProblems(entry);
    const id = isRecord(entry) && typeof entry.id === 'string' ? entry.id : undefined;
    if (problems.length > 0) {
      const label = id === undefined ? 'data set' : `data set ${describeValue(id)}`;
      throw new RegistrationError(`${label}${from}: ${describeProblems(problems)}`, { plugin: source });
    }
    const existing = this.#entries.get(entry.id);
    if (existing !== undefined) {
      const where = existing.source === undefined ? '' : ` (from ${existing.source})`;
      throw new RegistrationError(`data set ${describeValue(entry.id)}${from}: id is already in the catalog${where}`, { plugin: source });
    }
    this.#entries.set(entry.id, source === undefined ? { entry: frozenEntry(entry) } : { entry: frozenEntry(entry), source });
    return this;
  }

  /**
   * The data set with this id.
   *
   * @throws UnknownPluginError (kind `'data set'`) suggesting the closest ids when there is none.
   * @example
   * catalog.get('MajajHong2015.public').kind; // 'assembly'
   */
  get(id: string): DataSetEntry {
    const found = this.#entries.get(id);
    if (found === undefined) {
      // The count only matters when it is zero ("none at all"); otherwise the suggestions say enough.
      throw new UnknownPluginError('data set', id, closestMatches(String(id), this.#entries.keys()), this.size === 0 ? 0 : undefined);
    }
    return found.entry;
  }

  /**
   * Whether a data set has this id.
   *
   * @example
   * catalog.has('MajajHong2015.public'); // true
   */
  has(id: string): boolean {
    return this.#entries.has(id);
  }

  /**
   * Where the data set came from (the `source` it was added with), if it was said.
   *
   * @example
   * catalog.source('MyLab2024'); // '/home/me/my-catalog.json'
   */
  source(id: string): string | undefined {
    this.get(id);
    return this.#entries.get(id)!.source;
  }

  /**
   * Every data set, sorted by id (UTF-16 code-unit order, independent of the locale).
   *
   * @example
   * catalog.list().map((e) => e.id); // ['FreemanZiemba2013.public', 'MajajHong2015.public']
   */
  list(): DataSetEntry[] {
    return [...this.#entries.keys()]
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
      .map((id) => this.#entries.get(id)!.entry);
  }
}

/**
 * Reads a catalog file: JSON of the form `{ "dataSets": [DataSetEntry, …] }`, so users can add data
 * sets of their own (`vvs data --catalog my-catalog.json`). Each entry is checked as
 * {@link DataCatalog.add} checks it, and ids must be unique within the file.
 *
 * @param path - the `.json` file.
 * @returns the entries, frozen, in file order (add them with `catalog.add(entry, { source: path })`).
 * @throws InputError whose `file` is `path` and whose `field` locates the problem
 *   (`dataSets[2].files[0].sha1`): an unreadable file, invalid JSON, no `dataSets` array, a bad entry
 *   or an id listed twice.
 * @example
 * // my-catalog.json: {"dataSets": [{"id": "MyLab2024", "kind": "assembly",
 * //   "files": [{"name": "mylab.nc", "url": "https://example.org/mylab.nc", "sha1": "…"}]}]}
 * for (const entry of parseCatalogFile('my-catalog.json')) catalog.add(entry, { source: 'my-catalog.json' });
 */
export function parseCatalogFile(path: string): DataSetEntry[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    throw new InputError(`${path}: ${code === 'ENOENT' ? 'catalog file not found' : `cannot read the catalog (${(cause as Error).message})`}`, {
      file: path,
      cause,
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new InputError(`${path}: not valid JSON (${(cause as Error).message})`, { file: path, cause });
  }
  if (!isRecord(json) || !Array.isArray(json.dataSets)) {
    throw new InputError(`${path}: expected {"dataSets": [ … ]}, an object with a "dataSets" array`, { file: path, field: 'dataSets' });
  }
  const firstIndex = new Map<string, number>();
  return json.dataSets.map((entry: unknown, i) => {
    const at = `dataSets[${i}]`;
    const id = isRecord(entry) && typeof entry.id === 'string' ? entry.id : undefined;
    const label = id === undefined ? at : `${at} (${describeValue(id)})`;
    const problems = entryProblems(entry);
    if (problems.length > 0) {
      const field = problems[0].field === '' ? at : `${at}.${problems[0].field}`;
      throw new InputError(`${path}: ${label}: ${describeProblems(problems)}`, { file: path, field });
    }
    const first = firstIndex.get(id!);
    if (first !== undefined) {
      throw new InputError(`${path}: ${label}: id repeats dataSets[${first}]`, { file: path, field: `${at}.id` });
    }
    firstIndex.set(id!, i);
    return frozenEntry(entry as DataSetEntry);
  });
}
