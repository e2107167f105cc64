import { describe, expect, it } from 'vitest';
import { ServiceUnavailableError } from '../../../src/errors/index.js';
import {
  backoffDelays,
  CircuitBreaker,
  type JitterStrategy,
  retry,
  retryWithJitter,
  withRetry,
} from '../../../src/retry/index.js';
import { createTestClock } from '../../../src/testing/clock.js';
import { caught } from '../../helpers/caught.js';

const busy = () => Promise.reject(new ServiceUnavailableError('busy'));

describe('retry options: retryOn lists hold error classes', () => {
  // Each of these was accepted and silently retried nothing (a string or an arrow threw inside
  // instanceof, which reads as "not retryable"; a CJS import that does not exist is undefined).
  const notClasses: Array<[string, unknown, RegExp]> = [
    ['an error name', 'ServiceUnavailableError', /retryOn\[0\] must be an error class; got a string/],
    [
      'an arrow predicate',
      (e: { transient: boolean }) => e.transient,
      /retryOn\[0\] must be an error class; got a function/,
    ],
    ['an import that does not exist', undefined, /retryOn\[0\] must be an error class; got undefined/],
    ['null', null, /retryOn\[0\] must be an error class; got null/],
  ];

  it.each(notClasses)('%s is refused before fn is called', async (_, entry, message) => {
    let calls = 0;
    const error = await caught(
      retry(
        () => {
          calls++;
          return busy();
        },
        { clock: createTestClock(), retryOn: [entry] as never },
      ),
    );
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toMatch(message);
    expect(calls).toBe(0);
  });

  it('names the position of the bad entry', async () => {
    const error = await caught(
      retry(busy, { clock: createTestClock(), retryOn: [ServiceUnavailableError, 42] as never }),
    );
    expect((error as Error).message).toMatch(/retryOn\[1\] must be an error class; got a number \(42\)/);
  });

  it('a matcher of its own is not called with a plain object, which is no error: one reading e.message is kept and retries', async () => {
    // `{}.message` is undefined: probed with `{}`, this matcher threw and was refused, although it
    // answers for every error (each has a message).
    const Busy = { [Symbol.hasInstance]: (e: Error) => e.message.includes('busy') };
    let calls = 0;
    await caught(
      retry(
        () => {
          calls++;
          return busy();
        },
        { clock: createTestClock(), maxAttempts: 3, retryOn: [Busy] as never },
      ),
    );
    expect(calls).toBe(3);
  });

  it('an object without Symbol.hasInstance, or with one that is not a function, is refused', async () => {
    for (const entry of [{}, { [Symbol.hasInstance]: 42 }]) {
      const error = await caught(retry(busy, { clock: createTestClock(), retryOn: [entry] as never }));
      expect((error as Error).message).toMatch(/retryOn\[0\] must be an error class; got an object/);
    }
  });

  it('withRetry and the decorator refuse it at definition time', () => {
    expect(() => withRetry(busy, { retryOn: ['ServiceUnavailableError'] as never })).toThrow(TypeError);
    expect(() => retryWithJitter({ retryOn: [(() => true) as never] })).toThrow(TypeError);
  });

  it('classes, ES5 constructors, bound classes and Symbol.hasInstance matchers are kept', async () => {
    function LegacyError(this: { message: string }, message: string) {
      this.message = message;
    }
    const Retryable = { [Symbol.hasInstance]: (e: unknown) => e instanceof ServiceUnavailableError };
    class Bound extends Error {}
    for (const entry of [ServiceUnavailableError, LegacyError, Retryable, Bound.bind(null)]) {
      let calls = 0;
      await caught(
        retry(
          () => {
            calls++;
            return busy();
          },
          { clock: createTestClock(), maxAttempts: 2, retryOn: [entry] as never },
        ),
      );
      expect(calls).toBeGreaterThan(0);
    }
  });
});

describe('retry options: a clock must be a Clock', () => {
  // A fake-timers clock (`now` is a number, no `sleep`), or one written for `now()` alone, passed on
  // the happy path and broke only on the first failure: 'clock.sleep is not a function' instead of a
  // retry, in the middle of an outage.
  const notClocks: Array<[string, unknown]> = [
    ['a fake-timers clock (now is a number)', { now: 0, tick: () => {} }],
    ['a clock without sleep', { now: () => 0 }],
    ['a clock without now', { sleep: () => Promise.resolve() }],
  ];

  it.each(notClocks)('%s is refused before fn is called', async (_, clock) => {
    let calls = 0;
    const error = await caught(
      retry(
        () => {
          calls++;
          return 'ok';
        },
        { clock: clock as never },
      ),
    );
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toMatch(
      /retry: option clock must be a Clock \(now\(\) and sleep\(\)\), got an object/,
    );
    expect(calls).toBe(0);
  });

  it('a CircuitBreaker refuses it at construction', () => {
    // It failed inside the failure bookkeeping, read as an isFailure bug: the circuit never opened.
    expect(() => new CircuitBreaker({ clock: { now: 0 } as never })).toThrow(
      /new CircuitBreaker: option clock must be a Clock \(now\(\) and sleep\(\)\)/,
    );
  });

  it('a Clock without schedule is still a Clock (schedule is optional)', async () => {
    const test = createTestClock();
    const clock = { now: test.now, sleep: test.sleep };
    let calls = 0;
    const outcome = await retry(() => (++calls < 2 ? busy() : 'ok'), { clock });
    expect(outcome).toBe('ok');
  });
});

describe('retry options: a jitter strategy must have start()', () => {
  it('an object without start() is refused before fn is called (it broke on the first failure)', async () => {
    let calls = 0;
    const error = await caught(
      retry(
        () => {
          calls++;
          return busy();
        },
        { clock: createTestClock(), jitter: { name: 'mine' } as never },
      ),
    );
    expect(error).toBeInstanceOf(RangeError);
    expect((error as Error).message).toMatch(/or a JitterStrategy; got no start\(\)/);
    expect(calls).toBe(0);
    expect(() => backoffDelays({ jitter: {} as never }).next()).toThrow(
      /or a JitterStrategy; got no start\(\)/,
    );
    // A name that only Object.prototype knows is no mode either.
    expect(() => backoffDelays({ jitter: 'toString' as never }).next()).toThrow(/jitter must be one of/);
  });

  it('a start() that throws gives the cap, like a draw that throws: the caller still gets what fn threw', async () => {
    const clock = createTestClock();
    const thrown = new ServiceUnavailableError('busy');
    const jitter: JitterStrategy = {
      name: 'strict',
      start: ({ baseDelayMs }) => {
        if (baseDelayMs === 0) throw new RangeError('strict: baseDelayMs must be positive');
        return () => baseDelayMs;
      },
    };
    const error = await caught(
      retry(
        () => {
          throw thrown;
        },
        { clock, jitter, baseDelayMs: 0, maxDelayMs: 300, maxAttempts: 3 },
      ),
    );
    expect(error).toBe(thrown);
    expect(clock.sleeps).toEqual([300, 300]);
  });
});
