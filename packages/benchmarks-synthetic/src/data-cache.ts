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
const FORMAT = 2;

/** The folder of the cache folder that holds the synthetic suite's data. */
const FOLDER = 'synthetic';

/**
 * Alignment of every binary block in the file (the widest element, float64), so that a block can be
 * copied out as a typed array of its type.
 */
const ALIGN = 8;

/** Tags of the values JSON cannot hold as they are; binary ones point into the file's blocks. */
type Tagged =
  | { readonly $: 'f64' | 'f32' | 'i32' | 'u8'; readonly block: number }
  | { readonly $: 'nan' }
  | { readonly $: 'stimuli'; readonly identifier: string; readonly visualDegrees: number; readonly rows: unknown; readonly images: Record<string, number> };

const TYPED = { f64: Float64Array, f32: Float32Array, i32: Int32Array, u8: Uint8Array } as const;

function bytesOf(view: ArrayBufferView): Uint8Array {
  return new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
}

/**
 * `value` with typed arrays, NaNs and stimulus sets replaced by tagged objects; the bytes of typed
 * arrays and images go to `blocks` (images read from the set), which the tags index.
 */
async function encode(value: unknown, blocks: Uint8Array[]): Promise<unknown> {
  if (typeof value === 'number') return Number.isNaN(value) ? ({ $: 'nan' } satisfies Tagged) : value;
  if (value === null || typeof value !== 'object') return value;
  for (const [tag, type] of Object.entries(TYPED)) {
    if (value instanceof type) return { $: tag, block: blocks.push(bytesOf(value)) - 1 };
  }
  if (Array.isArray(value)) return Promise.all(value.map((v) => encode(v, blocks)));
  if (isStimulusSet(value)) {
    const images: Record<string, number> = {};
    for (const { stimulus_id: id } of value.rows) images[id] = blocks.push(await value.getImage(id)) - 1;
    return { $: 'stimuli', identifier: value.identifier, visualDegrees: value.visualDegrees ?? Number.NaN, rows: await encode(value.rows, blocks), images } satisfies Tagged;
  }
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) if (typeof v !== 'function') out[key] = await encode(v, blocks);
  return out;
}

/** `value` decoded, each block copied out into an array of its own (nothing shares the file's buffer). */
function decode(value: unknown, block: (index: number) => ArrayBuffer): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => decode(v, block));
  const tagged = value as Tagged;
  if (tagged.$ === 'nan') return Number.NaN;
  if (tagged.$ === 'stimuli') {
    const images = new Map(Object.entries(tagged.images).map(([id, index]) => [id, new Uint8Array(block(index))]));
    return inMemoryStimulusSet(tagged.identifier, tagged.visualDegrees, decode(tagged.rows, block) as StimulusSet['rows'], images);
  }
  if (tagged.$ in TYPED && 'block' in tagged) return new TYPED[tagged.$ as keyof typeof TYPED](block(tagged.block));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, decode(v, block)]));
}

const padded = (n: number) => Math.ceil(n / ALIGN) * ALIGN;

/**
 * The stored form: a little-endian uint32 with the header's length, the header (JSON: the value
 * with tags, and each block's offset and length), then the blocks, each at an aligned offset. Binary
 * blocks rather than base64 in JSON: reading the suite's data back is then a copy, not a parse.
 */
async function serialise(value: unknown): Promise<Uint8Array> {
  const blocks: Uint8Array[] = [];
  const tagged = await encode(value, blocks);
  const layout: [number, number][] = [];
  let offset = 0;
  for (const b of blocks) {
    layout.push([offset, b.byteLength]);
    offset = padded(offset + b.byteLength);
  }
  const header = Buffer.from(JSON.stringify({ value: tagged, blocks: layout }), 'utf8');
  const start = padded(4 + header.byteLength);
  const out = new Uint8Array(start + offset);
  new DataView(out.buffer).setUint32(0, header.byteLength, true);
  out.set(header, 4);
  blocks.forEach((b, i) => out.set(b, start + layout[i]![0]));
  return out;
}

function deserialise(file: Uint8Array): unknown {
  const headerLength = new DataView(file.buffer, file.byteOffset, file.byteLength).getUint32(0, true);
  const { value, blocks } = JSON.parse(Buffer.from(file.buffer, file.byteOffset + 4, headerLength).toString('utf8')) as { value: unknown; blocks: [number, number][] };
  const start = file.byteOffset + padded(4 + headerLength);
  return decode(value, (index) => {
    const [offset, length] = blocks[index]!;
    if (start + offset + length > file.byteOffset + file.byteLength) throw new RangeError(`block ${index} lies past the end of the file`);
    return file.buffer.slice(start + offset, start + offset + length) as ArrayBuffer;
  });
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
  const file = join(dir, `${name}-seed${seed}-v${version}-${syntheticPackage.version}-f${FORMAT}.bin`);
  try {
    return deserialise(await readFile(file)) as T;
  } catch {
    // missing or unreadable: made afresh below
  }
  const value = await make();
  await mkdir(dir, { recursive: true });
  await writeFileAtomic(file, await serialise(value));
  return value;
}
