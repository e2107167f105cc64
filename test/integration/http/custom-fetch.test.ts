import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { type FetchFunction, HttpHostRegistry, resilientFetch } from '../../../src/index.js';
import { type HttpStandIn, startHttpStandIn } from '../../../src/testing/index.js';

// A `fetch` passed as an option (an instrumentation wrapper, say) that drops the signal it is given:
// the attempt timeout still ends a body that stalls, and the stalled connection is closed.

let api: HttpStandIn;

beforeAll(async () => {
  api = await startHttpStandIn({
    routes: [{ method: 'GET', path: '/v1/games', body: 'game\n'.repeat(200) }],
  });
});
afterAll(() => api.close());
beforeEach(() => {
  api.faults.clear();
  api.requests.length = 0;
});

/** Forwards to the platform's fetch without the signal, as a careless wrapper would. */
const dropsTheSignal: FetchFunction = (input, init) => {
  const { signal: _dropped, ...rest } = init ?? {};
  return fetch(input, rest);
};

describe('a custom fetch that drops the signal', () => {
  it('a body that stalls is cut at the attempt timeout, retried, and its connection closed', async () => {
    api.faults.add({ path: '/v1/games', times: 1, slowBody: { intervalMs: 60_000, chunkBytes: 16 } });
    const response = await resilientFetch(`${api.url}/v1/games`, undefined, {
      fetch: dropsTheSignal,
      hosts: new HttpHostRegistry(),
      attemptTimeoutMs: 300,
      baseDelayMs: 1,
      maxDelayMs: 5,
    });
    expect(await response.text()).toBe('game\n'.repeat(200));
    expect(api.requests).toHaveLength(2);
    await vi.waitFor(() => expect(api.inFlight).toBe(0));
  });
});
