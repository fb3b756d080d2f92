/**
 * The seed's artifacts fetched into the cache: from a `file:` mirror and from a local HTTP server
 * (never the network), verified by SHA-1, reused while intact, fetched again when corrupted, refused
 * when different, not fetched at all when offline; and a `tablesDir` read as it is.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ChecksumError, InputError, PARTIAL_SUFFIX, type DownloadProgress } from '@vvs/core';
import { sharedPath } from '@vvs/test-utils';
import { SEED_ARTIFACTS, SEED_SCORES_TABLE, seedArtifact, seedFileUrl, seedScoresTable, type SeedArtifactName } from '../src/index.ts';

const SHARED_TABLES = dirname(sharedPath('seed/artifacts/benchmark_scores.csv'));
const SHARED_TABLE = join(SHARED_TABLES, 'benchmark_scores.csv');
const TABLE_BYTES = readFileSync(SHARED_TABLE);
const TABLE_URL = pathToFileURL(SHARED_TABLE).href;
/** Where a cache folder keeps an artifact. */
const cached = (cacheDir: string, file: SeedArtifactName = 'benchmark_scores.csv') => join(cacheDir, 'seed', file);
const sha1 = (bytes: Uint8Array) => createHash('sha1').update(bytes).digest('hex');
/** A fetch that fails the test if it is ever called. */
const failingFetch = () => vi.fn<typeof globalThis.fetch>(() => Promise.reject(new Error('no fetch expected')));

const scratch = mkdtempSync(join(tmpdir(), 'vvs-seed-artifacts-'));
let k = 0;
/** A fresh cache folder, not created yet. */
const freshCache = () => join(scratch, `cache${k++}`);

/** A local server that serves the shared artifacts at /<file> and counts its requests. */
let server: Server;
let baseUrl: string;
const requests: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const name = (req.url ?? '').slice(1);
    requests.push(req.url ?? '');
    if (!Object.hasOwn(SEED_ARTIFACTS, name)) res.writeHead(404).end();
    else {
      const bytes = readFileSync(join(SHARED_TABLES, name));
      res.writeHead(200, { 'Content-Length': bytes.length }).end(bytes);
    }
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((done) => server.close(done));
  rmSync(scratch, { recursive: true, force: true });
});

describe('SEED_ARTIFACTS', () => {
  it.each(Object.entries(SEED_ARTIFACTS))('%s: the shared copy is the version vvs is checked against', (file, { sha1: expected, size }) => {
    const bytes = readFileSync(join(SHARED_TABLES, file));
    expect(sha1(bytes)).toBe(expected);
    expect(bytes.length).toBe(size);
  });

  it("points at the seed's repository: the CSVs in artifacts/, the commitments in brainscore/artifacts/", () => {
    expect(seedFileUrl(SEED_ARTIFACTS['model_checkpoints.csv'].path)).toBe(
      'https://raw.githubusercontent.com/epflneuroailab/scaling-primate-vvs/main/scaling_primate_vvs/artifacts/model_checkpoints.csv',
    );
    expect(SEED_ARTIFACTS['commitments.json'].path).toBe('scaling_primate_vvs/brainscore/artifacts/commitments.json');
    expect(SEED_SCORES_TABLE).toBe(SEED_ARTIFACTS['benchmark_scores.csv']);
  });
});

describe('seedArtifact', () => {
  it('copies a file: mirror into <cacheDir>/seed/, then reuses the cached copy without fetching', async () => {
    const cacheDir = freshCache();
    const path = await seedScoresTable({ cacheDir, url: TABLE_URL, offline: false });
    expect(path).toBe(cached(cacheDir));
    expect(readFileSync(path).equals(TABLE_BYTES)).toBe(true);
    expect(existsSync(`${path}${PARTIAL_SUFFIX}`)).toBe(false);

    // A source that would fail (a missing file, a fetch that rejects) is not consulted while the copy is intact.
    const missing = pathToFileURL(join(scratch, 'missing.csv')).href;
    await expect(seedScoresTable({ cacheDir, url: missing, offline: false })).resolves.toBe(path);
    const fetch = failingFetch();
    await expect(seedScoresTable({ cacheDir, url: 'http://127.0.0.1:9/benchmark_scores.csv', fetch, offline: false })).resolves.toBe(path);
    expect(fetch).not.toHaveBeenCalled();
    // Offline is no obstacle either once the table is cached.
    await expect(seedScoresTable({ cacheDir, url: missing, offline: true })).resolves.toBe(path);
  });

  it('fetches a corrupted cached copy again', async () => {
    const cacheDir = freshCache();
    const path = await seedScoresTable({ cacheDir, url: TABLE_URL, offline: false });
    const corrupted = Buffer.from(TABLE_BYTES);
    corrupted[corrupted.length >> 1] ^= 0x01;
    writeFileSync(path, corrupted);
    await expect(seedScoresTable({ cacheDir, url: TABLE_URL, offline: false })).resolves.toBe(path);
    expect(readFileSync(path).equals(TABLE_BYTES)).toBe(true);
  });

  it('refuses a source whose content differs with a ChecksumError, leaving nothing at the destination', async () => {
    const cacheDir = freshCache();
    const other = join(scratch, 'other.csv');
    writeFileSync(other, 'model_id,score\nalexnet,0.3\n');
    const error = await seedScoresTable({ cacheDir, url: pathToFileURL(other).href, offline: false }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChecksumError);
    expect(error).toMatchObject({ expected: SEED_SCORES_TABLE.sha1, actual: sha1(readFileSync(other)) });
    expect(existsSync(cached(cacheDir))).toBe(false);
    expect(existsSync(`${cached(cacheDir)}${PARTIAL_SUFFIX}`)).toBe(false);
  });

  it('offline with an empty cache: an InputError naming the cache path and suggesting --tables, and no fetch', async () => {
    const cacheDir = freshCache();
    const fetch = failingFetch();
    const error = await seedArtifact('model_checkpoints.csv', { cacheDir, url: `${baseUrl}/model_checkpoints.csv`, fetch, offline: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect(error).not.toBeInstanceOf(ChecksumError);
    expect((error as InputError).message).toContain(cached(cacheDir, 'model_checkpoints.csv'));
    expect((error as InputError).message).toContain('--tables');
    expect((error as InputError).exitCode).toBe(2);
    expect(fetch).not.toHaveBeenCalled();
    expect(existsSync(cached(cacheDir, 'model_checkpoints.csv'))).toBe(false);
  });

  it('downloads each artifact over http once, reporting progress up to its full size, then serves the cache', async () => {
    const cacheDir = freshCache();
    for (const file of ['benchmark_scores_brainscore.csv', 'commitments.json'] as const) {
      const before = requests.length;
      const progress: DownloadProgress[] = [];
      const path = await seedArtifact(file, { cacheDir, url: `${baseUrl}/${file}`, offline: false, onProgress: (e) => progress.push(e) });
      expect(path).toBe(cached(cacheDir, file));
      expect(readFileSync(path).equals(readFileSync(join(SHARED_TABLES, file)))).toBe(true);
      expect(requests.slice(before)).toEqual([`/${file}`]);
      const { size } = SEED_ARTIFACTS[file];
      expect(progress.at(-1)).toEqual({ file, received: size, total: size });

      await expect(seedArtifact(file, { cacheDir, url: `${baseUrl}/${file}`, offline: false })).resolves.toBe(path);
      expect(requests.length).toBe(before + 1);
    }
  });

  it('reads a tablesDir as it is: no cache, no fetch, no checksum', async () => {
    const cacheDir = freshCache();
    const fetch = failingFetch();
    await expect(seedArtifact('benchmark_scores_ckpts.csv', { tablesDir: SHARED_TABLES, cacheDir, fetch, offline: false })).resolves.toBe(
      join(SHARED_TABLES, 'benchmark_scores_ckpts.csv'),
    );
    const edited = join(scratch, 'edited');
    mkdirSync(edited);
    writeFileSync(join(edited, 'benchmark_scores.csv'), 'model_id,score\nalexnet,0.3\n');
    await expect(seedScoresTable({ tablesDir: edited, cacheDir, fetch, offline: false })).resolves.toBe(join(edited, 'benchmark_scores.csv'));
    expect(fetch).not.toHaveBeenCalled();
    expect(existsSync(cacheDir)).toBe(false);
  });

  it('a tablesDir that is missing, or lacks the file: an InputError naming the path', async () => {
    const missing = join(scratch, 'no-such-folder');
    const error = await seedScoresTable({ tablesDir: missing }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).message).toContain(`${missing} does not exist`);
    expect((error as InputError).exitCode).toBe(2);

    const empty = join(scratch, 'empty');
    mkdirSync(empty);
    await expect(seedArtifact('commitments.json', { tablesDir: empty })).rejects.toThrow(`the seed's tables folder ${empty} has no commitments.json`);
  });

  it('an unknown artifact name: a TypeError listing the known ones', async () => {
    await expect(seedArtifact('scores.csv' as SeedArtifactName, { tablesDir: SHARED_TABLES })).rejects.toThrow(
      /file: expected one of the seed's artifacts \(benchmark_scores\.csv, .*\), got "scores\.csv"/,
    );
  });
});
