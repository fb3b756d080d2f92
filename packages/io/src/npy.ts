/**
 * NumPy `.npy` files: the format `numpy.save` writes and `numpy.load` reads (NEP 1, "A Simple File
 * Format for NumPy Arrays", versions 1.0, 2.0 and 3.0).
 *
 * Layout: the magic `\x93NUMPY`, a major and minor version byte, the header length (uint16 LE in
 * version 1, uint32 LE in versions 2 and 3), then the header — a Python dict literal
 * `{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }` padded with spaces and ended by a
 * newline so that the data starts at a multiple of 64 bytes — then the raw array bytes.
 */
import { endianness } from 'node:os';
import { closeSync, openSync, writeSync } from 'node:fs';
import { InputFileError } from './errors.ts';
import { inputFileSize, readInputBytes, readInputFile, writeAtomically } from './files.ts';
import { toFloat64Array, type NumericArray } from './numeric.ts';

/** The magic string every `.npy` file starts with. */
const NPY_MAGIC = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]); // "\x93NUMPY"

/** The magic string of a ZIP archive, i.e. of a `.npz` file saved by `numpy.savez`. */
const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]); // "PK\x03\x04"

/** Offset of the header-length field: it follows the magic string and the major and minor version bytes. */
const NPY_LENGTH_OFFSET = NPY_MAGIC.length + 2;

/** NumPy pads the header so that the data starts at a multiple of this many bytes (`ARRAY_ALIGN`). */
const NPY_ALIGNMENT = 64;

/** Longest header a version 1.0 file can hold: its length field is an unsigned 16-bit integer. */
const NPY_V1_MAX_HEADER = 0xffff;

/** A typed-array constructor, as used to view or allocate the values of one dtype. */
export type NumericArrayConstructor = {
  new (buffer: ArrayBufferLike, byteOffset: number, length: number): NumericArray;
  new (length: number): NumericArray;
  readonly BYTES_PER_ELEMENT: number;
};

/**
 * The little-endian dtypes vvs reads and writes, keyed by NumPy's `descr` string (`dtype.str`),
 * with the typed array holding them. One-byte types carry `|` ("not applicable") as byte order;
 * `<` is accepted for them too.
 */
const DTYPES: Readonly<Record<string, NumericArrayConstructor>> = {
  '<f4': Float32Array,
  '<f8': Float64Array,
  '|i1': Int8Array,
  '|u1': Uint8Array,
  '|b1': Uint8Array,
  '<i2': Int16Array,
  '<u2': Uint16Array,
  '<i4': Int32Array,
  '<u4': Uint32Array,
  '<i8': BigInt64Array,
  '<u8': BigUint64Array,
};

/** An array read from a `.npy` file: C-order values with their shape and original dtype. */
export interface NpyArray {
  /** Length of each axis, as in `numpy.ndarray.shape`; `[]` for a 0-d array. */
  shape: number[];
  /** The file's dtype as NumPy spells it (`'<f4'`, `'<i8'`, `'|u1'`, …). */
  dtype: string;
  /**
   * Row-major (C-order) values: `<f4` stays `Float32Array` and `<f8` is a `Float64Array`, both views
   * over the file's bytes (no copy) unless Fortran order forces one; integers are widened to `Float64Array`.
   */
  data: Float32Array | Float64Array;
}

/** Options of {@link writeNpy}. */
export interface WriteNpyOptions {
  /**
   * Whether `data` is already in column-major (Fortran) order; the header then says
   * `'fortran_order': True`, as `numpy.save` does for a Fortran-contiguous array. Default `false`.
   */
  fortranOrder?: boolean;
}

/** The `descr` string of a typed array, the inverse of {@link DTYPES}. */
function descrOf(data: NumericArray): string {
  for (const [descr, constructor] of Object.entries(DTYPES)) {
    if (data instanceof constructor && descr !== '|b1') return descr;
  }
  throw new TypeError(`writeNpy: data must be a numeric typed array, got ${Object.prototype.toString.call(data)}`);
}

/** Normalises a one-byte dtype's byte order (`<u1` → `|u1`) so it matches {@link DTYPES}. */
function normalizeDescr(descr: string): string {
  return /^[<>=]([iub]1)$/.test(descr) ? `|${descr.slice(1)}` : descr;
}

/** Parses the header dict of a `.npy` file (a Python literal written by `numpy.lib.format`). */
function parseHeader(path: string, header: string): { descr: string; fortranOrder: boolean; shape: number[] } {
  const descr = /['"]descr['"]\s*:\s*(?:'([^']*)'|"([^"]*)"|(\[))/.exec(header);
  const fortran = /['"]fortran_order['"]\s*:\s*(True|False)/.exec(header);
  const shape = /['"]shape['"]\s*:\s*\(([^)]*)\)/.exec(header);
  if (descr === null || fortran === null || shape === null) {
    throw new InputFileError(path, `malformed .npy header (expected descr, fortran_order and shape): ${header.trim()}`);
  }
  if (descr[3] !== undefined) {
    throw new InputFileError(path, 'structured (record) dtypes are not supported; save a plain numeric array');
  }
  const dims = shape[1]
    .split(',')
    .map((s) => s.trim().replace(/L$/, '')) // Python 2 wrote long integers as `3L`
    .filter((s) => s !== '')
    .map(Number);
  if (dims.some((d) => !Number.isSafeInteger(d) || d < 0)) {
    throw new InputFileError(path, `malformed shape (${shape[1]}) in the .npy header`);
  }
  return { descr: descr[1] ?? descr[2], fortranOrder: fortran[1] === 'True', shape: dims };
}

/** Writes all of `bytes` to `fd`: one `write(2)` may write less than asked (it does past 2 GiB). */
function writeFully(fd: number, bytes: Uint8Array): void {
  for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done, bytes.length - done);
}

/** The product of `shape`'s entries (1 for a 0-d array). */
function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/**
 * Reorders column-major (Fortran) values of the given shape into row-major (C) order: element
 * (i₀, …, iₖ) sits at Σ iⱼ·∏_{l<j} dₗ in `src` and at Σ iⱼ·∏_{l>j} dₗ in the result.
 */
function fortranToC<T extends Float32Array | Float64Array>(src: T, shape: readonly number[]): T {
  const out = new (src.constructor as { new (n: number): T })(src.length);
  const rank = shape.length;
  const fortranStrides = new Array<number>(rank);
  for (let j = 0, stride = 1; j < rank; j++) {
    fortranStrides[j] = stride;
    stride *= shape[j];
  }
  const index = new Array<number>(rank).fill(0);
  let from = 0;
  for (let to = 0; to < out.length; to++) {
    out[to] = src[from];
    // advance the C-order multi-index (last axis fastest), keeping `from` in step
    for (let j = rank - 1; j >= 0; j--) {
      index[j]++;
      from += fortranStrides[j];
      if (index[j] < shape[j]) break;
      from -= index[j] * fortranStrides[j];
      index[j] = 0;
    }
  }
  return out;
}

/**
 * Reads a NumPy `.npy` file, as `numpy.load` does: format versions 1.0–3.0, little-endian `<f4`,
 * `<f8`, signed and unsigned integers of 1–8 bytes and `|b1` booleans; a Fortran-ordered array is
 * transposed into C order. The file is read into one Buffer and `<f4` data is a zero-copy view over
 * it (the data offset is a multiple of 64, so the view is aligned), which keeps a feature matrix of
 * hundreds of MB at its on-disk size in memory. Other dtypes are widened to `Float64Array` (64-bit
 * integers must fit a JS number exactly).
 *
 * @param path - the `.npy` file.
 * @returns the shape, the file's dtype string and the C-order values.
 * @throws {@link InputFileError} for a missing or unreadable file, a file that is not `.npy` (or is
 *   a `.npz` archive), a malformed or truncated one, a big-endian or unsupported dtype.
 * @example
 * const { shape, data } = readNpy('features.npy'); // shape [n_stimuli, n_features], Float32Array
 */
export function readNpy(path: string): NpyArray {
  const buffer = readInputFile(path);
  const { descr, fortranOrder, shape, dataOffset, ArrayType } = npyLayout(path, buffer, buffer.length);
  const count = sizeOf(shape);
  const byteLength = count * ArrayType.BYTES_PER_ELEMENT;
  const start = buffer.byteOffset + dataOffset;
  const raw =
    start % ArrayType.BYTES_PER_ELEMENT === 0
      ? new ArrayType(buffer.buffer, start, count)
      : new ArrayType(buffer.buffer.slice(start, start + byteLength), 0, count); // unaligned: one copy
  const values = raw instanceof Float32Array || raw instanceof Float64Array ? raw : toFloat64Array(raw, path, `dtype ${descr}`);
  const data = fortranOrder && shape.length > 1 ? fortranToC(values, shape) : values;
  return { shape, dtype: descr, data };
}

/** Where and how a `.npy` file stores its array. */
export interface NpyLayout {
  shape: number[];
  /** NumPy's dtype string as written, e.g. `<f4`. */
  descr: string;
  fortranOrder: boolean;
  /** Byte offset of the first value. */
  dataOffset: number;
  /** The typed array that holds one value of the dtype. */
  ArrayType: NumericArrayConstructor;
}

/**
 * The layout of the `.npy` file at `path`, from its header alone (the array is not read).
 *
 * @throws {@link InputFileError} as {@link readNpy} does for the header, and for a file too short
 *   for its shape.
 * @example
 * readNpyLayout('features.npy').shape; // [3200, 25088]
 */
export function readNpyLayout(path: string): NpyLayout {
  const size = inputFileSize(path);
  const prefix = readInputBytes(path, 0, NPY_LENGTH_OFFSET + 4);
  const lengthBytes = prefix[NPY_MAGIC.length] === 1 ? 2 : 4;
  let headerLength = 0;
  if (prefix.length >= NPY_LENGTH_OFFSET + lengthBytes) {
    headerLength = lengthBytes === 2 ? prefix.readUInt16LE(NPY_LENGTH_OFFSET) : prefix.readUInt32LE(NPY_LENGTH_OFFSET);
  }
  // npyLayout checks the magic string and version on these bytes before trusting the length.
  return npyLayout(path, readInputBytes(path, 0, NPY_LENGTH_OFFSET + lengthBytes + headerLength), size);
}

/** Parses and checks the header at the start of `bytes`, for a file of `fileSize` bytes. */
function npyLayout(path: string, bytes: Buffer, fileSize: number): NpyLayout {
  if (bytes.subarray(0, ZIP_MAGIC.length).equals(ZIP_MAGIC)) {
    throw new InputFileError(path, 'is a ZIP archive (a .npz from numpy.savez?); save a single array with numpy.save');
  }
  if (bytes.length < NPY_LENGTH_OFFSET + 2 || !bytes.subarray(0, NPY_MAGIC.length).equals(NPY_MAGIC)) {
    throw new InputFileError(path, 'not a NumPy .npy file (it does not start with the magic string \\x93NUMPY)');
  }
  const major = bytes[NPY_MAGIC.length];
  if (major < 1 || major > 3) throw new InputFileError(path, `unsupported .npy format version ${major}.${bytes[NPY_MAGIC.length + 1]}`);
  const headerStart = NPY_LENGTH_OFFSET + (major === 1 ? 2 : 4);
  if (headerStart > bytes.length) throw new InputFileError(path, 'truncated .npy file (it ends inside the header)');
  const headerLength = major === 1 ? bytes.readUInt16LE(NPY_LENGTH_OFFSET) : bytes.readUInt32LE(NPY_LENGTH_OFFSET);
  const dataOffset = headerStart + headerLength;
  if (dataOffset > bytes.length) throw new InputFileError(path, 'truncated .npy file (it ends inside the header)');
  const header = bytes.toString(major === 3 ? 'utf8' : 'latin1', headerStart, dataOffset);
  const { descr, fortranOrder, shape } = parseHeader(path, header);

  const dtype = normalizeDescr(descr);
  const ArrayType = DTYPES[dtype];
  if (ArrayType === undefined) {
    const hint = descr.startsWith('>') ? ' (big-endian; convert with arr.astype(arr.dtype.newbyteorder("<")))' : '';
    throw new InputFileError(path, `unsupported dtype '${descr}'${hint}; supported: ${Object.keys(DTYPES).join(', ')}`);
  }
  const byteLength = sizeOf(shape) * ArrayType.BYTES_PER_ELEMENT;
  if (fileSize - dataOffset < byteLength) {
    throw new InputFileError(path, `truncated .npy file: shape (${shape.join(', ')}) of ${descr} needs ${byteLength} data bytes, the file has ${fileSize - dataOffset}`);
  }
  return { shape, descr, fortranOrder, dataOffset, ArrayType };
}

/**
 * Writes `data` as a NumPy `.npy` file that `numpy.load` reads back to the same array (format 1.0,
 * or 2.0 when the header outgrows 64 KiB, exactly as `numpy.save` chooses). The dtype follows the
 * typed array: `Float32Array` → `<f4`, `Float64Array` → `<f8`, `Int32Array` → `<i4`,
 * `BigInt64Array` → `<i8`, `Uint8Array` → `|u1`, and so on. The file is replaced atomically
 * (written beside it, then renamed), and the values are written straight from `data`'s memory.
 *
 * @param path - the file to create or replace.
 * @param shape - the array's shape; the product of its entries must equal `data.length`.
 * @param data - the values, in C order (or Fortran order with `options.fortranOrder`).
 * @param options - see {@link WriteNpyOptions}.
 * @throws RangeError when `shape` is not a list of non-negative integers whose product is `data.length`.
 * @example
 * await writeNpy('features.npy', [2, 3], new Float32Array([1, 2, 3, 4, 5, 6]));
 */
export async function writeNpy(path: string, shape: readonly number[], data: NumericArray, options: WriteNpyOptions = {}): Promise<void> {
  if (!shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new RangeError(`writeNpy: shape must be non-negative integers, got [${shape.join(', ')}]`);
  }
  if (sizeOf(shape) !== data.length) {
    throw new RangeError(`writeNpy: shape [${shape.join(', ')}] holds ${sizeOf(shape)} values but data has ${data.length}`);
  }
  if (endianness() !== 'LE') throw new RangeError('writeNpy: only little-endian hosts are supported');
  const tuple = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  const dict = `{'descr': '${descrOf(data)}', 'fortran_order': ${options.fortranOrder ? 'True' : 'False'}, 'shape': ${tuple}, }`;
  // the header length is a 2-byte field in version 1.0 and a 4-byte one in 2.0
  const paddedLength = (preamble: number) => Math.ceil((preamble + dict.length + 1) / NPY_ALIGNMENT) * NPY_ALIGNMENT - preamble;
  const major = paddedLength(NPY_LENGTH_OFFSET + 2) <= NPY_V1_MAX_HEADER ? 1 : 2;
  const preamble = NPY_LENGTH_OFFSET + (major === 1 ? 2 : 4);
  const headerLength = paddedLength(preamble);
  const head = Buffer.alloc(preamble + headerLength, 0x20); // space padding
  NPY_MAGIC.copy(head, 0);
  head[NPY_MAGIC.length] = major;
  head[NPY_MAGIC.length + 1] = 0;
  if (major === 1) head.writeUInt16LE(headerLength, NPY_LENGTH_OFFSET);
  else head.writeUInt32LE(headerLength, NPY_LENGTH_OFFSET);
  head.write(dict, preamble, 'latin1');
  head[head.length - 1] = 0x0a; // newline
  const body = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  await writeAtomically(path, (temporary) => {
    const fd = openSync(temporary, 'w');
    try {
      writeFully(fd, head);
      writeFully(fd, body);
    } finally {
      closeSync(fd);
    }
  });
}
