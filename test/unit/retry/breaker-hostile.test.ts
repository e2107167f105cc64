import { describe, expect, it } from 'vitest';
import { NotFoundError, ServiceUnavailableError } from '../../../src/errors/index.js';
import { CircuitBreaker, retry } from '../../../src/retry/index.js';
import { createTestClock } from '../../../src/testing/clock.js';
import { caught } from '../../helpers/caught.js';
import { recordingLogger } from './helpers.js';

/** Lets promise reactions and the microtasks they queue run. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('CircuitBreaker: an isFailure that does not answer true or false', () => {
  it("an async isFailure: a 404's Promise (always truthy) does not count, and the circuit stays closed", async () => {
    const logger = recordingLogger();
    const breaker = new CircuitBreaker({
      clock: createTestClock(),
      failureThreshold: 2,
      logger,
      isFailure: (async (error: { transient: boolean }) => error.transient) as never,
    });
    const notFound = new NotFoundError('no such table');
    for (let i = 0; i < 3; i++) {
      expect(await caught(breaker.execute(() => Promise.reject(notFound)))).toBe(notFound);
    }
    expect(breaker.state).toBe('closed');
    expect(logger.entries.some((e) => e.level === 'warn' && /isFailure threw/.test(e.message))).toBe(true);
  });

  it('an isFailure whose Promise rejects leaves no unhandled rejection', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const breaker = new CircuitBreaker({
        clock: createTestClock(),
        isFailure: (async () => {
          throw new Error('predicate bug');
        }) as never,
      });
      const down = new ServiceUnavailableError('down');
      expect(await caught(retry(() => Promise.reject(down), { breaker, maxAttempts: 1 }))).toBe(down);
      expect(await caught(breaker.execute(() => Promise.reject(down)))).toBe(down);
      await settle();
      await settle();
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
    expect(unhandled).toEqual([]);
  });

  it('true and false still decide: a plain boolean predicate opens the circuit as before', async () => {
    const breaker = new CircuitBreaker({
      clock: createTestClock(),
      failureThreshold: 2,
      isFailure: () => true,
    });
    const notFound = new NotFoundError('no such table');
    await caught(breaker.execute(() => Promise.reject(notFound)));
    await caught(breaker.execute(() => Promise.reject(notFound)));
    expect(breaker.state).toBe('open');
  });
});
