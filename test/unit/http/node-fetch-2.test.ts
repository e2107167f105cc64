import { describe, expect, it } from 'vitest';
import { HttpHostRegistry, HttpNotFoundError, resilientFetch } from '../../../src/index.js';
import { echoServerForFile, nodeFetchOptions, nodeFetchVersion } from './node-fetch-2-server.js';

const server = echoServerForFile();
const _received = server.received;
const options = nodeFetchOptions;

describe('node-fetch 2 as the fetch', () => {
  it('is node-fetch 2', () => {
    expect(nodeFetchVersion).toMatch(/^2\./);
  });

  it('its answer (a Node stream body) is buffered and served as a platform Response', async () => {
    // Before: "TypeError: body.getReader is not a function", an UNKNOWN error after the server answered.
    const response = await resilientFetch(
      `${server.url()}/games`,
      { method: 'POST', body: 'rows' },
      options(),
    );
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ got: 'rows' });
  });

  it('an error answer keeps its status and body snippet', async () => {
    // Before: the status was lost (an UNKNOWN error from reading the body), and a 404 read as a failure of the client.
    const error = await resilientFetch(`${server.url()}/missing`, undefined, options()).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(HttpNotFoundError);
    expect((error as HttpNotFoundError).bodySnippet).toContain('no such game');
  });

  it('a streamed body (bufferBody: false) holding a maxConcurrent slot is read, and gives the slot back', async () => {
    // Before: "body.getReader is not a function" once the host had a concurrency limit.
    const hosts = new HttpHostRegistry({ maxConcurrent: 1 });
    const streamed = { ...options(), hosts, bufferBody: false };
    const first = await resilientFetch(`${server.url()}/a`, undefined, streamed);
    expect(await first.json()).toEqual({ got: '' });
    const second = await resilientFetch(`${server.url()}/b`, undefined, streamed);
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
      `${server.url()}/upload`,
      { method: 'POST', body: body(), duplex: 'half' } as RequestInit,
      options(),
    );
    expect(response.status).toBe(200);
  });
});
