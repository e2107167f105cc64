import { describe, expect, it } from 'vitest';
import { HttpHostRegistry, resilientFetch } from '../../../src/index.js';
import { createTestClock } from '../../../src/testing/clock.js';

function answering(status: number, headers: Record<string, string>) {
  let sent = 0;
  const fetch = async (): Promise<Response> => {
    sent++;
    return new Response('slow down', { status, headers });
  };
  return { fetch, sent: () => sent };
}

async function failTimes(hosts: HttpHostRegistry, fetch: () => Promise<Response>, times: number) {
  const errors: unknown[] = [];
  for (let i = 0; i < times; i++) {
    errors.push(
      await resilientFetch('https://api.example.com/v1/odds', undefined, {
        hosts,
        fetch,
        maxAttempts: 1,
      }).catch((e: unknown) => e),
    );
  }
  return errors;
}

describe("a host's breaker and rate limits that say when to come back", () => {
  it('429s with Retry-After do not open it: the server is pacing the client, not failing', async () => {
    // Before: the fifth 429 opened the circuit for 300 s, and every call queued or sleeping out a
    // one-second Retry-After failed with CircuitBreakerOpenError (40 of 40 in a storm on loopback).
    const hosts = new HttpHostRegistry({ clock: createTestClock() });
    const api = answering(429, { 'retry-after': '1' });
    const errors = await failTimes(hosts, api.fetch, 8);
    expect(hosts.get('api.example.com').breaker?.state).toBe('closed');
    expect(errors.every((e) => (e as { status?: number }).status === 429)).toBe(true);
    expect(api.sent()).toBe(8);
  });

  it('a rate-limit 403 that says when (X-RateLimit-Remaining: 0 and a reset) does not open it either', async () => {
    const hosts = new HttpHostRegistry({ clock: createTestClock() });
    const api = answering(403, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset-after': '2' });
    await failTimes(hosts, api.fetch, 8);
    expect(hosts.get('api.example.com').breaker?.state).toBe('closed');
  });

  it('429s without a time to come back still count: five open it', async () => {
    const hosts = new HttpHostRegistry({ clock: createTestClock() });
    const api = answering(429, {});
    const errors = await failTimes(hosts, api.fetch, 6);
    expect(hosts.get('api.example.com').breaker?.state).toBe('open');
    expect(errors[5]).toMatchObject({ name: 'CircuitBreakerOpenError' });
    expect(api.sent()).toBe(5);
  });

  it('429s asking for at least the open period (a quota spent for the hour) still count: five open it', async () => {
    // Before: never counted. Each call gave up at once (an hour is past maxDelayMs), and every new
    // call sent one more request to a host that had asked for none for an hour; the open circuit
    // spares it, and cuts it off no longer than it asked.
    const hosts = new HttpHostRegistry({ clock: createTestClock() });
    const api = answering(429, { 'retry-after': '3600' });
    const errors = await failTimes(hosts, api.fetch, 8);
    expect(hosts.get('api.example.com').breaker?.state).toBe('open');
    expect(errors[5]).toMatchObject({ name: 'CircuitBreakerOpenError' });
    expect(api.sent()).toBe(5);
  });

  it("the open period is the policy's: a 60 s Retry-After counts for a breaker open 30 s, not for one open 300 s", async () => {
    const short = new HttpHostRegistry({ clock: createTestClock(), breaker: { openMs: 30_000 } });
    await failTimes(short, answering(429, { 'retry-after': '60' }).fetch, 5);
    expect(short.get('api.example.com').breaker?.state).toBe('open');
    const long = new HttpHostRegistry({ clock: createTestClock() });
    await failTimes(long, answering(429, { 'retry-after': '60' }).fetch, 8);
    expect(long.get('api.example.com').breaker?.state).toBe('closed');
  });

  it('a 503 with Retry-After (down for maintenance) still counts', async () => {
    const hosts = new HttpHostRegistry({ clock: createTestClock() });
    await failTimes(hosts, answering(503, { 'retry-after': '1' }).fetch, 5);
    expect(hosts.get('api.example.com').breaker?.state).toBe('open');
  });

  it("a policy's own isFailure is kept: counting every transient error opens it on 429s", async () => {
    const hosts = new HttpHostRegistry({
      clock: createTestClock(),
      breaker: { isFailure: (error) => error.transient },
    });
    await failTimes(hosts, answering(429, { 'retry-after': '1' }).fetch, 5);
    expect(hosts.get('api.example.com').breaker?.state).toBe('open');
  });
});
