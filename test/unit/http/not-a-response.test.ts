import { describe, expect, it } from 'vitest';
import {
  type FetchFunction,
  HttpHostRegistry,
  NetworkError,
  PipelineError,
  resilientFetch,
} from '../../../src/index.js';

function call(fetch: unknown, maxAttempts = 1) {
  return resilientFetch('https://api.example.com/v1/games', undefined, {
    fetch: fetch as FetchFunction,
    hosts: new HttpHostRegistry(),
    maxAttempts,
    baseDelayMs: 1,
  });
}

describe('a custom fetch that answers without a server', () => {
  it('a network-error Response (status 0) is a transient NetworkError, not a success', async () => {
    // Before: returned to the caller as the answer, status 0, an empty body.
    const error = await call(async () => Response.error()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as NetworkError).transient).toBe(true);
  });

  it('it is retried like a dropped connection', async () => {
    let calls = 0;
    const response = await call(async () => (++calls === 1 ? Response.error() : new Response('ok')), 2);
    expect(await response.text()).toBe('ok');
    expect(calls).toBe(2);
  });

  it('a redirect hop answered with status 0 fails the same way', async () => {
    const fetch = async (input: string | URL | Request) =>
      String(input).endsWith('/v1/games')
        ? new Response(null, { status: 302, headers: { location: '/v2/games' } })
        : Response.error();
    await expect(call(fetch)).rejects.toBeInstanceOf(NetworkError);
  });

  it.each([
    ['undefined', undefined],
    ['a plain object', {}],
    ['a string', 'ok'],
    // A hand-written double: a status, but no headers or body to read.
    ['an object with a status only', { status: 200, ok: true, json: async () => ({}) }],
    ['an error status without headers', { status: 404, ok: false }],
    ['a status and headers, no body', { status: 200, headers: new Headers() }],
  ])('an answer that is no Response (%s) is a typed error that says so', async (_, answer) => {
    const error = await call(async () => answer).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PipelineError);
    expect((error as Error).message).toMatch(/the fetch option .*not a Response/);
    expect((error as PipelineError).transient).toBe(false);
  });

  it('a fetch that returns a Response without a promise is taken as if it had', async () => {
    // Before: "answer.then is not a function".
    const response = await call(() => new Response('sync'));
    expect(await response.text()).toBe('sync');
  });
});
