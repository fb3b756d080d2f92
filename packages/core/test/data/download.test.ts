import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ChecksumError, DownloadError, downloadFile, sha1OfFile } from '../../src/index.ts';
import type { DownloadProgress } from '../../src/index.ts';
import { sendFile, sendTruncated, startServer, testBytes } from '@vvs/test-utils';
import type { TestServer } from '@vvs/test-utils';

const BODY = testBytes(200_000);
const SHA1 = createHash('sha1').update(BODY).digest('hex');
/** Any other digest: what a corrupt mirror's file would hash to. */
const WRONG_SHA1 = createHash('sha1').update('something else').digest('hex');
/** Backoff short enough to keep the tests fast but not zero, so the wait path runs. */
const FAST = { backoffMs: 1 };

const scratch = mkdtempSync(join(tmpdir(), 'vvs-download-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

let n = 0;
/** A fresh destination path in a folder that does not exist yet. */
const destination = () => join(scratch, `d${n++}`, 'file.bin');

describe('downloadFile', () => {
  it('writes the exact bytes under the final name, reporting progress up to the size, leaving no partial', async () => {
    server = await startServer((req, res) => sendFile(req, res, BODY));
    const dest = destination();
    const events: DownloadProgress[] = [];
    await downloadFile(`${server.url}/file.bin`, dest, { sha1: SHA1, onProgress: (e) => events.push(e) });
    expect(readFileSync(dest).equals(BODY)).toBe(true);
    expect(existsSync(`${dest}.partial`)).toBe(false);
    expect(server.requests).toEqual([{ path: '/file.bin' }]);
    expect(events[0]).toEqual({ file: 'file.bin', received: 0, total: BODY.length });
    expect(events.at(-1)).toEqual({ file: 'file.bin', received: BODY.length, total: BODY.length });
    expect(events.every((e, i) => i === 0 || e.received >= events[i - 1].received)).toBe(true);
    expect(await sha1OfFile(dest)).toBe(SHA1);
  });

  it('a SHA-1 mismatch throws ChecksumError naming URL, expected and actual, and leaves neither file nor partial', async () => {
    server = await startServer((req, res) => sendFile(req, res, BODY));
    const dest = destination();
    const url = `${server.url}/file.bin`;
    const error = await downloadFile(url, dest, { sha1: WRONG_SHA1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChecksumError);
    const checksum = error as ChecksumError;
    expect([checksum.url, checksum.expected, checksum.actual]).toEqual([url, WRONG_SHA1, SHA1]);
    expect(checksum.message).toContain(url);
    expect(checksum.message).toContain(WRONG_SHA1);
    expect(checksum.message).toContain(SHA1);
    expect(checksum.exitCode).toBe(2);
    expect(existsSync(dest)).toBe(false);
    expect(existsSync(`${dest}.partial`)).toBe(false);
  });

  it('a connection cut mid-body is retried with a Range request that resumes where it stopped', async () => {
    const cutAt = 70_000;
    server = await startServer((req, res, k) => (k === 0 ? sendTruncated(res, BODY, cutAt) : sendFile(req, res, BODY)));
    const dest = destination();
    await downloadFile(`${server.url}/file.bin`, dest, { sha1: SHA1, ...FAST });
    expect(server.requests).toHaveLength(2);
    expect(server.requests[0].range).toBeUndefined();
    const resumedAt = Number(/^bytes=(\d+)-$/.exec(server.requests[1].range ?? '')?.[1]);
    // What reached the disk before the cut: all of the sent bytes, as the server flushed them before closing.
    expect(resumedAt).toBe(cutAt);
    expect(readFileSync(dest).equals(BODY)).toBe(true);
    expect(existsSync(`${dest}.partial`)).toBe(false);
  });

  it('a partial left by an earlier run is resumed; a server that ignores Range (200) rewrites it from zero', async () => {
    server = await startServer((req, res) => sendFile(req, res, BODY));
    const resumed = destination();
    mkdirSync(dirname(resumed));
    writeFileSync(`${resumed}.partial`, BODY.subarray(0, 12_345));
    await downloadFile(`${server.url}/a`, resumed, { sha1: SHA1 });
    expect(server.requests.at(-1)).toEqual({ path: '/a', range: 'bytes=12345-' });
    expect(readFileSync(resumed).equals(BODY)).toBe(true);

    await server.close();
    server = await startServer((_req, res) => res.writeHead(200, { 'Content-Length': BODY.length }).end(BODY));
    const restarted = destination();
    mkdirSync(dirname(restarted));
    // Garbage that a blind append would keep in front of the body.
    writeFileSync(`${restarted}.partial`, Buffer.from('garbage from an older version of the file'));
    await downloadFile(`${server.url}/b`, restarted, { sha1: SHA1 });
    expect(server.requests.at(-1)?.range).toBe('bytes=41-');
    expect(readFileSync(restarted).equals(BODY)).toBe(true);
  });

  it('a complete partial is finished without downloading again (size known, or a 416 answer)', async () => {
    server = await startServer((req, res) => sendFile(req, res, BODY));
    const known = destination();
    mkdirSync(dirname(known));
    writeFileSync(`${known}.partial`, BODY);
    const before = server.requests.length;
    await downloadFile(`${server.url}/x`, known, { sha1: SHA1, size: BODY.length });
    expect(server.requests.length).toBe(before);
    expect(readFileSync(known).equals(BODY)).toBe(true);

    rmSync(known);
    writeFileSync(`${known}.partial`, BODY);
    await downloadFile(`${server.url}/x`, known, { sha1: SHA1 });
    expect(server.requests.at(-1)?.range).toBe(`bytes=${BODY.length}-`);
    expect(readFileSync(known).equals(BODY)).toBe(true);
  });

  it('500 then 200: retried after a backoff', async () => {
    server = await startServer((req, res, k) => (k === 0 ? res.writeHead(500).end('oops') : sendFile(req, res, BODY)));
    const dest = destination();
    await downloadFile(`${server.url}/file.bin`, dest, { sha1: SHA1, ...FAST });
    expect(server.requests).toHaveLength(2);
    expect(readFileSync(dest).equals(BODY)).toBe(true);
  });

  it('gives up after `retries` retries of a failing server, saying how many attempts were made', async () => {
    server = await startServer((_req, res) => res.writeHead(503).end());
    const dest = destination();
    const error = await downloadFile(`${server.url}/file.bin`, dest, { sha1: SHA1, retries: 2, ...FAST }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DownloadError);
    expect((error as DownloadError).status).toBe(503);
    expect((error as DownloadError).transient).toBe(true);
    expect((error as Error).message).toMatch(/HTTP 503.*gave up after 3 attempts/);
    expect(server.requests).toHaveLength(3);
    expect(existsSync(dest)).toBe(false);
  });

  it('the backoff doubles per attempt: backoffMs · (1 + 2 + 4) before the fourth attempt', async () => {
    server = await startServer((req, res, k) => (k < 3 ? res.writeHead(502).end() : sendFile(req, res, BODY)));
    const started = performance.now();
    await downloadFile(`${server.url}/file.bin`, destination(), { sha1: SHA1, backoffMs: 40 });
    expect(server.requests).toHaveLength(4);
    expect(performance.now() - started).toBeGreaterThanOrEqual(40 * 7 - 5);
  });

  it('404 is not retried', async () => {
    server = await startServer((_req, res) => res.writeHead(404, 'Not Found').end());
    const error = await downloadFile(`${server.url}/missing.bin`, destination(), { sha1: SHA1, ...FAST }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DownloadError);
    expect((error as DownloadError).transient).toBe(false);
    expect((error as Error).message).toBe(`${server.url}/missing.bin: HTTP 404 Not Found`);
    expect(server.requests).toHaveLength(1);
  });

  it('a refused connection is a transient DownloadError once the retries are spent', async () => {
    server = await startServer((req, res) => sendFile(req, res, BODY));
    const url = `${server.url}/file.bin`;
    await server.close();
    server = undefined;
    const error = await downloadFile(url, destination(), { sha1: SHA1, retries: 1, ...FAST }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DownloadError);
    expect((error as DownloadError).transient).toBe(true);
    expect((error as Error).message).toMatch(/ECONNREFUSED.*gave up after 2 attempts/);
  });

  it('an injected fetch is used instead of the global one', async () => {
    const calls: string[] = [];
    const fetch = (async (input: string | URL | Request) => {
      calls.push(String(input));
      return new Response(BODY, { status: 200, headers: { 'Content-Length': String(BODY.length) } });
    }) as typeof globalThis.fetch;
    const dest = destination();
    await downloadFile('https://example.invalid/file.bin', dest, { sha1: SHA1, fetch });
    expect(calls).toEqual(['https://example.invalid/file.bin']);
    expect(readFileSync(dest).equals(BODY)).toBe(true);
  });

  it('an aborted download keeps its partial for the next attempt', async () => {
    const controller = new AbortController();
    server = await startServer((req, res, k) => {
      if (k > 0) return sendFile(req, res, BODY);
      // Half the body, then silence: only the abort ends this transfer.
      res.writeHead(200, { 'Content-Length': BODY.length });
      res.write(BODY.subarray(0, 50_000));
    });
    const dest = destination();
    const onProgress = ({ received }: DownloadProgress) => received > 0 && controller.abort();
    const error = await downloadFile(`${server.url}/f`, dest, { sha1: SHA1, signal: controller.signal, onProgress }).catch((e: unknown) => e);
    expect((error as Error).name).toBe('AbortError');
    expect(existsSync(dest)).toBe(false);
    const kept = readFileSync(`${dest}.partial`);
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.equals(BODY.subarray(0, kept.length))).toBe(true);
    await downloadFile(`${server.url}/f`, dest, { sha1: SHA1 });
    expect(server.requests[1].range).toBe(`bytes=${kept.length}-`);
    expect(readFileSync(dest).equals(BODY)).toBe(true);
  });

  it('copies a file: URL (a local mirror) and verifies it', async () => {
    const source = join(scratch, 'mirror.bin');
    writeFileSync(source, BODY);
    const dest = destination();
    await downloadFile(pathToFileURL(source).href, dest, { sha1: SHA1 });
    expect(readFileSync(dest).equals(BODY)).toBe(true);
    const error = await downloadFile(pathToFileURL(source).href, destination(), { sha1: WRONG_SHA1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChecksumError);
    const missing = await downloadFile(pathToFileURL(join(scratch, 'nope.bin')).href, destination(), { sha1: SHA1 }).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(DownloadError);
    expect((missing as Error).message).toMatch(/nope\.bin: file not found$/);
  });

  it('rejects a malformed sha1 and unsupported URLs before any request', async () => {
    await expect(downloadFile('https://example.invalid/x', destination(), { sha1: SHA1.toUpperCase() })).rejects.toThrow(TypeError);
    await expect(downloadFile('ftp://example.invalid/x', destination(), { sha1: SHA1 })).rejects.toThrow(/http:, https: or file:/);
  });
});

describe('downloadFile with sha1: null (no checksum published: a size-only check)', () => {
  it('accepts a complete body at the size the server announces, reporting progress', async () => {
    server = await startServer((req, res) => sendFile(req, res, BODY));
    const dest = destination();
    const events: DownloadProgress[] = [];
    await downloadFile(`${server.url}/file.bin`, dest, { sha1: null, onProgress: (e) => events.push(e) });
    expect(readFileSync(dest).equals(BODY)).toBe(true);
    expect(existsSync(`${dest}.partial`)).toBe(false);
    expect(events.at(-1)).toEqual({ file: 'file.bin', received: BODY.length, total: BODY.length });
  });

  it('retries a truncated body (resuming) and accepts the file once complete', async () => {
    server = await startServer((req, res, k) => (k === 0 ? sendTruncated(res, BODY, 70_000) : sendFile(req, res, BODY)));
    const dest = destination();
    await downloadFile(`${server.url}/file.bin`, dest, { sha1: null, ...FAST });
    expect(server.requests.map((r) => r.range)).toEqual([undefined, 'bytes=70000-']);
    expect(readFileSync(dest).equals(BODY)).toBe(true);
  });

  it('rejects a body that stays truncated: DownloadError, nothing under the final name', async () => {
    server = await startServer((_req, res) => sendTruncated(res, BODY, 1000));
    const dest = destination();
    const error = await downloadFile(`${server.url}/file.bin`, dest, { sha1: null, retries: 1, ...FAST }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DownloadError);
    expect((error as Error).message).toMatch(/connection lost after \d+ bytes .*gave up after 2 attempts/);
    expect(existsSync(dest)).toBe(false);
  });

  it('rejects a complete body whose size differs from `size`, and one whose size nobody announces', async () => {
    server = await startServer((req, res) => sendFile(req, res, BODY));
    const dest = destination();
    const wrong = await downloadFile(`${server.url}/file.bin`, dest, { sha1: null, size: BODY.length - 1 }).catch((e: unknown) => e);
    expect(wrong).toBeInstanceOf(DownloadError);
    expect((wrong as DownloadError).transient).toBe(false);
    expect((wrong as Error).message).toMatch(/downloaded 200000 bytes, expected 199999; the download was discarded/);
    expect(existsSync(dest)).toBe(false);
    expect(existsSync(`${dest}.partial`)).toBe(false);
    await server.close();

    // Chunked transfer encoding: no Content-Length, so nothing to check the body against.
    server = await startServer((_req, res) => res.writeHead(200).end(BODY));
    const unknown = destination();
    const error = await downloadFile(`${server.url}/file.bin`, unknown, { sha1: null }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DownloadError);
    expect((error as Error).message).toMatch(/announced no size, so the download cannot be verified/);
    expect(existsSync(unknown)).toBe(false);
    expect(existsSync(`${unknown}.partial`)).toBe(false);
  });
});
