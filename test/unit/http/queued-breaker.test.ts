import { describe, expect, it } from 'vitest';
import { CircuitBreakerOpenError, HttpHostRegistry, resilientFetch } from '../../../src/index.js';
import { createTestClock } from '../../../src/testing/clock.js';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('a breaker that opens while calls wait for the host slot', () => {
  it('the calls still queued are refused when their turn comes: nothing more is sent to the failing host', async () => {
    const clock = createTestClock();
    const hosts = new HttpHostRegistry({
      clock,
      maxConcurrent: 1,
      breaker: { failureThreshold: 2, openMs: 60_000 },
    });
    let sent = 0;
    const fetch = async (): Promise<Response> => {
      sent++;
      return new Response('down', { status: 503 });
    };
    const options = { clock, hosts, fetch, maxAttempts: 1 };
    const calls = Array.from({ length: 6 }, () =>
      resilientFetch('https://api.example.com/v1/games', undefined, options).then(
        () => 'ok',
        (err: unknown) => (err instanceof CircuitBreakerOpenError ? 'refused' : 'failed'),
      ),
    );
    for (let i = 0; i < 10; i++) await tick();
    expect(await Promise.all(calls)).toEqual([
      'failed',
      'failed',
      'refused',
      'refused',
      'refused',
      'refused',
    ]);
    expect(sent).toBe(2);
    expect(hosts.states()['api.example.com']).toMatchObject({ breaker: 'open', inFlight: 0, queued: 0 });
  });

  it('half-open: one probe is sent; calls queued behind it wait for its outcome, not for a slot of their own', async () => {
    const clock = createTestClock();
    const hosts = new HttpHostRegistry({
      clock,
      maxConcurrent: 1,
      breaker: { failureThreshold: 1, openMs: 1_000 },
    });
    let sent = 0;
    let status = 503;
    const fetch = async (): Promise<Response> => {
      sent++;
      return new Response('x', { status });
    };
    const options = { clock, hosts, fetch, maxAttempts: 1 };
    await expect(resilientFetch('https://api.example.com/a', undefined, options)).rejects.toThrow('503');
    clock.advance(1_000);
    status = 200;
    const outcomes = await Promise.all(
      Array.from({ length: 3 }, () =>
        resilientFetch('https://api.example.com/a', undefined, options).then(
          (r) => r.status,
          (err: unknown) => (err as Error).name,
        ),
      ),
    );
    expect(sent).toBeGreaterThanOrEqual(2);
    expect(outcomes[0]).toBe(200);
    expect(hosts.states()['api.example.com']).toMatchObject({ inFlight: 0, queued: 0 });
  });
});
