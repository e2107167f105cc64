import { OperationTimeoutError } from '../errors/index.js';
import { abortReason } from '../retry/clock.js';
import type { Clock } from '../retry/index.js';
import { MAX_TIMER_MS } from '../retry/options.js';
import { scheduleOn } from '../retry/schedule.js';
import { onAbort } from '../shared/abort-fanout.js';

/** A `RangeError` naming `where` unless `value` is a whole number of ms a timer can wait. @internal */
export function checkTimeoutMs(where: string, value: number): void {
  if (Number.isInteger(value) && value >= 1 && value <= MAX_TIMER_MS) return;
  throw new RangeError(
    `${where} must be a whole number of milliseconds from 1 to ${MAX_TIMER_MS}, got ${value}`,
  );
}

/** A call's stop signal and the function that releases its timer and its listener. @internal */
export interface CallDeadline {
  readonly signal: AbortSignal;
  end(): void;
  /** Ends the call now, as its deadline would (with `reason`). */
  abort(reason: unknown): void;
}

/**
 * A signal that aborts when `timeoutMs` has passed on `clock` (with an `OperationTimeoutError` naming
 * `what`) or when `outer` aborts (with its reason), whichever comes first. The timer runs on the
 * clock's `schedule` (virtual in tests) and, on the real clock, does not keep the process alive. A
 * clock whose `schedule` throws gets a real timer instead: the deadline must hold whatever the clock.
 *
 * @internal
 */
export function callDeadline(
  clock: Pick<Clock, 'schedule'>,
  timeoutMs: number,
  outer: AbortSignal | undefined,
  what: string,
): CallDeadline {
  const controller = new AbortController();
  if (outer?.aborted) {
    controller.abort(abortReason(outer));
    return { signal: controller.signal, end: () => undefined, abort: () => undefined };
  }
  const expire = (): void => {
    controller.abort(
      new OperationTimeoutError(`${what} did not finish within ${timeoutMs} ms`, { timeoutMs }),
    );
  };
  let cancelTimer: () => void;
  try {
    cancelTimer = scheduleOn(clock, timeoutMs, expire, true);
  } catch {
    cancelTimer = scheduleOn(undefined, timeoutMs, expire, true);
  }
  const unsubscribe =
    outer === undefined ? () => undefined : onAbort(outer, () => controller.abort(abortReason(outer)));
  return {
    signal: controller.signal,
    end() {
      cancelTimer();
      unsubscribe();
    },
    abort(reason) {
      controller.abort(reason);
    },
  };
}
