import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sharedPath } from '@vvs/test-utils';
import { InputFileError, parseCsv, readStimulusIds } from '../src/index.ts';

const scratch = mkdtempSync(join(tmpdir(), 'vvs-io-ids-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Writes `contents` to a scratch file and returns its path. */
function file(name: string, contents: string): string {
  const path = join(scratch, name);
  writeFileSync(path, contents);
  return path;
}

function expectError(path: string, pattern: RegExp): void {
  let error: unknown;
  try {
    readStimulusIds(path);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(InputFileError);
  expect((error as Error).message.startsWith(`${path}: `)).toBe(true);
  expect((error as Error).message).toMatch(pattern);
}

describe('readStimulusIds', () => {
  it('reads plain text, trimming lines and skipping blank ones (LF, CRLF, BOM)', () => {
    expect(readStimulusIds(file('ids.txt', '\uFEFFim0\r\n  im1 \r\n\r\nim2\n\n'))).toEqual(['im0', 'im1', 'im2']);
  });

  it('reads a JSON array of strings', () => {
    expect(readStimulusIds(file('ids.json', '["im0", "im1", "im 2"]'))).toEqual(['im0', 'im1', 'im 2']);
    expectError(file('object.json', '{"ids": ["a"]}'), /expected a JSON array of strings/);
    expectError(file('broken.json', '["a",'), /invalid JSON/);
  });

  it('reads the stimulus_id column of a Brain-Score stimulus-set CSV', () => {
    const path = sharedPath('reference/brainscore-files/images/image_test_ten_images.csv');
    expect(readStimulusIds(path)).toEqual(Array.from({ length: 10 }, (_, i) => `n${i}`));
  });

  it('falls back to an image_id column and honours quoting', () => {
    const path = file('ids.csv', 'label,image_id\r\n"cat, tabby",a1\r\ndog,"a""2"\r\n');
    expect(readStimulusIds(path)).toEqual(['a1', 'a"2']);
    expectError(file('nocolumn.csv', 'label,filename\ncat,a.png\n'), /no stimulus_id or image_id column \(columns: label, filename\)/);
    expectError(file('empty-cell.csv', 'stimulus_id,x\na,1\n,2\n'), /row 2 has an empty stimulus_id/);
    expectError(file('unclosed.csv', 'stimulus_id\n"a\n'), /malformed table: unterminated quoted field starting on line 2/);
  });

  it('rejects duplicates, naming the id and both positions, and empty lists', () => {
    expectError(file('dup.txt', 'a\nb\nc\nb\n'), /stimulus id "b" is listed twice \(entries 2 and 4\)/);
    expectError(file('dup.json', '["x", "x"]'), /stimulus id "x" is listed twice \(entries 1 and 2\)/);
    expectError(file('dup.csv', 'stimulus_id\nq\nr\nq\n'), /stimulus id "q" is listed twice \(entries 1 and 3\)/);
    expectError(file('blank.txt', '\n \n'), /lists no stimulus ids/);
    expectError(join(scratch, 'absent.txt'), /file not found/);
  });
});

describe('parseCsv', () => {
  it('splits RFC 4180 records with quoted delimiters, quotes and line breaks', () => {
    expect(parseCsv('a,b\n"x, y","say ""hi""\nthere"\n,\n')).toEqual([
      ['a', 'b'],
      ['x, y', 'say "hi"\nthere'],
      ['', ''],
    ]);
    expect(parseCsv('a\tb\n1\t2', '\t')).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ]);
    expect(() => parseCsv('"a"b\n')).toThrow(/unexpected text after a closing quote on line 1/);
  });
});
