import { OperationTimeoutError } from '../errors/index.js';
import type { Clock } from '../retry/index.js';
import { onAbort } from '../shared/abort-fanout.js';

/** How one request to BigQuery is bounded. */
export interface GuardOptions {
  /** Abandon the request after this long (ms); `Infinity` for never. */
  timeoutMs: number;
  /** The attempt's signal: aborting it abandons the request at once with `signal.reason`. */
  signal: AbortSignal | undefined;
  clock: Clock;
  /** What the request was, for the timeout message (e.g. `'jobs.insert'`). */
  what: string;
  /** Runs when the request is abandoned (timeout or abort): release what can be released. */
  onAbandon?: () => void;
}

function schedule(clock: Clock, ms: number, callback: () => void): () => void {
  if (clock.schedule !== undefined) return clock.schedule(ms, callback);
  const timer = setTimeout(callback, ms);
  return () => clearTimeout(timer);
}

/**
 * Races one client request against a timeout and the caller's signal. The client's own `timeout` is
 * not enforced under node-fetch 3 and teeny-request passes no signal to fetch, so this is the only
 * thing that stops a hung request from hanging the caller. The losing request is left to finish on
 * its own (its late result or error is swallowed); `onAbandon` lets the caller release what it can.
 *
 * @example
 * ```ts
 * const [job] = await guardCall(() => client.createQueryJob(config), {
 *   timeoutMs: 60_000, signal, clock: systemClock, what: 'jobs.insert',
 * });
 * ```
 */
export function guardCall<T>(work: () => Promise<T>, options: GuardOptions): Promise<T> {
  const { signal, timeoutMs } = options;
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    let cancelTimer: (() => void) | undefined;
    let unsubscribe: (() => void) | undefined;
    const finish = (): boolean => {
      if (settled) return false;
      settled = true;
      cancelTimer?.();
      unsubscribe?.();
      return true;
    };
    const abandon = (): void => {
      try {
        options.onAbandon?.();
      } catch {
        // Releasing is best effort; the caller already has its answer.
      }
    };
    const onAborted = (): void => {
      if (!finish()) return;
      abandon();
      reject(signal?.reason);
    };
    if (Number.isFinite(timeoutMs)) {
      cancelTimer = schedule(options.clock, timeoutMs, () => {
        cancelTimer = undefined;
        if (!finish()) return;
        abandon();
        reject(
          new OperationTimeoutError(
            `BigQuery ${options.what} did not answer within ${timeoutMs} ms; the request was abandoned`,
            { timeoutMs },
          ),
        );
      });
    }
    // One listener on the signal however many requests share it (see abort-fanout.ts).
    if (signal !== undefined) unsubscribe = onAbort(signal, onAborted);
    let pending: Promise<T>;
    try {
      pending = work();
    } catch (err) {
      if (finish()) reject(err);
      return;
    }
    Promise.resolve(pending).then(
      (value) => {
        if (finish()) resolve(value);
      },
      (err: unknown) => {
        if (finish()) reject(err);
      },
    );
  });
}
