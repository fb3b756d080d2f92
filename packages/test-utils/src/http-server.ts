/**
 * Test helper: a local HTTP server on 127.0.0.1 (port chosen by the OS) whose every answer is decided
 * by the test, and a log of the requests it got.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as the server saw it. */
export interface LoggedRequest {
  readonly path: string;
  readonly range?: string;
}

/** Decides the answer to the `n`-th request (0-based, counted over all paths). */
export type Handler = (req: IncomingMessage, res: ServerResponse, n: number) => void;

export interface TestServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly requests: LoggedRequest[];
  close(): Promise<void>;
}

export async function startServer(handler: Handler): Promise<TestServer> {
  const requests: LoggedRequest[] = [];
  const server = createServer((req, res) => {
    const range = req.headers.range;
    requests.push({ path: req.url ?? '', ...(range === undefined ? {} : { range }) });
    handler(req, res, requests.length - 1);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

/**
 * Answers with `body` as a static file server does: 200 with the whole body, or, for
 * `Range: bytes=N-`, 206 with the bytes from N (416 when N is at or past the end).
 */
export function sendFile(req: IncomingMessage, res: ServerResponse, body: Buffer): void {
  const match = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
  if (match === null) {
    res.writeHead(200, { 'Content-Length': body.length }).end(body);
    return;
  }
  const start = Number(match[1]);
  if (start >= body.length) {
    res.writeHead(416, { 'Content-Range': `bytes */${body.length}` }).end();
    return;
  }
  res
    .writeHead(206, { 'Content-Length': body.length - start, 'Content-Range': `bytes ${start}-${body.length - 1}/${body.length}` })
    .end(body.subarray(start));
}

/** Announces the whole `body` (200, full Content-Length), sends its first `bytes` bytes, then drops the connection. */
export function sendTruncated(res: ServerResponse, body: Buffer, bytes: number): void {
  res.writeHead(200, { 'Content-Length': body.length });
  res.write(body.subarray(0, bytes), () => res.socket?.destroy());
}

/** Deterministic pseudo-random bytes (a linear congruential generator), so bodies are not all zeros. */
export function testBytes(length: number, seed = 1): Buffer {
  const out = Buffer.alloc(length);
  let state = seed >>> 0;
  for (let i = 0; i < length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = state >>> 24;
  }
  return out;
}
