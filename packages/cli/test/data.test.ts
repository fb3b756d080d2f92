import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { spawnVvs } from './spawn-cli.ts';
import { vvs } from './run-cli.ts';


/** What the test server serves, by URL path. */
const FILES: Record<string, Buffer> = {
  '/assy_test.nc': Buffer.from(Array.from({ length: 150_000 }, (_, i) => (i * 7919) % 251)),
  '/stimulus_test.csv': Buffer.from('stimulus_id,filename\nn0,n0.png\n'),
  '/stimulus_test.zip': Buffer.from('PK not really a zip, but bytes all the same'),
};
const sha1 = (bytes: Buffer) => createHash('sha1').update(bytes).digest('hex');

let server: Server;
let base: string;
const requests: string[] = [];
const scratch = mkdtempSync(join(tmpdir(), 'vvs-cli-data-'));
let catalogFile: string;

beforeAll(async () => {
  // Whatever the shell says, these tests decide when vvs is offline.
  vi.stubEnv('VVS_OFFLINE', '');
  server = createServer((req, res) => {
    requests.push(req.url ?? '');
    const body = FILES[req.url ?? ''];
    if (body === undefined) res.writeHead(404).end();
    else res.writeHead(200, { 'Content-Length': body.length }).end(body);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  catalogFile = join(scratch, 'catalog.json');
  const file = (path: string, withSize = true) => ({
    name: path.slice(1),
    url: `${base}${path}`,
    sha1: sha1(FILES[path]),
    ...(withSize ? { size: FILES[path].length } : {}),
  });
  writeFileSync(
    catalogFile,
    JSON.stringify({
      dataSets: [
        { id: 'Test2024.public', kind: 'assembly', identifier: 'lab.Test2024.public', files: [file('/assy_test.nc')] },
        { id: 'Test2024.stimuli', kind: 'stimulus_set', files: [file('/stimulus_test.csv'), file('/stimulus_test.zip', false)] },
      ],
    }),
  );
});
afterAll(async () => {
  vi.unstubAllEnvs();
  server.closeAllConnections();
  await new Promise((done) => server.close(done));
  rmSync(scratch, { recursive: true, force: true });
});
afterEach(() => vi.restoreAllMocks());

let k = 0;
/** A fresh cache folder (not created yet) and the flags naming it and the catalog. */
function fresh(): { dir: string; flags: string[] } {
  const dir = join(scratch, `cache${k++}`);
  return { dir, flags: ['--catalog', catalogFile, '--cache-dir', dir] };
}


describe('vvs data', () => {
  it("list --json: Brain-Score's built-in data sets, then the catalog file's, with sizes, cached flags and folders", async () => {
    const { dir, flags } = fresh();
    const { code, stdout, stderr } = await vvs('data', 'list', ...flags, '--json');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const out = JSON.parse(stdout);
    expect(out.cacheDir).toBe(dir);
    type Listed = { id: string; kind: string; size: number | null; cached: boolean; identifier?: string; files: { url: string }[]; directory: string };
    const byId = new Map<string, Listed>(out.dataSets.map((d: Listed) => [d.id, d]));
    expect(byId.get('MajajHong2015.public')?.files[0].url).toBe('https://brainscore-storage.s3.amazonaws.com/brainio-brainscore/assy_dicarlo_MajajHong2015_public.nc');
    const test = out.dataSets.filter((d: Listed) => d.id.startsWith('Test2024'));
    expect(test.map((d: Listed) => [d.id, d.kind, d.size, d.cached])).toEqual([
      ['Test2024.public', 'assembly', 150_000, false],
      ['Test2024.stimuli', 'stimulus_set', null, false],
    ]);
    expect(test[0].identifier).toBe('lab.Test2024.public');
    expect(test[0].files[0]).toEqual({ name: 'assy_test.nc', url: `${base}/assy_test.nc`, sha1: sha1(FILES['/assy_test.nc']), size: 150_000 });
    expect(test[1].directory).toBe(join(dir, 'Test2024.stimuli'));
  });

  it('pull downloads with log lines on stderr and prints the paths; list then shows it cached', async () => {
    const { dir, flags } = fresh();
    const before = requests.length;
    const pulled = await vvs('data', 'pull', 'Test2024.stimuli', 'Test2024.public', ...flags);
    expect(pulled.code).toBe(0);
    const paths = [join(dir, 'Test2024.stimuli', 'stimulus_test.csv'), join(dir, 'Test2024.stimuli', 'stimulus_test.zip'), join(dir, 'Test2024.public', 'assy_test.nc')];
    expect(pulled.stdout).toBe(paths.map((p) => `${p}\n`).join(''));
    expect(pulled.stderr).toBe(
      'vvs: downloading Test2024.stimuli/stimulus_test.csv (31 B)\n' +
        `vvs: downloading Test2024.stimuli/stimulus_test.zip (${FILES['/stimulus_test.zip'].length} B)\n` +
        'vvs: downloading Test2024.public/assy_test.nc (150 kB)\n',
    );
    expect(readFileSync(paths[2]).equals(FILES['/assy_test.nc'])).toBe(true);
    expect(requests.slice(before)).toEqual(['/stimulus_test.csv', '/stimulus_test.zip', '/assy_test.nc']);

    const listed = await vvs('data', 'list', ...flags);
    expect(listed.stdout).toMatch(/^ID +KIND +FILES +SIZE +CACHED\n/);
    expect(listed.stdout).toMatch(/\nTest2024\.public +assembly +1 +150 kB +yes\n/);
    expect(listed.stdout).toMatch(/\nTest2024\.stimuli +stimulus_set +2 +\? +yes\n/);
    expect(listed.stdout).toMatch(/\nMajajHong2015\.public +assembly +1 +\? +no\n/);

    // Pulling again downloads nothing; --force downloads again.
    await vvs('data', 'pull', 'Test2024.public', ...flags);
    expect(requests.length).toBe(before + 3);
    const forced = await vvs('data', 'pull', 'Test2024.public', '--force', ...flags, '--json');
    expect(requests.length).toBe(before + 4);
    expect(JSON.parse(forced.stdout)).toEqual({
      cacheDir: dir,
      dataSets: [{ id: 'Test2024.public', directory: join(dir, 'Test2024.public'), files: [paths[2]] }],
    });
  });

  it('on a terminal, pull redraws one progress line in place and clears it at the end', async () => {
    const { flags } = fresh();
    const descriptor = Object.getOwnPropertyDescriptor(process.stderr, 'isTTY');
    Object.defineProperty(process.stderr, 'isTTY', { value: true, configurable: true });
    let run: Awaited<ReturnType<typeof vvs>>;
    try {
      run = await vvs('data', 'pull', 'Test2024.public', ...flags);
    } finally {
      if (descriptor === undefined) delete (process.stderr as { isTTY?: boolean }).isTTY;
      else Object.defineProperty(process.stderr, 'isTTY', descriptor);
    }
    expect(run.code).toBe(0);
    const frames = run.stderr.split('\r\x1b[K');
    expect(frames[0]).toBe('');
    expect(frames[1]).toBe('downloading Test2024.public/assy_test.nc: 0 B of 150 kB (0%)');
    expect(frames.at(-2)).toBe('downloading Test2024.public/assy_test.nc: 150 kB of 150 kB (100%)');
    expect(frames.at(-1)).toBe('');
    expect(run.stderr).not.toContain('\n');
  });

  it('path prints the folder (downloading first); --offline without the data exits 2 saying what to pull', async () => {
    const { dir, flags } = fresh();
    const before = requests.length;
    const offline = await vvs('data', 'path', 'Test2024.public', ...flags, '--offline');
    expect(offline.code).toBe(2);
    expect(offline.stdout).toBe('');
    expect(offline.stderr).toBe(
      `vvs: data set 'Test2024.public' is not in the cache (${join(dir, 'Test2024.public')}); ` +
        `run \`vvs data pull Test2024.public --catalog ${catalogFile} --cache-dir ${dir}\` ` +
        `to download assy_test.nc (150 kB) from ${base}/assy_test.nc (vvs is offline: VVS_OFFLINE or --offline)\n`,
    );
    expect(requests.length).toBe(before);

    const online = await vvs('data', 'path', 'Test2024.public', ...flags);
    expect(online.code).toBe(0);
    expect(online.stdout).toBe(`${join(dir, 'Test2024.public')}\n`);
    expect(requests.length).toBe(before + 1);
    const again = await vvs('data', 'path', 'Test2024.public', ...flags, '--offline', '--json');
    expect(JSON.parse(again.stdout)).toEqual({ id: 'Test2024.public', directory: join(dir, 'Test2024.public'), files: [join(dir, 'Test2024.public', 'assy_test.nc')] });
    expect(requests.length).toBe(before + 1);
  });

  it('verify: ok per file, then a corrupted file is a mismatch with exit 2 and a pull --force hint', async () => {
    const { dir, flags } = fresh();
    const empty = await vvs('data', 'verify', ...flags);
    expect([empty.code, empty.stdout, empty.stderr]).toEqual([0, '', `vvs: nothing is cached in ${dir}\n`]);
    await vvs('data', 'pull', 'Test2024.stimuli', ...flags);
    const ok = await vvs('data', 'verify', ...flags);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toBe('ok        Test2024.stimuli/stimulus_test.csv\nok        Test2024.stimuli/stimulus_test.zip\n');

    const zip = join(dir, 'Test2024.stimuli', 'stimulus_test.zip');
    const corrupted = Buffer.from(FILES['/stimulus_test.zip']);
    corrupted[0] ^= 0xff;
    writeFileSync(zip, corrupted);
    const bad = await vvs('data', 'verify', 'Test2024.stimuli', 'Test2024.public', ...flags);
    expect(bad.code).toBe(2);
    expect(bad.stdout).toBe(
      'ok        Test2024.stimuli/stimulus_test.csv\nmismatch  Test2024.stimuli/stimulus_test.zip\nmissing   Test2024.public/assy_test.nc\n',
    );
    expect(bad.stderr).toBe(
      "vvs: 1 cached file differs from the catalog's SHA-1 (Test2024.stimuli/stimulus_test.zip); " +
        `run \`vvs data pull --force Test2024.stimuli --catalog ${catalogFile} --cache-dir ${dir}\` to download it again\n`,
    );
    const json = await vvs('data', 'verify', ...flags, '--json');
    expect(json.code).toBe(2);
    const out = JSON.parse(json.stdout);
    expect(out.ok).toBe(false);
    expect(out.files[1]).toEqual({
      dataSet: 'Test2024.stimuli',
      file: 'stimulus_test.zip',
      path: zip,
      status: 'mismatch',
      expected: sha1(FILES['/stimulus_test.zip']),
      actual: sha1(corrupted),
    });
  });

  it('bad input exits 2 with one line: unknown id (with a suggestion), a malformed catalog, a missing catalog', async () => {
    const { flags } = fresh();
    const unknown = await vvs('data', 'pull', 'Test2024.public', 'Test2024.publik', ...flags);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe('vvs: no data set is registered with id "Test2024.publik"; did you mean "Test2024.public"?\n');
    expect(unknown.stdout).toBe('');

    const malformed = join(scratch, 'bad.json');
    writeFileSync(malformed, JSON.stringify({ dataSets: [{ id: 'X', kind: 'assembly', files: [{ name: 'x', url: 'https://x.org/x', sha1: 'nope' }] }] }));
    const bad = await vvs('data', 'list', '--catalog', malformed);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe(`vvs: ${malformed}: dataSets[0] ("X"): files[0].sha1 must be 40 lowercase hex digits (got "nope")\n`);

    const twice = await vvs('data', 'list', '--catalog', catalogFile, '--catalog', catalogFile);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toBe(`vvs: data set "Test2024.public" (from ${catalogFile}): id is already in the catalog (from ${catalogFile})\n`);

    const missing = await vvs('data', 'list', '--catalog', join(scratch, 'nope.json'));
    expect([missing.code, missing.stderr]).toEqual([2, `vvs: ${join(scratch, 'nope.json')}: catalog file not found\n`]);
  });

  it('the built CLI end to end: pull, path under VVS_OFFLINE=1, verify (exit codes from the real process)', async () => {
    const { dir, flags } = fresh();
    const pulled = await spawnVvs(['data', 'pull', 'Test2024.public', ...flags]);
    expect(pulled.stderr).toBe('vvs: downloading Test2024.public/assy_test.nc (150 kB)\n');
    expect(pulled.code).toBe(0);
    expect(pulled.stdout).toBe(`${join(dir, 'Test2024.public', 'assy_test.nc')}\n`);
    const path = await spawnVvs(['data', 'path', 'Test2024.public', ...flags], { VVS_OFFLINE: '1' });
    expect([path.code, path.stdout]).toEqual([0, `${join(dir, 'Test2024.public')}\n`]);
    const offline = await spawnVvs(['data', 'path', 'Test2024.stimuli', ...flags], { VVS_OFFLINE: '1' });
    expect(offline.code).toBe(2);
    expect(offline.stderr).toMatch(/^vvs: data set 'Test2024\.stimuli' is not in the cache .* to download stimulus_test\.csv \(31 B\) from .* and stimulus_test\.zip from .*\(vvs is offline/);
    writeFileSync(join(dir, 'Test2024.public', 'assy_test.nc'), 'truncated');
    const verify = await spawnVvs(['data', 'verify', ...flags]);
    expect(verify.code).toBe(2);
    expect(verify.stdout).toBe('mismatch  Test2024.public/assy_test.nc\n');
    expect(existsSync(join(dir, 'Test2024.public', 'assy_test.nc.partial'))).toBe(false);
  });
});
