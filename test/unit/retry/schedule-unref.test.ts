import { afterEach, describe, expect, it, vi } from 'vitest';
import { systemClock } from '../../../src/retry/clock.js';
import { scheduleOn } from '../../../src/retry/schedule.js';

/** The real timer behind the last `setTimeout` the code under test called. */
function lastTimer(spy: { mock: { results: Array<{ value: unknown }> } }): NodeJS.Timeout {
  const timer = spy.mock.results.at(-1)?.value as NodeJS.Timeout | undefined;
  if (timer === undefined) throw new Error('no setTimeout call was made');
  return timer;
}

describe('scheduleOn on the real clock', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('an unref timer on systemClock (the default clock) does not keep the process alive', () => {
    const spy = vi.spyOn(globalThis, 'setTimeout');
    const cancel = scheduleOn(systemClock, 600_000, () => undefined, true);
    const timer = lastTimer(spy);
    expect(timer.hasRef()).toBe(false);
    cancel();
  });

  it('without unref the timer on systemClock still holds the process (the shutdown limit needs it)', () => {
    const spy = vi.spyOn(globalThis, 'setTimeout');
    const cancel = scheduleOn(systemClock, 600_000, () => undefined);
    const timer = lastTimer(spy);
    expect(timer.hasRef()).toBe(true);
    cancel();
  });

  it('a cancelled unref timer on systemClock never fires', () => {
    vi.useFakeTimers();
    try {
      const fired = vi.fn();
      const cancel = scheduleOn(systemClock, 1000, fired, true);
      cancel();
      vi.advanceTimersByTime(2000);
      expect(fired).not.toHaveBeenCalled();
    } finally {
      vi.useRealTimers();
    }
  });
});
