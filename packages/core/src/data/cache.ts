/**
 * The local cache of data sets: `<root>/<data set id>/<file name>`, filled by verified downloads
 * (see {@link downloadFile}), usable offline once filled. Brain-Score keeps the same files under
 * `~/.brainio/<sha1>/`; vvs names the folders by data set so people can find them.
 */
import { existsSync, statSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { posix, resolve, win32 } from 'node:path';
import { EXIT_USAGE, VvsError } from '../errors.ts';
import { formatBytes } from './bytes.ts';
import type { DataCatalog, DataFile, DataSetEntry } from './catalog.ts';
import { PARTIAL_SUFFIX } from './catalog.ts';
import { DownloadError, downloadFile, sha1OfFile } from './download.ts';
import type { DownloadProgress } from './download.ts';

/** Environment variable naming the cache folder; it wins over every default. */
export const CACHE_DIR_ENV = 'VVS_CACHE_DIR';

/** Environment variable that, set to `1` (or `true`), forbids downloads: missing data is an error. */
export const OFFLINE_ENV = 'VVS_OFFLINE';

/** The folder under the platform's cache location that holds vvs's data. */
const APP_DIR = 'vvs';

/**
 * The folder vvs caches data in: `$VVS_CACHE_DIR` when set; else `$XDG_CACHE_HOME/vvs` (the XDG Base
 * Directory rule, honoured on every platform when set); else the platform's cache location —
 * `~/.cache/vvs` (Linux and others), `~/Library/Caches/vvs` (macOS), `%LOCALAPPDATA%\vvs\Cache`
 * (Windows, as `platformdirs.user_cache_dir('vvs', appauthor=False)` puts it).
 *
 * @param env - the environment (default `process.env`).
 * @param platform - the operating system (default `process.platform`).
 * @param home - the home folder (default `os.homedir()`).
 * @example
 * defaultCacheDir({}, 'linux', '/home/u');                          // '/home/u/.cache/vvs'
 * defaultCacheDir({ XDG_CACHE_HOME: '/scratch/c' }, 'linux', '/h'); // '/scratch/c/vvs'
 * defaultCacheDir({}, 'darwin', '/Users/u');                        // '/Users/u/Library/Caches/vvs'
 */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform, home: string = homedir()): string {
  if (env[CACHE_DIR_ENV]) return env[CACHE_DIR_ENV];
  const path = platform === 'win32' ? win32 : posix;
  if (env.XDG_CACHE_HOME) return path.join(env.XDG_CACHE_HOME, APP_DIR);
  if (platform === 'darwin') return path.join(home, 'Library', 'Caches', APP_DIR);
  if (platform === 'win32') return path.join(env.LOCALAPPDATA || path.join(home, 'AppData', 'Local'), APP_DIR, 'Cache');
  return path.join(home, '.cache', APP_DIR);
}

/**
 * Whether the environment asks vvs to stay offline (`VVS_OFFLINE=1` or `true`, any case).
 *
 * @example
 * offlineFromEnv({ VVS_OFFLINE: '1' }); // true
 */
export function offlineFromEnv(env: NodeJS.ProcessEnv = process.env): boolean {
  const value = env[OFFLINE_ENV]?.trim().toLowerCase();
  return value === '1' || value === 'true';
}

/** A {@link DownloadProgress} tagged with the data set it belongs to. */
export interface DataProgress extends DownloadProgress {
  /** The data set's id. */
  readonly dataSet: string;
}

/** Options of {@link DataCache}. */
export interface DataCacheOptions {
  /** The data sets the cache may hold. */
  readonly catalog: DataCatalog;
  /** The cache folder. Default {@link defaultCacheDir}. */
  readonly root?: string;
  /** Forbid downloads. Default: from `VVS_OFFLINE` ({@link offlineFromEnv}). */
  readonly offline?: boolean;
  /** The `fetch` downloads use (default: Node's global `fetch`). */
  readonly fetch?: typeof globalThis.fetch;
  /** Retries per file (see `downloadFile`). */
  readonly retries?: number;
  /** First backoff in milliseconds (see `downloadFile`). */
  readonly backoffMs?: number;
  /** Progress of every download this cache makes. */
  readonly onProgress?: (event: DataProgress) => void;
}

/** Options of {@link DataCache.pull} and {@link DataCache.ensure}. */
export interface PullOptions {
  /** Download every file again, even those already cached (pull only). */
  readonly force?: boolean;
  /** Aborts the download; unfinished files stay as `.partial` and resume next time. */
  readonly signal?: AbortSignal;
  /** Progress of this call's downloads (besides the cache's own `onProgress`). */
  readonly onProgress?: (event: DataProgress) => void;
}

/**
 * How a cached file compares to the catalog: `ok` (same SHA-1), `missing` (no file), `mismatch`
 * (different SHA-1: corrupted or replaced since it was downloaded).
 */
export type FileStatus = 'ok' | 'missing' | 'mismatch';

/** One row of {@link DataCache.verify}. */
export interface FileCheck {
  /** The data set's id. */
  readonly dataSet: string;
  /** The file's name. */
  readonly file: string;
  /** Where it is (or would be) in the cache. */
  readonly path: string;
  /** How it compares to the catalog. */
  readonly status: FileStatus;
  /** The catalog's SHA-1. */
  readonly expected: string;
  /** The cached file's SHA-1, when there is a file. */
  readonly actual?: string;
}

/** Single-quotes a shell word unless it is made only of characters no shell treats specially. */
function shellWord(word: string): string {
  return /^[A-Za-z0-9._/:=@%+,-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** What {@link DataNotCachedError} reports. */
export interface DataNotCachedDetails {
  /** The data set's id. */
  readonly dataSet: string;
  /** Its folder in the cache. */
  readonly directory: string;
  /** The files that are missing. */
  readonly missing: readonly DataFile[];
  /** The command that downloads them (see {@link DataCache.pullCommand}). */
  readonly command: string;
  /** Why they were not downloaded (offline, a failed download), when there is a reason to give. */
  readonly reason?: string;
  /** The error behind `reason`. */
  readonly cause?: unknown;
}

/**
 * Data that is not in the cache and was not downloaded: vvs is offline, or the download failed for
 * want of a network. The message says what to run and what it will download (file, size, URL); a
 * user error (exit status 2).
 *
 * @example
 * // data set 'MajajHong2015.public' is not in the cache (/home/u/.cache/vvs/MajajHong2015.public);
 * // run `vvs data pull MajajHong2015.public` to download assy_dicarlo_MajajHong2015_public.nc (283 MB)
 * // from https://… (vvs is offline: VVS_OFFLINE or --offline)
 */
export class DataNotCachedError extends VvsError {
  /** The data set's id. */
  readonly dataSet: string;
  /** Its folder in the cache. */
  readonly directory: string;
  /** The files that are missing. */
  readonly missing: readonly DataFile[];

  constructor({ dataSet, directory, missing, command, reason, cause }: DataNotCachedDetails) {
    const files = missing.map((f) => `${f.name}${f.size === undefined ? '' : ` (${formatBytes(f.size)})`} from ${f.url}`).join(' and ');
    super(
      `data set '${dataSet}' is not in the cache (${directory}); run \`${command}\` to download ${files}${reason === undefined ? '' : ` (${reason})`}`,
      { code: 'E_NOT_CACHED', exitCode: EXIT_USAGE, cause },
    );
    this.dataSet = dataSet;
    this.directory = directory;
    this.missing = missing;
  }
}

/**
 * Data sets of a {@link DataCatalog} on the local disk. Files live at `<root>/<id>/<file name>`. A
 * file under its final name is complete and was verified when it was written (downloads land as
 * `.partial` and are renamed only after their SHA-1 matched); {@link verify} re-hashes on demand.
 *
 * @example
 * const cache = new DataCache({ catalog });
 * const [nc] = await cache.ensure('MajajHong2015.public'); // downloads once, then reads the cache
 * const recording = await readNetcdfAssembly(nc);
 */
export class DataCache {
  /** The cache folder. */
  readonly root: string;
  /** Whether downloads are forbidden. */
  readonly offline: boolean;
  /** The data sets it may hold. */
  readonly catalog: DataCatalog;
  readonly #options: DataCacheOptions;
  /** Downloads in progress, by destination, so concurrent pulls of one file in this process share one transfer. */
  readonly #inFlight = new Map<string, Promise<void>>();

  constructor(options: DataCacheOptions) {
    this.#options = options;
    this.catalog = options.catalog;
    this.root = resolve(options.root ?? defaultCacheDir());
    this.offline = options.offline ?? offlineFromEnv();
  }

  /**
   * The data set's folder in the cache (whether or not it exists).
   *
   * @throws UnknownPluginError for an id not in the catalog.
   * @example
   * cache.directory('MajajHong2015.public'); // '/home/u/.cache/vvs/MajajHong2015.public'
   */
  directory(id: string): string {
    return resolve(this.root, this.catalog.get(id).id);
  }

  #filePath(entry: DataSetEntry, file: DataFile): string {
    return resolve(this.root, entry.id, file.name);
  }

  /** Whether `file` is in the cache: a regular file of the declared size (when one is declared). */
  #present(entry: DataSetEntry, file: DataFile): boolean {
    try {
      const stats = statSync(this.#filePath(entry, file));
      return stats.isFile() && (file.size === undefined || stats.size === file.size);
    } catch {
      return false;
    }
  }

  /**
   * Whether every file of the data set is in the cache.
   *
   * @throws UnknownPluginError for an id not in the catalog.
   * @example
   * if (!cache.isCached('MajajHong2015.public')) console.error('will download 283 MB');
   */
  isCached(id: string): boolean {
    const entry = this.catalog.get(id);
    return entry.files.every((file) => this.#present(entry, file));
  }

  /**
   * The shell command that downloads these data sets into this cache: `vvs data pull <ids>`, with
   * `--catalog <file>` for each catalog file they came from and `--cache-dir <root>` unless the root
   * is the default one, so it can be pasted as is.
   *
   * @param ids - data set ids.
   * @param options - `force`: add `--force` (download again what is cached).
   * @throws UnknownPluginError for an id not in the catalog.
   * @example
   * cache.pullCommand(['MajajHong2015.public']); // 'vvs data pull MajajHong2015.public'
   */
  pullCommand(ids: readonly string[], options: { force?: boolean } = {}): string {
    const words = ['vvs', 'data', 'pull', ...(options.force ? ['--force'] : []), ...ids];
    const sources = new Set(ids.map((id) => this.catalog.source(id)));
    for (const source of sources) if (source !== undefined && existsSync(source)) words.push('--catalog', source);
    if (this.root !== resolve(defaultCacheDir())) words.push('--cache-dir', this.root);
    return words.map(shellWord).join(' ');
  }

  #notCached(entry: DataSetEntry, reason?: string, cause?: unknown): DataNotCachedError {
    const missing = entry.files.filter((file) => !this.#present(entry, file));
    return new DataNotCachedError({ dataSet: entry.id, directory: this.directory(entry.id), missing, command: this.pullCommand([entry.id]), reason, cause });
  }

  /**
   * Local paths of the data set's files, in catalog order, without downloading.
   *
   * @throws DataNotCachedError (saying what to run) when a file is missing; UnknownPluginError for an
   *   id not in the catalog.
   * @example
   * const [csv, zip] = cache.path('hvm.stimuli');
   */
  path(id: string): string[] {
    const entry = this.catalog.get(id);
    if (!this.isCached(id)) throw this.#notCached(entry);
    return entry.files.map((file) => this.#filePath(entry, file));
  }

  /**
   * Downloads the data set's missing files (all of them with `force`), one after another, each
   * verified against its SHA-1; files already cached are skipped. Works whether or not the cache is
   * offline (an explicit pull is a request to download).
   *
   * @returns the local paths of its files, in catalog order.
   * @throws ChecksumError, DownloadError (see `downloadFile`); UnknownPluginError for an id not in the catalog.
   * @example
   * await cache.pull('MajajHong2015.public', { onProgress: ({ file, received, total }) => … });
   */
  async pull(id: string, options: PullOptions = {}): Promise<string[]> {
    const entry = this.catalog.get(id);
    const { fetch, retries, backoffMs } = this.#options;
    const listeners = [this.#options.onProgress, options.onProgress].filter((f) => f !== undefined);
    const onProgress = listeners.length === 0 ? undefined : (event: DownloadProgress) => {
      for (const listener of listeners) listener({ ...event, dataSet: id });
    };
    const paths: string[] = [];
    for (const file of entry.files) {
      const destination = this.#filePath(entry, file);
      paths.push(destination);
      const running = this.#inFlight.get(destination);
      if (running !== undefined) {
        await running;
        continue;
      }
      if (!options.force && this.#present(entry, file)) continue;
      const download = (async () => {
        // A forced pull starts over rather than resuming whatever an earlier run left.
        if (options.force) await rm(`${destination}${PARTIAL_SUFFIX}`, { force: true });
        await downloadFile(file.url, destination, { sha1: file.sha1, size: file.size, retries, backoffMs, fetch, signal: options.signal, onProgress });
      })();
      this.#inFlight.set(destination, download);
      try {
        await download;
      } finally {
        this.#inFlight.delete(destination);
      }
    }
    return paths;
  }

  /**
   * Local paths of the data set's files, downloading the missing ones first unless offline: what a
   * benchmark calls before loading its data.
   *
   * @throws DataNotCachedError when a file is missing and the cache is offline, or its download failed
   *   for want of a network (the message says what to run); ChecksumError, DownloadError otherwise.
   * @example
   * const [nc] = await cache.ensure('MajajHong2015.public');
   */
  async ensure(id: string, options: Omit<PullOptions, 'force'> = {}): Promise<string[]> {
    const entry = this.catalog.get(id);
    if (this.isCached(id)) return this.path(id);
    if (this.offline) throw this.#notCached(entry, `vvs is offline: ${OFFLINE_ENV} or --offline`);
    try {
      return await this.pull(id, options);
    } catch (error) {
      if (error instanceof DownloadError && error.transient) throw this.#notCached(entry, `the download failed: ${error.message}`, error);
      throw error;
    }
  }

  /**
   * Re-hashes cached files and compares them with the catalog: for one data set, each of its files
   * (absent ones as `missing`); without an id, every data set that has a folder in the cache.
   *
   * @throws UnknownPluginError for an id not in the catalog.
   * @example
   * (await cache.verify('MajajHong2015.public')).filter((c) => c.status !== 'ok');
   */
  async verify(id?: string): Promise<FileCheck[]> {
    const entries = id === undefined ? this.catalog.list().filter((e) => existsSync(this.directory(e.id))) : [this.catalog.get(id)];
    const checks: FileCheck[] = [];
    for (const entry of entries) {
      for (const file of entry.files) {
        const path = this.#filePath(entry, file);
        const base = { dataSet: entry.id, file: file.name, path, expected: file.sha1 };
        if (!existsSync(path)) {
          checks.push({ ...base, status: 'missing' });
          continue;
        }
        const actual = await sha1OfFile(path);
        checks.push({ ...base, status: actual === file.sha1 ? 'ok' : 'mismatch', actual });
      }
    }
    return checks;
  }
}
