/**
 * The synthetic suite's data kept on disk between processes, in the cache folder: generating it
 * (drawing hundreds of images, running the generating network, simulating neurons and observers)
 * takes seconds of the main thread, reading it back a fraction of that. The data is a pure function
 * of the seed and of the generators, so the file name carries the seed, the synthetic suite's version
 * (raised whenever the generators change the data) and the package's version; a file that cannot be
 * read is generated afresh.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { defaultCacheDir, writeFileAtomic, type StimulusSet } from '@vvs/core';
import { inMemoryStimulusSet } from './raster.ts';
import syntheticPackage from '../package.json' with { type: 'json' };

/** Bumped when the stored form changes. */
const FORMAT = 1;

/** The folder of the cache folder that holds the synthetic suite's data. */
const FOLDER = 'synthetic';

/** Tags of the values JSON cannot hold as they are. */
type Tagged =
  | { readonly $: 'f64' | 'f32' | 'i32' | 'u8'; readonly b64: string }
  | { readonly $: 'nan' }
  | { readonly $: 'stimuli'; readonly identifier: string; readonly visualDegrees: number; readonly rows: unknown; readonly images: Record<string, string> };

const TYPED = { f64: Float64Array, f32: Float32Array, i32: Int32Array, u8: Uint8Array } as const;

function bytesOf(view: ArrayBufferView): Buffer {
  return Buffer.from(view.buffer, view.byteOffset, view.byteLength);
}

/** `value` with typed arrays, NaNs and stimulus sets replaced by tagged objects (images read from the set). */
async function encode(value: unknown): Promise<unknown> {
  if (typeof value === 'number') return Number.isNaN(value) ? ({ $: 'nan' } satisfies Tagged) : value;
  if (value === null || typeof value !== 'object') return value;
  for (const [tag, type] of Object.entries(TYPED)) {
    if (value instanceof type) return { $: tag, b64: bytesOf(value).toString('base64') };
  }
  if (Array.isArray(value)) return Promise.all(value.map(encode));
  if (isStimulusSet(value)) {
    const images: Record<string, string> = {};
    for (const { stimulus_id: id } of value.rows) images[id] = Buffer.from(await value.getImage(id)).toString('base64');
    return { $: 'stimuli', identifier: value.identifier, visualDegrees: value.visualDegrees ?? Number.NaN, rows: await encode(value.rows), images } satisfies Tagged;
  }
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) if (typeof v !== 'function') out[key] = await encode(v);
  return out;
}

function decode(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(decode);
  const tagged = value as Tagged;
  if (tagged.$ === 'nan') return Number.NaN;
  if (tagged.$ === 'stimuli') {
    const images = new Map(Object.entries(tagged.images).map(([id, b64]) => [id, new Uint8Array(Buffer.from(b64, 'base64'))]));
    return inMemoryStimulusSet(tagged.identifier, tagged.visualDegrees, decode(tagged.rows) as StimulusSet['rows'], images);
  }
  if (tagged.$ in TYPED && 'b64' in tagged) {
    const bytes = Buffer.from(tagged.b64, 'base64');
    const Type = TYPED[tagged.$ as keyof typeof TYPED];
    // Copied into a fresh, aligned buffer of the right type.
    return new Type(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  }
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, decode(v)]));
}

function isStimulusSet(value: object): value is StimulusSet {
  return 'identifier' in value && 'rows' in value && typeof (value as StimulusSet).getImage === 'function';
}

/**
 * `name`'s data for `seed`: read from the cache folder when stored by this version of the package,
 * else made by `make` and stored (written whole, then renamed). Typed arrays, NaNs and in-memory
 * stimulus sets survive the round trip; functions other than a stimulus set's are not kept.
 *
 * @example
 * const data = await cachedOnDisk('neural.V4', 0, SYNTHETIC_VERSION, () => generate());
 */
export async function cachedOnDisk<T>(name: string, seed: number, version: number, make: () => Promise<T>): Promise<T> {
  const dir = join(defaultCacheDir(), FOLDER);
  const file = join(dir, `${name}-seed${seed}-v${version}-${syntheticPackage.version}-f${FORMAT}.json`);
  try {
    return decode(JSON.parse(await readFile(file, 'utf8'))) as T;
  } catch {
    // missing or unreadable: made afresh below
  }
  const value = await make();
  await mkdir(dir, { recursive: true });
  await writeFileAtomic(file, JSON.stringify(await encode(value)));
  return value;
}
