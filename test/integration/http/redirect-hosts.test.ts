import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CircuitBreakerOpenError, HttpHostRegistry, resilientFetch } from '../../../src/index.js';
import { type HttpStandIn, startHttpStandIn } from '../../../src/testing/index.js';

// Two loopback stand-ins are two hosts (two ports): the origin redirects every GET to the target.
let origin: HttpStandIn;
let target: HttpStandIn;

beforeAll(async () => {
  target = await startHttpStandIn({
    routes: [
      { method: 'GET', path: '/data', json: { ok: true } },
      // Back to the origin, which sends it here again: a loop across the two hosts.
      {
        method: 'GET',
        path: '/loop',
        handler: () => ({ status: 302, headers: { location: `${origin.url}/loop` } }),
      },
    ],
  });
  origin = await startHttpStandIn({
    routes: [
      { method: 'GET', path: '/go', status: 302, headers: { location: `${target.url}/data` } },
      { method: 'GET', path: '/loop', status: 302, headers: { location: `${target.url}/loop` } },
    ],
  });
});
afterAll(async () => {
  await Promise.all([origin.close(), target.close()]);
});
beforeEach(() => {
  for (const api of [origin, target]) {
    api.faults.clear();
    api.requests.length = 0;
  }
});

const host = (api: HttpStandIn) => new URL(api.url).host;

describe('a redirect to another host, followed with real fetch, is governed by that host', () => {
  it("the target's maxConcurrent bounds the hops to it", async () => {
    const hosts = new HttpHostRegistry({ hosts: { [host(target)]: { maxConcurrent: 2 } } });
    target.faults.add({ path: '/data', delayMs: 10 });
    target.resetMaxInFlight();
    const pages = await Promise.all(
      Array.from({ length: 10 }, async () => {
        const response = await resilientFetch(`${origin.url}/go`, undefined, { hosts });
        expect(response.redirected).toBe(true);
        expect(response.url).toBe(`${target.url}/data`);
        return response.json() as Promise<unknown>;
      }),
    );
    expect(pages).toEqual(Array.from({ length: 10 }, () => ({ ok: true })));
    expect(target.requests).toHaveLength(10);
    expect(target.maxInFlight).toBe(2);
    expect(hosts.states()[host(target)]).toMatchObject({ inFlight: 0, queued: 0 });
  });

  it("failures at the target open the target's breaker, not the origin's; then the hop is refused", async () => {
    const hosts = new HttpHostRegistry({ breaker: { failureThreshold: 2, openMs: 60_000 } });
    target.faults.add({ path: '/data', status: 503 });
    const options = { hosts, maxAttempts: 1 };
    for (let i = 0; i < 2; i++) {
      await expect(resilientFetch(`${origin.url}/go`, undefined, options)).rejects.toThrow(/503/);
    }
    expect(hosts.states()[host(target)]?.breaker).toBe('open');
    expect(hosts.states()[host(origin)]?.breaker).toBe('closed');
    await expect(resilientFetch(`${origin.url}/go`, undefined, options)).rejects.toBeInstanceOf(
      CircuitBreakerOpenError,
    );
    expect(target.requests).toHaveLength(2);
    expect(origin.requests).toHaveLength(3);
  });

  it('calls looping crosswise between two hosts of one slot each end with the refusal and free every slot', async () => {
    const hosts = new HttpHostRegistry({ maxConcurrent: 1, breaker: { failureThreshold: 100 } });
    const results = await Promise.all(
      [origin, target, origin, target].map((api) =>
        resilientFetch(`${api.url}/loop`, undefined, { hosts, maxAttempts: 1 }).catch((e: unknown) => e),
      ),
    );
    for (const err of results) expect(String((err as Error).message)).toMatch(/redirect count exceeded/);
    expect(origin.requests.length + target.requests.length).toBe(4 * 21);
    for (const api of [origin, target]) {
      expect(hosts.states()[host(api)]).toMatchObject({ inFlight: 0, queued: 0 });
    }
  });
});
