import { setMaxListeners } from 'node:events';
import { OperationTimeoutError } from '../errors/index.js';
import { onAbort } from '../shared/abort-fanout.js';
import { type Clock, systemClock } from './clock.js';
import type { RetryContext, RetryFunction } from './options.js';

/**
 * The signal handed to attempts when nothing can abort them: one shared instance, so the happy path
 * allocates no AbortController. Clients that add an 'abort' listener per request would trip Node's
 * MaxListenersExceededWarning on a shared signal, hence the unlimited listener count; they remove
 * their listener when the request ends, and this signal never fires, so nothing accumulates.
 */
export const NEVER_ABORTED: AbortSignal = new AbortController().signal;
setMaxListeners(0, NEVER_ABORTED);

/**
 * `scheduleOn` (schedule.ts) without its `unref` and its guarded cancel, which `cleanup` below does
 * inline: the attempt is on every `retry` bundle's path, and every byte of it counts.
 */
function schedule(clock: Clock, ms: number, callback: () => void): () => void {
  // A clock without `schedule` gets the system clock's (a `setTimeout` and its `clearTimeout`).
  return (clock.schedule !== undefined ? clock : systemClock).schedule!(ms, callback);
}

/** How one guarded attempt is limited. */
export interface AttemptLimits {
  readonly signal: AbortSignal | undefined;
  /** Finite when an attempt timeout or the deadline bounds this attempt. */
  readonly timeoutMs: number;
  /** The message of the OperationTimeoutError raised when `timeoutMs` passes. */
  readonly timeoutMessage: string;
  /** The `timeoutMs` field of that error (the attempt timeout, or the whole deadline). */
  readonly reportedTimeoutMs: number;
  readonly clock: Clock;
}

/**
 * Calls `fn` once, racing it against the caller's signal and a timeout. Whichever comes first
 * settles the attempt; the timer and the subscription are removed on every path, so nothing
 * outlives it. A late result of an abandoned `fn` is swallowed (it already lost the race).
 *
 * `fn` gets a signal of its own, aborted with the caller's reason or the timeout error: whatever
 * listeners the client adds go on it, not on the caller's signal, which many calls may share. The
 * caller's signal gets one listener for all of them (see abort-fanout.ts).
 */
export function guardedAttempt<T>(fn: RetryFunction<T>, attempt: number, limits: AttemptLimits): Promise<T> {
  const { signal, timeoutMs } = limits;
  const controller = timeoutMs === Infinity && signal === undefined ? undefined : new AbortController();
  return new Promise<T>((resolve, reject) => {
    let cancelTimer: (() => void) | undefined;
    let unsubscribe: (() => void) | undefined;
    const cleanup = (): void => {
      try {
        cancelTimer?.();
      } catch {
        // A clock's `schedule` that returned no cancel function (a timer handle) or a cancel that
        // throws: the attempt's outcome stands; the stray timer fires into a decided race.
      }
      unsubscribe?.();
    };
    if (controller !== undefined && timeoutMs !== Infinity) {
      cancelTimer = schedule(limits.clock, timeoutMs, () => {
        cancelTimer = undefined;
        unsubscribe?.();
        const error = new OperationTimeoutError(limits.timeoutMessage, {
          timeoutMs: limits.reportedTimeoutMs,
        });
        controller.abort(error);
        reject(error);
      });
    }
    if (signal !== undefined) {
      unsubscribe = onAbort(signal, () => {
        cleanup();
        controller?.abort(signal.reason);
        reject(signal.reason);
      });
    }
    const context: RetryContext = { attempt, signal: controller?.signal ?? NEVER_ABORTED };
    let result: Promise<T> | T;
    try {
      result = fn(context);
    } catch (err) {
      cleanup();
      reject(err);
      return;
    }
    Promise.resolve(result).then(
      (value) => {
        cleanup();
        resolve(value);
      },
      (err: unknown) => {
        cleanup();
        reject(err);
      },
    );
  });
}
