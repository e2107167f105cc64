import { guardedAttempt, NEVER_ABORTED } from '../retry/attempt.js';
import type { Clock, RetryContext } from '../retry/index.js';

/**
 * Bounds one request to BigQuery with the retry layer's attempt guard: it is abandoned with a transient
 * `OperationTimeoutError` after `timeoutMs`, or at once with the caller's reason when the attempt's
 * signal aborts. The client's own `timeout` is not enforced under node-fetch 3 and teeny-request passes
 * no signal to fetch, so this is what stops a hung request from hanging the caller. `work` gets a
 * signal that aborts when the request is abandoned, to release what it holds (an upload stream); its
 * late result or error is swallowed.
 *
 * @internal
 */
export function guardRequest<T>(
  attempt: RetryContext,
  what: string,
  work: (signal: AbortSignal) => Promise<T>,
  limits: { timeoutMs: number; clock: Clock },
): Promise<T> {
  const signal = attempt.signal === NEVER_ABORTED ? undefined : attempt.signal;
  if (signal?.aborted) return Promise.reject(signal.reason);
  return guardedAttempt((context) => work(context.signal), attempt.attempt, {
    signal,
    timeoutMs: limits.timeoutMs,
    timeoutMessage: `BigQuery ${what} did not answer within ${limits.timeoutMs} ms; the request was abandoned`,
    reportedTimeoutMs: limits.timeoutMs,
    clock: limits.clock,
  });
}
