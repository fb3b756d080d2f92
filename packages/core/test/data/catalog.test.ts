import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DataCatalog, InputError, RegistrationError, UnknownPluginError, formatBytes, parseCatalogFile } from '../../src/index.ts';
import type { DataSetEntry } from '../../src/index.ts';

const SHA1 = 'a'.repeat(40);

const entry = (id: string, extra: Partial<DataSetEntry> = {}): DataSetEntry => ({
  id,
  kind: 'assembly',
  identifier: `dicarlo.${id}`,
  files: [{ name: `assy_${id}.nc`, url: `https://example.org/assy_${id}.nc`, sha1: SHA1, size: 1234 }],
  ...extra,
});

/** The error `run` throws (fails the test when it throws nothing). */
function thrown(run: () => unknown): Error {
  try {
    run();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
}

const scratch = mkdtempSync(join(tmpdir(), 'vvs-catalog-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('DataCatalog', () => {
  it('adds, gets, lists by id and keeps a frozen copy of each entry', () => {
    const original = entry('MajajHong2015.public');
    const catalog = new DataCatalog([entry('Zeta2020'), original]);
    catalog.add(entry('FreemanZiemba2013.public'), { source: 'plugin-x' });
    expect(catalog.size).toBe(3);
    expect(catalog.list().map((e) => e.id)).toEqual(['FreemanZiemba2013.public', 'MajajHong2015.public', 'Zeta2020']);
    expect(catalog.has('Zeta2020')).toBe(true);
    expect(catalog.has('zeta2020')).toBe(false);
    expect(catalog.get('MajajHong2015.public')).toEqual(original);
    expect(catalog.source('FreemanZiemba2013.public')).toBe('plugin-x');
    expect(catalog.source('Zeta2020')).toBeUndefined();
    (original.files[0] as { name: string }).name = 'changed.nc';
    expect(catalog.get('MajajHong2015.public').files[0].name).toBe('assy_MajajHong2015.public.nc');
    expect(Object.isFrozen(catalog.get('Zeta2020').files[0])).toBe(true);
  });

  it('refuses a duplicate id, naming it and both sources', () => {
    const catalog = new DataCatalog().add(entry('MajajHong2015.public'), { source: 'builtin' });
    const error = thrown(() => catalog.add(entry('MajajHong2015.public'), { source: 'mine.json' }));
    expect(error).toBeInstanceOf(RegistrationError);
    expect(error.message).toBe('data set "MajajHong2015.public" (from mine.json): id is already in the catalog (from builtin)');
    expect((error as RegistrationError).plugin).toBe('mine.json');
  });

  it('a bad sha1, no files, or bad fields: RegistrationError naming the id and each field', () => {
    const catalog = new DataCatalog();
    const badSha1 = entry('Bad.sha1', { files: [{ name: 'a.nc', url: 'https://x.org/a.nc', sha1: 'ABCDEF' }] });
    expect(thrown(() => catalog.add(badSha1)).message).toBe('data set "Bad.sha1": files[0].sha1 must be 40 lowercase hex digits (got "ABCDEF")');
    const upper = entry('Upper', { files: [{ name: 'a.nc', url: 'https://x.org/a.nc', sha1: SHA1.toUpperCase() }] });
    expect(thrown(() => catalog.add(upper)).message).toMatch(/^data set "Upper": files\[0\]\.sha1 must be 40 lowercase hex digits/);
    const noFiles = thrown(() => catalog.add(entry('Empty', { files: [] })));
    expect(noFiles).toBeInstanceOf(RegistrationError);
    expect(noFiles.message).toBe('data set "Empty": files must list at least one file (got none)');

    const many = thrown(() =>
      catalog.add({
        id: 'Many',
        kind: 'recording' as never,
        files: [
          { name: 'sub/a.nc', url: 'ftp://x.org/a.nc', sha1: SHA1, size: -1 },
          { name: 'b.nc', url: 'not a url', sha1: SHA1 },
          { name: 'b.nc', url: 'file:///data/b.nc', sha1: SHA1 },
        ],
        versionID: 'x',
      } as DataSetEntry),
    );
    expect(many.message).toBe(
      'data set "Many": versionID is not a known field (known: id, kind, identifier, files, description, versionId); ' +
        'kind must be one of assembly, stimulus_set (got "recording"); ' +
        'files[0].name must be a plain file name, without folders (got "sub/a.nc"); ' +
        'files[0].url must be an http:, https: or file: URL (got "ftp://x.org/a.nc"); ' +
        'files[0].size must be a non-negative integer number of bytes (got -1); ' +
        'files[1].url must be an http:, https: or file: URL (got "not a url"); ' +
        'files[2].name repeats files[1].name "b.nc"',
    );
    expect(catalog.size).toBe(0);
  });

  it('ids must match ID_PATTERN and not be only dots (they name a folder)', () => {
    const catalog = new DataCatalog();
    expect(thrown(() => catalog.add(entry('has space'))).message).toMatch(/^data set "has space": id must be non-empty, of characters \[A-Za-z0-9._-\]/);
    expect(thrown(() => catalog.add(entry('..'))).message).toMatch(/^data set "\.\.": id .*not only dots/);
    expect(thrown(() => catalog.add(entry(''))).message).toMatch(/^data set "": id must be non-empty/);
    expect(thrown(() => catalog.add(entry('x', { files: [{ name: 'x.nc.partial', url: 'https://x.org/x', sha1: SHA1 }] }))).message).toMatch(
      /files\[0\]\.name must not end with \.partial/,
    );
  });

  it('an unknown id suggests the closest ids', () => {
    const catalog = new DataCatalog([entry('MajajHong2015.public'), entry('FreemanZiemba2013.public')]);
    const error = thrown(() => catalog.get('MajajHong2015.publc')) as UnknownPluginError;
    expect(error).toBeInstanceOf(UnknownPluginError);
    expect(error.suggestions).toEqual(['MajajHong2015.public']);
    expect(error.message).toBe('no data set is registered with id "MajajHong2015.publc"; did you mean "MajajHong2015.public"?');
    expect(error.exitCode).toBe(2);
    expect(thrown(() => new DataCatalog().get('x')).message).toMatch(/no data sets are registered at all/);
  });
});

describe('parseCatalogFile', () => {
  const write = (name: string, text: string) => {
    const path = join(scratch, name);
    writeFileSync(path, text);
    return path;
  };

  it('reads {"dataSets": [...]} into validated entries in file order', () => {
    const path = write('ok.json', JSON.stringify({ dataSets: [entry('B'), entry('A', { kind: 'stimulus_set', description: 'two files' })] }));
    const entries = parseCatalogFile(path);
    expect(entries.map((e) => [e.id, e.kind])).toEqual([
      ['B', 'assembly'],
      ['A', 'stimulus_set'],
    ]);
    expect(entries[1]).toEqual(entry('A', { kind: 'stimulus_set', description: 'two files' }));
    const catalog = new DataCatalog();
    for (const e of entries) catalog.add(e, { source: path });
    expect(catalog.source('A')).toBe(path);
  });

  it('errors name the file and the field', () => {
    const check = (path: string, message: string, field: string | undefined) => {
      const error = thrown(() => parseCatalogFile(path)) as InputError;
      expect(error).toBeInstanceOf(InputError);
      expect(error.message).toBe(message);
      expect(error.file).toBe(path);
      expect(error.field).toBe(field);
    };
    const badJson = write('bad.json', '{"dataSets": [');
    expect(thrown(() => parseCatalogFile(badJson)).message).toMatch(new RegExp(`^${badJson}: not valid JSON \\(`));
    check(write('array.json', '[]'), `${join(scratch, 'array.json')}: expected {"dataSets": [ … ]}, an object with a "dataSets" array`, 'dataSets');
    const badSha = write('sha.json', JSON.stringify({ dataSets: [entry('A'), entry('B', { files: [{ name: 'b.nc', url: 'https://x.org/b', sha1: 'xyz' }] })] }));
    check(badSha, `${badSha}: dataSets[1] ("B"): files[0].sha1 must be 40 lowercase hex digits (got "xyz")`, 'dataSets[1].files[0].sha1');
    const notObject = write('num.json', JSON.stringify({ dataSets: [7] }));
    check(notObject, `${notObject}: dataSets[0]: a data set must be an object (got 7)`, 'dataSets[0]');
    const twice = write('twice.json', JSON.stringify({ dataSets: [entry('A'), entry('B'), entry('A')] }));
    check(twice, `${twice}: dataSets[2] ("A"): id repeats dataSets[0]`, 'dataSets[2].id');
    const missing = join(scratch, 'missing.json');
    check(missing, `${missing}: catalog file not found`, undefined);
  });
});

describe('formatBytes', () => {
  it('SI units, three significant digits', () => {
    expect([0, 999, 1000, 31_417, 283_280_000, 999_700, 1.5e12].map(formatBytes)).toEqual([
      '0 B',
      '999 B',
      '1.00 kB',
      '31.4 kB',
      '283 MB',
      '1.00 MB',
      '1.50 TB',
    ]);
    expect(() => formatBytes(-1)).toThrow(RangeError);
  });
});
