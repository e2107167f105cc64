import { describe, expect, it } from 'vitest';
import { isTransientError, NotFoundError, ServiceUnavailableError } from '../../../src/errors/index.js';
import {
  bigQueryRetry,
  retryAggressive,
  retryFast,
  retryPatient,
  retryStandard,
  withRetry,
} from '../../../src/retry/index.js';
import { createTestClock } from '../../../src/testing/clock.js';
import { recordingLogger } from './helpers.js';

describe('withRetry', () => {
  it('retries the wrapped function, passing arguments and this through', async () => {
    const clock = createTestClock();
    const logger = recordingLogger();
    const table = {
      name: 'nba_raw.games',
      calls: 0,
      count: withRetry(
        async function countRows(this: { name: string; calls: number }, date: string, limit: number) {
          this.calls++;
          if (this.calls === 1) throw new ServiceUnavailableError('down');
          return `${this.name}:${date}:${limit}`;
        },
        { clock, logger },
      ),
    };
    await expect(table.count('2026-01-24', 10)).resolves.toBe('nba_raw.games:2026-01-24:10');
    expect(table.calls).toBe(2);
    expect(logger.entries[0]?.message.startsWith('countRows: attempt 1/3')).toBe(true);
  });

  it('prefers options.name over the function name', async () => {
    const clock = createTestClock();
    const logger = recordingLogger();
    let calls = 0;
    const fn = withRetry(
      function inner() {
        calls++;
        if (calls === 1) throw new ServiceUnavailableError('down');
        return 1;
      },
      { clock, logger, name: 'outer' },
    );
    await fn();
    expect(logger.entries[0]?.message.startsWith('outer: ')).toBe(true);
  });

  it('turns a sync function into one that returns a promise', async () => {
    const double = withRetry((n: number) => n * 2);
    const result = double(21);
    expect(result).toBeInstanceOf(Promise);
    await expect(result).resolves.toBe(42);
  });

  it('throws a bad option at definition time: a TypeError, a RangeError for a number out of range', () => {
    expect(() => withRetry(() => 1, { maxAttempts: 0 })).toThrow(RangeError);
    expect(() => withRetry(() => 1, { maxAttempts: 0 })).toThrow(/maxAttempts/);
    expect(() => withRetry(() => 1, { retryOn: ['ServiceUnavailableError'] as never })).toThrow(TypeError);
  });

  it('propagates a non-retryable error after one call', async () => {
    let calls = 0;
    const fn = withRetry(() => {
      calls++;
      throw new NotFoundError('gone');
    });
    await expect(fn()).rejects.toBeInstanceOf(NotFoundError);
    expect(calls).toBe(1);
  });
});

describe('presets', () => {
  it('carry the original numbers', () => {
    expect(retryFast).toEqual({ maxAttempts: 3, baseDelayMs: 500, maxDelayMs: 5000 });
    expect(retryStandard).toEqual({ maxAttempts: 4, baseDelayMs: 1000, maxDelayMs: 15_000 });
    expect(retryPatient).toEqual({ maxAttempts: 5, baseDelayMs: 2000, maxDelayMs: 30_000 });
    expect(retryAggressive).toEqual({ maxAttempts: 7, baseDelayMs: 1000, maxDelayMs: 45_000 });
    expect(bigQueryRetry).toEqual({
      maxAttempts: 3,
      baseDelayMs: 1000,
      maxDelayMs: 15_000,
      retryOn: isTransientError,
    });
  });

  it('are frozen', () => {
    for (const preset of [retryFast, retryStandard, retryPatient, retryAggressive, bigQueryRetry]) {
      expect(Object.isFrozen(preset)).toBe(true);
      expect(() => {
        (preset as { maxAttempts: number }).maxAttempts = 99;
      }).toThrow(TypeError);
    }
  });

  it('drive retry: retryAggressive makes 7 attempts with delays capped at 45 s', async () => {
    const c = createTestClock();
    let calls = 0;
    await expect(
      withRetry(
        () => {
          calls++;
          throw new ServiceUnavailableError('down');
        },
        { ...retryAggressive, clock: c, jitter: 'none' },
      )(),
    ).rejects.toThrow();
    expect(calls).toBe(7);
    expect(c.sleeps).toEqual([1000, 2000, 4000, 8000, 16_000, 32_000, 45_000].slice(0, 6));
  });
});
