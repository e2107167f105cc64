import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  CircuitBreakerOpenError,
  HttpHostRegistry,
  HttpNotFoundError,
  HttpServiceUnavailableError,
  HttpTooManyRequestsError,
  NetworkError,
  OperationTimeoutError,
  type ResilientFetchOptions,
  resilientFetch,
} from '../../../src/index.js';
import { createTestClock } from '../../../src/testing/clock.js';
import { type HttpStandIn, startHttpStandIn } from '../../../src/testing/index.js';

const PAGE = {
  games: [
    { id: 1, home: 'LAL' },
    { id: 2, home: 'BOS' },
  ],
};

let api: HttpStandIn;
/** Short real delays between attempts: these tests talk to a real server over loopback. */
let options: ResilientFetchOptions;

beforeAll(async () => {
  api = await startHttpStandIn({
    routes: [
      { method: 'GET', path: '/v1/games', json: PAGE },
      { method: 'POST', path: '/v1/jobs', handler: (req) => ({ status: 201, json: { received: req.body } }) },
    ],
  });
});
afterAll(() => api.close());
beforeEach(() => {
  api.faults.clear();
  api.requests.length = 0;
  options = { hosts: new HttpHostRegistry(), baseDelayMs: 1, maxDelayMs: 20, attemptTimeoutMs: 5000 };
});

const games = () => `${api.url}/v1/games?date=2026-01-24&api_key=s3cret`;

describe('resilientFetch against the HTTP stand-in (real fetch, loopback)', () => {
  it('rides out a 429, a 503, a reset and a truncated body, then returns the whole page', async () => {
    api.faults.add({ path: '/v1/games', times: 1, status: 429, headers: { 'retry-after': '0' } });
    api.faults.add({ path: '/v1/games', times: 1, status: 503 });
    api.faults.add({ path: '/v1/games', times: 1, reset: true });
    api.faults.add({ path: '/v1/games', times: 1, truncateBody: 5 });
    const failures: string[] = [];
    const response = await resilientFetch(games(), undefined, {
      ...options,
      maxAttempts: 5,
      onRetry: ({ error }) => failures.push(error.name),
    });
    expect(await response.json()).toEqual(PAGE);
    expect(failures).toEqual([
      'HttpTooManyRequestsError',
      'HttpServiceUnavailableError',
      'NetworkError',
      'NetworkError',
    ]);
    expect(api.requests.map((r) => r.outcome)).toEqual([
      'answered',
      'answered',
      'reset',
      'truncated',
      'answered',
    ]);
  });

  it('a slow body hits the attempt timeout, and the next attempt gets the page', async () => {
    api.faults.add({
      name: 'slow',
      path: '/v1/games',
      times: 1,
      slowBody: { intervalMs: 40, chunkBytes: 4 },
    });
    const failures: unknown[] = [];
    const response = await resilientFetch(games(), undefined, {
      ...options,
      attemptTimeoutMs: 150,
      onRetry: ({ error }) => failures.push(error),
    });
    expect(await response.json()).toEqual(PAGE);
    expect(failures).toHaveLength(1);
    expect(failures[0]).toBeInstanceOf(OperationTimeoutError);
    expect((failures[0] as Error).message).toMatch(/attempt 1 timed out after 150 ms \(response and body\)/);
    // The slow response had sent its status and headers: the timeout cut it during the body.
    expect(api.requests[0]).toMatchObject({ status: 200, fault: 'slow' });
  });

  it('a hanging server is cut by the attempt timeout and reported typed after the last attempt', async () => {
    api.faults.add({ path: '/v1/games', hang: true });
    const err = await resilientFetch(games(), undefined, {
      ...options,
      attemptTimeoutMs: 50,
      maxAttempts: 2,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OperationTimeoutError);
    expect(api.requests).toHaveLength(2);
  });

  it("the caller's signal cancels a request in flight with the caller's reason, and nothing is retried", async () => {
    api.faults.add({ path: '/v1/games', hang: true });
    const caller = new AbortController();
    const pending = resilientFetch(games(), { signal: caller.signal }, options).catch((e: unknown) => e);
    await vi.waitFor(() => expect(api.requests).toHaveLength(1));
    const reason = new Error('scraper shutting down');
    caller.abort(reason);
    expect(await pending).toBe(reason);
    expect(api.requests).toHaveLength(1);
  });

  it('a live response (bufferBody: false) keeps its body past its attempt timeout and other calls timing out', async () => {
    api.faults.add({ path: '/v1/games', times: 1, slowBody: { intervalMs: 20, chunkBytes: 8 } });
    const live = await resilientFetch(games(), undefined, {
      ...options,
      bufferBody: false,
      attemptTimeoutMs: 60,
    });
    // Other calls time out (their own signals abort) while the live body is still arriving.
    api.faults.add({ path: '/v1/games', times: 2, hang: true });
    await expect(
      resilientFetch(games(), undefined, { ...options, attemptTimeoutMs: 30, maxAttempts: 2 }),
    ).rejects.toBeInstanceOf(OperationTimeoutError);
    await expect(live.json()).resolves.toEqual(PAGE);
  });

  it('a 404 is not retried: one request, a typed error without the query string or the token', async () => {
    const err = await resilientFetch(
      `${api.url}/v1/nope?api_key=s3cret`,
      {
        headers: { authorization: 'Bearer tok-999' },
      },
      options,
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HttpNotFoundError);
    expect(err).toMatchObject({ url: `${api.url}/v1/nope`, method: 'GET', transient: false });
    expect((err as HttpNotFoundError).bodySnippet).toContain('no route for GET /v1/nope');
    expect(JSON.stringify({ ...(err as object), m: (err as Error).message })).not.toMatch(/s3cret|tok-999/);
    expect(api.requests).toHaveLength(1);
  });

  it('does not retry a POST without opt-in; the stand-in saw exactly one', async () => {
    api.faults.add({ path: '/v1/jobs', times: 1, status: 503 });
    await expect(
      resilientFetch(`${api.url}/v1/jobs`, { method: 'POST', body: '{"run":1}' }, options),
    ).rejects.toBeInstanceOf(HttpServiceUnavailableError);
    expect(api.requests).toHaveLength(1);
  });

  it('does not retry a POST whose answer was lost (reset after the server applied it)', async () => {
    api.faults.add({ path: '/v1/jobs', times: 1, reset: 'after' });
    await expect(
      resilientFetch(`${api.url}/v1/jobs`, { method: 'POST', body: '{"run":1}' }, options),
    ).rejects.toBeInstanceOf(NetworkError);
    expect(api.requests).toHaveLength(1);
  });

  it('retries a POST with an Idempotency-Key and sends the same body each time', async () => {
    api.faults.add({ path: '/v1/jobs', times: 2, status: 502 });
    const response = await resilientFetch(
      `${api.url}/v1/jobs`,
      { method: 'POST', body: '{"run":2}', headers: { 'idempotency-key': 'run-2' } },
      options,
    );
    expect(await response.json()).toEqual({ received: '{"run":2}' });
    expect(api.requests.map((r) => [r.body, r.headers['idempotency-key']])).toEqual([
      ['{"run":2}', 'run-2'],
      ['{"run":2}', 'run-2'],
      ['{"run":2}', 'run-2'],
    ]);
  });

  it('honors Retry-After as an HTTP date (on the injected clock)', async () => {
    const startMs = Math.floor(Date.now() / 1000) * 1000;
    const clock = createTestClock({ startMs });
    api.faults.add({
      path: '/v1/games',
      times: 1,
      status: 503,
      headers: { 'retry-after': new Date(startMs + 7000).toUTCString() },
    });
    await resilientFetch(games(), undefined, { ...options, clock, maxDelayMs: 30_000 });
    expect(clock.sleeps).toEqual([7000]);
    expect(api.requests).toHaveLength(2);
  });

  it('gives up at once when the Retry-After date is past the deadline', async () => {
    const startMs = Math.floor(Date.now() / 1000) * 1000;
    const clock = createTestClock({ startMs });
    api.faults.add({
      path: '/v1/games',
      status: 429,
      headers: { 'retry-after': new Date(startMs + 60_000).toUTCString() },
    });
    const err = await resilientFetch(games(), undefined, {
      ...options,
      clock,
      maxDelayMs: 120_000,
      deadlineMs: 30_000,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HttpTooManyRequestsError);
    expect(err).toMatchObject({ retryAfterMs: 60_000 });
    expect(clock.sleeps).toEqual([]);
    expect(api.requests).toHaveLength(1);
  });

  it('opens the breaker of the failing host only', async () => {
    const other = await startHttpStandIn({ routes: [{ path: '/ok', body: 'fine' }] });
    try {
      const hosts = new HttpHostRegistry({ breaker: { failureThreshold: 3 } });
      api.faults.add({ path: '/v1/games', status: 503 });
      const o = { ...options, hosts, maxAttempts: 1 };
      for (let i = 0; i < 3; i++) {
        await expect(resilientFetch(games(), undefined, o)).rejects.toBeInstanceOf(
          HttpServiceUnavailableError,
        );
      }
      await expect(resilientFetch(games(), undefined, o)).rejects.toBeInstanceOf(CircuitBreakerOpenError);
      expect(api.requests).toHaveLength(3);
      const response = await resilientFetch(`${other.url}/ok`, undefined, o);
      expect(await response.text()).toBe('fine');
      const apiHost = new URL(api.url).host;
      const otherHost = new URL(other.url).host;
      expect(hosts.states()[apiHost]?.breaker).toBe('open');
      expect(hosts.states()[otherHost]?.breaker).toBe('closed');
    } finally {
      await other.close();
    }
  });

  it('keeps at most maxConcurrent requests in flight at the server under 100 concurrent calls', async () => {
    const hosts = new HttpHostRegistry({ maxConcurrent: 4 });
    api.faults.add({ path: '/v1/games', delayMs: 5 });
    api.resetMaxInFlight();
    const responses = await Promise.all(
      Array.from({ length: 100 }, () => resilientFetch(games(), undefined, { ...options, hosts })),
    );
    expect(responses.every((r) => r.status === 200)).toBe(true);
    expect(api.requests).toHaveLength(100);
    expect(api.maxInFlight).toBe(4);
    expect(hosts.states()[new URL(api.url).host]).toMatchObject({ inFlight: 0, queued: 0 });
  });

  it('streamed bodies (bufferBody: false) count against maxConcurrent until they are read', async () => {
    const hosts = new HttpHostRegistry({ maxConcurrent: 3 });
    api.faults.add({ path: '/v1/games', slowBody: { intervalMs: 5, chunkBytes: 16 } });
    // Counted here, from the headers to the end of the body: the stand-in sees a response close a
    // moment after the client has read its end, so its own count can briefly include the next one.
    let live = 0;
    let maxLive = 0;
    const pages = await Promise.all(
      Array.from({ length: 12 }, async () => {
        const response = await resilientFetch(games(), undefined, { ...options, hosts, bufferBody: false });
        maxLive = Math.max(maxLive, ++live);
        const page = (await response.json()) as unknown;
        live--;
        return page;
      }),
    );
    expect(pages).toEqual(Array.from({ length: 12 }, () => PAGE));
    expect(maxLive).toBe(3);
    expect(hosts.states()[new URL(api.url).host]).toMatchObject({ inFlight: 0, queued: 0 });
  });

  it('a streamed body aborted by the caller, or cut off by the server, gives its slot back', async () => {
    const hosts = new HttpHostRegistry({ maxConcurrent: 1 });
    const state = () => hosts.states()[new URL(api.url).host];
    api.faults.add({ path: '/v1/games', times: 1, slowBody: { intervalMs: 50, chunkBytes: 4 } });
    const caller = new AbortController();
    const live = await resilientFetch(
      games(),
      { signal: caller.signal },
      { ...options, hosts, bufferBody: false },
    );
    const reader = live.body!.getReader();
    await reader.read();
    expect(state()).toMatchObject({ inFlight: 1 });
    const reason = new Error('scraper stops');
    caller.abort(reason);
    await expect(reader.read()).rejects.toBe(reason);
    expect(state()).toMatchObject({ inFlight: 0 });

    api.faults.add({ path: '/v1/games', times: 1, truncateBody: 5 });
    const cut = await resilientFetch(games(), undefined, { ...options, hosts, bufferBody: false });
    await expect(cut.text()).rejects.toThrow(/terminated/);
    expect(state()).toMatchObject({ inFlight: 0, queued: 0 });
    await expect(
      (await resilientFetch(games(), undefined, { ...options, hosts, bufferBody: false })).json(),
    ).resolves.toEqual(PAGE);
  });

  it('paces 100 concurrent calls with the rate limit (on the injected clock): never more than burst + rate * t', async () => {
    const clock = createTestClock();
    const rate = 20;
    const burst = 5;
    const hosts = new HttpHostRegistry({ clock, rateLimit: { requestsPerSecond: rate, burst } });
    let done = 0;
    const calls = Array.from({ length: 100 }, () =>
      resilientFetch(games(), undefined, { ...options, clock, hosts }).then((r) => {
        done++;
        return r;
      }),
    );
    await vi.waitFor(() => expect(done).toBe(burst), { interval: 2 });
    for (let elapsedMs = 50; done < 100; elapsedMs += 50) {
      clock.advance(50);
      const allowed = Math.min(100, burst + Math.floor((rate * elapsedMs) / 1000));
      await vi.waitFor(() => expect(done).toBe(allowed), { interval: 2 });
      // What the server saw agrees, and nothing extra slipped through.
      expect(api.requests).toHaveLength(allowed);
    }
    await Promise.all(calls);
  });
});
