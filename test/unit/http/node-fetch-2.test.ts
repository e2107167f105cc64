import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type FetchFunction,
  HttpHostRegistry,
  HttpNotFoundError,
  type ResilientFetchOptions,
  resilientFetch,
} from '../../../src/index.js';

// node-fetch 2 is what many data pipelines still pass as their fetch. It is here only as a dependency
// of @google-cloud/storage: resolved as that package sees it, so that the test runs the real thing.
const storage = createRequire(import.meta.url).resolve('@google-cloud/storage');
const fromStorage = createRequire(storage);
const nodeFetch = fromStorage('node-fetch') as FetchFunction;
const nodeFetchVersion = (fromStorage('node-fetch/package.json') as { version: string }).version;

let server: Server;
let url: string;
const received: Array<{ path: string; type: string | undefined; body: string }> = [];

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
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const options = (): ResilientFetchOptions => ({
  fetch: nodeFetch,
  hosts: new HttpHostRegistry(),
  maxAttempts: 1,
});

describe('node-fetch 2 as the fetch', () => {
  it('is node-fetch 2', () => {
    expect(nodeFetchVersion).toMatch(/^2\./);
  });

  it('its answer (a Node stream body) is buffered and served as a platform Response', async () => {
    // Before: "TypeError: body.getReader is not a function", an UNKNOWN error after the server answered.
    const response = await resilientFetch(`${url}/games`, { method: 'POST', body: 'rows' }, options());
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ got: 'rows' });
  });

  it('an error answer keeps its status and body snippet', async () => {
    // Before: the status was lost (an UNKNOWN error from reading the body), and a 404 read as a failure of the client.
    const error = await resilientFetch(`${url}/missing`, undefined, options()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpNotFoundError);
    expect((error as HttpNotFoundError).bodySnippet).toContain('no such game');
  });

  it('a streamed body (bufferBody: false) holding a maxConcurrent slot is read, and gives the slot back', async () => {
    // Before: "body.getReader is not a function" once the host had a concurrency limit.
    const hosts = new HttpHostRegistry({ maxConcurrent: 1 });
    const streamed = { ...options(), hosts, bufferBody: false };
    const first = await resilientFetch(`${url}/a`, undefined, streamed);
    expect(await first.json()).toEqual({ got: '' });
    const second = await resilientFetch(`${url}/b`, undefined, streamed);
    expect(await second.json()).toEqual({ got: '' });
  });

  it.each([
    ['a string', () => 'plain'],
    ['a Uint8Array', () => new TextEncoder().encode('bytes')],
    ['URLSearchParams', () => new URLSearchParams({ a: '1' })],
    [
      'a ReadableStream (buffered first)',
      () =>
        new ReadableStream({
          start(controller) {
            controller.enqueue(new TextEncoder().encode('streamed'));
            controller.close();
          },
        }),
    ],
  ])('%s body is sent as before', async (_, body) => {
    const response = await resilientFetch(
      `${url}/upload`,
      { method: 'POST', body: body(), duplex: 'half' } as RequestInit,
      options(),
    );
    expect(response.status).toBe(200);
  });
});
