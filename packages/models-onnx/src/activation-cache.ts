/**
 * A content-addressed on-disk cache of per-layer activations, the counterpart of Brain-Score's
 * `@store_xarray` activations cache — except that the key hashes what the activations depend on
 * (model bytes, preprocessing, image bytes, layer, projection) rather than identifiers, so a changed
 * image or a retrained model can never be served stale activations.
 *
 * ## Entry format (`<dir>/<key>.vvsact`)
 *
 * | bytes            | content                                                                  |
 * |------------------|--------------------------------------------------------------------------|
 * | 0–7              | magic `VVSACT01` (ASCII)                                                 |
 * | 8–11             | header length `h`, uint32 little-endian                                  |
 * | 12 … 12+h        | JSON header `{ key, rows, shape, sha256 }`, UTF-8, space-padded so the data starts at a multiple of 4 |
 * | 12+h … end       | `rows × prod(shape)` float32 little-endian, stimulus-major               |
 *
 * `shape` is one stimulus's layer shape (`[C, H, W]`, or `[k]` after projection) and `sha256` the
 * hex digest of the data bytes. An entry whose magic, header, key, length or digest does not check
 * out is treated as absent (and overwritten by the next run), never trusted.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { endianness } from 'node:os';
import { join } from 'node:path';
import { CACHE_DIR_ENV, defaultCacheDir, type StimulusSet } from '@vvs/core';

/** Environment variable naming vvs's cache folder, whose `activations/` subfolder holds the activation cache. */
export const ACTIVATION_CACHE_ENV = CACHE_DIR_ENV;

/** The activation cache's folder inside vvs's cache folder (beside the downloaded data sets). */
const ACTIVATIONS_SUBFOLDER = 'activations';

/** Version of the key derivation and entry layout; changing either must change it, orphaning old entries. */
const CACHE_FORMAT = 'VVSACT01';

/** File name extension of an entry. */
const ENTRY_EXTENSION = '.vvsact';

/** Bytes before the JSON header: the magic and the header's uint32 length. */
const PREAMBLE_BYTES = CACHE_FORMAT.length + 4;

/** Bytes per float32 value; also the data's alignment, so it can be viewed as a Float32Array in place. */
const FLOAT32_BYTES = 4;

/** Whether float32 arrays are little-endian in memory already (every platform onnxruntime-node ships for). */
const NATIVE_LITTLE_ENDIAN = endianness() === 'LE';

/** What one layer's activations depend on; {@link activationCacheKey} hashes it. */
export interface ActivationCacheKeyParts {
  /** Hex SHA-256 of the serialized model ({@link OnnxModel.sha256}). */
  readonly model: string;
  /** The preprocessing options as applied (canonicalised: key order does not matter). */
  readonly preprocess: unknown;
  /** {@link stimulusSetHash} of the stimuli. */
  readonly stimuli: string;
  /** The layer, as requested. */
  readonly layer: string;
  /** The projection's settings, or `null` when activations are not projected. */
  readonly projection: { readonly nComponents: number; readonly seed: number } | null;
}

/** One layer's activations on a whole stimulus set, as stored. */
export interface CachedActivations {
  /** One stimulus's layer shape (`[C, H, W]`, `[k]` …). */
  readonly shape: readonly number[];
  /** Number of stimuli. */
  readonly rows: number;
  /** `rows × prod(shape)` values, stimulus-major. */
  readonly data: Float32Array;
}

/**
 * JSON with object keys sorted at every depth, so equal values give equal text whatever order their
 * keys were written in (`undefined` members are dropped, as `JSON.stringify` does).
 *
 * @example
 * canonicalJson({ b: 1, a: [{ d: 2, c: 3 }] }); // '{"a":[{"c":3,"d":2}],"b":1}'
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

/**
 * Hex SHA-256 of a stimulus set's content: its ids in order, each followed by the SHA-256 of its
 * image bytes. Renaming, reordering or editing any image changes it; the set's identifier and
 * metadata columns do not enter it (activations do not depend on them).
 *
 * @example
 * await stimulusSetHash(stimulusSetFromDirectory('images/')); // 'c0ffee…' (64 hex digits)
 */
export async function stimulusSetHash(stimuli: StimulusSet): Promise<string> {
  const hash = createHash('sha256');
  for (const { stimulus_id: id } of stimuli.rows) {
    const image = createHash('sha256').update(await stimuli.getImage(id)).digest('hex');
    // Length-prefixed ids: no two id lists can concatenate to the same text.
    hash.update(`${id.length}:${id}=${image}\n`);
  }
  return hash.digest('hex');
}

/**
 * The cache key of one layer's activations: hex SHA-256 of the canonical JSON of `parts` and the
 * format version.
 *
 * @example
 * activationCacheKey({ model: m.sha256, preprocess: {}, stimuli: h, layer: 'avgpool', projection: null }); // 64 hex digits
 */
export function activationCacheKey(parts: ActivationCacheKeyParts): string {
  return createHash('sha256').update(canonicalJson({ format: CACHE_FORMAT, ...parts })).digest('hex');
}

/**
 * The default activation cache folder: `activations/` in vvs's cache folder (`$VVS_CACHE_DIR`, else
 * the platform's user cache folder: see `defaultCacheDir` in `@vvs/core`), beside the data sets.
 *
 * @example
 * defaultActivationCacheDir({ VVS_CACHE_DIR: '/scratch/vvs' }); // '/scratch/vvs/activations'
 */
export function defaultActivationCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(defaultCacheDir(env), ACTIVATIONS_SUBFOLDER);
}

/** Options of {@link ActivationCache}. */
export interface ActivationCacheOptions {
  /** The folder holding the entries (created on first write). Default {@link defaultActivationCacheDir}. */
  dir?: string;
}

/**
 * Per-layer activation matrices on disk, addressed by {@link activationCacheKey}. Entries are
 * written atomically (a temporary file renamed into place), so a crashed or interrupted writer
 * leaves either the whole entry or none, and concurrent writers of one key cannot interleave.
 *
 * @example
 * const cache = new ActivationCache({ dir: '/tmp/vvs-cache' });
 * await cache.set(key, { shape: [512], rows: 10, data });
 * (await cache.get(key))?.rows; // 10
 */
export class ActivationCache {
  /** The folder holding the entries. */
  readonly dir: string;

  constructor(options: ActivationCacheOptions = {}) {
    this.dir = options.dir ?? defaultActivationCacheDir();
  }

  /** The file an entry lives in. */
  path(key: string): string {
    return join(this.dir, `${key}${ENTRY_EXTENSION}`);
  }

  /**
   * The entry stored under `key`, or `undefined` when there is none or it does not check out
   * (wrong magic, unreadable header, other key, wrong length, data digest mismatch).
   */
  async get(key: string): Promise<CachedActivations | undefined> {
    let bytes: Buffer;
    try {
      bytes = await readFile(this.path(key));
    } catch {
      return undefined;
    }
    return decodeEntry(bytes, key);
  }

  /**
   * Stores `entry` under `key`, replacing any previous entry.
   *
   * @throws RangeError when `entry.data` does not hold `rows × prod(shape)` values.
   */
  async set(key: string, entry: CachedActivations): Promise<void> {
    const width = entry.shape.reduce((a, b) => a * b, 1);
    if (entry.data.length !== entry.rows * width) {
      throw new RangeError(`entry.data: expected ${entry.rows} × ${width} values, got ${entry.data.length}`);
    }
    await mkdir(this.dir, { recursive: true });
    const target = this.path(key);
    const temporary = join(this.dir, `.${key}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
    try {
      await writeFile(temporary, encodeEntry(key, entry));
      await rename(temporary, target);
    } finally {
      await rm(temporary, { force: true });
    }
  }
}

/** The data's bytes as stored: float32 little-endian (copied only on a big-endian machine). */
function littleEndianBytes(data: Float32Array): Uint8Array {
  if (NATIVE_LITTLE_ENDIAN) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const view = new DataView(new ArrayBuffer(data.byteLength));
  data.forEach((v, i) => view.setFloat32(i * FLOAT32_BYTES, v, true));
  return new Uint8Array(view.buffer);
}

function encodeEntry(key: string, { shape, rows, data }: CachedActivations): Buffer {
  const payload = littleEndianBytes(data);
  const json = JSON.stringify({ key, rows, shape: [...shape], sha256: createHash('sha256').update(payload).digest('hex') });
  const unpadded = PREAMBLE_BYTES + Buffer.byteLength(json);
  const header = json + ' '.repeat((FLOAT32_BYTES - (unpadded % FLOAT32_BYTES)) % FLOAT32_BYTES);
  const headerBytes = Buffer.byteLength(header);
  const out = Buffer.alloc(PREAMBLE_BYTES + headerBytes + payload.byteLength);
  out.write(CACHE_FORMAT, 0, 'latin1');
  out.writeUInt32LE(headerBytes, CACHE_FORMAT.length);
  out.write(header, PREAMBLE_BYTES, 'utf8');
  out.set(payload, PREAMBLE_BYTES + headerBytes);
  return out;
}

function decodeEntry(bytes: Buffer, key: string): CachedActivations | undefined {
  if (bytes.length < PREAMBLE_BYTES || bytes.toString('latin1', 0, CACHE_FORMAT.length) !== CACHE_FORMAT) return undefined;
  const headerBytes = bytes.readUInt32LE(CACHE_FORMAT.length);
  const start = PREAMBLE_BYTES + headerBytes;
  if (start > bytes.length) return undefined;
  let header: { key?: unknown; rows?: unknown; shape?: unknown; sha256?: unknown };
  try {
    header = JSON.parse(bytes.toString('utf8', PREAMBLE_BYTES, start));
  } catch {
    return undefined;
  }
  const { rows, shape, sha256 } = header;
  if (header.key !== key || !Number.isSafeInteger(rows) || !Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    return undefined;
  }
  const count = (rows as number) * (shape as number[]).reduce((a, b) => a * b, 1);
  const payload = bytes.subarray(start);
  if (payload.length !== count * FLOAT32_BYTES) return undefined;
  if (createHash('sha256').update(payload).digest('hex') !== sha256) return undefined;
  const data = new Float32Array(count);
  if (NATIVE_LITTLE_ENDIAN) {
    new Uint8Array(data.buffer).set(payload);
  } else {
    const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
    for (let i = 0; i < count; i++) data[i] = view.getFloat32(i * FLOAT32_BYTES, true);
  }
  return { shape: shape as number[], rows: rows as number, data };
}
