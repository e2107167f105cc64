import { OperationTimeoutError } from '../errors/index.js';
import type { Clock } from '../retry/clock.js';
import { MAX_TIMER_MS } from '../retry/options.js';
import { scheduleOn } from '../retry/schedule.js';
import { onAbort } from '../shared/abort-fanout.js';

/**
 * Default of `handlerTimeoutMs`: 10 minutes, Pub/Sub's longest ack deadline. A push delivery cannot
 * be waited on longer (Pub/Sub has redelivered it by then), and no delivery should hold its
 * redeliveries for more.
 */
export const DEFAULT_HANDLER_TIMEOUT_MS = 600_000;

/** The longest share of `handlerTimeoutMs` kept for the step after a failed handler call. */
export const MAX_FOLLOW_UP_MS = 30_000;

/**
 * How one handling's `handlerTimeoutMs` is shared. When a failed handler call can be followed by a
 * step that does I/O (the dead-letter publish, or the discard line of `'ack-and-log'`), the handler
 * call gets `handlerMs` and that step `followUpMs`, which add up to the limit: the whole handling,
 * dead-lettering included, fits the one limit (a lease set a little above it is never exceeded).
 * The step gets a tenth of the limit, at most `MAX_FOLLOW_UP_MS`. With `onInvalid: 'nack'`
 * nothing follows and the handler call has the whole limit.
 */
export interface HandlingBudget {
  /** The limit of the handler call. */
  handlerMs: number;
  /** The limit of the dead-letter publish (or discard line) after a handler call. */
  followUpMs: number;
  /** The whole limit: also the step's limit when no handler ran (the input could not be decoded). */
  totalMs: number;
}

/** Shares `totalMs` between the handler call and the step after it (see `HandlingBudget`). */
export function handlingBudget(totalMs: number, followUp: boolean, where: string): HandlingBudget {
  if (!followUp) return { handlerMs: totalMs, followUpMs: totalMs, totalMs };
  const followUpMs = Math.min(MAX_FOLLOW_UP_MS, Math.max(1, Math.floor(totalMs / 10)));
  if (totalMs - followUpMs < 1) {
    throw new RangeError(
      `${where}: handlerTimeoutMs must be at least 2 when a failed message is dead-lettered or logged (the handler call and that step share it), received ${totalMs}`,
    );
  }
  return { handlerMs: totalMs - followUpMs, followUpMs, totalMs };
}

/** Checks `handlerTimeoutMs` (a positive integer of milliseconds) and fills in the default. */
export function handlerTimeoutOption(value: unknown, where: string): number {
  if (value === undefined) return DEFAULT_HANDLER_TIMEOUT_MS;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_TIMER_MS) {
    throw new RangeError(
      `${where}: handlerTimeoutMs must be an integer number of milliseconds from 1 to ${MAX_TIMER_MS}, received ${String(value)}`,
    );
  }
  return value;
}

/**
 * Checks the `clock` option: its `schedule`, when present, must be a function. Checked when the
 * handler is made, not at the first message: a clock that cannot time a call would otherwise fail
 * every delivery, each one redelivered for ever.
 */
export function handlerClockOption(clock: unknown, where: string): void {
  if (clock === undefined) return;
  const schedule = (clock as { schedule?: unknown }).schedule;
  if (schedule !== undefined && typeof schedule !== 'function') {
    throw new TypeError(
      `${where}: clock.schedule must be a function (ms, callback) => cancel, received ${typeof schedule}`,
    );
  }
}

/** How a call run by `withHandlerTimeout` ended. */
export type TimedCall<T = unknown> =
  | { status: 'done'; value: T }
  | {
      status: 'failed';
      error: unknown;
      /**
       * True when the call's signal had been aborted (by `stop`) before it failed: the failure is
       * most likely that abort, whatever the call threw (a `DOMException` `AbortError`, say).
       */
      aborted: boolean;
    }
  | { status: 'timed_out'; error: OperationTimeoutError; late: Promise<TimedCall<T>> };

/**
 * Calls `call` with an AbortSignal and settles with its outcome, or with `timed_out` after
 * `timeoutMs`, whichever comes first. On a timeout the signal is aborted (with the
 * `OperationTimeoutError`) and `late` settles with what the call did in the end. A call that throws
 * synchronously counts as failed. When `stop` aborts first the signal is aborted with its reason
 * (the call keeps running; the caller has stopped waiting for it).
 */
export async function withHandlerTimeout<T>(
  call: (signal: AbortSignal) => T | PromiseLike<T>,
  timeoutMs: number,
  clock: Pick<Clock, 'schedule'> | undefined,
  describe: () => string,
  stop?: AbortSignal,
): Promise<TimedCall<T>> {
  const controller = new AbortController();
  // A shutdown that cuts the handling off aborts the call's signal too, with its own reason.
  let unlink = (): void => {};
  if (stop?.aborted) controller.abort(stop.reason);
  else if (stop !== undefined) unlink = onAbort(stop, () => controller.abort(stop.reason));
  // The timer first: a clock whose `schedule` throws fails the handling before the call has done
  // any work, rather than after it did the work whose outcome is then lost.
  let fire = (): void => {};
  const timedOut = new Promise<'timeout'>((resolve) => {
    fire = () => resolve('timeout');
  });
  const cancel = scheduleOn(clock, timeoutMs, () => fire(), true);
  const running = new Promise<T>((resolve) => resolve(call(controller.signal))).then(
    (value): TimedCall<T> => ({ status: 'done', value }),
    (error: unknown): TimedCall<T> => ({ status: 'failed', error, aborted: controller.signal.aborted }),
  );
  try {
    const first = await Promise.race([running, timedOut]);
    if (first !== 'timeout') return first;
  } finally {
    cancel();
    unlink();
  }
  const error = new OperationTimeoutError(`${describe()} did not settle within ${timeoutMs} ms`, {
    timeoutMs,
  });
  controller.abort(error);
  return { status: 'timed_out', error, late: running };
}
