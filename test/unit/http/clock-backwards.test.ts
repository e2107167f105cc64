import { describe, expect, it } from 'vitest';
import { RateLimit } from '../../../src/index.js';
import type { Clock } from '../../../src/retry/index.js';
import { createTestClock } from '../../../src/testing/clock.js';
import { flush } from '../retry/helpers.js';

/** A wall clock that an NTP step can set back: the test clock's time plus a settable offset. */
function steppableClock() {
  const base = createTestClock({ startMs: 1_000_000 });
  let offset = 0;
  const clock: Clock = {
    now: () => base.now() + offset,
    sleep: (ms, signal) => base.sleep(ms, signal),
    schedule: (ms, callback) => base.schedule(ms, callback),
  };
  return { clock, base, stepBy: (ms: number) => (offset += ms) };
}

describe('RateLimit: a wall clock stepped backwards', () => {
  it('keeps refilling at its rate after the step, instead of starving until the clock catches up', async () => {
    const { clock, base, stepBy } = steppableClock();
    const limit = new RateLimit({ requestsPerSecond: 10, burst: 1 }, clock);
    await limit.take();
    // The system clock is set back an hour (NTP correction, VM resumed from a snapshot).
    stepBy(-3_600_000);
    const started: number[] = [];
    const calls = Array.from({ length: 3 }, (_, i) => limit.take().then(() => started.push(i)));
    // 10 requests/s: three more tokens within ~300 ms of real time, not an hour.
    for (let i = 0; i < 40 && started.length < 3; i++) {
      base.advance(10);
      await flush();
    }
    expect(started).toEqual([0, 1, 2]);
    await Promise.all(calls);
    expect(limit.tokens).toBeLessThanOrEqual(1);
  });

  it('never grants more than burst after the clock jumps back and forward again', async () => {
    const { clock, stepBy } = steppableClock();
    const limit = new RateLimit({ requestsPerSecond: 1, burst: 2 }, clock);
    await limit.take();
    await limit.take();
    stepBy(-10_000);
    stepBy(10_000);
    expect(limit.tokens).toBeLessThanOrEqual(2);
  });

  it('one reading that is not a number neither refills nor stops later refills', async () => {
    const { clock, base } = steppableClock();
    let broken = false;
    const flaky: Clock = { ...clock, now: () => (broken ? Number.NaN : clock.now()) };
    const limit = new RateLimit({ requestsPerSecond: 10, burst: 1 }, flaky);
    await limit.take();
    broken = true;
    expect(limit.tokens).toBe(0);
    broken = false;
    base.advance(100);
    expect(limit.tokens).toBe(1);
  });

  it('a first reading that is not a number does not stop every later refill', async () => {
    const { clock, base } = steppableClock();
    let broken = true;
    const flaky: Clock = { ...clock, now: () => (broken ? Number.NaN : clock.now()) };
    // The reading taken at construction is NaN: the next number read is where refills start from.
    const limit = new RateLimit({ requestsPerSecond: 10, burst: 1 }, flaky);
    broken = false;
    await limit.take();
    expect(limit.tokens).toBe(0);
    base.advance(100);
    expect(limit.tokens).toBe(1);
  });
});
