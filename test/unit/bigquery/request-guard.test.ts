import { describe, expect, it } from 'vitest';
import { guardRequest } from '../../../src/bigquery/request-guard.js';
import { OperationTimeoutError } from '../../../src/errors/index.js';
import { NEVER_ABORTED } from '../../../src/retry/attempt.js';
import type { RetryContext } from '../../../src/retry/index.js';
import { createTestClock } from '../../../src/testing/clock.js';

const never = () => new Promise<never>(() => undefined);
const attemptOf = (signal: AbortSignal = NEVER_ABORTED): RetryContext => ({ attempt: 1, signal });

describe('guardRequest (the retry layer attempt guard, per request)', () => {
  it('passes a result or an error through and leaves no timer', async () => {
    const clock = createTestClock();
    await expect(guardRequest(attemptOf(), 'x', async () => 7, { timeoutMs: 10, clock })).resolves.toBe(7);
    const boom = new Error('boom');
    await expect(
      guardRequest(attemptOf(), 'x', () => Promise.reject(boom), { timeoutMs: 10, clock }),
    ).rejects.toBe(boom);
    expect(clock.pendingTimers).toBe(0);
  });

  it('abandons a hung request at the timeout with a transient OperationTimeoutError and releases it', async () => {
    const clock = createTestClock();
    let released = 0;
    const pending = guardRequest(
      attemptOf(),
      'jobs.insert',
      (signal) => {
        signal.addEventListener('abort', () => released++);
        return never();
      },
      { timeoutMs: 60_000, clock },
    );
    clock.advance(59_999);
    expect(released).toBe(0);
    clock.advance(1);
    const err = await pending.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OperationTimeoutError);
    expect(err).toMatchObject({ timeoutMs: 60_000, transient: true });
    expect((err as Error).message).toContain('jobs.insert did not answer within 60000 ms');
    expect(released).toBe(1);
  });

  it('rejects with the signal reason at once on abort, and before starting when already aborted', async () => {
    const clock = createTestClock();
    const controller = new AbortController();
    let released = 0;
    const pending = guardRequest(
      attemptOf(controller.signal),
      'x',
      (signal) => {
        signal.addEventListener('abort', () => released++);
        return never();
      },
      { timeoutMs: 1000, clock },
    );
    const reason = new Error('stop');
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
    expect(released).toBe(1);
    expect(clock.pendingTimers).toBe(0);
    let started = false;
    await expect(
      guardRequest(
        attemptOf(controller.signal),
        'x',
        async () => {
          started = true;
        },
        { timeoutMs: 1000, clock },
      ),
    ).rejects.toBe(reason);
    expect(started).toBe(false);
  });

  it('swallows the late outcome of an abandoned request', async () => {
    const clock = createTestClock();
    let fail!: (e: unknown) => void;
    const late = new Promise<never>((_, reject) => {
      fail = reject;
    });
    const pending = guardRequest(attemptOf(), 'x', () => late, { timeoutMs: 5, clock });
    clock.advance(5);
    await expect(pending).rejects.toBeInstanceOf(OperationTimeoutError);
    fail(new Error('late'));
    await new Promise((resolve) => setImmediate(resolve));
  });
});
