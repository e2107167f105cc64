import { describe, expect, it } from 'vitest';
import { ConcurrencyLimit, RateLimit } from '../../../src/index.js';
import { createTestClock } from '../../../src/testing/clock.js';
import { flush } from '../retry/helpers.js';

describe('RateLimit: a token bucket on the injected clock', () => {
  it('lets `burst` requests start at once, then one per 1/requestsPerSecond, in arrival order', async () => {
    const clock = createTestClock();
    const limit = new RateLimit({ requestsPerSecond: 10, burst: 3 }, clock);
    const started: number[] = [];
    const calls = Array.from({ length: 8 }, (_, i) => limit.take().then(() => started.push(i)));
    await flush();
    expect(started).toEqual([0, 1, 2]);
    clock.advance(99);
    await flush();
    expect(started).toEqual([0, 1, 2]);
    clock.advance(1);
    await flush();
    expect(started).toEqual([0, 1, 2, 3]);
    clock.advance(400);
    await Promise.all(calls);
    expect(started).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(limit.queued).toBe(0);
  });

  it('holds under 100 concurrent callers: in every window of t ms at most burst + rate * t start', async () => {
    const clock = createTestClock();
    const rate = 5;
    const burst = 4;
    const limit = new RateLimit({ requestsPerSecond: rate, burst }, clock);
    const startTimes: number[] = [];
    const calls = Array.from({ length: 100 }, () => limit.take().then(() => startTimes.push(clock.now())));
    // One virtual millisecond at a time, so that each start is recorded at the time it was let through.
    await flush(3);
    while (startTimes.length < 100) {
      clock.advance(1);
      await flush(3);
    }
    await Promise.all(calls);
    for (let i = 0; i < startTimes.length; i++) {
      for (let j = i; j < startTimes.length; j++) {
        const windowMs = startTimes[j]! - startTimes[i]!;
        expect(j - i + 1).toBeLessThanOrEqual(burst + Math.floor((rate * windowMs) / 1000));
      }
    }
    // And it is not stingier than that: the last of 100 starts comes (100 - burst) / rate seconds in.
    expect(startTimes.at(-1)).toBe(((100 - burst) / rate) * 1000);
  });

  it('refills while idle, never above burst', async () => {
    const clock = createTestClock();
    const limit = new RateLimit({ requestsPerSecond: 2, burst: 2 }, clock);
    await limit.take();
    await limit.take();
    expect(limit.tokens).toBe(0);
    clock.advance(10_000);
    expect(limit.tokens).toBe(2);
  });

  it('an aborted waiter leaves the queue with its reason and does not hold up the next one', async () => {
    const clock = createTestClock();
    const limit = new RateLimit({ requestsPerSecond: 1, burst: 1 }, clock);
    await limit.take();
    const controller = new AbortController();
    const first = limit.take(controller.signal);
    const second = limit.take();
    controller.abort(new Error('caller gave up'));
    await expect(first).rejects.toThrow('caller gave up');
    expect(limit.queued).toBe(1);
    clock.advance(1000);
    await expect(second).resolves.toBeUndefined();
    expect(clock.pendingTimers).toBe(0);
  });

  it('a very slow rate never asks for a timer longer than a timer can wait (it would fire at once, in a loop)', async () => {
    const clock = createTestClock();
    const asked: number[] = [];
    const recording = {
      ...clock,
      schedule: (ms: number, callback: () => void) => {
        asked.push(ms);
        return clock.schedule(ms, callback);
      },
    };
    const limit = new RateLimit({ requestsPerSecond: 1e-7, burst: 1 }, recording);
    await limit.take();
    const waiting = limit.take();
    expect(asked.length).toBe(1);
    expect(asked[0]).toBeLessThanOrEqual(2_147_483_647);
    // A token every 1e10 ms: the timers in between wake up early and wait again.
    clock.advance(1.01e10);
    await expect(waiting).resolves.toBeUndefined();
    expect(asked.every((ms) => ms <= 2_147_483_647)).toBe(true);
  });

  it.each([
    [{ requestsPerSecond: 0 }, /requestsPerSecond must be a positive number; got 0/],
    [{ requestsPerSecond: Number.NaN }, /requestsPerSecond/],
    [{ requestsPerSecond: 5, burst: 0.5 }, /burst must be a positive integer; got 0.5/],
  ])('refuses %o', (options, message) => {
    expect(() => new RateLimit(options)).toThrow(message);
  });
});

describe('ConcurrencyLimit', () => {
  it('never lets more than max hold a slot, serves waiters in order, and frees every slot', async () => {
    const limit = new ConcurrencyLimit(3);
    let holding = 0;
    let most = 0;
    const order: number[] = [];
    const releases: Array<() => void> = [];
    const calls = Array.from({ length: 100 }, (_, i) =>
      limit.acquire().then(
        () =>
          new Promise<void>((resolve) => {
            holding++;
            most = Math.max(most, holding);
            order.push(i);
            releases.push(() => {
              holding--;
              limit.release();
              resolve();
            });
          }),
      ),
    );
    while (order.length < 100) {
      await flush();
      for (const release of releases.splice(0, 2)) release();
    }
    for (const release of releases) release();
    await Promise.all(calls);
    expect(most).toBe(3);
    expect(order).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(limit.active).toBe(0);
  });

  it('an aborted waiter never holds a slot', async () => {
    const limit = new ConcurrencyLimit(1);
    await limit.acquire();
    const controller = new AbortController();
    const waiting = limit.acquire(controller.signal);
    controller.abort('stop');
    await expect(waiting).rejects.toBe('stop');
    limit.release();
    expect(limit.active).toBe(0);
    expect(limit.queued).toBe(0);
  });

  it('refuses a max that is not a positive integer', () => {
    expect(() => new ConcurrencyLimit(0)).toThrow(/maxConcurrent must be a positive integer; got 0/);
  });
});
