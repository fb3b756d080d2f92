/**
 * Reading single entries of a zip archive without extracting it: Brain-Score ships each stimulus set's
 * images as one zip (`stimulus_<identifier>.zip`, written by Python's `zipfile`), and a benchmark
 * needs one image at a time. Follows PKWARE's APPNOTE.TXT (6.3.10): the End Of Central Directory
 * record (§4.3.16), ZIP64 (§4.3.14–15, §4.5.3), the central directory (§4.3.12) and local headers
 * (§4.3.7); entries stored (method 0) or deflated (method 8), as `zipfile` writes them.
 */
import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import * as zlib from 'node:zlib';
import { InputFileError } from './errors.ts';

/** Signatures (little-endian `PK..` magic numbers) of the records the reader uses. */
const EOCD_SIGNATURE = 0x06054b50;
const ZIP64_LOCATOR_SIGNATURE = 0x07064b50;
const ZIP64_EOCD_SIGNATURE = 0x06064b50;
const CENTRAL_HEADER_SIGNATURE = 0x02014b50;
const LOCAL_HEADER_SIGNATURE = 0x04034b50;

/** Fixed sizes of the records, before their variable-length fields. */
const EOCD_SIZE = 22;
const ZIP64_LOCATOR_SIZE = 20;
const ZIP64_EOCD_SIZE = 56;
const CENTRAL_HEADER_SIZE = 46;
const LOCAL_HEADER_SIZE = 30;

/** The EOCD ends with a comment of at most this many bytes, so it lies within the file's last 65,557 bytes. */
const MAX_COMMENT = 0xffff;

/** Header id of the ZIP64 extended-information extra field. */
const ZIP64_EXTRA_ID = 0x0001;

/** A 16- or 32-bit field holding all ones means "see the ZIP64 record". */
const U16_SENTINEL = 0xffff;
const U32_SENTINEL = 0xffffffff;

/** Compression methods this reader inflates. */
const METHOD_STORED = 0;
const METHOD_DEFLATE = 8;

/** General-purpose flag bits: encrypted entry; names in UTF-8. */
const FLAG_ENCRYPTED = 0x0001;
const FLAG_UTF8 = 0x0800;

/** What the central directory says about one entry. */
interface EntryRecord {
  readonly name: string;
  readonly flags: number;
  readonly method: number;
  readonly crc32: number;
  readonly compressedSize: number;
  readonly uncompressedSize: number;
  readonly localHeaderOffset: number;
}

/** CRC-32 lookup table (IEEE 802.3 polynomial, reflected 0xEDB88320), for Node versions without `zlib.crc32`. */
let crcTable: Uint32Array | undefined;

/**
 * CRC-32 of `bytes` as zip stores it (ISO 3309 / ITU-T V.42): Node's native `zlib.crc32` where it exists
 * (Node ≥ 20.15 and ≥ 22.2), otherwise the byte-at-a-time table algorithm (Sarwate 1988).
 */
function crc32(bytes: Uint8Array): number {
  const native = (zlib as { crc32?: (data: Uint8Array) => number }).crc32;
  if (typeof native === 'function') return native(bytes);
  if (crcTable === undefined) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) crc = crcTable[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * An entry name: UTF-8 when flagged (bit 11) or when the bytes are valid UTF-8 (tools such as macOS's
 * Archive Utility write UTF-8 without the flag); otherwise Latin-1, which keeps ASCII names exact.
 */
function decodeName(bytes: Uint8Array, flags: number): string {
  if (flags & FLAG_UTF8) return Buffer.from(bytes).toString('utf8');
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return Buffer.from(bytes).toString('latin1');
  }
}

/** Reads exactly `length` bytes at `position`, or fewer when the file ends first. */
async function readAt(handle: FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  let filled = 0;
  while (filled < length) {
    const { bytesRead } = await handle.read(buffer, filled, length - filled, position + filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return buffer.subarray(0, filled);
}

/** Opens `path` for reading, with a missing file reported as an {@link InputFileError}. */
async function openInput(path: string): Promise<FileHandle> {
  try {
    return await open(path, 'r');
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    throw new InputFileError(path, code === 'ENOENT' ? 'file not found' : `cannot be read (${(cause as Error).message})`, { cause });
  }
}

/** Where the central directory is and how many entries it holds. */
interface Directory {
  readonly offset: number;
  readonly size: number;
  readonly count: number;
}

/** Finds the EOCD record (and the ZIP64 EOCD when there is one) at the end of the file. */
async function locateDirectory(path: string, handle: FileHandle, fileSize: number): Promise<Directory> {
  if (fileSize < EOCD_SIZE) throw new InputFileError(path, `not a zip archive (${fileSize} bytes, too short for one)`);
  const tailStart = Math.max(0, fileSize - EOCD_SIZE - MAX_COMMENT);
  const tail = await readAt(handle, tailStart, fileSize - tailStart);
  let at = -1;
  // Search backwards: the record is last, followed only by its comment, whose length it states.
  for (let i = tail.length - EOCD_SIZE; i >= 0; i--) {
    if (tail.readUInt32LE(i) === EOCD_SIGNATURE && i + EOCD_SIZE + tail.readUInt16LE(i + 20) <= tail.length) {
      at = i;
      break;
    }
  }
  if (at < 0) throw new InputFileError(path, 'not a zip archive (no end-of-central-directory record)');
  const disk = tail.readUInt16LE(at + 4);
  const directoryDisk = tail.readUInt16LE(at + 6);
  let count = tail.readUInt16LE(at + 10);
  let size = tail.readUInt32LE(at + 12);
  let offset = tail.readUInt32LE(at + 16);
  const eocdOffset = tailStart + at;
  if (disk !== 0 || directoryDisk !== 0) throw new InputFileError(path, 'is a multi-part (spanned) zip archive, which is not supported');

  const needs64 = count === U16_SENTINEL || size === U32_SENTINEL || offset === U32_SENTINEL;
  if (needs64 && eocdOffset >= ZIP64_LOCATOR_SIZE) {
    const locator = await readAt(handle, eocdOffset - ZIP64_LOCATOR_SIZE, ZIP64_LOCATOR_SIZE);
    if (locator.readUInt32LE(0) === ZIP64_LOCATOR_SIGNATURE) {
      const recordOffset = Number(locator.readBigUInt64LE(8));
      const record = await readAt(handle, recordOffset, ZIP64_EOCD_SIZE);
      if (record.length < ZIP64_EOCD_SIZE || record.readUInt32LE(0) !== ZIP64_EOCD_SIGNATURE) {
        throw new InputFileError(path, `corrupt zip archive: no ZIP64 end-of-central-directory record at byte ${recordOffset}`);
      }
      count = Number(record.readBigUInt64LE(32));
      size = Number(record.readBigUInt64LE(40));
      offset = Number(record.readBigUInt64LE(48));
    }
  }
  if (offset + size > fileSize) {
    throw new InputFileError(path, `truncated zip archive: its central directory (bytes ${offset}–${offset + size}) runs past the end of the file (${fileSize} bytes)`);
  }
  return { offset, size, count };
}

/** The 64-bit values a ZIP64 extra field supplies for the 32-bit fields that hold the sentinel, in APPNOTE order. */
function applyZip64Extra(
  extra: Buffer,
  sizes: { uncompressedSize: number; compressedSize: number; localHeaderOffset: number },
): typeof sizes {
  for (let p = 0; p + 4 <= extra.length; ) {
    const id = extra.readUInt16LE(p);
    const length = extra.readUInt16LE(p + 2);
    if (id === ZIP64_EXTRA_ID) {
      let q = p + 4;
      const next = (value: number): number => {
        if (value !== U32_SENTINEL || q + 8 > p + 4 + length) return value;
        const wide = Number(extra.readBigUInt64LE(q));
        q += 8;
        return wide;
      };
      const uncompressedSize = next(sizes.uncompressedSize);
      const compressedSize = next(sizes.compressedSize);
      return { uncompressedSize, compressedSize, localHeaderOffset: next(sizes.localHeaderOffset) };
    }
    p += 4 + length;
  }
  return sizes;
}

/** Parses the central directory into entry records. */
function parseDirectory(path: string, bytes: Buffer, count: number): EntryRecord[] {
  const entries: EntryRecord[] = [];
  let p = 0;
  for (let k = 0; k < count; k++) {
    if (p + CENTRAL_HEADER_SIZE > bytes.length || bytes.readUInt32LE(p) !== CENTRAL_HEADER_SIGNATURE) {
      throw new InputFileError(path, `corrupt zip archive: central directory entry ${k + 1} of ${count} is missing or malformed`);
    }
    const flags = bytes.readUInt16LE(p + 8);
    const nameLength = bytes.readUInt16LE(p + 28);
    const extraLength = bytes.readUInt16LE(p + 30);
    const commentLength = bytes.readUInt16LE(p + 32);
    const end = p + CENTRAL_HEADER_SIZE + nameLength + extraLength + commentLength;
    if (end > bytes.length) throw new InputFileError(path, `corrupt zip archive: central directory entry ${k + 1} runs past the directory's end`);
    const name = decodeName(bytes.subarray(p + CENTRAL_HEADER_SIZE, p + CENTRAL_HEADER_SIZE + nameLength), flags);
    const extra = bytes.subarray(p + CENTRAL_HEADER_SIZE + nameLength, p + CENTRAL_HEADER_SIZE + nameLength + extraLength);
    const sizes = applyZip64Extra(extra, {
      compressedSize: bytes.readUInt32LE(p + 20),
      uncompressedSize: bytes.readUInt32LE(p + 24),
      localHeaderOffset: bytes.readUInt32LE(p + 42),
    });
    entries.push({ name, flags, method: bytes.readUInt16LE(p + 10), crc32: bytes.readUInt32LE(p + 16), ...sizes });
    p = end;
  }
  return entries;
}

/**
 * A zip archive opened for random access: the central directory is read once, then each
 * {@link read} reads one entry's local header and data at its offset — an image out of a stimulus
 * set's zip costs one small read, not an extraction (Python's `zipfile.ZipFile.read`, minus writing).
 * The file is opened per call, so an archive needs no closing.
 *
 * @example
 * const zip = await ZipArchive.open('stimulus_dicarlo_hvm-public.zip');
 * zip.entries().length;                  // 3200
 * const png = await zip.read('f9d3b9d1.png');
 */
export class ZipArchive {
  /** The archive's path, as given. */
  readonly path: string;
  readonly #entries: ReadonlyMap<string, EntryRecord>;

  private constructor(path: string, entries: ReadonlyMap<string, EntryRecord>) {
    this.path = path;
    this.#entries = entries;
  }

  /**
   * Opens a zip archive and reads its central directory (ZIP64 included).
   *
   * @param path - the `.zip` file.
   * @throws {@link InputFileError} naming the file when it is missing, not a zip archive, truncated,
   *   spanned over several parts, or has a malformed central directory.
   * @example
   * const zip = await ZipArchive.open('images.zip');
   */
  static async open(path: string): Promise<ZipArchive> {
    const handle = await openInput(path);
    try {
      const { size: fileSize } = await handle.stat();
      const directory = await locateDirectory(path, handle, fileSize);
      const bytes = await readAt(handle, directory.offset, directory.size);
      const entries = new Map<string, EntryRecord>();
      for (const entry of parseDirectory(path, bytes, directory.count)) {
        // Folders are listed as names ending in '/'; they hold no data.
        if (!entry.name.endsWith('/')) entries.set(entry.name, entry);
      }
      return new ZipArchive(path, entries);
    } finally {
      await handle.close();
    }
  }

  /**
   * Names of the file entries (folders left out), in central-directory order, as stored (`/`-separated,
   * possibly with folders: `images/n0.png`).
   *
   * @example
   * zip.entries(); // ['images/n0.png', 'images/n1.png']
   */
  entries(): string[] {
    return [...this.#entries.keys()];
  }

  /**
   * Whether the archive has a file entry with exactly this name.
   *
   * @example
   * zip.has('images/n0.png'); // true
   */
  has(name: string): boolean {
    return this.#entries.has(name);
  }

  /**
   * The uncompressed bytes of one entry, checked against the CRC-32 the central directory records.
   *
   * @param name - the entry's name, exactly as {@link entries} lists it.
   * @throws {@link InputFileError} naming the archive for an unknown entry, an encrypted entry or a
   *   compression method other than stored/deflate, a truncated or corrupt entry, or a CRC mismatch.
   * @example
   * const bytes = await zip.read('images/n0.png');
   */
  async read(name: string): Promise<Uint8Array> {
    const entry = this.#entries.get(name);
    if (entry === undefined) throw new InputFileError(this.path, `no entry '${name}' in the zip archive (${this.#entries.size} files)`);
    if (entry.flags & FLAG_ENCRYPTED) throw new InputFileError(this.path, `entry '${name}' is encrypted, which is not supported`);
    if (entry.method !== METHOD_STORED && entry.method !== METHOD_DEFLATE) {
      throw new InputFileError(this.path, `entry '${name}' uses compression method ${entry.method}; only stored (0) and deflate (8) are supported`);
    }
    const handle = await openInput(this.path);
    let data: Buffer;
    try {
      const header = await readAt(handle, entry.localHeaderOffset, LOCAL_HEADER_SIZE);
      if (header.length < LOCAL_HEADER_SIZE || header.readUInt32LE(0) !== LOCAL_HEADER_SIGNATURE) {
        throw new InputFileError(this.path, `corrupt zip archive: no local header for '${name}' at byte ${entry.localHeaderOffset}`);
      }
      // The local header's own name and extra lengths, which may differ from the central directory's.
      const start = entry.localHeaderOffset + LOCAL_HEADER_SIZE + header.readUInt16LE(26) + header.readUInt16LE(28);
      data = await readAt(handle, start, entry.compressedSize);
    } finally {
      await handle.close();
    }
    if (data.length < entry.compressedSize) {
      throw new InputFileError(this.path, `truncated zip archive: entry '${name}' has ${data.length} of its ${entry.compressedSize} bytes`);
    }
    let bytes: Buffer = data;
    if (entry.method === METHOD_DEFLATE) {
      try {
        bytes = zlib.inflateRawSync(data);
      } catch (cause) {
        throw new InputFileError(this.path, `entry '${name}' is corrupt (${(cause as Error).message})`, { cause });
      }
    }
    if (bytes.length !== entry.uncompressedSize) {
      throw new InputFileError(this.path, `entry '${name}' is corrupt: ${bytes.length} bytes, the directory says ${entry.uncompressedSize}`);
    }
    const crc = crc32(bytes);
    if (crc !== entry.crc32) {
      const hex = (n: number) => `0x${n.toString(16).padStart(8, '0')}`;
      throw new InputFileError(this.path, `entry '${name}' is corrupt: CRC-32 ${hex(crc)}, the directory says ${hex(entry.crc32)}`);
    }
    return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
  }
}
