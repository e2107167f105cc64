import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConcurrencyLimit } from '../../../src/http/concurrency-limit.js';
import { HttpHostRegistry, resilientFetch } from '../../../src/index.js';
import { createTestClock } from '../../../src/testing/clock.js';

afterEach(() => {
  vi.restoreAllMocks();
});

const tick = () => new Promise((resolve) => setImmediate(resolve));

/** The intervals the code under test started, and whether each is still running and holds the process. */
function intervals() {
  const started = vi.spyOn(globalThis, 'setInterval');
  const cleared = vi.spyOn(globalThis, 'clearInterval');
  return () =>
    started.mock.results
      .map((r) => r.value as NodeJS.Timeout)
      .filter((t) => !cleared.mock.calls.some(([c]) => c === t) && t.hasRef());
}

describe('a call waiting for a maxConcurrent slot holds the process', () => {
  it('while it waits for a slot that only a live body’s idle timer (which holds nothing) gives back', async () => {
    // `await resilientFetch(a, { bufferBody: false })` left unread, then `await resilientFetch(b)` on
    // the same host: fetch's socket is idle once the small body is in, the idle timer does not hold
    // the process, and without a hold the script ended there (exit 13) instead of going on.
    const clock = createTestClock();
    const hosts = new HttpHostRegistry({ clock, maxConcurrent: 1, breaker: false });
    const fetch = async (): Promise<Response> => new Response('small body');
    const options = { clock, hosts, fetch, bufferBody: false, bodyIdleTimeoutMs: 500, maxAttempts: 1 };
    const first = await resilientFetch('https://api.example.com/a', undefined, options);
    const holding = intervals();
    const second = resilientFetch('https://api.example.com/b', undefined, options);
    await tick();
    expect(holding()).toHaveLength(1);
    clock.advance(500);
    const answer = await second;
    expect(holding()).toHaveLength(0);
    expect([await first.text(), await answer.text()]).toEqual(['small body', 'small body']);
  });

  it('no waiter, nothing held; an abandoned wait lets go; an aborted signal never holds', async () => {
    const limit = new ConcurrencyLimit(1);
    const holding = intervals();
    await limit.acquire();
    expect(holding()).toHaveLength(0);
    const controller = new AbortController();
    const waiting = limit.acquire(controller.signal);
    expect(holding()).toHaveLength(1);
    controller.abort(new Error('gave up'));
    await expect(waiting).rejects.toThrow('gave up');
    expect(holding()).toHaveLength(0);
    await expect(limit.acquire(AbortSignal.abort(new Error('already')))).rejects.toThrow('already');
    expect(holding()).toHaveLength(0);
    limit.release();
    expect(limit.active).toBe(0);
  });
});
