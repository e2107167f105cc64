import { describe, expect, it } from 'vitest';
import {
  CircuitBreakerOpenError,
  HttpHostRegistry,
  type HttpHostRegistryOptions,
  OperationTimeoutError,
  type ResilientFetchOptions,
  resilientFetch,
} from '../../../src/index.js';
import { createTestClock, type TestClock } from '../../../src/testing/clock.js';

/** What a URL answers: a redirect, a status, or an answer the test releases by hand. */
type Route = { redirect: string; status?: number } | { status: number; body?: string } | { gate: true };

/**
 * A `fetch` over a table of routes that follows redirects itself unless told `redirect: 'manual'`,
 * as undici does, and records every request it sends and how many are open per host.
 */
function routedFetch(routes: Record<string, Route>) {
  const sent: string[] = [];
  const open = new Map<string, number>();
  const maxOpen = new Map<string, number>();
  const gates: Array<() => void> = [];
  const one = async (url: string, signal: AbortSignal | null | undefined): Promise<Response> => {
    const host = new URL(url).host;
    sent.push(url);
    open.set(host, (open.get(host) ?? 0) + 1);
    maxOpen.set(host, Math.max(maxOpen.get(host) ?? 0, open.get(host)!));
    try {
      const route = routes[url];
      if (route === undefined) return new Response('no route', { status: 404 });
      if ('gate' in route) {
        await new Promise<void>((resolve, reject) => {
          gates.push(resolve);
          signal?.addEventListener('abort', () => reject(signal.reason), { once: true });
        });
        return new Response('gated', { status: 200 });
      }
      if ('redirect' in route) {
        return new Response(null, { status: route.status ?? 302, headers: { location: route.redirect } });
      }
      return new Response(route.body ?? String(route.status), { status: route.status });
    } finally {
      open.set(host, open.get(host)! - 1);
    }
  };
  const fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    let url = String(input);
    for (let hops = 0; ; hops++) {
      const response = await one(url, init?.signal);
      const location = response.headers.get('location');
      if (init?.redirect === 'manual' || location === null) {
        Object.defineProperty(response, 'url', { value: url });
        return response;
      }
      if (hops === 20) throw new TypeError('fetch failed', { cause: new Error('redirect count exceeded') });
      url = new URL(location, url).href;
    }
  };
  return { fetch, sent, maxOpen, open: () => gates.shift()!() };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

function setup(routes: Record<string, Route>, registry: Omit<HttpHostRegistryOptions, 'clock'>) {
  const clock: TestClock = createTestClock();
  const hosts = new HttpHostRegistry({ clock, ...registry });
  const f = routedFetch(routes);
  const call = (url: string, options: ResilientFetchOptions = {}) =>
    resilientFetch(url, undefined, { clock, hosts, fetch: f.fetch, maxAttempts: 1, ...options });
  return { clock, hosts, call, ...f };
}

describe('a redirect to another host is governed by that host', () => {
  it("each hop takes a rate-limit token from the host it goes to: the second call waits for the target's token", async () => {
    const { clock, call, sent } = setup(
      { 'https://a.example/x': { redirect: 'https://b.example/y' }, 'https://b.example/y': { status: 200 } },
      { hosts: { 'b.example': { rateLimit: { requestsPerSecond: 1, burst: 1 } } } },
    );
    expect((await call('https://a.example/x')).status).toBe(200);
    let second = false;
    const pending = call('https://a.example/x').then((r) => {
      second = true;
      return r;
    });
    await tick();
    expect(second).toBe(false);
    expect(sent).toEqual(['https://a.example/x', 'https://b.example/y', 'https://a.example/x']);
    clock.advance(1000);
    expect((await pending).status).toBe(200);
    expect(sent).toHaveLength(4);
  });

  it("a failure at the target counts against the target's breaker, and the origin's stays closed", async () => {
    const { call, hosts, sent } = setup(
      { 'https://a.example/x': { redirect: 'https://b.example/y' }, 'https://b.example/y': { status: 503 } },
      { breaker: { failureThreshold: 2, openMs: 60_000 } },
    );
    for (let i = 0; i < 2; i++) await expect(call('https://a.example/x')).rejects.toThrow(/503/);
    expect(hosts.states()['b.example']?.breaker).toBe('open');
    expect(hosts.states()['a.example']?.breaker).toBe('closed');
    // The target is open: the hop is refused without a request to it; the origin was asked and answered.
    const refused = await call('https://a.example/x').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(CircuitBreakerOpenError);
    expect(sent.filter((u) => u.includes('b.example'))).toHaveLength(2);
    expect(sent.filter((u) => u.includes('a.example'))).toHaveLength(3);
    expect(hosts.states()['a.example']?.breaker).toBe('closed');
    // A call straight to the origin is not refused.
    await expect(call('https://a.example/ok')).rejects.toThrow(/404/);
  });

  it("the origin's concurrency slot is given back at the hop and the target's is taken", async () => {
    const { call, hosts, maxOpen, open, sent } = setup(
      { 'https://a.example/x': { redirect: 'https://b.example/y' }, 'https://b.example/y': { gate: true } },
      { hosts: { 'a.example': { maxConcurrent: 1 }, 'b.example': { maxConcurrent: 1 } } },
    );
    const first = call('https://a.example/x');
    const second = call('https://a.example/x');
    await tick();
    // The first holds b's slot; the second went through a (its slot was free) and waits for b's.
    expect([...sent].sort()).toEqual(['https://a.example/x', 'https://a.example/x', 'https://b.example/y']);
    expect(hosts.states()['a.example']).toMatchObject({ inFlight: 0 });
    expect(hosts.states()['b.example']).toMatchObject({ inFlight: 1, queued: 1 });
    open();
    await first;
    await tick();
    open();
    await second;
    expect(maxOpen.get('b.example')).toBe(1);
    expect(hosts.states()['b.example']).toMatchObject({ inFlight: 0, queued: 0 });
  });

  it('a redirect loop across two hosts with one slot each ends (no deadlock) and frees every slot', async () => {
    const { call, hosts, sent } = setup(
      {
        'https://a.example/loop': { redirect: 'https://b.example/loop' },
        'https://b.example/loop': { redirect: 'https://a.example/loop' },
      },
      {
        maxConcurrent: 1,
        rateLimit: { requestsPerSecond: 1000, burst: 100 },
        breaker: { failureThreshold: 100 },
      },
    );
    const results = await Promise.all([
      call('https://a.example/loop').catch((e: unknown) => e),
      call('https://b.example/loop').catch((e: unknown) => e),
    ]);
    for (const err of results) expect(String((err as Error).message)).toMatch(/redirect count exceeded/);
    expect(sent).toHaveLength(42);
    expect(hosts.states()['a.example']).toMatchObject({ inFlight: 0, queued: 0 });
    expect(hosts.states()['b.example']).toMatchObject({ inFlight: 0, queued: 0 });
  });

  it('a target whose limiter is exhausted makes the hop wait within the attempt timeout; then it fails as a timeout that no breaker counts, and is retried per the options', async () => {
    const { clock, call, hosts, sent } = setup(
      { 'https://a.example/x': { redirect: 'https://b.example/y' }, 'https://b.example/y': { status: 200 } },
      {
        breaker: { failureThreshold: 1 },
        hosts: { 'b.example': { rateLimit: { requestsPerSecond: 0.01, burst: 1 } } },
      },
    );
    await call('https://a.example/x');
    const failing = call('https://a.example/x', {
      attemptTimeoutMs: 1000,
      maxAttempts: 2,
      baseDelayMs: 1,
    }).catch((e: unknown) => e);
    for (let i = 0; i < 4; i++) {
      await tick();
      clock.advance(1000);
    }
    const err = await failing;
    expect(err).toBeInstanceOf(OperationTimeoutError);
    // Two attempts reached the origin; neither reached the target.
    expect(sent).toEqual([
      'https://a.example/x',
      'https://b.example/y',
      'https://a.example/x',
      'https://a.example/x',
    ]);
    expect(hosts.states()['a.example']?.breaker).toBe('closed');
    expect(hosts.states()['b.example']?.breaker).toBe('closed');
    expect(hosts.states()['b.example']?.queued).toBe(0);
  });

  it('a redirect within the same host (or back to it) stays under the call’s key and takes a token from it', async () => {
    const { clock, call, sent } = setup(
      { 'https://a.example/x': { redirect: '/x/' }, 'https://a.example/x/': { status: 200 } },
      { hosts: { scraper: { rateLimit: { requestsPerSecond: 1, burst: 2 } } } },
    );
    expect((await call('https://a.example/x', { key: 'scraper' })).status).toBe(200);
    let done = false;
    const next = call('https://a.example/x', { key: 'scraper' }).then(() => {
      done = true;
    });
    await tick();
    expect(done).toBe(false);
    expect(sent).toHaveLength(2);
    clock.advance(2000);
    await next;
    expect(sent).toHaveLength(4);
  });

  it("a streamed body (bufferBody: false) behind a redirect holds the target's slot until it is read", async () => {
    const { call, hosts, sent } = setup(
      {
        'https://a.example/x': { redirect: 'https://b.example/y' },
        'https://b.example/y': { status: 200, body: 'ok' },
      },
      { hosts: { 'b.example': { maxConcurrent: 1 } } },
    );
    const first = await call('https://a.example/x', { bufferBody: false });
    let secondDone = false;
    const second = call('https://a.example/x', { bufferBody: false }).then((r) => {
      secondDone = true;
      return r;
    });
    await tick();
    expect(secondDone).toBe(false);
    expect(hosts.states()['b.example']).toMatchObject({ inFlight: 1, queued: 1 });
    expect(await first.text()).toBe('ok');
    expect(await (await second).text()).toBe('ok');
    expect(sent.filter((u) => u.includes('b.example'))).toHaveLength(2);
    expect(hosts.states()['b.example']).toMatchObject({ inFlight: 0, queued: 0 });
  });

  it("the caller's abort while a hop waits for the target's slot rejects with its reason, counts on no breaker and leaves no waiter", async () => {
    const { call, hosts, open, fetch, clock } = setup(
      { 'https://a.example/x': { redirect: 'https://b.example/y' }, 'https://b.example/y': { gate: true } },
      { breaker: { failureThreshold: 1 }, hosts: { 'b.example': { maxConcurrent: 1 } } },
    );
    const first = call('https://a.example/x');
    const caller = new AbortController();
    const second = resilientFetch(
      'https://a.example/x',
      { signal: caller.signal },
      {
        clock,
        hosts,
        fetch,
        maxAttempts: 1,
      },
    ).catch((e: unknown) => e);
    await tick();
    expect(hosts.states()['b.example']).toMatchObject({ inFlight: 1, queued: 1 });
    const reason = new Error('stop');
    caller.abort(reason);
    expect(await second).toBe(reason);
    expect(hosts.states()['b.example']).toMatchObject({ inFlight: 1, queued: 0 });
    open();
    expect((await first).status).toBe(200);
    expect(hosts.states()['a.example']?.breaker).toBe('closed');
    expect(hosts.states()['b.example']).toMatchObject({ breaker: 'closed', inFlight: 0, queued: 0 });
  });

  it('50 concurrent redirected calls with failures at the target settle with every slot and queue empty', async () => {
    let n = 0;
    const clock = createTestClock();
    const hosts = new HttpHostRegistry({
      clock,
      maxConcurrent: 2,
      rateLimit: { requestsPerSecond: 1e6, burst: 1000 },
      breaker: false,
    });
    const fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
      const url = String(input);
      await tick();
      if (init?.signal?.aborted) throw init.signal.reason;
      if (url.startsWith('https://a.example')) {
        return new Response(null, { status: 302, headers: { location: 'https://b.example/y' } });
      }
      const k = n++;
      if (k % 5 === 0) throw new TypeError('fetch failed', { cause: new Error('other side closed') });
      if (k % 5 === 1) return new Response('down', { status: 503 });
      return new Response('ok', { status: 200 });
    };
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, (_, i) =>
        resilientFetch('https://a.example/x', undefined, {
          clock,
          hosts,
          fetch,
          maxAttempts: 3,
          baseDelayMs: 1,
          bufferBody: i % 2 === 0,
        }).then((r) => r.text()),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled').length).toBeGreaterThan(30);
    for (const key of ['a.example', 'b.example']) {
      expect(hosts.states()[key]).toMatchObject({ inFlight: 0, queued: 0 });
    }
  });

  it("the deadline cuts a hop's wait for the target's token: the call gives up and the target's queue is left empty", async () => {
    const { clock, call, hosts, sent } = setup(
      { 'https://a.example/x': { redirect: 'https://b.example/y' }, 'https://b.example/y': { status: 200 } },
      { hosts: { 'b.example': { rateLimit: { requestsPerSecond: 0.01, burst: 1 } } } },
    );
    await call('https://a.example/x');
    const failing = call('https://a.example/x', { deadlineMs: 500, maxAttempts: 5 }).catch((e: unknown) => e);
    await tick();
    expect(hosts.states()['b.example']?.queued).toBe(1);
    clock.advance(500);
    const err = await failing;
    expect(err).toBeInstanceOf(OperationTimeoutError);
    expect(sent.filter((u) => u.includes('b.example'))).toHaveLength(1);
    await tick();
    expect(hosts.states()['b.example']).toMatchObject({ queued: 0, breaker: 'closed' });
    expect(hosts.states()['a.example']?.breaker).toBe('closed');
  });
});

describe('a target breaker that opens while redirected calls wait for its slot', () => {
  it('the hops still queued are refused at their turn: nothing more is sent to the failing target', async () => {
    const { call, sent } = setup(
      {
        'https://a.example/x': { redirect: 'https://b.example/y' },
        'https://b.example/y': { status: 503 },
      },
      { hosts: { 'b.example': { maxConcurrent: 1, breaker: { failureThreshold: 2, openMs: 60_000 } } } },
    );
    const outcomes = await Promise.all(
      Array.from({ length: 5 }, () =>
        call('https://a.example/x').then(
          () => 'ok',
          (err: unknown) => (err instanceof CircuitBreakerOpenError ? 'refused' : 'failed'),
        ),
      ),
    );
    expect(outcomes).toEqual(['failed', 'failed', 'refused', 'refused', 'refused']);
    expect(sent.filter((url) => url.startsWith('https://b.example'))).toHaveLength(2);
  });
});
