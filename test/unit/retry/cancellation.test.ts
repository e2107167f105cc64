import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  NotFoundError,
  OperationTimeoutError,
  ServiceUnavailableError,
  TooManyRequestsError,
} from '../../../src/errors/index.js';
import { type Clock, retry, systemClock } from '../../../src/retry/index.js';
import { createTestClock } from '../../../src/testing/clock.js';
import { flush, isSettled, recordingLogger } from './helpers.js';

const down = () => new ServiceUnavailableError('down');

describe('retry: deadlineMs', () => {
  it('never sleeps past the deadline: gives up at once with the last error when the next delay would cross it', async () => {
    const clock = createTestClock();
    const logger = recordingLogger();
    let calls = 0;
    const err = await retry(
      () => {
        calls++;
        throw new ServiceUnavailableError(`down #${calls}`);
      },
      // none: delays 1000, 2000, 4000, ... -> 1000 + 2000 = 3000 < 5000, + 4000 would cross it.
      { clock, logger, deadlineMs: 5000, maxAttempts: 10, jitter: 'none', baseDelayMs: 1000 },
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServiceUnavailableError);
    expect((err as Error).message).toBe('down #3');
    expect(calls).toBe(3);
    expect(clock.sleeps).toEqual([1000, 2000]);
    expect(clock.now()).toBe(3000);
    expect(logger.entries.at(-1)).toMatchObject({ level: 'error', fields: { reason: 'deadline' } });
    expect(clock.pendingTimers).toBe(0);
  });

  it('aborts an attempt still running at the deadline with a transient OperationTimeoutError', async () => {
    const clock = createTestClock();
    const signals: AbortSignal[] = [];
    const p = retry(
      ({ signal }) => {
        signals.push(signal);
        return new Promise<never>(() => {});
      },
      { clock, deadlineMs: 2000 },
    );
    await flush();
    expect(await isSettled(p)).toBe(false);
    clock.advance(2000);
    const err = await p.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OperationTimeoutError);
    expect((err as OperationTimeoutError).transient).toBe(true);
    expect((err as OperationTimeoutError).timeoutMs).toBe(2000);
    expect((err as Error).message).toMatch(/2000 ms deadline passed during attempt 1/);
    expect(signals).toHaveLength(1);
    expect(signals[0]?.aborted).toBe(true);
    expect(signals[0]?.reason).toBe(err);
    expect(clock.pendingTimers).toBe(0);
  });

  it('bounds a later attempt by what is left of the deadline', async () => {
    const clock = createTestClock();
    let calls = 0;
    const p = retry(
      () => {
        calls++;
        if (calls === 1) throw down();
        return new Promise<never>(() => {});
      },
      { clock, deadlineMs: 5000, jitter: 'none', baseDelayMs: 1000, attemptTimeoutMs: 60_000 },
    );
    await flush();
    expect(clock.now()).toBe(1000);
    clock.advance(3999);
    expect(await isSettled(p)).toBe(false);
    clock.advance(1);
    await expect(p).rejects.toBeInstanceOf(OperationTimeoutError);
    expect(calls).toBe(2);
  });

  it('gives up if a sleep ended past the deadline (a late timer)', async () => {
    const base = createTestClock();
    const lateClock: Clock = {
      now: () => base.now(),
      sleep: (ms, signal) => base.sleep(ms + 500, signal),
    };
    let calls = 0;
    const err = await retry(
      () => {
        calls++;
        throw new ServiceUnavailableError(`down #${calls}`);
      },
      { clock: lateClock, deadlineMs: 1200, jitter: 'none', baseDelayMs: 1000, maxAttempts: 5 },
    ).catch((e: unknown) => e);
    expect((err as Error).message).toBe('down #1');
    expect(calls).toBe(1);
  });
});

describe('retry: attemptTimeoutMs', () => {
  it('aborts the attempt signal, fails it with OperationTimeoutError and retries it', async () => {
    const clock = createTestClock();
    const signals: AbortSignal[] = [];
    const p = retry(
      ({ signal, attempt }) => {
        signals.push(signal);
        if (attempt < 2) return new Promise<never>(() => {});
        return 'second time lucky';
      },
      { clock, attemptTimeoutMs: 500, name: 'query' },
    );
    await flush();
    clock.advance(500);
    await expect(p).resolves.toBe('second time lucky');
    expect(signals[0]?.aborted).toBe(true);
    expect(signals[0]?.reason).toBeInstanceOf(OperationTimeoutError);
    expect(signals[0]?.reason).toMatchObject({ message: 'query: attempt 1 timed out after 500 ms' });
    expect(signals[1]?.aborted).toBe(false);
    expect(clock.pendingTimers).toBe(0);
  });

  it('each attempt gets its own signal', async () => {
    const clock = createTestClock();
    const signals: AbortSignal[] = [];
    await retry(
      ({ signal, attempt }) => {
        signals.push(signal);
        if (attempt < 3) throw down();
        return 1;
      },
      { clock, attemptTimeoutMs: 1000 },
    );
    expect(new Set(signals).size).toBe(3);
    expect(signals.every((s) => !s.aborted)).toBe(true);
  });

  it('rethrows the OperationTimeoutError after the last attempt and leaves no timer behind', async () => {
    const clock = createTestClock();
    const p = retry(() => new Promise<never>(() => {}), { clock, attemptTimeoutMs: 100, maxAttempts: 2 });
    for (let i = 0; i < 2; i++) {
      await flush();
      clock.advance(100);
    }
    const err = await p.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OperationTimeoutError);
    expect((err as OperationTimeoutError).timeoutMs).toBe(100);
    expect(clock.pendingTimers).toBe(0);
  });

  it('clears the timer when the attempt settles first (success, rejection or sync throw)', async () => {
    const clock = createTestClock();
    await retry(async () => 'fast', { clock, attemptTimeoutMs: 1000 });
    expect(clock.pendingTimers).toBe(0);
    await expect(
      retry(async () => Promise.reject(new NotFoundError('x')), { clock, attemptTimeoutMs: 1000 }),
    ).rejects.toThrow();
    expect(clock.pendingTimers).toBe(0);
    await expect(
      retry(
        () => {
          throw new NotFoundError('sync');
        },
        { clock, attemptTimeoutMs: 1000 },
      ),
    ).rejects.toThrow('sync');
    expect(clock.pendingTimers).toBe(0);
  });

  it('ignores the late result of an attempt that already timed out', async () => {
    const clock = createTestClock();
    let lateReject: ((e: unknown) => void) | undefined;
    const p = retry(
      ({ attempt }) => {
        if (attempt === 1) {
          return new Promise<string>((_, reject) => {
            lateReject = reject;
          });
        }
        return 'ok';
      },
      { clock, attemptTimeoutMs: 10 },
    );
    await flush();
    clock.advance(10);
    await expect(p).resolves.toBe('ok');
    lateReject?.(new Error('too late'));
    await flush();
  });
});

describe('retry: signal', () => {
  it('does not call fn when the signal is already aborted', async () => {
    const clock = createTestClock();
    const controller = new AbortController();
    const reason = new Error('shutting down');
    controller.abort(reason);
    let calls = 0;
    const err = await retry(
      () => {
        calls++;
        return 1;
      },
      { clock, signal: controller.signal },
    ).catch((e: unknown) => e);
    expect(err).toBe(reason);
    expect(calls).toBe(0);
  });

  it('an abort during a sleep rejects at once with the signal reason and leaves no timer (system clock)', async () => {
    vi.useFakeTimers();
    try {
      const controller = new AbortController();
      const reason = new Error('SIGTERM: Cloud Run is stopping the instance');
      let calls = 0;
      const p = retry(
        () => {
          calls++;
          throw down();
        },
        {
          clock: systemClock,
          signal: controller.signal,
          baseDelayMs: 10_000,
          maxDelayMs: 10_000,
          jitter: 'none',
        },
      );
      const outcome = p.catch((e: unknown) => e);
      await vi.advanceTimersByTimeAsync(0);
      expect(calls).toBe(1);
      expect(vi.getTimerCount()).toBe(1); // the backoff sleep
      controller.abort(reason);
      expect(await outcome).toBe(reason);
      expect(vi.getTimerCount()).toBe(0);
      expect(calls).toBe(1);
    } finally {
      vi.useRealTimers();
    }
  });

  it('an abort during an attempt rejects at once with the reason and aborts the attempt signal', async () => {
    const clock = createTestClock();
    const controller = new AbortController();
    let attemptSignal: AbortSignal | undefined;
    const p = retry(
      ({ signal }) => {
        attemptSignal = signal;
        return new Promise<never>(() => {});
      },
      { clock, signal: controller.signal },
    );
    await flush();
    expect(await isSettled(p)).toBe(false);
    controller.abort('caller gave up');
    await expect(p).rejects.toBe('caller gave up');
    expect(attemptSignal?.aborted).toBe(true);
  });

  it('with attemptTimeoutMs too, the abort reaches the attempt signal and the timer is cleared', async () => {
    const clock = createTestClock();
    const controller = new AbortController();
    let attemptSignal: AbortSignal | undefined;
    const p = retry(
      ({ signal }) => {
        attemptSignal = signal;
        return new Promise<never>(() => {});
      },
      { clock, signal: controller.signal, attemptTimeoutMs: 5000 },
    );
    await flush();
    expect(clock.pendingTimers).toBe(1);
    controller.abort(new Error('stop'));
    await expect(p).rejects.toThrow('stop');
    expect(attemptSignal).not.toBe(controller.signal);
    expect(attemptSignal?.aborted).toBe(true);
    expect(clock.pendingTimers).toBe(0);
  });

  it("hands fn a signal of its own that follows the caller's (so a shared signal collects no listeners)", async () => {
    const clock = createTestClock();
    const controller = new AbortController();
    let seen: AbortSignal | undefined;
    const p = retry(
      ({ signal }) => {
        seen = signal;
        return new Promise<never>(() => undefined);
      },
      { clock, signal: controller.signal },
    );
    await flush();
    expect(seen).not.toBe(controller.signal);
    expect(seen?.aborted).toBe(false);
    const reason = new Error('stop');
    controller.abort(reason);
    await expect(p).rejects.toBe(reason);
    expect(seen?.aborted).toBe(true);
    expect(seen?.reason).toBe(reason);
  });

  it('an attempt that fails because it saw the abort still rejects with the caller reason', async () => {
    const clock = createTestClock();
    const controller = new AbortController();
    const p = retry(
      ({ signal }) =>
        new Promise<never>((_, reject) => {
          signal.addEventListener('abort', () => reject(new TooManyRequestsError('late 429')));
        }),
      { clock, signal: controller.signal },
    );
    await flush();
    controller.abort('mine');
    await expect(p).rejects.toBe('mine');
  });

  it('an abort between attempts (inside fn, after it failed) stops before sleeping', async () => {
    const clock = createTestClock();
    const controller = new AbortController();
    const p = retry(
      () => {
        controller.abort('stop now');
        throw down();
      },
      { clock, signal: controller.signal },
    );
    await expect(p).rejects.toBe('stop now');
    expect(clock.sleeps).toEqual([]);
  });

  it('removes its abort listener from the caller signal after each attempt', async () => {
    const clock = createTestClock();
    const controller = new AbortController();
    const add = vi.spyOn(controller.signal, 'addEventListener');
    const remove = vi.spyOn(controller.signal, 'removeEventListener');
    await retry(
      ({ attempt }) => {
        if (attempt < 3) throw down();
        return 1;
      },
      { clock, signal: controller.signal },
    );
    // Three attempts and the two sleeps between them (raced against the signal), each subscribing and leaving.
    expect(add).toHaveBeenCalledTimes(5);
    expect(remove).toHaveBeenCalledTimes(5);
  });
});

describe('systemClock', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('sleeps with a timer, clears it on abort and rejects with the reason', async () => {
    vi.useFakeTimers();
    const controller = new AbortController();
    const sleep = systemClock.sleep(1000, controller.signal);
    const outcome = sleep.catch((e: unknown) => e);
    expect(vi.getTimerCount()).toBe(1);
    controller.abort('bye');
    expect(await outcome).toBe('bye');
    expect(vi.getTimerCount()).toBe(0);
  });

  it('resolves after the delay and removes its abort listener', async () => {
    vi.useFakeTimers();
    const controller = new AbortController();
    const remove = vi.spyOn(controller.signal, 'removeEventListener');
    const sleep = systemClock.sleep(1000, controller.signal);
    await vi.advanceTimersByTimeAsync(1000);
    await expect(sleep).resolves.toBeUndefined();
    expect(remove).toHaveBeenCalledTimes(1);
  });

  it('sleeps without a signal', async () => {
    vi.useFakeTimers();
    const sleep = systemClock.sleep(50);
    await vi.advanceTimersByTimeAsync(50);
    await expect(sleep).resolves.toBeUndefined();
  });

  it('rejects at once, without a timer, when the signal is already aborted', async () => {
    vi.useFakeTimers();
    await expect(systemClock.sleep(1000, AbortSignal.abort('already'))).rejects.toBe('already');
    expect(vi.getTimerCount()).toBe(0);
  });

  it('schedules and cancels callbacks, and reads Date.now', () => {
    vi.useFakeTimers({ now: 1_000 });
    let fired = 0;
    const cancel = systemClock.schedule!(100, () => fired++);
    systemClock.schedule!(100, () => fired++);
    cancel();
    vi.advanceTimersByTime(100);
    expect(fired).toBe(1);
    expect(systemClock.now()).toBe(1_100);
  });

  it('falls back to the global setTimeout for a custom clock without schedule', async () => {
    vi.useFakeTimers();
    const bare: Clock = { now: () => Date.now(), sleep: (ms, signal) => systemClock.sleep(ms, signal) };
    const p = retry(() => new Promise<never>(() => {}), {
      clock: bare,
      attemptTimeoutMs: 300,
      maxAttempts: 1,
    });
    const outcome = p.catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(300);
    expect(await outcome).toBeInstanceOf(OperationTimeoutError);
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('createTestClock', () => {
  it('starts at startMs, advances on sleep and records sleeps', async () => {
    const clock = createTestClock({ startMs: 5000 });
    await clock.sleep(250);
    await clock.sleep(750);
    expect(clock.now()).toBe(6000);
    expect(clock.sleeps).toEqual([250, 750]);
  });

  it('honors an already-aborted signal', async () => {
    const clock = createTestClock();
    await expect(clock.sleep(100, AbortSignal.abort('nope'))).rejects.toBe('nope');
    expect(clock.now()).toBe(0);
  });

  it('fires scheduled timers in due order when time passes them, at their due time', () => {
    const clock = createTestClock();
    const fired: Array<[string, number]> = [];
    clock.schedule(300, () => fired.push(['b', clock.now()]));
    clock.schedule(100, () => fired.push(['a', clock.now()]));
    const cancel = clock.schedule(200, () => fired.push(['cancelled', clock.now()]));
    clock.schedule(300, () => fired.push(['c', clock.now()]));
    cancel();
    cancel();
    expect(clock.pendingTimers).toBe(3);
    clock.advance(250);
    expect(fired).toEqual([['a', 100]]);
    clock.advance(50);
    expect(fired).toEqual([
      ['a', 100],
      ['b', 300],
      ['c', 300],
    ]);
    expect(clock.now()).toBe(300);
    expect(clock.pendingTimers).toBe(0);
  });
});
