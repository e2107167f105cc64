import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { HttpHostRegistry, resilientFetch } from '../../../src/index.js';
import { type HttpStandIn, startHttpStandIn } from '../../../src/testing/index.js';

// Two stand-ins on two ports are two origins: the API, and the host it redirects to.

const KEY = 'rk_live_9f8e7d6c5b4a';
let api: HttpStandIn;
let other: HttpStandIn;

beforeAll(async () => {
  other = await startHttpStandIn({ routes: [{ path: '/files/box.json', json: { box: 1 } }] });
  api = await startHttpStandIn({
    routes: [
      { path: '/v1/box', status: 302, headers: { location: `${other.url}/files/box.json` } },
      { path: '/v1/old', status: 301, headers: { location: '/v1/new' } },
      { path: '/v1/new', json: { fresh: true } },
      { path: '/v1/loop', status: 302, headers: { location: '/v1/loop' } },
      {
        method: 'POST',
        path: '/v1/export',
        status: 303,
        headers: { location: `${other.url}/files/box.json` },
      },
      { method: 'POST', path: '/v1/upload', status: 307, headers: { location: `${other.url}/files/in` } },
    ],
  });
});
afterAll(async () => {
  await api.close();
  await other.close();
});
beforeEach(() => {
  api.requests.length = 0;
  other.requests.length = 0;
});

const options = () => ({ hosts: new HttpHostRegistry(), maxAttempts: 1 });
const headers = { 'x-rapidapi-key': KEY, accept: 'application/json' };

describe('a redirect to another origin does not carry the API key', () => {
  it('a header credential of the API’s own naming stays behind; descriptive headers follow', async () => {
    const response = await resilientFetch(`${api.url}/v1/box`, { headers }, options());
    expect(await response.json()).toEqual({ box: 1 });
    expect(response.redirected).toBe(true);
    expect(response.url).toBe(`${other.url}/files/box.json`);
    expect(other.requests).toHaveLength(1);
    expect(other.requests[0]?.headers['x-rapidapi-key']).toBeUndefined();
    expect(other.requests[0]?.headers.accept).toBe('application/json');
  });

  it('a redirect within the origin keeps every header', async () => {
    const response = await resilientFetch(`${api.url}/v1/old`, { headers }, options());
    expect(await response.json()).toEqual({ fresh: true });
    expect(api.requests.map((r) => [r.path, r.headers['x-rapidapi-key']])).toEqual([
      ['/v1/old', KEY],
      ['/v1/new', KEY],
    ]);
  });

  it('a POST answered 303 becomes a GET without the body or its type, and without the key', async () => {
    const response = await resilientFetch(
      `${api.url}/v1/export`,
      {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: '{"season":2026}',
      },
      options(),
    );
    expect(response.status).toBe(200);
    expect(other.requests[0]).toMatchObject({ method: 'GET', body: '' });
    expect(other.requests[0]?.headers['x-rapidapi-key']).toBeUndefined();
    expect(other.requests[0]?.headers['content-type']).toBeUndefined();
  });

  it('a redirect loop still fails as fetch fails it: 21 requests, not retried', async () => {
    const err = await resilientFetch(
      `${api.url}/v1/loop`,
      { headers },
      { ...options(), maxAttempts: 4 },
    ).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'NetworkError', transient: false });
    expect((err as Error).message).toMatch(/redirect count exceeded/);
    expect(api.requests).toHaveLength(21);
  });
});

describe('a 307 to another origin does not carry the POST body there', () => {
  it('fails with the typed 307, nothing sent to the other origin, not retried', async () => {
    const err = await resilientFetch(
      `${api.url}/v1/upload`,
      { method: 'POST', headers, body: '{"rows":[1,2]}' },
      { ...options(), maxAttempts: 3, baseDelayMs: 0 },
    ).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'HttpError', status: 307, code: 'REDIRECTION', transient: false });
    expect((err as Error).message).toContain(new URL(other.url).origin);
    expect(api.requests).toHaveLength(1);
    expect(other.requests).toHaveLength(0);
  });

  it('followCrossOriginBodyRedirects: true sends it on, without the key', async () => {
    // The other stand-in has no route for it: its 404 is the proof that it got there.
    await expect(
      resilientFetch(
        `${api.url}/v1/upload`,
        { method: 'POST', headers, body: '{"rows":[1,2]}' },
        { ...options(), followCrossOriginBodyRedirects: true },
      ),
    ).rejects.toMatchObject({ status: 404 });
    expect(other.requests).toHaveLength(1);
    expect(other.requests[0]).toMatchObject({ method: 'POST', body: '{"rows":[1,2]}' });
    expect(other.requests[0]?.headers['x-rapidapi-key']).toBeUndefined();
  });
});
