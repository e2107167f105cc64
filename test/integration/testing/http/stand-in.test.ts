import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type HttpStandIn, startHttpStandIn } from '../../../../src/testing/index.js';

let api: HttpStandIn;

beforeAll(async () => {
  api = await startHttpStandIn({ routes: [{ path: '/page', json: { ok: true } }] });
  api.serve({
    method: 'POST',
    path: /^\/echo\/\w+$/,
    handler: (req) => ({ status: 202, body: `${req.path}:${req.body}` }),
  });
});
afterAll(() => api.close());
beforeEach(() => {
  api.faults.clear();
  api.requests.length = 0;
});

describe('startHttpStandIn', () => {
  it('serves fixed and computed routes, 404 for the rest, and records every request', async () => {
    expect(await (await fetch(`${api.url}/page?x=1`)).json()).toEqual({ ok: true });
    const echoed = await fetch(`${api.url}/echo/abc`, {
      method: 'POST',
      body: 'hi',
      headers: { 'x-k': 'v' },
    });
    expect([echoed.status, await echoed.text()]).toEqual([202, '/echo/abc:hi']);
    expect((await fetch(`${api.url}/missing`)).status).toBe(404);
    expect(api.requests.map((r) => [r.seq, r.method, r.path, r.query, r.status])).toEqual([
      [1, 'GET', '/page', 'x=1', 200],
      [2, 'POST', '/echo/abc', '', 202],
      [3, 'GET', '/missing', '', 404],
    ]);
    expect(api.requests[1]?.headers['x-k']).toBe('v');
  });

  it('answers a status fault with its headers and body, `times` times, then serves the route', async () => {
    const rule = api.faults.add({ path: '/page', times: 2, status: 429, headers: { 'Retry-After': '3' } });
    const first = await fetch(`${api.url}/page`);
    expect([first.status, first.headers.get('retry-after'), await first.text()]).toEqual([
      429,
      '3',
      'stand-in fault: HTTP 429',
    ]);
    expect((await fetch(`${api.url}/page`)).status).toBe(429);
    expect((await fetch(`${api.url}/page`)).status).toBe(200);
    expect(rule).toMatchObject({ hits: 2, remaining: 0 });
    expect(api.faults.rules).toEqual([]);
  });

  it('a seeded rate fails the same requests on every run', async () => {
    const outcomes = async (seed: number) => {
      api.faults.clear();
      api.faults.add({ path: '/page', rate: 0.5, seed, status: 500 });
      const statuses: number[] = [];
      for (let i = 0; i < 20; i++) statuses.push((await fetch(`${api.url}/page`)).status);
      return statuses;
    };
    const a = await outcomes(3);
    expect(await outcomes(3)).toEqual(a);
    expect(a).toContain(500);
    expect(a).toContain(200);
  });

  it('reset, truncated body, slow body and delay reach a real fetch as they would from a real API', async () => {
    api.faults.add({ path: '/page', times: 1, reset: true });
    await expect(fetch(`${api.url}/page`)).rejects.toThrow('fetch failed');

    api.faults.add({ path: '/page', times: 1, truncateBody: 4 });
    const truncated = await fetch(`${api.url}/page`);
    expect(truncated.status).toBe(200);
    await expect(truncated.text()).rejects.toThrow('terminated');

    api.faults.add({ path: '/page', times: 1, slowBody: { intervalMs: 1, chunkBytes: 2 } });
    expect(await (await fetch(`${api.url}/page`)).json()).toEqual({ ok: true });

    api.faults.add({ path: '/page', times: 1, delayMs: 1 });
    expect((await fetch(`${api.url}/page`)).status).toBe(200);
    expect(api.requests.map((r) => r.outcome)).toEqual(['reset', 'truncated', 'answered', 'answered']);
  });

  it('reset "after" runs the route before dropping the answer', async () => {
    let ran = 0;
    api.serve({
      method: 'POST',
      path: '/side-effect',
      handler: () => ({ status: 200, body: String(++ran) }),
    });
    api.faults.add({ path: '/side-effect', times: 1, reset: 'after' });
    await expect(fetch(`${api.url}/side-effect`, { method: 'POST' })).rejects.toThrow('fetch failed');
    expect(ran).toBe(1);
  });

  it('a route handler that throws is a logged 500, and reset "after" still drops that answer', async () => {
    api.serve({
      path: '/broken',
      handler: () => {
        throw new Error('route bug');
      },
    });
    const answered = await fetch(`${api.url}/broken`);
    expect(answered.status).toBe(500);
    expect(await answered.json()).toEqual({ error: 'stand-in route failed: route bug' });
    api.faults.add({ path: '/broken', times: 1, reset: 'after' });
    await expect(fetch(`${api.url}/broken`)).rejects.toThrow();
    expect(api.requests.map((r) => [r.path, r.status, r.outcome])).toEqual([
      ['/broken', 500, 'answered'],
      ['/broken', undefined, 'reset'],
    ]);
  });

  it('refuses malformed rules with a message naming the field', () => {
    expect(() => api.faults.add({ path: '/x' } as never)).toThrow(/exactly one of: status, delayMs, hang/);
    expect(() => api.faults.add({ status: 503, hang: true } as never)).toThrow(/got status and hang/);
    expect(() => api.faults.add({ status: 99 })).toThrow(/'status' must be an HTTP status/);
    expect(() => api.faults.add({ delayMs: -1 })).toThrow(/'delayMs' must be a finite number >= 0/);
    expect(() => api.faults.add({ hang: true, times: 0 })).toThrow(/'times' must be a positive integer/);
    expect(() => api.faults.add({ hang: true, rate: 2 })).toThrow(/'rate' must be between 0 and 1/);
  });

  it('close() ends a hanging request and is idempotent', async () => {
    const own = await startHttpStandIn();
    own.faults.add({ hang: true });
    const pending = fetch(`${own.url}/anything`);
    await new Promise<void>((resolve) => {
      const poll = () => (own.requests.length > 0 ? resolve() : setImmediate(poll));
      poll();
    });
    expect(own.inFlight).toBe(1);
    await Promise.all([own.close(), own.close()]);
    await expect(pending).rejects.toThrow('fetch failed');
  });
});
