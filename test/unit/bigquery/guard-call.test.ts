import { describe, expect, it } from 'vitest';
import { guardCall } from '../../../src/bigquery/guard-call.js';
import { OperationTimeoutError } from '../../../src/errors/index.js';
import { createTestClock } from '../../../src/retry/index.js';

const never = () => new Promise<never>(() => undefined);

describe('guardCall', () => {
  it('passes a result or an error through', async () => {
    const clock = createTestClock();
    await expect(
      guardCall(async () => 7, { timeoutMs: 10, signal: undefined, clock, what: 'x' }),
    ).resolves.toBe(7);
    const boom = new Error('boom');
    await expect(
      guardCall(() => Promise.reject(boom), { timeoutMs: 10, signal: undefined, clock, what: 'x' }),
    ).rejects.toBe(boom);
    expect(clock.pendingTimers).toBe(0);
  });

  it('abandons a hung call at the timeout with a transient OperationTimeoutError and releases it', async () => {
    const clock = createTestClock();
    let released = 0;
    const pending = guardCall(never, {
      timeoutMs: 60_000,
      signal: undefined,
      clock,
      what: 'jobs.insert',
      onAbandon: () => released++,
    });
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
    const pending = guardCall(never, {
      timeoutMs: 1000,
      signal: controller.signal,
      clock,
      what: 'x',
      onAbandon: () => released++,
    });
    const reason = new Error('stop');
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
    expect(released).toBe(1);
    expect(clock.pendingTimers).toBe(0);
    let started = false;
    await expect(
      guardCall(
        async () => {
          started = true;
        },
        { timeoutMs: 1000, signal: controller.signal, clock, what: 'x' },
      ),
    ).rejects.toBe(reason);
    expect(started).toBe(false);
  });

  it('swallows the late outcome of an abandoned call', async () => {
    const clock = createTestClock();
    let fail!: (e: unknown) => void;
    const late = new Promise<never>((_, reject) => {
      fail = reject;
    });
    const pending = guardCall(() => late, { timeoutMs: 5, signal: undefined, clock, what: 'x' });
    clock.advance(5);
    await expect(pending).rejects.toBeInstanceOf(OperationTimeoutError);
    fail(new Error('late'));
    await new Promise((resolve) => setImmediate(resolve));
  });
});
