import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '@vvs/core';
import { sharedPath } from '@vvs/test-utils';
import { InputFileError, openStimulusSet, stimulusSetFromCsv, stimulusSetFromDirectory } from '../src/index.ts';

const IMAGES = sharedPath('reference/brainscore-files/images');
const CSV = join(IMAGES, 'image_test_ten_images.csv');
const TEN_IDS = Array.from({ length: 10 }, (_, i) => `n${i}`);

const scratch = mkdtempSync(join(tmpdir(), 'vvs-io-stimuli-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A fresh scratch folder holding `files` (name → contents; `n0.png` etc. copy the fixture's image). */
function folder(name: string, files: Record<string, string | null>): string {
  const dir = join(scratch, name);
  mkdirSync(dir);
  for (const [file, contents] of Object.entries(files)) {
    if (contents === null) copyFileSync(join(IMAGES, 'n0.png'), join(dir, file));
    else writeFileSync(join(dir, file), contents);
  }
  return dir;
}

function expectFileError(run: () => unknown, file: string, pattern: RegExp): void {
  let error: unknown;
  try {
    run();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(InputFileError);
  expect((error as InputFileError).file).toBe(file);
  expect((error as Error).message).toMatch(pattern);
}

describe('stimulusSetFromDirectory', () => {
  it('takes the ten fixture images (not the CSV beside them), ids without extension, sorted', async () => {
    const set = stimulusSetFromDirectory(IMAGES, { visualDegrees: 8 });
    expect(set.rows.map((r) => r.stimulus_id)).toEqual(TEN_IDS);
    expect(set.rows[3]).toEqual({ stimulus_id: 'n3', filename: 'n3.png' });
    expect(set.identifier).toBe('images');
    expect(set.visualDegrees).toBe(8);
    expect(set.imagePath!('n7')).toBe(resolve(IMAGES, 'n7.png'));
    expect(Buffer.from(await set.getImage('n7')).equals(readFileSync(join(IMAGES, 'n7.png')))).toBe(true);
  });

  it('sorts by code unit, matches extensions in any case, skips hidden files, sub-folders and non-images', () => {
    const dir = folder('mixed', { 'b.JPG': null, 'B.png': null, 'a10.tiff': null, 'a2.webp': null, '._a.png': 'x', 'notes.txt': 'x' });
    mkdirSync(join(dir, 'sub.png'));
    const set = stimulusSetFromDirectory(dir, { identifier: 'mine' });
    expect(set.rows.map((r) => r.filename)).toEqual(['B.png', 'a10.tiff', 'a2.webp', 'b.JPG']);
    expect(set.rows.map((r) => r.stimulus_id)).toEqual(['B', 'a10', 'a2', 'b']);
    expect(set.identifier).toBe('mine');
    expect(set.visualDegrees).toBeUndefined();
  });

  it('rejects two files with one stimulus id, an empty folder, a missing folder, and a file', () => {
    const dup = folder('dup', { 'a.png': null, 'a.jpg': null });
    expectFileError(() => stimulusSetFromDirectory(dup), dup, /'a\.jpg' and 'a\.png' would both be stimulus 'a'/);
    const empty = folder('empty', { 'readme.md': 'x' });
    expectFileError(() => stimulusSetFromDirectory(empty), empty, /holds no images/);
    const missing = join(scratch, 'nope');
    expectFileError(() => stimulusSetFromDirectory(missing), missing, /no such file or folder/);
    expectFileError(() => stimulusSetFromDirectory(CSV), CSV, /is not a folder/);
    expect(() => stimulusSetFromDirectory(IMAGES, { visualDegrees: 0 })).toThrow(RangeError);
  });

  it('getImage of an unknown id is an InputError naming the id', async () => {
    const set = stimulusSetFromDirectory(IMAGES);
    expect(() => set.imagePath!('n10')).toThrow(InputError);
    await expect(set.getImage('n10')).rejects.toThrow(/no stimulus with id 'n10'/);
  });
});

describe('stimulusSetFromCsv', () => {
  it('reads the Brain-Score ten-image CSV: rows in file order with every column, paths beside the CSV', async () => {
    const set = stimulusSetFromCsv(CSV);
    expect(set.identifier).toBe('image_test_ten_images');
    expect(set.rows.map((r) => r.stimulus_id)).toEqual(TEN_IDS);
    expect(set.rows[4]).toEqual({ stimulus_id: 'n4', filename: 'n4.png', thing: 'foo4' });
    expect(set.imagePath!('n4')).toBe(resolve(IMAGES, 'n4.png'));
    expect(Buffer.from(await set.getImage('n4')).equals(readFileSync(join(IMAGES, 'n4.png')))).toBe(true);
  });

  it("types columns as pandas does: numeric columns as numbers, empty cells null, ids stay strings", () => {
    const dir = folder('typed', { 'x.png': null, 'y.png': null });
    const csv = join(dir, 'set.csv');
    writeFileSync(csv, `stimulus_id,filename,label,size,note\n007,x.png,3,1.5,\n8,${join(dir, 'y.png')},4,,"a, b"\n`);
    const set = stimulusSetFromCsv(csv, { visualDegrees: 4 });
    expect(set.rows).toEqual([
      { stimulus_id: '007', filename: 'x.png', label: 3, size: 1.5, note: null },
      { stimulus_id: '8', filename: join(dir, 'y.png'), label: 4, size: null, note: 'a, b' },
    ]);
    expect(set.visualDegrees).toBe(4);
    expect(set.imagePath!('8')).toBe(join(dir, 'y.png'));
  });

  it('rejects a missing column, a repeated id, a missing image, a ragged row and a missing file', () => {
    const dir = folder('bad', { 'x.png': null });
    const write = (name: string, text: string) => (writeFileSync(join(dir, name), text), join(dir, name));
    let csv = write('nofile.csv', 'stimulus_id,label\nx,1\n');
    expectFileError(() => stimulusSetFromCsv(csv), csv, /no 'filename' column \(columns: stimulus_id, label\)/);
    csv = write('dup.csv', 'stimulus_id,filename\nx,x.png\nx,x.png\n');
    expectFileError(() => stimulusSetFromCsv(csv), csv, /stimulus_id 'x' is listed twice/);
    csv = write('missing.csv', 'stimulus_id,filename\nx,x.png\ny,y.png\n');
    expectFileError(() => stimulusSetFromCsv(csv), csv, /row 2 \(stimulus 'y'\): image file .*y\.png not found/);
    csv = write('ragged.csv', 'stimulus_id,filename\nx,x.png,extra\n');
    expectFileError(() => stimulusSetFromCsv(csv), csv, /row 1 has 3 fields, the header has 2/);
    const absent = join(dir, 'absent.csv');
    expectFileError(() => stimulusSetFromCsv(absent), absent, /file not found/);
  });
});

describe('openStimulusSet', () => {
  it('opens a folder or a CSV by what the path is', () => {
    expect(openStimulusSet(IMAGES).rows).toHaveLength(10);
    expect(openStimulusSet(CSV).rows[0]).toHaveProperty('thing', 'foo0');
  });

  it('rejects a missing path and a file that is not a CSV', () => {
    const missing = join(scratch, 'missing');
    expectFileError(() => openStimulusSet(missing), missing, /no such file or folder/);
    const png = join(IMAGES, 'n0.png');
    expectFileError(() => openStimulusSet(png), png, /expected a folder of images or a stimulus-set \.csv/);
  });
});
