import { describe, expect, it } from 'vitest';
import {
  HttpError,
  HttpHostRegistry,
  type ResilientFetchOptions,
  resilientFetch,
} from '../../../src/index.js';

interface Sent {
  url: string;
  method: string;
  body: string | null;
  apiKey: string | null;
}

/** A `fetch` over fixed answers per URL (a redirect or a 200), recording what each request carried. */
function routed(routes: Record<string, { status: number; location?: string }>) {
  const sent: Sent[] = [];
  const fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = String(input);
    const headers = new Headers(init?.headers);
    const body = init?.body === undefined || init.body === null ? null : String(init.body);
    sent.push({ url, method: init?.method ?? 'GET', body, apiKey: headers.get('x-api-key') });
    const route = routes[url] ?? { status: 404 };
    const answer = new Response(route.location === undefined ? 'ok' : null, {
      status: route.status,
      headers: route.location === undefined ? {} : { location: route.location },
    });
    Object.defineProperty(answer, 'url', { value: url });
    return answer;
  };
  return { fetch, sent };
}

const post = { method: 'POST', body: '{"rows":[1,2,3]}', headers: { 'x-api-key': 'k-0123456789' } };

function call(
  fetch: (input: string | URL | Request, init?: RequestInit) => Promise<Response>,
  url: string,
  init: RequestInit,
  options: ResilientFetchOptions = {},
) {
  return resilientFetch(url, init, {
    fetch,
    hosts: new HttpHostRegistry(),
    maxAttempts: 3,
    baseDelayMs: 1,
    ...options,
  });
}

describe('a redirect that would send the request body to another origin', () => {
  it.each([307, 308])(
    'a POST answered %i to another host is not followed: a typed, permanent error',
    async (status) => {
      const { fetch, sent } = routed({
        'https://api.example.com/upload': { status, location: 'https://evil.example.net/collect?tok=secret' },
        'https://evil.example.net/collect?tok=secret': { status: 200 },
      });
      const error = await call(fetch, 'https://api.example.com/upload', post).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(HttpError);
      const e = error as HttpError;
      expect(e.status).toBe(status);
      expect(e.code).toBe('REDIRECTION');
      expect(e.transient).toBe(false);
      expect(e.url).toBe('https://api.example.com/upload');
      expect(e.message).toContain('https://evil.example.net');
      expect(e.message).toContain('followCrossOriginBodyRedirects');
      // No reason phrase is known for a 3xx: no gap left where it would be.
      expect(e.message).toMatch(new RegExp(`^HTTP ${status} from POST https://api\\.example\\.com/upload: `));
      // The target's path and query are not the caller's business to log.
      expect(e.message).not.toContain('collect');
      expect(e.message).not.toContain('secret');
      // Nothing went to the other origin, and the refusal is not retried.
      expect(sent.map((s) => s.url)).toEqual(['https://api.example.com/upload']);
    },
  );

  it('a PUT answered 301 to another origin keeps its body in fetch: refused too', async () => {
    const { fetch, sent } = routed({
      'https://api.example.com/doc': { status: 301, location: 'https://cdn.example.org/doc' },
    });
    const init = { ...post, method: 'PUT' };
    await expect(call(fetch, 'https://api.example.com/doc', init)).rejects.toMatchObject({ status: 301 });
    expect(sent).toHaveLength(1);
  });

  it('a scheme change is another origin: http -> https on the same host is refused too', async () => {
    const { fetch, sent } = routed({
      'http://api.example.com/upload': { status: 308, location: 'https://api.example.com/upload' },
    });
    await expect(call(fetch, 'http://api.example.com/upload', post)).rejects.toMatchObject({ status: 308 });
    expect(sent).toHaveLength(1);
  });

  it('the check is per hop: a same-origin hop, then one to another origin, stops at the second', async () => {
    const { fetch, sent } = routed({
      'https://api.example.com/a': { status: 307, location: '/b' },
      'https://api.example.com/b': { status: 307, location: 'https://other.example/c' },
    });
    await expect(call(fetch, 'https://api.example.com/a', post)).rejects.toMatchObject({
      status: 307,
      url: 'https://api.example.com/b',
    });
    expect(sent.map((s) => [s.url, s.body])).toEqual([
      ['https://api.example.com/a', post.body],
      ['https://api.example.com/b', post.body],
    ]);
  });

  it('followCrossOriginBodyRedirects: true follows it, the body sent on, credential headers still left behind', async () => {
    const { fetch, sent } = routed({
      'https://api.example.com/upload': { status: 307, location: 'https://storage.example.net/put' },
      'https://storage.example.net/put': { status: 200 },
    });
    const response = await call(fetch, 'https://api.example.com/upload', post, {
      followCrossOriginBodyRedirects: true,
    });
    expect(response.status).toBe(200);
    expect(sent[1]).toEqual({
      url: 'https://storage.example.net/put',
      method: 'POST',
      body: post.body,
      apiKey: null,
    });
  });
});

describe('redirects that send no body elsewhere are followed as before', () => {
  it('a POST answered 307 within its origin is sent again there with its body', async () => {
    const { fetch, sent } = routed({
      'https://api.example.com/upload': { status: 307, location: '/v2/upload' },
      'https://api.example.com/v2/upload': { status: 200 },
    });
    expect((await call(fetch, 'https://api.example.com/upload', post)).status).toBe(200);
    expect(sent[1]).toMatchObject({
      url: 'https://api.example.com/v2/upload',
      method: 'POST',
      body: post.body,
    });
  });

  it.each([302, 303])(
    'a POST answered %i to another origin becomes a GET without the body',
    async (status) => {
      const { fetch, sent } = routed({
        'https://api.example.com/upload': { status, location: 'https://status.example.org/job/1' },
        'https://status.example.org/job/1': { status: 200 },
      });
      expect((await call(fetch, 'https://api.example.com/upload', post)).status).toBe(200);
      expect(sent[1]).toEqual({
        url: 'https://status.example.org/job/1',
        method: 'GET',
        body: null,
        apiKey: null,
      });
    },
  );

  it('a GET answered 307 to another origin is followed (nothing to carry but the URL)', async () => {
    const { fetch, sent } = routed({
      'https://api.example.com/file': { status: 307, location: 'https://cdn.example.org/file' },
      'https://cdn.example.org/file': { status: 200 },
    });
    expect((await call(fetch, 'https://api.example.com/file', { headers: post.headers })).status).toBe(200);
    expect(sent).toHaveLength(2);
  });

  it('the option is checked like the others: not a boolean is refused before anything is sent', async () => {
    const { fetch, sent } = routed({});
    await expect(
      call(fetch, 'https://api.example.com/x', post, {
        followCrossOriginBodyRedirects: 'yes' as unknown as boolean,
      }),
    ).rejects.toThrow(/followCrossOriginBodyRedirects/);
    expect(sent).toHaveLength(0);
  });
});
