import { createServer, type Server } from 'node:http';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpHostRegistry, type ResilientFetchOptions, resilientFetch } from '../../../src/index.js';
import { nodeFetch } from './node-fetch-2-server.js';

let server: Server;
let url: string;
/** Resolves with the path of each response whose connection closes. */
const closed = new Map<string, () => void>();

/** A server that never ends its bodies: a connection given up on stays open unless the client closes it. */
beforeAll(async () => {
  server = createServer((req, res) => {
    const path = req.url ?? '';
    res.on('close', () => closed.get(path)?.());
    const gzip = path.startsWith('/gzip');
    res.writeHead(path.startsWith('/missing') ? 404 : 200, {
      'content-type': 'text/plain',
      ...(gzip ? { 'content-encoding': 'gzip' } : {}),
    });
    const chunk = gzip ? gzipSync(Buffer.alloc(256 * 1024, 97)) : Buffer.alloc(64 * 1024, 97);
    // A gzip body without its trailer: node-fetch's inflater waits for the rest.
    if (gzip) {
      res.write(chunk.subarray(0, chunk.length - 8));
      return;
    }
    const pump = (): void => {
      while (res.write(chunk)) {
        // Until the socket pushes back.
      }
    };
    res.on('drain', pump);
    pump();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

/** A promise of the close of `path`'s connection, failing after 5 s (it stayed open). */
function closeOf(path: string): Promise<string> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve('still open after 5 s'), 5000);
    closed.set(path, () => {
      clearTimeout(timer);
      resolve('closed');
    });
  });
}

const options = (extra: ResilientFetchOptions = {}): ResilientFetchOptions => ({
  fetch: nodeFetch,
  hosts: new HttpHostRegistry(),
  maxAttempts: 1,
  ...extra,
});

describe('node-fetch 2: a body given up on closes its connection', () => {
  // Destroying node-fetch 2's body (a PassThrough fed by the response) left the response paused
  // with its socket open: the server went on holding the connection, and so did the process.
  it('over maxResponseBytes', async () => {
    const done = closeOf('/big');
    await expect(
      resilientFetch(`${url}/big`, undefined, options({ maxResponseBytes: 100_000 })),
    ).rejects.toMatchObject({
      code: 'RESPONSE_TOO_LARGE',
    });
    expect(await done).toBe('closed');
  });

  it('over maxResponseBytes, gzip-encoded (an inflater between the body and the response)', async () => {
    const done = closeOf('/gzip');
    await expect(
      resilientFetch(`${url}/gzip`, undefined, options({ maxResponseBytes: 100_000 })),
    ).rejects.toMatchObject({ code: 'RESPONSE_TOO_LARGE' });
    expect(await done).toBe('closed');
  });

  it('an error answer, of which only the snippet is read', async () => {
    const done = closeOf('/missing');
    await expect(resilientFetch(`${url}/missing`, undefined, options())).rejects.toMatchObject({
      status: 404,
    });
    expect(await done).toBe('closed');
  });

  it('a streamed body holding a maxConcurrent slot, cancelled by its reader', async () => {
    const done = closeOf('/live');
    const hosts = new HttpHostRegistry({ maxConcurrent: 1 });
    const response = await resilientFetch(`${url}/live`, undefined, options({ hosts, bufferBody: false }));
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    expect((await reader.read()).done).toBe(false);
    await reader.cancel();
    expect(await done).toBe('closed');
  });
});
