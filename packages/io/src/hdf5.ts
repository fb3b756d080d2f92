/**
 * Opening HDF5 files (netCDF-4 files are HDF5 files) with h5wasm, the HDF5 C library compiled to
 * WebAssembly: lazy loading of the library, a pre-flight check that turns the common failures
 * (missing, netCDF-3, not HDF5, truncated) into one-line errors, and HDF5's own error stack turned
 * into exceptions for the rest.
 */
import type { File as H5File } from 'h5wasm/node';
import { InputFileError } from './errors.ts';
import { inputFileSize, readInputBytes } from './files.ts';

/** The h5wasm namespace (`File`, `Dataset`, `ready`, …). */
export type H5wasm = typeof import('h5wasm/node').default;

/** The 8-byte signature that starts an HDF5 superblock (HDF5 File Format Specification, §II.A). */
const HDF5_SIGNATURE = Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]);

/** HDF5 looks for the superblock at byte 0, then at 512, 1024, 2048, … (after a user block). */
const FIRST_USER_BLOCK_OFFSET = 512;

/** Bytes of a superblock that hold every field up to and including the end-of-file address. */
const SUPERBLOCK_PREFIX = 64;

/** The first three bytes of a netCDF-3 classic (`CDF\x01`), 64-bit offset (`\x02`) or CDF-5 (`\x05`) file. */
const NETCDF3_MAGIC = 'CDF';

let loading: Promise<H5wasm> | undefined;

/** Loads h5wasm once (its 4 MB WebAssembly module is only paid for by callers that read HDF5). */
function loadH5wasm(): Promise<H5wasm> {
  loading ??= import('h5wasm/node').then(async ({ default: h5wasm }) => {
    await h5wasm.ready;
    return h5wasm;
  });
  return loading;
}

/** Reads a little-endian unsigned integer of 2, 4 or 8 bytes as a JS number (addresses < 2^53). */
function readAddress(bytes: Buffer, offset: number, size: number): number | undefined {
  if (offset + size > bytes.length) return undefined;
  const value = size === 8 ? bytes.readBigUInt64LE(offset) : BigInt(bytes.readUIntLE(offset, size));
  const undefinedAddress = (1n << BigInt(8 * size)) - 1n; // all bits set: "no address"
  return value === undefinedAddress ? undefined : Number(value);
}

/**
 * Checks, without HDF5, that `path` holds an HDF5 file in one piece: it exists, it is not a netCDF-3
 * file, it has an HDF5 superblock, and it is at least as long as the end-of-file address recorded in
 * that superblock (HDF5 File Format Specification, §II.A, superblock versions 0–3). This catches a
 * truncated download before HDF5 prints its error stack to stderr.
 */
function checkHdf5File(path: string): void {
  const size = inputFileSize(path);
  const head = readInputBytes(path, 0, HDF5_SIGNATURE.length);
  if (head.toString('latin1', 0, 3) === NETCDF3_MAGIC) {
    throw new InputFileError(path, 'is a netCDF-3 (classic) file; only netCDF-4/HDF5 files are supported (convert it with `nccopy -k nc4`)');
  }
  let superblock: number | undefined;
  for (let offset = 0; offset + HDF5_SIGNATURE.length <= size; offset = offset === 0 ? FIRST_USER_BLOCK_OFFSET : 2 * offset) {
    if (readInputBytes(path, offset, HDF5_SIGNATURE.length).equals(HDF5_SIGNATURE)) {
      superblock = offset;
      break;
    }
  }
  if (superblock === undefined) {
    throw new InputFileError(path, `not an HDF5/netCDF-4 file (no HDF5 signature found in its ${size} bytes)`);
  }
  const bytes = readInputBytes(path, superblock, SUPERBLOCK_PREFIX);
  const version = bytes[8];
  const offsetSize = version <= 1 ? bytes[13] : bytes[9];
  // version 0: base address at byte 24; version 1 adds 4 bytes before it; versions 2–3 put it at 12.
  // The end-of-file address follows two addresses later and is relative to the base address.
  const baseAt = version === 0 ? 24 : version === 1 ? 28 : 12;
  const base = readAddress(bytes, baseAt, offsetSize);
  const end = readAddress(bytes, baseAt + 2 * offsetSize, offsetSize);
  if (base !== undefined && end !== undefined && size < base + end) {
    throw new InputFileError(path, `truncated HDF5 file: ${size} bytes on disk, its superblock says ${base + end}`);
  }
}

/** The innermost reason in an HDF5 error stack ("truncated file: eof = …"), else the first line. */
function hdf5Reason(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const reasons = [...text.matchAll(/#\d+: .* in \w+\(\): (.*)$/gm)].map((m) => m[1]);
  return reasons.at(-1) ?? text.split('\n')[0];
}

/**
 * Runs `use` with HDF5 failures thrown as exceptions instead of printed: h5wasm otherwise prints the
 * HDF5 error stack to stderr and carries on, so a failed chunk read (a corrupt deflate stream, say)
 * would leave uninitialised values in the result. The default handler is restored afterwards.
 * Each exception thrown from inside HDF5 leaks a little WebAssembly memory (measured: a process
 * survives about 2000 of them), which is why {@link checkHdf5File} screens out the common failures first.
 */
async function withThrowingHdf5<T>(use: (h5: H5wasm) => T): Promise<T> {
  const h5 = await loadH5wasm();
  const module = await h5.ready;
  module.activate_throwing_error_handler();
  try {
    return use(h5);
  } finally {
    module.deactivate_throwing_error_handler();
  }
}

/**
 * Opens the HDF5 file at `path` read-only, runs `read` on it and closes it.
 *
 * @throws {@link InputFileError} (message starting with `path`) when the file is missing, is not
 *   HDF5, is truncated or corrupt, or when `read` throws anything that is not already one.
 * @example
 * const names = await readHdf5('assembly.nc', (file) => file.keys());
 */
export async function readHdf5<T>(path: string, read: (file: H5File, h5: H5wasm) => T): Promise<T> {
  checkHdf5File(path);
  return withThrowingHdf5((h5) => {
    let file: H5File;
    try {
      file = new h5.File(path, 'r');
    } catch (error) {
      throw new InputFileError(path, `HDF5 cannot open it: ${hdf5Reason(error)}`, { cause: error });
    }
    try {
      return read(file, h5);
    } catch (error) {
      if (error instanceof InputFileError) throw error;
      throw new InputFileError(path, `HDF5 read failed: ${hdf5Reason(error)}`, { cause: error });
    } finally {
      file.close();
    }
  });
}

/**
 * Creates (or truncates) the HDF5 file at `path`, runs `write` on it and closes it.
 *
 * @throws Error (message starting with `path`) when HDF5 fails to create or write the file.
 * @example
 * await writeHdf5('out.h5', (file) => file.create_dataset({ name: 'x', data: new Float64Array([1]) }));
 */
export async function writeHdf5(path: string, write: (file: H5File, h5: H5wasm) => void): Promise<void> {
  await withThrowingHdf5((h5) => {
    let file: H5File | undefined;
    try {
      file = new h5.File(path, 'w', { track_order: true });
      write(file, h5);
    } catch (error) {
      if (error instanceof TypeError || error instanceof RangeError) throw error;
      throw new Error(`${path}: HDF5 write failed: ${hdf5Reason(error)}`, { cause: error });
    } finally {
      file?.close();
    }
  });
}
