import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { MAX_RETRY_AFTER_MS } from '../../../src/errors/retry-after.js';
import {
  HttpHostRegistry,
  HttpTooManyRequestsError,
  type ResilientFetchOptions,
  resilientFetch,
} from '../../../src/index.js';
import { createTestClock } from '../../../src/testing/clock.js';
import { type Scripted, scriptedFetch } from './fake-fetch.js';

const START = Date.parse('2026-03-01T12:00:00Z');
const URL_A = 'https://api.example.com/v1/games?date=2026-03-01';

function setup(script: Scripted[], extra: ResilientFetchOptions = {}) {
  const clock = createTestClock({ startMs: START });
  const hosts = new HttpHostRegistry({ clock });
  const fetch = scriptedFetch(script);
  const options: ResilientFetchOptions = { clock, hosts, fetch, random: () => 0.5, ...extra };
  return { clock, hosts, fetch, options };
}

describe('resilientFetch: credentials in the URL', () => {
  it('refuses user info before sending, and the password is nowhere in the error, at any depth', async () => {
    const { fetch, options } = setup([{ status: 200 }]);
    const err = await resilientFetch(
      'https://scraper:hunter2@api.example.com/v1/games?api_key=k3y',
      undefined,
      options,
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TypeError);
    expect((err as Error).message).toMatch(/resilientFetch input: .*user name or password/);
    const everything = inspect(err, { depth: 20 });
    expect(everything).not.toContain('hunter2');
    expect(everything).not.toContain('k3y');
    expect(fetch.seen).toHaveLength(0);
  });

  it('a URL with a password and no user name is refused the same way', async () => {
    const { fetch, options } = setup([{ status: 200 }]);
    const err = await resilientFetch('https://:tok3n@api.example.com/x', undefined, options).catch(
      (e: unknown) => e,
    );
    expect(inspect(err, { depth: 20 })).not.toContain('tok3n');
    expect(fetch.seen).toHaveLength(0);
  });
});

describe('resilientFetch: the host of a URL whose authority was seen before', () => {
  it('keys each call by its own host, however the authority is written, and still refuses user info', async () => {
    const { fetch, hosts, options } = setup([
      { status: 200 },
      { status: 200 },
      { status: 200 },
      { status: 200 },
    ]);
    await resilientFetch('https://api.example.com/v1/a', undefined, options);
    // Same authority, other paths; then the same host written in upper case and with its default port.
    await resilientFetch('https://api.example.com?q=1', undefined, options);
    await resilientFetch('https://API.example.com:443/v1/b', undefined, options);
    await resilientFetch('https://api.example.com:8443\\v1\\c', undefined, options);
    expect(Object.keys(hosts.states()).sort()).toEqual(['api.example.com', 'api.example.com:8443']);
    const err = await resilientFetch('https://u:hunter2@api.example.com/v1/a', undefined, options).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(TypeError);
    expect(inspect(err, { depth: 20 })).not.toContain('hunter2');
    await expect(resilientFetch('https://api.example.com:99999/v1/a', undefined, options)).rejects.toThrow(
      /not an absolute URL/,
    );
    expect(fetch.seen).toHaveLength(4);
  });
});

describe('resilientFetch: Retry-After from a hostile server never makes it retry sooner than asked', () => {
  it('a delta-seconds value too long to read is a wait beyond any cap: no retry, typed error', async () => {
    for (const digits of [40, 65, 400]) {
      const { fetch, options } = setup([
        { status: 429, headers: { 'retry-after': '9'.repeat(digits) } },
        { status: 200 },
      ]);
      const err = await resilientFetch(URL_A, undefined, options).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(HttpTooManyRequestsError);
      expect((err as HttpTooManyRequestsError).retryAfterMs).toBe(MAX_RETRY_AFTER_MS);
      expect(Number.isFinite((err as HttpTooManyRequestsError).retryAfterMs)).toBe(true);
      expect(fetch.seen).toHaveLength(1);
    }
  });

  it('several Retry-After headers (joined by Headers): the longest wait is honored', async () => {
    const headers = new Headers();
    headers.append('retry-after', '2');
    headers.append('retry-after', '7');
    const { clock, fetch, options } = setup([
      { status: 503, headers: { 'retry-after': headers.get('retry-after')! } },
      { status: 200 },
    ]);
    await resilientFetch(URL_A, undefined, options);
    expect(fetch.seen).toHaveLength(2);
    expect(clock.sleeps).toEqual([7000]);
  });

  it('several HTTP-date Retry-After values: the latest is honored', async () => {
    const soon = new Date(START + 3000).toUTCString();
    const later = new Date(START + 9000).toUTCString();
    const { clock, options } = setup([
      { status: 503, headers: { 'retry-after': `${soon}, ${later}` } },
      { status: 200 },
    ]);
    await resilientFetch(URL_A, undefined, options);
    expect(clock.sleeps).toEqual([9000]);
  });
});

describe("resilientFetch: the wait in this process's own queues is never blamed on the host", () => {
  it('calls whose deadline passes while queued for a rate-limit token neither open the breaker nor spend the budget', async () => {
    const clock = createTestClock({ startMs: START });
    const hosts = new HttpHostRegistry({ clock, rateLimit: { requestsPerSecond: 1, burst: 1 } });
    const fetch = scriptedFetch([{ status: 200, body: 'ok' }]);
    const options: ResilientFetchOptions = { clock, hosts, fetch, deadlineMs: 5_000 };
    const outcomes = Promise.allSettled(
      Array.from({ length: 30 }, () => resilientFetch(URL_A, undefined, options)),
    );
    for (let i = 0; i < 12; i++) {
      await new Promise((resolve) => setImmediate(resolve));
      clock.advance(1000);
    }
    const settled = await outcomes;
    const timedOut = settled.filter((o) => o.status === 'rejected');
    expect(timedOut.length).toBeGreaterThan(20);
    for (const o of timedOut) {
      expect((o as PromiseRejectedResult).reason).toMatchObject({ name: 'OperationTimeoutError' });
    }
    // The API answered every request it got: its breaker is closed and its budget full.
    expect(hosts.states()['api.example.com']).toMatchObject({
      breaker: 'closed',
      budgetTokens: 50,
      queued: 0,
    });
    await new Promise((resolve) => setImmediate(resolve));
    clock.advance(1000);
    await expect(resilientFetch(URL_A, undefined, options)).resolves.toMatchObject({ status: 200 });
  });

  it('calls whose deadline passes while queued for a concurrency slot do not open the breaker', async () => {
    const clock = createTestClock({ startMs: START });
    const hosts = new HttpHostRegistry({ clock, maxConcurrent: 1 });
    let release: (() => void) | undefined;
    const gated = () =>
      new Promise<Response>((resolve) => {
        release = () => resolve(new Response('done'));
      });
    const options: ResilientFetchOptions = { clock, hosts, fetch: gated, deadlineMs: 10_000 };
    const first = resilientFetch(URL_A, undefined, { clock, hosts, fetch: gated });
    const queued = Array.from({ length: 10 }, () => resilientFetch(URL_A, undefined, options));
    await new Promise((resolve) => setImmediate(resolve));
    clock.advance(10_000);
    for (const call of queued) await expect(call).rejects.toMatchObject({ name: 'OperationTimeoutError' });
    release!();
    await first;
    expect(hosts.states()['api.example.com']).toMatchObject({
      breaker: 'closed',
      budgetTokens: 50,
      inFlight: 0,
      queued: 0,
    });
  });

  it('a request that was sent and timed out under the deadline still counts against the host', async () => {
    const clock = createTestClock({ startMs: START });
    const hosts = new HttpHostRegistry({ clock, breaker: { failureThreshold: 2 } });
    const hanging = (_input: string | URL | Request, init?: RequestInit) =>
      new Promise<Response>((_resolve, reject) => {
        init?.signal?.addEventListener('abort', () => reject(init.signal?.reason));
      });
    const options: ResilientFetchOptions = { clock, hosts, fetch: hanging, deadlineMs: 1000 };
    for (let i = 0; i < 2; i++) {
      const call = resilientFetch(URL_A, undefined, options);
      await new Promise((resolve) => setImmediate(resolve));
      clock.advance(1000);
      await expect(call).rejects.toMatchObject({ name: 'OperationTimeoutError' });
    }
    await new Promise((resolve) => setImmediate(resolve));
    expect(hosts.states()['api.example.com']).toMatchObject({ breaker: 'open' });
  });
});

describe('resilientFetch: options a caller may get wrong', () => {
  it.each([null, 5, 'fast', true])(
    'refuses %j as options with a TypeError that says what it wants',
    async (bad) => {
      await expect(resilientFetch(URL_A, undefined, bad as unknown as ResilientFetchOptions)).rejects.toThrow(
        /resilientFetch options must be an object/,
      );
    },
  );

  it.each(['bufferBody', 'retryNonIdempotent', 'honorRetryAfter'])(
    'refuses a %s that is not a boolean, naming it',
    async (name) => {
      const { fetch, options } = setup([{ status: 200 }]);
      await expect(resilientFetch(URL_A, undefined, { ...options, [name]: 'no' })).rejects.toThrow(
        new RegExp(`option ${name} must be a boolean, got a string`),
      );
      expect(fetch.seen).toHaveLength(0);
    },
  );

  it("init.signal: null drops the Request's own signal, as fetch does", async () => {
    const { fetch, options } = setup([{ status: 200 }]);
    const controller = new AbortController();
    controller.abort(new Error('old'));
    const request = new Request('https://api.example.com/x', { signal: controller.signal });
    await expect(resilientFetch(request, { signal: null }, options)).resolves.toMatchObject({ status: 200 });
    expect(fetch.seen).toHaveLength(1);
  });
});

describe('HttpHostRegistry: keys and size', () => {
  it('host keys are case-insensitive: an override written in capitals applies to the URL', async () => {
    const clock = createTestClock({ startMs: START });
    const hosts = new HttpHostRegistry({
      clock,
      hosts: { 'API.Example.com': { maxConcurrent: 1 } },
    });
    const fetch = scriptedFetch([{ status: 200 }]);
    await resilientFetch(URL_A, undefined, { clock, hosts, fetch });
    expect(hosts.get('api.example.com').concurrency?.max).toBe(1);
    expect(hosts.get('API.EXAMPLE.COM')).toBe(hosts.get('api.example.com'));
  });

  it('refuses an override key written as a URL, which would never match', () => {
    expect(
      () => new HttpHostRegistry({ hosts: { 'https://api.example.com': { maxConcurrent: 1 } } }),
    ).toThrow(/hosts key 'https:\/\/api\.example\.com' is a URL, not a host: .*'api\.example\.com'/);
  });

  it('forgets hosts at rest beyond maxHosts, and keeps every host that holds state', async () => {
    const clock = createTestClock({ startMs: START });
    const hosts = new HttpHostRegistry({ clock, maxHosts: 100, breaker: { failureThreshold: 1 } });
    const failing = scriptedFetch([{ status: 503 }]);
    await resilientFetch('https://down.example.com/', undefined, {
      clock,
      hosts,
      fetch: failing,
      maxAttempts: 1,
    }).catch(() => undefined);
    const ok = scriptedFetch([{ status: 200 }]);
    for (let i = 0; i < 1000; i++) {
      await resilientFetch(`https://site-${i}.example.com/`, undefined, { clock, hosts, fetch: ok });
    }
    const keys = Object.keys(hosts.states());
    expect(keys.length).toBeLessThanOrEqual(200);
    expect(keys).toContain('down.example.com');
    expect(hosts.states()['down.example.com']).toMatchObject({ breaker: 'open' });
  });

  it('keeps a host with a request in flight or a drained rate-limit bucket; forgets it once at rest', async () => {
    const clock = createTestClock({ startMs: START });
    const hosts = new HttpHostRegistry({
      clock,
      maxHosts: 10,
      rateLimit: { requestsPerSecond: 1, burst: 2 },
    });
    const limited = hosts.get('limited.example.com');
    await limited.rateLimit!.take();
    for (let i = 0; i < 30; i++) hosts.get(`site-${i}.example.com`);
    expect(hosts.get('limited.example.com')).toBe(limited);
    clock.advance(5000);
    for (let i = 30; i < 60; i++) hosts.get(`site-${i}.example.com`);
    expect(Object.keys(hosts.states())).not.toContain('limited.example.com');
  });

  it('refuses a maxHosts that is not a positive integer', () => {
    expect(() => new HttpHostRegistry({ maxHosts: 0 })).toThrow(/maxHosts must be a positive integer; got 0/);
  });
});
