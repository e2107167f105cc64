import { describe, expect, it } from 'vitest';
import {
  BadRequestError,
  NetworkError,
  NotFoundError,
  ServiceUnavailableError,
} from '../../../src/errors/index.js';
import { type RetryInfo, retry } from '../../../src/retry/index.js';
import { createTestClock } from '../../../src/testing/clock.js';
import { recordingLogger } from './helpers.js';

const unavailable = (n = 1) => new ServiceUnavailableError(`backend unavailable #${n}`);

/** A function that fails with `errors` in order, then returns `value`. */
function failing<T>(errors: unknown[], value: T) {
  let calls = 0;
  const fn = () => {
    calls++;
    if (calls <= errors.length) throw errors[calls - 1];
    return value;
  };
  return Object.assign(fn, { calls: () => calls });
}

describe('retry: attempts', () => {
  it('returns the first result without sleeping when the call succeeds', async () => {
    const clock = createTestClock();
    const fn = failing([], 42);
    await expect(retry(fn, { clock })).resolves.toBe(42);
    expect(fn.calls()).toBe(1);
    expect(clock.sleeps).toEqual([]);
  });

  it('passes the attempt number (1-based) and a signal to fn', async () => {
    const clock = createTestClock();
    const seen: number[] = [];
    const result = await retry(
      ({ attempt, signal }) => {
        seen.push(attempt);
        expect(signal).toBeInstanceOf(AbortSignal);
        expect(signal.aborted).toBe(false);
        if (attempt < 3) throw unavailable(attempt);
        return 'ok';
      },
      { clock, maxAttempts: 3 },
    );
    expect(result).toBe('ok');
    expect(seen).toEqual([1, 2, 3]);
  });

  it('counts the first call in maxAttempts: 3 attempts means 3 calls and 2 sleeps', async () => {
    const clock = createTestClock();
    const fn = failing([unavailable(1), unavailable(2), unavailable(3), unavailable(4)], 'never');
    await expect(retry(fn, { clock, maxAttempts: 3 })).rejects.toThrow('backend unavailable #3');
    expect(fn.calls()).toBe(3);
    expect(clock.sleeps).toHaveLength(2);
  });

  it('defaults to 3 attempts', async () => {
    const clock = createTestClock();
    const fn = failing(
      Array.from({ length: 10 }, (_, i) => unavailable(i + 1)),
      'never',
    );
    await expect(retry(fn, { clock })).rejects.toBeInstanceOf(ServiceUnavailableError);
    expect(fn.calls()).toBe(3);
  });

  it('makes exactly one call with maxAttempts 1', async () => {
    const clock = createTestClock();
    const fn = failing([unavailable(), unavailable()], 'never');
    await expect(retry(fn, { clock, maxAttempts: 1 })).rejects.toBeInstanceOf(ServiceUnavailableError);
    expect(fn.calls()).toBe(1);
    expect(clock.sleeps).toEqual([]);
  });

  it('propagates a non-retryable error after exactly one call', async () => {
    const clock = createTestClock();
    const notFound = new NotFoundError('Not found: Table nba_raw.games');
    const fn = failing([notFound, unavailable()], 'never');
    const err = await retry(fn, { clock, maxAttempts: 5 }).catch((e: unknown) => e);
    expect(err).toBe(notFound);
    expect(fn.calls()).toBe(1);
    expect(clock.sleeps).toEqual([]);
  });

  it('works with async functions and rejections as well as sync throws', async () => {
    const clock = createTestClock();
    let calls = 0;
    const result = await retry(
      async () => {
        calls++;
        if (calls === 1) throw unavailable();
        return 'async ok';
      },
      { clock },
    );
    expect(result).toBe('async ok');
    expect(calls).toBe(2);
  });

  it('supports maxAttempts Infinity bounded by a deadline', async () => {
    const clock = createTestClock();
    let calls = 0;
    const err = await retry(
      () => {
        calls++;
        throw unavailable(calls);
      },
      {
        clock,
        maxAttempts: Number.POSITIVE_INFINITY,
        deadlineMs: 10_000,
        baseDelayMs: 100,
        maxDelayMs: 1000,
        jitter: 'none',
      },
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServiceUnavailableError);
    expect(calls).toBeGreaterThan(5);
    expect(clock.now()).toBeLessThan(10_000);
  });
});

describe('retry: the error that reaches the caller', () => {
  it('rethrows the last error unchanged after the last attempt (transparent)', async () => {
    const clock = createTestClock();
    const raw = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
    const fn = failing([raw, raw, raw], 'never');
    const err = await retry(fn, { clock }).catch((e: unknown) => e);
    expect(err).toBe(raw);
    expect(fn.calls()).toBe(3);
  });

  it('rethrows the LAST error, not the first', async () => {
    const clock = createTestClock();
    const fn = failing([unavailable(1), new NetworkError('socket hang up'), unavailable(3)], 'never');
    await expect(retry(fn, { clock })).rejects.toThrow('backend unavailable #3');
  });

  it('rethrows a non-retryable raw value unchanged too', async () => {
    const clock = createTestClock();
    const err = await retry(() => Promise.reject('plain string'), { clock }).catch((e: unknown) => e);
    expect(err).toBe('plain string');
  });
});

describe('retry: retryOn', () => {
  it('defaults to isTransientError: a 503 is retried, a 400 is not', async () => {
    const clock = createTestClock();
    const fn = failing([unavailable(), new BadRequestError('invalidQuery')], 'never');
    await expect(retry(fn, { clock, maxAttempts: 5 })).rejects.toBeInstanceOf(BadRequestError);
    expect(fn.calls()).toBe(2);
  });

  it('accepts a predicate that sees the typed error and the attempt number', async () => {
    const clock = createTestClock();
    const seen: Array<[string, number]> = [];
    const fn = failing(
      [new BadRequestError('a'), new BadRequestError('b'), new BadRequestError('c')],
      'done',
    );
    const result = await retry(fn, {
      clock,
      maxAttempts: 5,
      retryOn: (error, attempt) => {
        seen.push([error.code, attempt]);
        return true;
      },
    });
    expect(result).toBe('done');
    expect(seen).toEqual([
      ['BAD_REQUEST', 1],
      ['BAD_REQUEST', 2],
      ['BAD_REQUEST', 3],
    ]);
  });

  it('accepts a list of classes, matched on the typed error', async () => {
    const clock = createTestClock();
    const fn = failing([new BadRequestError('retry me'), new NotFoundError('stop here')], 'never');
    await expect(retry(fn, { clock, maxAttempts: 5, retryOn: [BadRequestError] })).rejects.toBeInstanceOf(
      NotFoundError,
    );
    expect(fn.calls()).toBe(2);
  });

  it('matches a listed class against the raw thrown value as well', async () => {
    class ScraperHiccup extends Error {}
    const clock = createTestClock();
    const fn = failing([new ScraperHiccup('flaky'), new ScraperHiccup('flaky')], 'scraped');
    await expect(retry(fn, { clock, retryOn: [ScraperHiccup] })).resolves.toBe('scraped');
    expect(fn.calls()).toBe(3);
  });

  it('retries nothing with an empty list', async () => {
    const clock = createTestClock();
    const fn = failing([unavailable()], 'never');
    await expect(retry(fn, { clock, retryOn: [] })).rejects.toBeInstanceOf(ServiceUnavailableError);
    expect(fn.calls()).toBe(1);
  });
});

describe('retry: onRetry and logging', () => {
  it('calls onRetry before each sleep with the failed attempt, the delay and the typed error', async () => {
    const clock = createTestClock();
    const infos: RetryInfo[] = [];
    const fn = failing([unavailable(1), unavailable(2)], 'ok');
    await retry(fn, { clock, onRetry: (info) => infos.push({ ...info, delayMs: info.delayMs }) });
    expect(infos.map((i) => i.attempt)).toEqual([1, 2]);
    expect(infos.map((i) => i.delayMs)).toEqual(clock.sleeps);
    expect(infos[0]?.error).toBeInstanceOf(ServiceUnavailableError);
  });

  it('names the operation in onRetry: options.name, else the function name, else "operation"', async () => {
    const seen: string[] = [];
    const onRetry = (info: RetryInfo) => seen.push(info.operation);
    const clock = createTestClock();
    await retry(failing([unavailable(1)], 'ok'), { clock, onRetry, name: 'bigquery.insertRows' });
    async function loadGames(): Promise<string> {
      if (seen.length < 2) throw unavailable(2);
      return 'ok';
    }
    await retry(loadGames, { clock, onRetry });
    let anonymousCalls = 0;
    await retry(
      () => {
        anonymousCalls++;
        if (anonymousCalls === 1) throw unavailable(3);
        return 'ok';
      },
      { clock, onRetry },
    );
    expect(seen).toEqual(['bigquery.insertRows', 'loadGames', 'operation']);
  });

  it('logs and ignores an onRetry hook that throws, and still retries', async () => {
    const clock = createTestClock();
    const logger = recordingLogger();
    const fn = failing([unavailable(1), unavailable(2)], 'ok');
    const result = await retry(fn, {
      clock,
      logger,
      onRetry: () => {
        throw new Error('metrics backend down');
      },
    });
    expect(result).toBe('ok');
    expect(fn.calls()).toBe(3);
    const hookLogs = logger.entries.filter((e) => e.message.includes('onRetry listener threw'));
    expect(hookLogs).toHaveLength(2);
    expect(hookLogs[0]?.level).toBe('warn');
    expect(hookLogs[0]?.fields?.hookError).toMatchObject({ message: 'metrics backend down' });
  });

  it('logs and ignores an onRetry hook that returns a rejected promise', async () => {
    const clock = createTestClock();
    const logger = recordingLogger();
    const fn = failing([unavailable(1)], 'ok');
    const result = await retry(fn, {
      clock,
      logger,
      onRetry: (() => Promise.reject(new Error('async hook failed'))) as unknown as () => void,
    });
    expect(result).toBe('ok');
    await Promise.resolve();
    expect(logger.entries.some((e) => e.message.includes('onRetry listener threw'))).toBe(true);
  });

  it('logs each retry at warning, a late success at info, as the original did', async () => {
    const clock = createTestClock();
    const logger = recordingLogger();
    const fn = failing([unavailable(1), unavailable(2)], 'ok');
    await retry(fn, { clock, logger, name: 'load_games', jitter: 'none', baseDelayMs: 1000 });
    expect(logger.entries.map((e) => [e.level, e.message])).toEqual([
      [
        'warn',
        'load_games: attempt 1/3 failed: ServiceUnavailableError: backend unavailable #1; retrying in 1000 ms',
      ],
      [
        'warn',
        'load_games: attempt 2/3 failed: ServiceUnavailableError: backend unavailable #2; retrying in 2000 ms',
      ],
      ['info', 'load_games: succeeded on attempt 3/3'],
    ]);
    expect(logger.entries[0]?.fields).toMatchObject({
      operation: 'load_games',
      attempt: 1,
      maxAttempts: 3,
      delayMs: 1000,
    });
  });

  it('logs exhaustion at error with the reason', async () => {
    const clock = createTestClock();
    const logger = recordingLogger();
    const fn = failing([unavailable(1), unavailable(2)], 'never');
    await expect(retry(fn, { clock, logger, maxAttempts: 2, name: 'flush' })).rejects.toThrow();
    const last = logger.entries.at(-1);
    expect(last?.level).toBe('error');
    expect(last?.message).toBe(
      'flush: failed after 2 attempts (attempts exhausted): ServiceUnavailableError: backend unavailable #2',
    );
    expect(last?.fields).toMatchObject({ reason: 'exhausted', attempt: 2 });
  });

  it('names the operation after the function when no name is given', async () => {
    const clock = createTestClock();
    const logger = recordingLogger();
    let calls = 0;
    async function fetchSchedule(): Promise<string> {
      calls++;
      if (calls === 1) throw unavailable();
      return 'ok';
    }
    await retry(fetchSchedule, { clock, logger });
    expect(logger.entries[0]?.message.startsWith('fetchSchedule: attempt 1/3')).toBe(true);
  });

  it('logs a non-retryable failure only at debug', async () => {
    const clock = createTestClock();
    const logger = recordingLogger();
    await expect(retry(failing([new NotFoundError('gone')], 1), { clock, logger })).rejects.toThrow('gone');
    expect(logger.entries.map((e) => e.level)).toEqual(['debug']);
  });
});

describe('retry: options are checked', () => {
  it.each([
    [{ maxAttempts: 0 }, /maxAttempts must be a positive integer/],
    [{ maxAttempts: 1.5 }, /maxAttempts/],
    [{ maxAttempts: Number.NaN }, /maxAttempts/],
    [{ baseDelayMs: -1 }, /baseDelayMs must be/],
    [{ maxDelayMs: Number.POSITIVE_INFINITY }, /maxDelayMs must be/],
    [{ baseDelayMs: 20_000 }, /baseDelayMs \(20000\) must not exceed maxDelayMs \(15000\)/],
    [{ deadlineMs: 0 }, /deadlineMs must be/],
    [{ attemptTimeoutMs: -5 }, /attemptTimeoutMs must be/],
    [{ jitter: 'fuzzy' as never }, /jitter must be one of full, equal, decorrelated, proportional, none/],
    [{ retryOn: 'transient' as never }, /retryOn must be a function or an array, got a string/],
  ])('rejects %j without calling fn', async (options, message) => {
    let calls = 0;
    await expect(
      retry(() => {
        calls++;
        return 1;
      }, options),
    ).rejects.toThrow(message);
    expect(calls).toBe(0);
  });
});
