import { afterEach, describe, expect, it, vi } from 'vitest';
import { HttpHostRegistry, resilientFetch } from '../../../src/index.js';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('a call waiting for a rate-limit token on the default clock', () => {
  it('holds the process: the token timer is what resolves the wait, and nothing else may be pending', async () => {
    // `for (const url of urls) await resilientFetch(url)` under a rate limit: between two calls the
    // process holds no socket (fetch's idle ones do not hold it), only the timer of the next token.
    // Unref'd, the script ends after the first call (exit 13, or 0 silently under CommonJS).
    const hosts = new HttpHostRegistry({ rateLimit: { requestsPerSecond: 1, burst: 1 } });
    const fetch = async (): Promise<Response> => new Response('ok');
    const options = { hosts, fetch, maxAttempts: 1 };
    await resilientFetch('https://api.example.com/a', undefined, options);
    const spy = vi.spyOn(globalThis, 'setTimeout');
    const controller = new AbortController();
    const second = resilientFetch('https://api.example.com/b', { signal: controller.signal }, options);
    for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
    // The token's timer: about a second away (the attempt's own timeout is 180 s).
    const index = spy.mock.calls.findIndex(([, ms]) => typeof ms === 'number' && ms > 0 && ms <= 1000);
    expect(index).toBeGreaterThanOrEqual(0);
    expect((spy.mock.results[index]!.value as NodeJS.Timeout).hasRef()).toBe(true);
    // No real wait: the call is abandoned, which clears the token timer.
    controller.abort(new Error('done'));
    await expect(second).rejects.toThrow('done');
  });
});
