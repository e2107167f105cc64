import { describe, expect, it } from 'vitest';
import { type FetchFunction, PipelineError, resilientFetch } from '../../../src/index.js';
import { echoServerForFile, nodeFetch, nodeFetchOptions, nodeFetchVersion } from './node-fetch-2-server.js';

const server = echoServerForFile();
const received = server.received;
const options = nodeFetchOptions;

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
      const error = await resilientFetch(
        `${server.url()}/upload`,
        { method: 'POST', body: body() },
        options(),
      ).catch((e: unknown) => e);
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
        `${server.url()}/upload`,
        { method: 'POST', body: new Blob(['x']) },
        { ...options(), fetch: crossFetch },
      ),
    ).rejects.toMatchObject({ code: 'UNSUPPORTED_REQUEST_BODY' });
  });

  it('Node’s own fetch, and a fetch not known to be unable, get the Blob as it is', async () => {
    received.length = 0;
    const own = await resilientFetch(
      `${server.url()}/upload`,
      { method: 'POST', body: new Blob(['blob']) },
      {
        ...options(),
        fetch: globalThis.fetch,
      },
    );
    expect(await own.json()).toEqual({ got: 'blob' });
    const wrapper: FetchFunction = (input, init) => globalThis.fetch(input, init);
    const wrapped = await resilientFetch(
      `${server.url()}/upload`,
      { method: 'POST', body: new Blob(['blob']) },
      {
        ...options(),
        fetch: wrapper,
      },
    );
    expect(await wrapped.json()).toEqual({ got: 'blob' });
  });
});
