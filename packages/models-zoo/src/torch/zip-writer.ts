/**
 * A minimal zip writer for `torch.save`'s container: every entry stored (method 0, uncompressed) with
 * its data aligned to 64 bytes, as PyTorch's `PyTorchStreamWriter` (caffe2/serialize/inline_container.cc)
 * writes it, so a reader can view a storage in place. Record layouts follow PKWARE's APPNOTE.TXT
 * 6.3.10: local file header (§4.3.7), central directory header (§4.3.12), end of central directory
 * (§4.3.16). Archives are limited to 4 GiB (no ZIP64).
 */
import { open } from 'node:fs/promises';
import { crc32 } from 'node:zlib';

/** Record signatures (`PK..`). */
const LOCAL_HEADER_SIGNATURE = 0x04034b50;
const CENTRAL_HEADER_SIGNATURE = 0x02014b50;
const EOCD_SIGNATURE = 0x06054b50;

/** Fixed record sizes before their variable fields. */
const LOCAL_HEADER_SIZE = 30;
const CENTRAL_HEADER_SIZE = 46;
const EOCD_SIZE = 22;

/** Alignment of every entry's data, as PyTorch's writer pads (`kFieldAlignment`). */
export const TORCH_ZIP_ALIGNMENT = 64;

/** Header id of the padding extra field PyTorch uses ('FB'); readers skip unknown extra fields. */
const PADDING_EXTRA_ID = 0x4246;
/** An extra field's own header (id + length) takes 4 bytes, so padding is 0 or at least 4 bytes. */
const EXTRA_HEADER_SIZE = 4;

/** "Version needed to extract": 2.0, enough for stored entries. */
const VERSION_NEEDED = 20;
/** MS-DOS date of 1980-01-01 (the earliest a zip can hold); the time fields stay 0. */
const DOS_DATE_1980_01_01 = (1 << 5) | 1;

/** Largest offset or size a zip without ZIP64 records can hold; at most this many entries. */
const U32_LIMIT = 0xffffffff;
const U16_LIMIT = 0xffff;

/** One file of the archive. */
export interface ZipEntry {
  /** Its name, `/`-separated (`archive/data/0`). */
  readonly name: string;
  /** Its bytes, written as they are. */
  readonly data: Uint8Array;
}

/**
 * Writes `entries` to `path` as a zip archive of stored entries whose data start at multiples of
 * {@link TORCH_ZIP_ALIGNMENT} bytes (what `torch.load` and `torch.jit` expect of a checkpoint, and
 * what lets a reader map storages in place). Readable by Python's `zipfile` and `unzip`.
 *
 * @throws RangeError when the archive would exceed 4 GiB or 65,535 entries (ZIP64 is not written).
 * @example
 * await writeAlignedZip('model.pt', [
 *   { name: 'archive/data.pkl', data: pickleBytes },
 *   { name: 'archive/version', data: Buffer.from('3\n') },
 * ]);
 */
export async function writeAlignedZip(path: string, entries: readonly ZipEntry[]): Promise<void> {
  if (entries.length > U16_LIMIT) throw new RangeError(`entries: at most ${U16_LIMIT} entries without ZIP64, got ${entries.length}`);
  const handle = await open(path, 'w');
  try {
    let offset = 0;
    const write = async (bytes: Uint8Array): Promise<void> => {
      let done = 0;
      while (done < bytes.length) done += (await handle.write(bytes, done, bytes.length - done, offset + done)).bytesWritten;
      offset += bytes.length;
    };
    const central: Buffer[] = [];
    for (const entry of entries) {
      const name = Buffer.from(entry.name, 'utf8');
      const crc = crc32(entry.data);
      const headerOffset = offset;
      let padding = (TORCH_ZIP_ALIGNMENT - ((headerOffset + LOCAL_HEADER_SIZE + name.length) % TORCH_ZIP_ALIGNMENT)) % TORCH_ZIP_ALIGNMENT;
      if (padding > 0 && padding < EXTRA_HEADER_SIZE) padding += TORCH_ZIP_ALIGNMENT;
      if (headerOffset + LOCAL_HEADER_SIZE + name.length + padding + entry.data.length > U32_LIMIT) {
        throw new RangeError(`entries: the archive would exceed 4 GiB at '${entry.name}'; ZIP64 is not written`);
      }

      const local = Buffer.alloc(LOCAL_HEADER_SIZE + name.length + padding);
      local.writeUInt32LE(LOCAL_HEADER_SIGNATURE, 0);
      local.writeUInt16LE(VERSION_NEEDED, 4);
      local.writeUInt16LE(DOS_DATE_1980_01_01, 12);
      local.writeUInt32LE(crc, 14);
      local.writeUInt32LE(entry.data.length, 18);
      local.writeUInt32LE(entry.data.length, 22);
      local.writeUInt16LE(name.length, 26);
      local.writeUInt16LE(padding, 28);
      name.copy(local, LOCAL_HEADER_SIZE);
      if (padding > 0) {
        local.writeUInt16LE(PADDING_EXTRA_ID, LOCAL_HEADER_SIZE + name.length);
        local.writeUInt16LE(padding - EXTRA_HEADER_SIZE, LOCAL_HEADER_SIZE + name.length + 2);
      }
      await write(local);
      await write(entry.data);

      const record = Buffer.alloc(CENTRAL_HEADER_SIZE + name.length);
      record.writeUInt32LE(CENTRAL_HEADER_SIGNATURE, 0);
      record.writeUInt16LE(VERSION_NEEDED, 4);
      record.writeUInt16LE(VERSION_NEEDED, 6);
      record.writeUInt16LE(DOS_DATE_1980_01_01, 14);
      record.writeUInt32LE(crc, 16);
      record.writeUInt32LE(entry.data.length, 20);
      record.writeUInt32LE(entry.data.length, 24);
      record.writeUInt16LE(name.length, 28);
      record.writeUInt32LE(headerOffset, 42);
      name.copy(record, CENTRAL_HEADER_SIZE);
      central.push(record);
    }
    const directoryOffset = offset;
    const directory = Buffer.concat(central);
    if (directoryOffset + directory.length + EOCD_SIZE > U32_LIMIT) throw new RangeError('entries: the archive would exceed 4 GiB; ZIP64 is not written');
    await write(directory);
    const eocd = Buffer.alloc(EOCD_SIZE);
    eocd.writeUInt32LE(EOCD_SIGNATURE, 0);
    eocd.writeUInt16LE(entries.length, 8);
    eocd.writeUInt16LE(entries.length, 10);
    eocd.writeUInt32LE(directory.length, 12);
    eocd.writeUInt32LE(directoryOffset, 16);
    await write(eocd);
  } finally {
    await handle.close();
  }
}
