/**
 * Downloading one file so that it is either complete and verified under its final name or not there
 * at all: bytes go to `<destination>.partial`, an interrupted transfer resumes from where it stopped
 * (HTTP `Range`), transient failures are retried with exponential backoff, and the SHA-1 is checked
 * before the file is renamed into place — what Brain-Score's fetcher does (`BotoFetcher` +
 * `verify_sha1`), plus resumption and atomicity. Files whose publisher gives no checksum (the
 * scaling-laws seed's checkpoints) are checked by their size instead, when the caller says so.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { copyFile, mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { EXIT_FAILURE, InputError, VvsError } from '../errors.ts';
import { PARTIAL_SUFFIX, SHA1_PATTERN } from './catalog.ts';

/** Retries after the first attempt, by default: five attempts span 0.5 + 1 + 2 + 4 = 7.5 s of backoff. */
const DEFAULT_RETRIES = 4;

/** First backoff in milliseconds; attempt `k` (0-based) waits `backoffMs · 2^k` before the next. */
const DEFAULT_BACKOFF_MS = 500;

/** HTTP 206 Partial Content: the server honoured our `Range` and sends the rest of the file. */
const HTTP_PARTIAL_CONTENT = 206;

/** HTTP 416 Range Not Satisfiable: nothing lies past the requested offset. */
const HTTP_RANGE_NOT_SATISFIABLE = 416;

/** Status codes from here up are server failures, worth retrying. */
const HTTP_SERVER_ERROR = 500;

/**
 * Progress of one download: bytes of the file on disk so far (a resumed download starts above zero)
 * and the file's size when the server or the catalog says it.
 *
 * @example
 * const onProgress = ({ file, received, total }: DownloadProgress) => console.error(file, received, total);
 */
export interface DownloadProgress {
  /** The file's name (the destination's base name). */
  readonly file: string;
  /** Bytes written so far, counting any resumed part. */
  readonly received: number;
  /** The complete file's size in bytes, when known. */
  readonly total?: number;
}

/** Options of {@link downloadFile}. */
export interface DownloadOptions {
  /**
   * Expected SHA-1 of the complete file, 40 lowercase hex digits; or `null` to accept a size-only
   * check, for files whose publisher gives no checksum: the complete file must then have `size`
   * bytes when given, else the size the server announces (a 200's `Content-Length`, a 206's
   * `Content-Range` total), and a download whose size nobody announces is refused. A size check
   * catches truncation, not corruption; pass a SHA-1 whenever one is known.
   */
  readonly sha1: string | null;
  /** Expected size in bytes, when known: a shorter body is retried as truncated. */
  readonly size?: number;
  /** Retries after the first attempt for network errors, 5xx responses and truncated bodies. Default 4. */
  readonly retries?: number;
  /** Backoff before retry `k` (0-based) is `backoffMs · 2^k` milliseconds. Default 500. */
  readonly backoffMs?: number;
  /** Aborts the download; the `.partial` file is kept so the next attempt resumes. */
  readonly signal?: AbortSignal;
  /** Called as bytes arrive (and once when a transfer starts). */
  readonly onProgress?: (event: DownloadProgress) => void;
  /** The `fetch` to use (default: Node's global `fetch`); tests inject their own. */
  readonly fetch?: typeof globalThis.fetch;
}

/**
 * The part of {@link DownloadOptions} that says how a transfer runs (retries, cancellation, progress,
 * the `fetch` to use), for APIs that download on a caller's behalf and pass these through.
 */
export type TransferOptions = Pick<DownloadOptions, 'retries' | 'backoffMs' | 'signal' | 'onProgress' | 'fetch'>;

/**
 * A downloaded file whose SHA-1 differs from the catalog's: a corrupt mirror, a file replaced on the
 * server, or a wrong catalog entry. The download is discarded. An `InputError` (exit status 2): the
 * fix is in the catalog or the mirror, not in vvs.
 *
 * @example
 * try { await downloadFile(url, dest, { sha1 }); } catch (e) { if (e instanceof ChecksumError) console.error(e.actual); }
 */
export class ChecksumError extends InputError {
  /** Where the file came from. */
  readonly url: string;
  /** The SHA-1 the catalog expects. */
  readonly expected: string;
  /** The SHA-1 of what was downloaded. */
  readonly actual: string;

  constructor(url: string, expected: string, actual: string) {
    super(`${url}: SHA-1 mismatch: expected ${expected}, downloaded ${actual}; the download was discarded`, { field: 'sha1' });
    this.url = url;
    this.expected = expected;
    this.actual = actual;
  }
}

/**
 * A download that failed: an HTTP error status, a network error that outlasted the retries, a
 * missing `file:` source. `transient` says whether retrying later may help (network errors, 5xx,
 * truncated bodies) as opposed to a 4xx answer or a missing local file.
 *
 * @example
 * catch (e) { if (e instanceof DownloadError && e.transient) console.error('offline? try again later'); }
 */
export class DownloadError extends VvsError {
  /** The URL that failed. */
  readonly url: string;
  /** The HTTP status, when the server answered. */
  readonly status?: number;
  /** Whether the failure may pass (network, server error, cut connection) rather than be permanent. */
  readonly transient: boolean;

  constructor(message: string, options: { url: string; status?: number; transient: boolean; cause?: unknown }) {
    super(message, { code: 'E_DOWNLOAD', exitCode: EXIT_FAILURE, cause: options.cause });
    this.url = options.url;
    this.status = options.status;
    this.transient = options.transient;
  }
}

/** Size of the file at `path`, or 0 when there is none. */
async function sizeOrZero(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw error;
  }
}

/**
 * Hex SHA-1 of a file, read as a stream (Brain-Score's `sha1_hash`).
 *
 * @example
 * await sha1OfFile('assy_dicarlo_MajajHong2015_public.nc'); // '…' (40 hex digits)
 */
export async function sha1OfFile(path: string): Promise<string> {
  const hash = createHash('sha1');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** The reason a `fetch` rejected, in a few words (undici hides the socket error in `cause`). */
function networkReason(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const detail = cause?.code ?? cause?.message;
  const message = error instanceof Error ? error.message : String(error);
  return detail === undefined ? message : `${message} (${detail})`;
}

/** `Content-Range: bytes <start>-<end>/<total|*>` as numbers (total undefined for `*`), or undefined when absent or malformed. */
function parseContentRange(header: string | null): { start: number; total?: number } | undefined {
  const match = header === null ? null : /^bytes\s+(\d+)-\d+\/(\d+|\*)$/i.exec(header.trim());
  if (match === null) return undefined;
  return { start: Number(match[1]), ...(match[2] === '*' ? {} : { total: Number(match[2]) }) };
}

/** `Content-Range: bytes * /<total>` of a 416 answer: the file's size. */
function unsatisfiedRangeTotal(header: string | null): number | undefined {
  const match = header === null ? null : /^bytes\s+\*\/(\d+)$/i.exec(header.trim());
  return match === null ? undefined : Number(match[1]);
}

interface Transfer {
  readonly url: string;
  readonly partial: string;
  readonly file: string;
  readonly size?: number;
  readonly fetch: typeof globalThis.fetch;
  readonly signal?: AbortSignal;
  readonly onProgress?: (event: DownloadProgress) => void;
}

/**
 * One HTTP attempt: appends the rest of the file to the `.partial` (or rewrites it when the server
 * ignores `Range`). Throws a transient {@link DownloadError} for what a retry may fix. Returns the
 * complete file's size as far as `size` or the server says it (undefined when neither does).
 */
async function transferOnce(t: Transfer): Promise<number | undefined> {
  let offset = await sizeOrZero(t.partial);
  if (t.size !== undefined && offset > t.size) {
    await rm(t.partial, { force: true });
    offset = 0;
  }
  // A partial as long as the file finished downloading before (say, the rename was interrupted).
  if (t.size !== undefined && offset === t.size && offset > 0) return t.size;

  let response: Response;
  try {
    response = await t.fetch(t.url, { headers: offset > 0 ? { Range: `bytes=${offset}-` } : {}, signal: t.signal });
  } catch (cause) {
    t.signal?.throwIfAborted();
    throw new DownloadError(`${t.url}: ${networkReason(cause)}`, { url: t.url, transient: true, cause });
  }

  if (response.status === HTTP_RANGE_NOT_SATISFIABLE && offset > 0) {
    await response.body?.cancel();
    // Nothing lies past the partial's end: it is the whole file when the server's size agrees.
    if (unsatisfiedRangeTotal(response.headers.get('content-range')) === offset) return offset;
    await rm(t.partial, { force: true });
    throw new DownloadError(`${t.url}: the server refused to resume at byte ${offset}; restarting`, { url: t.url, status: response.status, transient: true });
  }
  if (!response.ok) {
    await response.body?.cancel();
    const status = `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`;
    throw new DownloadError(`${t.url}: ${status}`, { url: t.url, status: response.status, transient: response.status >= HTTP_SERVER_ERROR });
  }

  const lengthHeader = response.headers.get('content-length');
  const length = lengthHeader === null ? undefined : Number(lengthHeader);
  let start = 0;
  let total = length ?? t.size;
  if (response.status === HTTP_PARTIAL_CONTENT) {
    const range = parseContentRange(response.headers.get('content-range'));
    if (offset === 0 || range?.start !== offset) {
      await response.body?.cancel();
      await rm(t.partial, { force: true });
      throw new DownloadError(`${t.url}: the server sent a range other than the one asked for; restarting`, { url: t.url, status: response.status, transient: true });
    }
    start = offset;
    total = range.total ?? t.size;
  }

  // 'a' appends to what an earlier attempt wrote; 'w' starts over (a 200 answer is the whole file).
  const handle = await open(t.partial, start > 0 ? 'a' : 'w');
  let received = start;
  t.onProgress?.({ file: t.file, received, ...(total === undefined ? {} : { total }) });
  try {
    if (response.body !== null) {
      for await (const chunk of response.body) {
        await handle.write(chunk);
        received += chunk.byteLength;
        t.onProgress?.({ file: t.file, received, ...(total === undefined ? {} : { total }) });
      }
    }
  } catch (cause) {
    t.signal?.throwIfAborted();
    throw new DownloadError(`${t.url}: connection lost after ${received} bytes (${networkReason(cause)})`, { url: t.url, transient: true, cause });
  } finally {
    await handle.close();
  }
  const expected = length === undefined ? total : start + length;
  if (expected !== undefined && received < expected) {
    throw new DownloadError(`${t.url}: body ended after ${received} of ${expected} bytes`, { url: t.url, transient: true });
  }
  return total ?? expected;
}

/** Copies a `file:` URL's file to the partial path (a local mirror needs no retries); returns its size. */
async function copyLocal(url: string, partial: string, file: string, onProgress?: (event: DownloadProgress) => void): Promise<number> {
  const source = fileURLToPath(url);
  let total: number;
  try {
    total = (await stat(source)).size;
  } catch (cause) {
    throw new DownloadError(`${url}: ${(cause as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (cause as Error).message}`, {
      url,
      transient: false,
      cause,
    });
  }
  onProgress?.({ file, received: 0, total });
  await copyFile(source, partial);
  onProgress?.({ file, received: total, total });
  return total;
}

/**
 * The size-only check of a download without a published checksum: the partial must have `expected`
 * bytes; otherwise, or when no size is known, it is deleted and a non-transient DownloadError thrown.
 */
async function checkSize(url: string, partial: string, expected: number | undefined): Promise<void> {
  const actual = await sizeOrZero(partial);
  if (expected === actual) return;
  await rm(partial, { force: true });
  const problem =
    expected === undefined
      ? 'no checksum is published and the server announced no size, so the download cannot be verified'
      : `downloaded ${actual} bytes, expected ${expected}`;
  throw new DownloadError(`${url}: ${problem}; the download was discarded`, { url, transient: false });
}

/**
 * Downloads `url` to `destination` so that `destination` only ever holds the complete, verified file.
 *
 * - Bytes go to `<destination>.partial` in the same folder. When a `.partial` is already there (an
 *   earlier run was cut off), the request carries `Range: bytes=<its size>-`: a 206 answer is
 *   appended, a 200 answer rewrites the file from zero.
 * - Network errors, 5xx answers and bodies shorter than their `Content-Length` (or `size`) are
 *   retried up to `retries` times, after `backoffMs · 2^attempt` ms, each retry resuming; 4xx
 *   answers other than 416 fail at once.
 * - The complete file's SHA-1 must equal `sha1`: otherwise the partial is deleted and a
 *   {@link ChecksumError} is thrown. With `sha1: null` (no checksum published) its size must equal
 *   `size`, or the size the server announced: otherwise, or when no size is known, the partial is
 *   deleted and a non-transient {@link DownloadError} is thrown. On success the file is fsynced and
 *   renamed onto `destination` (atomic on POSIX: no reader sees a partial file under the final name).
 * - A `file:` URL (a local mirror) is copied, then verified the same way.
 *
 * Two processes downloading the same destination at once would share the `.partial`; callers that
 * may do so must serialise (the data cache does within one process).
 *
 * @param url - an `http:`, `https:` or `file:` URL.
 * @param destination - the final path; its folder is created when missing.
 * @param options - the expected `sha1` (required: a digest, or `null` for a size-only check), `size`,
 *   retry policy, abort signal, progress callback, `fetch`.
 * @throws ChecksumError on a SHA-1 mismatch; DownloadError for an HTTP error, a network failure that
 *   outlasted the retries, a missing local file, or (size-only check) a size that differs or that
 *   nobody announced; the signal's reason when aborted; TypeError for a
 *   malformed `sha1` or an unsupported URL.
 * @example
 * await downloadFile(
 *   'https://brainscore-storage.s3.amazonaws.com/brainio-brainscore/assy_dicarlo_MajajHong2015_public.nc',
 *   '/home/me/.cache/vvs/MajajHong2015.public/assy_dicarlo_MajajHong2015_public.nc',
 *   { sha1: '…', onProgress: ({ received, total }) => console.error(received, total) },
 * );
 * // No checksum published: the size the server announces is the check.
 * await downloadFile('https://epfl-neuroailab-scalinglaws.s3.eu-north-1.amazonaws.com/checkpoints/resnet18_imagenet_full/ep100.pt', dest, { sha1: null });
 */
export async function downloadFile(url: string, destination: string, options: DownloadOptions): Promise<void> {
  const { sha1, size, retries = DEFAULT_RETRIES, backoffMs = DEFAULT_BACKOFF_MS, signal, onProgress } = options;
  if (sha1 !== null && !SHA1_PATTERN.test(sha1)) throw new TypeError(`sha1: expected 40 lowercase hex digits or null (size-only check), got ${JSON.stringify(sha1)}`);
  if (!(Number.isSafeInteger(retries) && retries >= 0)) throw new RangeError(`retries: expected a non-negative integer, got ${retries}`);
  if (!(Number.isFinite(backoffMs) && backoffMs >= 0)) throw new RangeError(`backoffMs: expected a non-negative number of milliseconds, got ${backoffMs}`);
  const protocol = new URL(url).protocol;
  if (protocol !== 'http:' && protocol !== 'https:' && protocol !== 'file:') {
    throw new TypeError(`url: expected an http:, https: or file: URL, got ${JSON.stringify(url)}`);
  }
  signal?.throwIfAborted();
  await mkdir(dirname(destination), { recursive: true });
  const partial = `${destination}${PARTIAL_SUFFIX}`;
  const file = basename(destination);

  // The complete file's size as `size`, the server or the local file says it.
  let announced: number | undefined;
  if (protocol === 'file:') {
    announced = await copyLocal(url, partial, file, onProgress);
  } else {
    const transfer: Transfer = { url, partial, file, size, fetch: options.fetch ?? globalThis.fetch, signal, onProgress };
    for (let attempt = 0; ; attempt++) {
      try {
        announced = await transferOnce(transfer);
        break;
      } catch (error) {
        if (!(error instanceof DownloadError && error.transient)) throw error;
        if (attempt >= retries) {
          throw new DownloadError(`${error.message}; gave up after ${attempt + 1} attempts`, { url, status: error.status, transient: true, cause: error });
        }
        await sleep(backoffMs * 2 ** attempt, undefined, { signal });
      }
    }
  }

  if (sha1 === null) {
    await checkSize(url, partial, size ?? announced);
  } else {
    const actual = await sha1OfFile(partial);
    if (actual !== sha1) {
      await rm(partial, { force: true });
      throw new ChecksumError(url, sha1, actual);
    }
  }
  const handle = await open(partial, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(partial, destination);
}
