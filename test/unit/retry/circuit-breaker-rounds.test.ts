import { describe, expect, it } from 'vitest';
import { CircuitBreakerOpenError, ServiceUnavailableError } from '../../../src/errors/index.js';
import { CircuitBreaker, retry } from '../../../src/retry/index.js';
import { createTestClock } from '../../../src/testing/clock.js';
import { recordingLogger } from './helpers.js';

const fail = () => Promise.reject(new ServiceUnavailableError('down'));
const ok = () => Promise.resolve('ok');

/** A call through `breaker` that settles when the test says so. */
function pending(breaker: CircuitBreaker): {
  result: Promise<string>;
  succeed: () => void;
  fail: () => void;
} {
  let succeed = () => {};
  let failIt = () => {};
  const result = breaker.execute(
    () =>
      new Promise<string>((resolve, reject) => {
        succeed = () => resolve('late');
        failIt = () => reject(new ServiceUnavailableError('late failure'));
      }),
  );
  result.catch(() => undefined);
  return { result, succeed: () => succeed(), fail: () => failIt() };
}

/** Lets the breaker see a settled call (its bookkeeping runs in a promise reaction). */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('CircuitBreaker: only calls admitted in the current round count', () => {
  it('a late success of a call admitted in an earlier half-open round does not close the circuit', async () => {
    const clock = createTestClock();
    const breaker = new CircuitBreaker({ clock, failureThreshold: 1, halfOpenSuccesses: 1, openMs: 1000 });
    await breaker.execute(fail).catch(() => undefined);
    clock.advance(1000);
    const early = pending(breaker); // admitted in half-open round 1
    await breaker.execute(fail).catch(() => undefined); // round 1 fails: open again
    expect(breaker.state).toBe('open');
    clock.advance(1000);
    expect(breaker.state).toBe('half_open'); // round 2
    early.succeed();
    await expect(early.result).resolves.toBe('late');
    await settle();
    expect(breaker.state).toBe('half_open');
    await breaker.execute(ok);
    expect(breaker.state).toBe('closed');
  });

  it('a late failure of a call admitted in an earlier round neither reopens a half-open circuit nor counts once it closed', async () => {
    const clock = createTestClock();
    const breaker = new CircuitBreaker({ clock, failureThreshold: 1, halfOpenSuccesses: 2, openMs: 1000 });
    const fromClosed = pending(breaker); // admitted while closed
    await breaker.execute(fail).catch(() => undefined);
    clock.advance(1000);
    const fromHalfOpen = pending(breaker); // admitted in half-open round 1
    await breaker.execute(fail).catch(() => undefined);
    clock.advance(1000);
    await breaker.execute(ok); // round 2: one success of two
    fromClosed.fail();
    fromHalfOpen.fail();
    await settle();
    expect(breaker.state).toBe('half_open');
    await breaker.execute(ok);
    expect(breaker.state).toBe('closed');
    const afterClose = pending(breaker);
    afterClose.succeed();
    await settle();
    // failureThreshold 1: a stale failure would have opened it; this round's own failure does.
    expect(breaker.state).toBe('closed');
    await breaker.execute(fail).catch(() => undefined);
    expect(breaker.state).toBe('open');
  });

  it('concurrent calls of one half-open round: the first failure reopens, their late successes are ignored', async () => {
    const clock = createTestClock();
    const breaker = new CircuitBreaker({ clock, failureThreshold: 1, halfOpenSuccesses: 2, openMs: 1000 });
    await breaker.execute(fail).catch(() => undefined);
    clock.advance(1000);
    const calls = [pending(breaker), pending(breaker), pending(breaker)];
    calls[0]?.fail();
    await settle();
    expect(breaker.state).toBe('open');
    clock.advance(1000);
    expect(breaker.state).toBe('half_open'); // a new round
    calls[1]?.succeed();
    calls[2]?.succeed();
    await settle();
    expect(breaker.state).toBe('half_open');
  });

  it('retry through the breaker follows the same rule', async () => {
    const clock = createTestClock();
    const breaker = new CircuitBreaker({ clock, failureThreshold: 1, halfOpenSuccesses: 1, openMs: 1000 });
    await breaker.execute(fail).catch(() => undefined);
    clock.advance(1000);
    let release = () => {};
    const early = retry(() => new Promise<string>((resolve) => (release = () => resolve('late'))), {
      breaker,
      maxAttempts: 1,
      clock,
    });
    await breaker.execute(fail).catch(() => undefined);
    clock.advance(1000);
    expect(breaker.state).toBe('half_open');
    release();
    await expect(early).resolves.toBe('late');
    await settle();
    expect(breaker.state).toBe('half_open');
  });
});

describe('CircuitBreaker: hostile callbacks and clocks', () => {
  it('an isFailure that throws counts nothing, is logged, and the caller still gets what fn threw', async () => {
    const logger = recordingLogger();
    const breaker = new CircuitBreaker({
      clock: createTestClock(),
      failureThreshold: 1,
      logger,
      isFailure: () => {
        throw new Error('predicate bug');
      },
    });
    const thrown = new ServiceUnavailableError('down');
    await expect(breaker.execute(() => Promise.reject(thrown))).rejects.toBe(thrown);
    const syncThrown = new Error('sync');
    const outcome = breaker.execute(() => {
      throw syncThrown;
    });
    await expect(outcome).rejects.toBe(syncThrown);
    expect(breaker.state).toBe('closed');
    expect(logger.entries.some((e) => e.level === 'warn' && /isFailure threw/.test(e.message))).toBe(true);
  });

  /** A wall clock that can be stepped backward, as NTP may do to Date.now(). */
  function steppedClock(startMs: number) {
    let now = startMs;
    return {
      now: () => now,
      sleep: () => Promise.resolve(),
      set: (ms: number) => {
        now = ms;
      },
      advance: (ms: number) => {
        now += ms;
      },
    };
  }

  it('a clock that goes backward does not keep the circuit open longer than openMs', async () => {
    const clock = steppedClock(1_000_000);
    const breaker = new CircuitBreaker({ clock, failureThreshold: 1, openMs: 1000 });
    await breaker.execute(fail).catch(() => undefined);
    clock.set(1_000_000 - 3_600_000); // NTP step an hour back
    const refusal = await breaker.execute(ok).catch((e: unknown) => e);
    expect((refusal as { retryAfterMs: number }).retryAfterMs).toBeLessThanOrEqual(1000);
    clock.advance(1000);
    await breaker.execute(ok);
    expect(breaker.state).not.toBe('open');
  });

  it('a clock that goes backward does not keep failures counted beyond the window', async () => {
    const clock = steppedClock(1_000_000);
    const breaker = new CircuitBreaker({ clock, failureThreshold: 2, windowMs: 1000 });
    await breaker.execute(fail).catch(() => undefined);
    clock.set(1_000_000 - 3_600_000);
    clock.advance(2000); // far more than the window since the first failure
    await breaker.execute(fail).catch(() => undefined);
    expect(breaker.state).toBe('closed');
  });
});

describe('CircuitBreaker: a listener that calls back into the breaker', () => {
  it('a call whose admission let a half-open listener reopen the circuit is refused, and cannot close it', async () => {
    const clock = createTestClock();
    const breaker: CircuitBreaker = new CircuitBreaker({
      clock,
      failureThreshold: 1,
      halfOpenSuccesses: 1,
      openMs: 1000,
      // A probe fired from the listener, failing at once: the circuit is open again before the call
      // that entered half-open is admitted.
      onStateChange: (change) => {
        if (change.to === 'half_open') {
          breaker
            .execute(() => {
              throw new ServiceUnavailableError('probe failed');
            })
            .catch(() => undefined);
        }
      },
    });
    await breaker.execute(fail).catch(() => undefined);
    clock.advance(1000);
    let ran = false;
    const outcome = await breaker
      .execute(() => {
        ran = true;
        return ok();
      })
      .then(
        (v) => v,
        (e: unknown) => e,
      );
    expect(outcome).toBeInstanceOf(CircuitBreakerOpenError);
    expect(ran).toBe(false);
    expect(breaker.state).toBe('open');
  });
});
