import { type Clock, systemClock } from './clock.js';

/**
 * Runs `callback` after `ms` on the clock's timers (virtual ones in tests), or on `setTimeout` when
 * there is no clock or it has no `schedule`, and returns a cancel function that never throws. A
 * custom `schedule` may return something that is no cancel function (a timer handle, as
 * `(ms, cb) => setTimeout(cb, ms)` does) or a cancel that throws: its timer then stays and fires
 * into a race already decided, rather than turning the outcome of the call it timed into an error
 * (a request that succeeded, reported as failed and sent again). `unref`: the real timer does not
 * keep the process alive; `systemClock`'s own `schedule` (the default clock, or a copy of it) has no
 * way to say so, so its timers are made here.
 */
export function scheduleOn(
  clock: Pick<Clock, 'schedule'> | undefined,
  ms: number,
  callback: () => void,
  unref?: boolean,
): () => void {
  if (clock?.schedule === undefined || clock.schedule === systemClock.schedule) {
    const timer = setTimeout(callback, ms);
    if (unref) timer.unref?.();
    return () => clearTimeout(timer);
  }
  const cancel = clock.schedule(ms, callback);
  return () => {
    try {
      cancel();
    } catch {
      // Not a function, or it threw: see above, the timer fires into a decided race.
    }
  };
}
