import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type FetchFunction,
  HttpHostRegistry,
  PipelineError,
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

  it.each([
    ['a Blob', () => new Blob(['{"a":1}'], { type: 'application/json' }), 'Blob'],
    ['a File', () => new File(['a,b\n1,2\n'], 'rows.csv'), 'File'],
    [
      'a FormData',
      () => {
        const form = new FormData();
        form.append('season', '2026');
        return form;
      },
      'FormData',
    ],
  ])(
    '%s body, which node-fetch 2 cannot send, is refused before anything is sent, typed',
    async (_, body, kind) => {
      received.length = 0;
      const error = await resilientFetch(`${url}/upload`, { method: 'POST', body: body() }, options()).catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(PipelineError);
      const e = error as PipelineError;
      expect(e.code).toBe('UNSUPPORTED_REQUEST_BODY');
      expect(e.transient).toBe(false);
      expect(e.message).toContain(`a ${kind} body`);
      expect(e.message).toContain('node-fetch 2');
      // A FormData went out as the text "[object FormData]" before, and the call succeeded.
      expect(received).toEqual([]);
    },
  );

  it("cross-fetch's (a ponyfill over node-fetch 2) is recognized by its static", async () => {
    const crossFetch = Object.assign(
      (input: string | URL | Request, init?: RequestInit) => nodeFetch(input, init),
      {
        ponyfill: true,
      },
    );
    await expect(
      resilientFetch(
        `${url}/upload`,
        { method: 'POST', body: new Blob(['x']) },
        { ...options(), fetch: crossFetch },
      ),
    ).rejects.toMatchObject({ code: 'UNSUPPORTED_REQUEST_BODY' });
  });

  it('Node’s own fetch, and a fetch not known to be unable, get the Blob as it is', async () => {
    received.length = 0;
    const own = await resilientFetch(
      `${url}/upload`,
      { method: 'POST', body: new Blob(['blob']) },
      {
        ...options(),
        fetch: globalThis.fetch,
      },
    );
    expect(await own.json()).toEqual({ got: 'blob' });
    const wrapper: FetchFunction = (input, init) => globalThis.fetch(input, init);
    const wrapped = await resilientFetch(
      `${url}/upload`,
      { method: 'POST', body: new Blob(['blob']) },
      {
        ...options(),
        fetch: wrapper,
      },
    );
    expect(await wrapped.json()).toEqual({ got: 'blob' });
  });
});
