/**
 * Test helper: writes zip archives byte by byte (PKWARE APPNOTE 6.3.10), so the reader's tests control
 * every field — stored or deflated entries, folders, UTF-8 names and the ZIP64 records.
 */
import { crc32, deflateRawSync } from 'node:zlib';

export interface ZipInput {
  readonly name: string;
  /** Omitted for a folder entry (`name` ending in '/'). */
  readonly data?: Uint8Array;
  /** 0 stored, 8 deflate. */
  readonly method?: 0 | 8;
}

export interface ZipOptions {
  /** Write ZIP64 records: sentinel sizes/offsets with a ZIP64 extra field per entry, ZIP64 EOCD and locator. */
  readonly zip64?: boolean;
  /** Archive comment (goes after the EOCD record). */
  readonly comment?: string;
  /** Bytes before the first entry (a self-extracting stub, say). */
  readonly prefix?: Uint8Array;
}

const u16 = (n: number) => {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(n);
  return b;
};
const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n >>> 0);
  return b;
};
const u64 = (n: number) => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt(n));
  return b;
};

/** The archive's bytes. */
export function buildZip(inputs: readonly ZipInput[], options: ZipOptions = {}): Buffer {
  const zip64 = options.zip64 === true;
  const parts: Buffer[] = [];
  let offset = 0;
  const push = (b: Buffer) => {
    parts.push(b);
    offset += b.length;
  };
  if (options.prefix) push(Buffer.from(options.prefix));
  const central: Buffer[] = [];
  for (const input of inputs) {
    const name = Buffer.from(input.name, 'utf8');
    const raw = Buffer.from(input.data ?? new Uint8Array(0));
    const method = input.method ?? 0;
    const stored = method === 8 ? deflateRawSync(raw) : raw;
    const crc = crc32(raw);
    const flags = /[^\x00-\x7f]/.test(input.name) ? 0x0800 : 0;
    const localOffset = offset;
    push(Buffer.concat([u32(0x04034b50), u16(20), u16(flags), u16(method), u16(0), u16(0x21), u32(crc), u32(stored.length), u32(raw.length), u16(name.length), u16(0), name]));
    push(stored);
    const extra = zip64 ? Buffer.concat([u16(0x0001), u16(24), u64(raw.length), u64(stored.length), u64(localOffset)]) : Buffer.alloc(0);
    const sentinel = 0xffffffff;
    central.push(
      Buffer.concat([
        u32(0x02014b50), u16(0x031e), u16(zip64 ? 45 : 20), u16(flags), u16(method), u16(0), u16(0x21), u32(crc),
        u32(zip64 ? sentinel : stored.length), u32(zip64 ? sentinel : raw.length), u16(name.length), u16(extra.length), u16(0),
        u16(0), u16(0), u32(0), u32(zip64 ? sentinel : localOffset), name, extra,
      ]),
    );
  }
  const directory = Buffer.concat(central);
  const directoryOffset = offset;
  push(directory);
  if (zip64) {
    const record = Buffer.concat([
      u32(0x06064b50), u64(44), u16(45), u16(45), u32(0), u32(0), u64(inputs.length), u64(inputs.length), u64(directory.length), u64(directoryOffset),
    ]);
    const recordOffset = offset;
    push(record);
    push(Buffer.concat([u32(0x07064b50), u32(0), u64(recordOffset), u32(1)]));
  }
  const comment = Buffer.from(options.comment ?? '', 'utf8');
  push(
    Buffer.concat([
      u32(0x06054b50), u16(0), u16(0), u16(zip64 ? 0xffff : inputs.length), u16(zip64 ? 0xffff : inputs.length),
      u32(zip64 ? 0xffffffff : directory.length), u32(zip64 ? 0xffffffff : directoryOffset), u16(comment.length), comment,
    ]),
  );
  return Buffer.concat(parts);
}
