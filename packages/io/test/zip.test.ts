import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputFileError, ZipArchive } from '../src/index.ts';
import { buildZip } from '@vvs/test-utils';
import type { ZipInput, ZipOptions } from '@vvs/test-utils';

const scratch = mkdtempSync(join(tmpdir(), 'vvs-zip-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Compressible text, so the deflated entry is really smaller than the stored one. */
const TEXT = Buffer.from('stimulus_id,object_name\n'.repeat(400));
/** Incompressible bytes (a linear congruential sequence). */
const NOISE = Buffer.from(Array.from({ length: 5000 }, (_, i) => (Math.imul(i, 2654435761) >>> 13) & 0xff));

const INPUTS: ZipInput[] = [
  { name: 'images/' },
  { name: 'images/stored.bin', data: NOISE, method: 0 },
  { name: 'images/deflated.csv', data: TEXT, method: 8 },
  { name: 'images/empty.txt', data: new Uint8Array(0), method: 8 },
  { name: 'top.txt', data: Buffer.from('top level'), method: 0 },
];

let k = 0;
function writeZip(bytes: Buffer | ZipInput[], options?: ZipOptions): string {
  const path = join(scratch, `a${k++}.zip`);
  writeFileSync(path, Array.isArray(bytes) ? buildZip(bytes, options) : bytes);
  return path;
}

async function openError(path: string): Promise<InputFileError> {
  const error = await ZipArchive.open(path).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(InputFileError);
  expect((error as InputFileError).file).toBe(path);
  return error as InputFileError;
}

describe('ZipArchive', () => {
  it('lists file entries (not folders) in directory order and reads stored and deflated entries exactly', async () => {
    const path = writeZip(INPUTS);
    const zip = await ZipArchive.open(path);
    expect(zip.path).toBe(path);
    expect(zip.entries()).toEqual(['images/stored.bin', 'images/deflated.csv', 'images/empty.txt', 'top.txt']);
    expect(zip.has('images/stored.bin')).toBe(true);
    expect(zip.has('images/')).toBe(false);
    expect(zip.has('stored.bin')).toBe(false);
    expect(Buffer.from(await zip.read('images/stored.bin')).equals(NOISE)).toBe(true);
    expect(Buffer.from(await zip.read('images/deflated.csv')).equals(TEXT)).toBe(true);
    expect((await zip.read('images/empty.txt')).length).toBe(0);
    expect(Buffer.from(await zip.read('top.txt')).toString()).toBe('top level');
    // The deflated entry really is compressed in the file.
    expect(buildZip([INPUTS[2]]).length).toBeLessThan(TEXT.length / 10);
  });

  it('reads ZIP64 archives (sentinel fields, ZIP64 EOCD, locator and extra fields), comments and prefixed archives', async () => {
    const zip64 = await ZipArchive.open(writeZip(INPUTS, { zip64: true }));
    expect(zip64.entries()).toHaveLength(4);
    expect(Buffer.from(await zip64.read('images/deflated.csv')).equals(TEXT)).toBe(true);
    expect(Buffer.from(await zip64.read('images/stored.bin')).equals(NOISE)).toBe(true);

    const commented = await ZipArchive.open(writeZip(INPUTS, { comment: 'PK\x05\x06 looks like a signature', prefix: Buffer.from('#!stub\n') }));
    expect(Buffer.from(await commented.read('top.txt')).toString()).toBe('top level');
  });

  it('UTF-8 entry names', async () => {
    const zip = await ZipArchive.open(writeZip([{ name: 'bilder/Straße_ü.png', data: Buffer.from('ü'), method: 8 }]));
    expect(zip.entries()).toEqual(['bilder/Straße_ü.png']);
    expect(Buffer.from(await zip.read('bilder/Straße_ü.png')).toString()).toBe('ü');
  });

  it('a corrupted entry fails its CRC-32 check; a corrupt deflate stream is reported', async () => {
    const bytes = buildZip(INPUTS);
    const at = bytes.indexOf(NOISE.subarray(0, 64));
    const flipped = Buffer.from(bytes);
    flipped[at + 100] ^= 0x01;
    const path = writeZip(flipped);
    const zip = await ZipArchive.open(path);
    const error = await zip.read('images/stored.bin').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputFileError);
    expect((error as InputFileError).file).toBe(path);
    expect((error as Error).message).toMatch(new RegExp(`^${path}: entry 'images/stored.bin' is corrupt: CRC-32 0x[0-9a-f]{8}, the directory says 0x[0-9a-f]{8}$`));
    // The other entries are untouched.
    expect(Buffer.from(await zip.read('images/deflated.csv')).equals(TEXT)).toBe(true);

    const mangled = Buffer.from(bytes);
    const deflatedAt = bytes.indexOf(Buffer.from('images/deflated.csv')) + 'images/deflated.csv'.length;
    mangled.fill(0xff, deflatedAt, deflatedAt + 8);
    await expect((await ZipArchive.open(writeZip(mangled))).read('images/deflated.csv')).rejects.toThrow(/entry 'images\/deflated.csv' is corrupt/);
  });

  it('a non-zip, a truncated zip and a missing file: InputFileError naming the file', async () => {
    const text = writeZip(Buffer.from('stimulus_id,filename\nn0,n0.png\n'));
    expect((await openError(text)).message).toBe(`${text}: not a zip archive (no end-of-central-directory record)`);
    const tiny = writeZip(Buffer.from('PK'));
    expect((await openError(tiny)).message).toBe(`${tiny}: not a zip archive (2 bytes, too short for one)`);

    const whole = buildZip(INPUTS);
    const cut = writeZip(whole.subarray(0, whole.length - 40));
    expect((await openError(cut)).message).toMatch(/not a zip archive/);
    // Keep the EOCD but drop the start of the file, as a failed copy of its tail would.
    const tailOnly = writeZip(whole.subarray(whole.length - 200));
    expect((await openError(tailOnly)).message).toMatch(/^.*: truncated zip archive: its central directory \(bytes \d+–\d+\) runs past the end of the file \(200 bytes\)$/);

    const missing = join(scratch, 'missing.zip');
    expect((await openError(missing)).message).toBe(`${missing}: file not found`);
  });

  it('an entry whose data runs past the end of the file is reported as truncated', async () => {
    const whole = buildZip([{ name: 'big.bin', data: NOISE, method: 0 }]);
    const directoryStart = whole.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    // The entry's data is cut short, but the directory (re-based to its new offset) survives.
    const directory = Buffer.from(whole.subarray(directoryStart));
    const kept = whole.subarray(0, 2000);
    directory.writeUInt32LE(kept.length, directory.length - 6);
    const path = writeZip(Buffer.concat([kept, directory]));
    const zip = await ZipArchive.open(path);
    await expect(zip.read('big.bin')).rejects.toThrow(`${path}: truncated zip archive: entry 'big.bin' has`);
  });

  it('an unknown entry names the archive and the entry', async () => {
    const path = writeZip(INPUTS);
    const zip = await ZipArchive.open(path);
    await expect(zip.read('images/nope.png')).rejects.toThrow(`${path}: no entry 'images/nope.png' in the zip archive (4 files)`);
  });

  it('refuses compression methods other than stored and deflate', async () => {
    const bytes = buildZip([{ name: 'x.bin', data: NOISE, method: 0 }]);
    const directoryStart = bytes.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    bytes.writeUInt16LE(12, directoryStart + 10); // bzip2
    const zip = await ZipArchive.open(writeZip(bytes));
    await expect(zip.read('x.bin')).rejects.toThrow(/entry 'x.bin' uses compression method 12; only stored \(0\) and deflate \(8\) are supported/);
  });
});
