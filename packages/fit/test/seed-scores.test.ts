/**
 * The seed's scores table fetched into the cache: from a `file:` mirror and from a local HTTP server
 * (never the network), verified by SHA-1, reused while intact, fetched again when corrupted, refused
 * when different, and not fetched at all when offline.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ChecksumError, InputError, PARTIAL_SUFFIX, type DownloadProgress } from '@vvs/core';
import { sharedPath } from '@vvs/test-utils';
import { SEED_SCORES_TABLE, seedScoresTable } from '../src/seed-scores.ts';

const SHARED_TABLE = sharedPath('seed/artifacts/benchmark_scores.csv');
const TABLE_BYTES = readFileSync(SHARED_TABLE);
const TABLE_URL = pathToFileURL(SHARED_TABLE).href;
/** Where a cache folder keeps the table. */
const cachedTable = (cacheDir: string) => join(cacheDir, 'seed', 'benchmark_scores.csv');
const sha1 = (bytes: Uint8Array) => createHash('sha1').update(bytes).digest('hex');

const scratch = mkdtempSync(join(tmpdir(), 'vvs-fit-seed-scores-'));
let k = 0;
/** A fresh cache folder, not created yet. */
const freshCache = () => join(scratch, `cache${k++}`);

/** A local server that serves the shared table at /benchmark_scores.csv and counts its requests. */
let server: Server;
let tableHttpUrl: string;
const requests: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    requests.push(req.url ?? '');
    if (req.url !== '/benchmark_scores.csv') res.writeHead(404).end();
    else res.writeHead(200, { 'Content-Length': TABLE_BYTES.length }).end(TABLE_BYTES);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  tableHttpUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/benchmark_scores.csv`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((done) => server.close(done));
  rmSync(scratch, { recursive: true, force: true });
});

describe('seedScoresTable', () => {
  it('the shared table is the version vvs was checked on', () => {
    expect(sha1(TABLE_BYTES)).toBe(SEED_SCORES_TABLE.sha1);
    expect(TABLE_BYTES.length).toBe(SEED_SCORES_TABLE.size);
  });

  it('copies a file: mirror into <cacheDir>/seed/, then reuses the cached copy without fetching', async () => {
    const cacheDir = freshCache();
    const path = await seedScoresTable({ cacheDir, url: TABLE_URL, offline: false });
    expect(path).toBe(cachedTable(cacheDir));
    expect(readFileSync(path).equals(TABLE_BYTES)).toBe(true);
    expect(existsSync(`${path}${PARTIAL_SUFFIX}`)).toBe(false);

    // A source that would fail (a missing file, a fetch that rejects) is not consulted while the copy is intact.
    const missing = pathToFileURL(join(scratch, 'missing.csv')).href;
    await expect(seedScoresTable({ cacheDir, url: missing, offline: false })).resolves.toBe(path);
    const failingFetch = vi.fn<typeof globalThis.fetch>(() => Promise.reject(new Error('no fetch expected')));
    await expect(seedScoresTable({ cacheDir, url: 'http://127.0.0.1:9/benchmark_scores.csv', fetch: failingFetch, offline: false })).resolves.toBe(path);
    expect(failingFetch).not.toHaveBeenCalled();
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
    expect(existsSync(cachedTable(cacheDir))).toBe(false);
    expect(existsSync(`${cachedTable(cacheDir)}${PARTIAL_SUFFIX}`)).toBe(false);
  });

  it('offline with an empty cache: an InputError naming the cache path and suggesting --scores, and no fetch', async () => {
    const cacheDir = freshCache();
    const failingFetch = vi.fn<typeof globalThis.fetch>(() => Promise.reject(new Error('no fetch expected')));
    const error = await seedScoresTable({ cacheDir, url: tableHttpUrl, fetch: failingFetch, offline: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect(error).not.toBeInstanceOf(ChecksumError);
    expect((error as InputError).message).toContain(cachedTable(cacheDir));
    expect((error as InputError).message).toContain('--scores');
    expect((error as InputError).exitCode).toBe(2);
    expect(failingFetch).not.toHaveBeenCalled();
    expect(existsSync(cachedTable(cacheDir))).toBe(false);
  });

  it('downloads over http once, reporting progress up to the full size, then serves the cache', async () => {
    const cacheDir = freshCache();
    const before = requests.length;
    const progress: DownloadProgress[] = [];
    const path = await seedScoresTable({ cacheDir, url: tableHttpUrl, offline: false, onProgress: (e) => progress.push(e) });
    expect(path).toBe(cachedTable(cacheDir));
    expect(readFileSync(path).equals(TABLE_BYTES)).toBe(true);
    expect(requests.slice(before)).toEqual(['/benchmark_scores.csv']);
    expect(progress.at(-1)).toEqual({ file: 'benchmark_scores.csv', received: SEED_SCORES_TABLE.size, total: SEED_SCORES_TABLE.size });

    await expect(seedScoresTable({ cacheDir, url: tableHttpUrl, offline: false })).resolves.toBe(path);
    expect(requests.length).toBe(before + 1);
  });
});
