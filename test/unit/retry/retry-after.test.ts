import { describe, expect, it } from 'vitest';
import { ServiceUnavailableError, TooManyRequestsError } from '../../../src/errors/index.js';
import { retry } from '../../../src/retry/index.js';
import { createTestClock } from '../../../src/testing/clock.js';
import { recordingLogger } from './helpers.js';

const throttled = (retryAfterMs: number) => new TooManyRequestsError('Rate limit exceeded', { retryAfterMs });

function sequence(errors: Error[]) {
  let calls = 0;
  const fn = () => {
    calls++;
    if (calls <= errors.length) throw errors[calls - 1];
    return 'ok';
  };
  return Object.assign(fn, { calls: () => calls });
}

describe('retry: Retry-After', () => {
  it('raises the delay to at least what the server asked', async () => {
    const clock = createTestClock();
    const fn = sequence([throttled(7000)]);
    await expect(retry(fn, { clock, jitter: 'none', baseDelayMs: 1000 })).resolves.toBe('ok');
    expect(clock.sleeps).toEqual([7000]);
  });

  it('keeps the backoff delay when it is already longer than Retry-After', async () => {
    const clock = createTestClock();
    const fn = sequence([throttled(100)]);
    await retry(fn, { clock, jitter: 'none', baseDelayMs: 1000 });
    expect(clock.sleeps).toEqual([1000]);
  });

  it('gives up rather than retrying early when Retry-After exceeds maxDelayMs', async () => {
    const clock = createTestClock();
    const logger = recordingLogger();
    const error = throttled(60_000);
    const fn = sequence([error]);
    await expect(retry(fn, { clock, logger, maxDelayMs: 15_000 })).rejects.toBe(error);
    expect(fn.calls()).toBe(1);
    expect(clock.sleeps).toEqual([]);
    expect(logger.entries.at(-1)).toMatchObject({ level: 'error', fields: { reason: 'retry_after' } });
  });

  it('gives up when Retry-After does not fit in what is left of the deadline', async () => {
    const clock = createTestClock();
    const error = throttled(8000);
    const fn = sequence([error]);
    await expect(retry(fn, { clock, deadlineMs: 5000, maxDelayMs: 10_000 })).rejects.toBe(error);
    expect(fn.calls()).toBe(1);
    expect(clock.sleeps).toEqual([]);
  });

  it('is ignored with honorRetryAfter: false', async () => {
    const clock = createTestClock();
    const fn = sequence([throttled(60_000)]);
    await expect(
      retry(fn, { clock, honorRetryAfter: false, jitter: 'none', baseDelayMs: 1000 }),
    ).resolves.toBe('ok');
    expect(clock.sleeps).toEqual([1000]);
  });

  it('applies to any typed error carrying retryAfterMs (e.g. a 503 with Retry-After)', async () => {
    const clock = createTestClock();
    const fn = sequence([new ServiceUnavailableError('down for maintenance', { retryAfterMs: 3000 })]);
    await retry(fn, { clock, jitter: 'none', baseDelayMs: 500 });
    expect(clock.sleeps).toEqual([3000]);
  });

  it('reads a Retry-After header of a raw HTTP error through toPipelineError', async () => {
    const clock = createTestClock();
    const raw = Object.assign(new Error('Too Many Requests'), {
      code: 429,
      response: { status: 429, headers: { 'retry-after': '4' } },
    });
    let calls = 0;
    await retry(
      () => {
        calls++;
        if (calls === 1) throw raw;
        return 'ok';
      },
      { clock, jitter: 'none', baseDelayMs: 1000 },
    );
    expect(clock.sleeps).toEqual([4000]);
  });
});
