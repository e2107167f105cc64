import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import { afterAll, beforeAll } from 'vitest';
import { type FetchFunction, HttpHostRegistry, type ResilientFetchOptions } from '../../../src/index.js';

// node-fetch 2 is what many data pipelines still pass as their fetch. It is here only as a dependency
// of @google-cloud/storage: resolved as that package sees it, so that the tests run the real thing.
const storage = createRequire(import.meta.url).resolve('@google-cloud/storage');
const fromStorage = createRequire(storage);
export const nodeFetch = fromStorage('node-fetch') as FetchFunction;
export const nodeFetchVersion = (fromStorage('node-fetch/package.json') as { version: string }).version;

/** One request the echo server received. */
export interface Received {
  path: string;
  type: string | undefined;
  body: string;
}

/**
 * Starts, for the calling test file, a loopback server that records each request and answers its
 * body back as `{ got }`, or a 404 JSON error on `/missing`. `url()` is its base once started.
 */
export function echoServerForFile(): { url: () => string; received: Received[] } {
  let server: Server;
  let base = '';
  const received: Received[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => {
        body += chunk.toString();
      });
      req.on('end', () => {
        received.push({ path: req.url ?? '', type: req.headers['content-type'], body });
        if (req.url === '/missing') {
          res.writeHead(404, { 'content-type': 'application/json' });
          res.end('{"error":"no such game"}');
          return;
        }
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ got: body }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return { url: () => base, received };
}

/** Options of a single-attempt call through node-fetch 2, with a fresh host registry. */
export const nodeFetchOptions = (): ResilientFetchOptions => ({
  fetch: nodeFetch,
  hosts: new HttpHostRegistry(),
  maxAttempts: 1,
});
