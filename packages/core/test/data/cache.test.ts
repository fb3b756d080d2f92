import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ChecksumError, DataCache, DataCatalog, DataNotCachedError, UnknownPluginError, defaultCacheDir, offlineFromEnv } from '../../src/index.ts';
import type { DataProgress, DataSetEntry } from '../../src/index.ts';
import { sendFile, startServer, testBytes } from '@vvs/test-utils';
import type { TestServer } from '@vvs/test-utils';

const CSV = Buffer.from('stimulus_id,filename\nn0,n0.png\n');
const ZIP = testBytes(300_000, 7);
const NC = testBytes(2_500_000, 3);
const sha1 = (bytes: Buffer) => createHash('sha1').update(bytes).digest('hex');
const BODIES: Record<string, Buffer> = { '/stimuli.csv': CSV, '/stimuli.zip': ZIP, '/assy.nc': NC };

const scratch = mkdtempSync(join(tmpdir(), 'vvs-cache-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

let server: TestServer;
afterEach(async () => server?.close());

/** A server for {@link BODIES} and a catalog of one stimulus set (CSV + zip) and one assembly pointing at it. */
async function setup(): Promise<{ catalog: DataCatalog; root: string }> {
  server = await startServer((req, res) => {
    const body = BODIES[req.url ?? ''];
    if (body === undefined) res.writeHead(404).end();
    else sendFile(req, res, body);
  });
  const stimuli: DataSetEntry = {
    id: 'Test2024.stimuli',
    kind: 'stimulus_set',
    files: [
      { name: 'stimulus_test.csv', url: `${server.url}/stimuli.csv`, sha1: sha1(CSV), size: CSV.length },
      { name: 'stimulus_test.zip', url: `${server.url}/stimuli.zip`, sha1: sha1(ZIP) },
    ],
  };
  const assembly: DataSetEntry = {
    id: 'Test2024.public',
    kind: 'assembly',
    files: [{ name: 'assy_test.nc', url: `${server.url}/assy.nc`, sha1: sha1(NC), size: NC.length }],
  };
  return { catalog: new DataCatalog([stimuli, assembly]), root: mkdtempSync(join(scratch, 'root-')) };
}

describe('defaultCacheDir', () => {
  it('VVS_CACHE_DIR, then XDG_CACHE_HOME/vvs, then the platform default', () => {
    expect(defaultCacheDir({ VVS_CACHE_DIR: '/scratch/v', XDG_CACHE_HOME: '/x' }, 'linux', '/home/u')).toBe('/scratch/v');
    expect(defaultCacheDir({ XDG_CACHE_HOME: '/x' }, 'darwin', '/Users/u')).toBe('/x/vvs');
    expect(defaultCacheDir({}, 'linux', '/home/u')).toBe('/home/u/.cache/vvs');
    expect(defaultCacheDir({ VVS_CACHE_DIR: '' }, 'freebsd', '/home/u')).toBe('/home/u/.cache/vvs');
    expect(defaultCacheDir({}, 'darwin', '/Users/u')).toBe('/Users/u/Library/Caches/vvs');
    expect(defaultCacheDir({ LOCALAPPDATA: 'C:\\Users\\u\\AppData\\Local' }, 'win32', 'C:\\Users\\u')).toBe('C:\\Users\\u\\AppData\\Local\\vvs\\Cache');
    expect(defaultCacheDir({}, 'win32', 'C:\\Users\\u')).toBe('C:\\Users\\u\\AppData\\Local\\vvs\\Cache');
  });

  it('VVS_OFFLINE=1 or true means offline', () => {
    expect([{ VVS_OFFLINE: '1' }, { VVS_OFFLINE: 'TRUE' }, { VVS_OFFLINE: '0' }, { VVS_OFFLINE: '' }, {}].map(offlineFromEnv)).toEqual([
      true,
      true,
      false,
      false,
      false,
    ]);
  });
});

describe('DataCache', () => {
  it('pull puts each file at <root>/<id>/<name> with the right bytes and reports progress per data set', async () => {
    const { catalog, root } = await setup();
    const events: DataProgress[] = [];
    const cache = new DataCache({ catalog, root, offline: false, onProgress: (e) => events.push(e) });
    expect(cache.isCached('Test2024.stimuli')).toBe(false);
    const paths = await cache.pull('Test2024.stimuli');
    expect(paths).toEqual([join(root, 'Test2024.stimuli', 'stimulus_test.csv'), join(root, 'Test2024.stimuli', 'stimulus_test.zip')]);
    expect(readFileSync(paths[0]).equals(CSV)).toBe(true);
    expect(readFileSync(paths[1]).equals(ZIP)).toBe(true);
    expect(readdirSync(join(root, 'Test2024.stimuli')).sort()).toEqual(['stimulus_test.csv', 'stimulus_test.zip']);
    expect(cache.isCached('Test2024.stimuli')).toBe(true);
    expect(cache.isCached('Test2024.public')).toBe(false);
    expect(cache.path('Test2024.stimuli')).toEqual(paths);
    expect(cache.directory('Test2024.stimuli')).toBe(join(root, 'Test2024.stimuli'));
    expect(events.at(-1)).toEqual({ dataSet: 'Test2024.stimuli', file: 'stimulus_test.zip', received: ZIP.length, total: ZIP.length });
    expect(new Set(events.map((e) => e.file))).toEqual(new Set(['stimulus_test.csv', 'stimulus_test.zip']));

    // A second pull skips cached files; force downloads them again.
    await cache.pull('Test2024.stimuli');
    expect(server.requests).toHaveLength(2);
    await cache.pull('Test2024.stimuli', { force: true });
    expect(server.requests).toHaveLength(4);
  });

  it('offline with a filled cache: ensure returns the paths without a single request', async () => {
    const { catalog, root } = await setup();
    await new DataCache({ catalog, root, offline: false }).pull('Test2024.public');
    const before = server.requests.length;
    const offline = new DataCache({ catalog, root, offline: true });
    expect(await offline.ensure('Test2024.public')).toEqual([join(root, 'Test2024.public', 'assy_test.nc')]);
    expect(server.requests.length).toBe(before);
  });

  it('offline without the data: the error names `vvs data pull <id>`, the files, their sizes and URLs', async () => {
    const { catalog, root } = await setup();
    const cache = new DataCache({ catalog, root, offline: true });
    const error = await cache.ensure('Test2024.public').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataNotCachedError);
    expect((error as Error).message).toBe(
      `data set 'Test2024.public' is not in the cache (${join(root, 'Test2024.public')}); ` +
        `run \`vvs data pull Test2024.public --cache-dir ${root}\` to download assy_test.nc (2.50 MB) from ${server.url}/assy.nc ` +
        '(vvs is offline: VVS_OFFLINE or --offline)',
    );
    expect((error as DataNotCachedError).exitCode).toBe(2);
    expect(server.requests).toHaveLength(0);
    expect(() => cache.path('Test2024.stimuli')).toThrow(
      `run \`vvs data pull Test2024.stimuli --cache-dir ${root}\` to download stimulus_test.csv (31 B) from ${server.url}/stimuli.csv and stimulus_test.zip from ${server.url}/stimuli.zip`,
    );
  });

  it('the pull hint repeats --catalog for a data set from a catalog file, and omits --cache-dir for the default root', async () => {
    const { catalog } = await setup();
    const file = join(scratch, 'my catalog.json');
    writeFileSync(file, '{}');
    const withSource = new DataCatalog().add(catalog.get('Test2024.public'), { source: file });
    const cache = new DataCache({ catalog: withSource, root: defaultCacheDir(), offline: true });
    expect(() => cache.path('Test2024.public')).toThrow(`run \`vvs data pull Test2024.public --catalog '${file}'\` to download`);
  });

  it('ensure downloads when online; when the network is down it says what to run later', async () => {
    const { catalog, root } = await setup();
    const cache = new DataCache({ catalog, root, offline: false, retries: 1, backoffMs: 1 });
    expect(await cache.ensure('Test2024.public')).toEqual([join(root, 'Test2024.public', 'assy_test.nc')]);
    await server.close();
    const error = await cache.ensure('Test2024.stimuli').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataNotCachedError);
    expect((error as Error).message).toMatch(
      /^data set 'Test2024\.stimuli' is not in the cache .*; run `vvs data pull Test2024\.stimuli --cache-dir .*` to download stimulus_test\.csv .* \(the download failed: .*ECONNREFUSED.*gave up after 2 attempts\)$/,
    );
  });

  it('a wrong sha1 in the catalog: ChecksumError, nothing cached', async () => {
    const { catalog, root } = await setup();
    const wrong = new DataCatalog().add({ ...catalog.get('Test2024.public'), files: [{ ...catalog.get('Test2024.public').files[0], sha1: sha1(CSV) }] });
    const cache = new DataCache({ catalog: wrong, root, offline: false });
    await expect(cache.ensure('Test2024.public')).rejects.toBeInstanceOf(ChecksumError);
    expect(readdirSync(join(root, 'Test2024.public'))).toEqual([]);
    expect(cache.isCached('Test2024.public')).toBe(false);
  });

  it('concurrent ensure calls for one data set share one download', async () => {
    const { catalog, root } = await setup();
    const cache = new DataCache({ catalog, root, offline: false });
    const [a, b] = await Promise.all([cache.ensure('Test2024.public'), cache.ensure('Test2024.public')]);
    expect(a).toEqual(b);
    expect(server.requests).toHaveLength(1);
    expect(readFileSync(a[0]).equals(NC)).toBe(true);
  });

  it('verify re-hashes: ok, then mismatch for a corrupted file of the same size, missing for a deleted one', async () => {
    const { catalog, root } = await setup();
    const cache = new DataCache({ catalog, root, offline: false });
    expect(await cache.verify()).toEqual([]);
    const [csv, zip] = await cache.pull('Test2024.stimuli');
    expect((await cache.verify()).map((c) => [c.dataSet, c.file, c.status])).toEqual([
      ['Test2024.stimuli', 'stimulus_test.csv', 'ok'],
      ['Test2024.stimuli', 'stimulus_test.zip', 'ok'],
    ]);
    const corrupted = Buffer.from(ZIP);
    corrupted[1000] ^= 0xff;
    writeFileSync(zip, corrupted);
    rmSync(csv);
    const checks = await cache.verify('Test2024.stimuli');
    expect(checks).toEqual([
      { dataSet: 'Test2024.stimuli', file: 'stimulus_test.csv', path: csv, status: 'missing', expected: sha1(CSV) },
      { dataSet: 'Test2024.stimuli', file: 'stimulus_test.zip', path: zip, status: 'mismatch', expected: sha1(ZIP), actual: sha1(corrupted) },
    ]);
    // A data set never pulled is listed only when asked for by id.
    expect((await cache.verify('Test2024.public')).map((c) => c.status)).toEqual(['missing']);
    expect((await cache.verify()).every((c) => c.dataSet === 'Test2024.stimuli')).toBe(true);
  });

  it('a cached file of the wrong size does not count as cached (a truncated copy)', async () => {
    const { catalog, root } = await setup();
    const cache = new DataCache({ catalog, root, offline: false });
    const [nc] = await cache.pull('Test2024.public');
    writeFileSync(nc, NC.subarray(0, 1000));
    expect(cache.isCached('Test2024.public')).toBe(false);
    await cache.pull('Test2024.public');
    expect(readFileSync(nc).equals(NC)).toBe(true);
    expect(existsSync(`${nc}.partial`)).toBe(false);
  });

  it('unknown ids are refused with suggestions', async () => {
    const { catalog, root } = await setup();
    const cache = new DataCache({ catalog, root });
    expect(() => cache.isCached('Test2024.publik')).toThrow(UnknownPluginError);
    await expect(cache.ensure('Test2024.publik')).rejects.toThrow('did you mean "Test2024.public"?');
  });
});
