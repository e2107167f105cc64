import type { PipelineError } from '../errors/index.js';
import { metricsEnabled } from '../telemetry/api.js';
import { ATTR } from '../telemetry/attributes.js';
import {
  count,
  operationAttribute,
  recordSeconds,
  retryAttempts,
  retryCalls,
  retryDelay,
} from '../telemetry/metrics.js';
import { addEvent } from '../telemetry/spans.js';
import type { GiveUpReason } from './options.js';

/**
 * What `retry` records in OpenTelemetry: `resilience.retry.attempts`, `resilience.retry.calls`,
 * `resilience.retry.delay`, and a `retry` event on the active span. Every function returns at once
 * when no SDK is registered.
 */

/** One attempt (and so the call) succeeded. */
export function recordSuccess(operation: string, attempt: number): void {
  if (!metricsEnabled()) return;
  const op = operationAttribute(operation);
  count(retryAttempts, 1, { [ATTR.operation]: op, [ATTR.outcome]: 'success' });
  count(retryCalls, 1, {
    [ATTR.operation]: op,
    [ATTR.outcome]: attempt > 1 ? 'success_with_retry' : 'success_without_retry',
  });
}

/** An attempt failed and another follows after `delayMs`. */
export function recordRetry(operation: string, attempt: number, delayMs: number, error: PipelineError): void {
  addEvent(undefined, 'retry', {
    [ATTR.attempt]: attempt,
    [ATTR.retryDelay]: Math.round(delayMs),
    [ATTR.errorType]: error.code,
  });
  if (!metricsEnabled()) return;
  const op = operationAttribute(operation);
  count(retryAttempts, 1, { [ATTR.operation]: op, [ATTR.outcome]: 'retry', [ATTR.errorType]: error.code });
  recordSeconds(retryDelay, delayMs, { [ATTR.operation]: op, [ATTR.errorType]: error.code });
}

/** The last attempt failed: `retry` gives up. */
export function recordGiveUp(
  operation: string,
  attempt: number,
  reason: GiveUpReason,
  error: PipelineError,
): void {
  if (!metricsEnabled()) return;
  const op = operationAttribute(operation);
  count(retryAttempts, 1, {
    [ATTR.operation]: op,
    [ATTR.outcome]: 'failure',
    [ATTR.errorType]: error.code,
  });
  count(retryCalls, 1, {
    [ATTR.operation]: op,
    [ATTR.outcome]: attempt > 1 ? 'failure_with_retry' : 'failure_without_retry',
    [ATTR.giveUpReason]: reason,
    [ATTR.errorType]: error.code,
  });
}

/** The caller aborted: not a failure of the operation. */
export function recordCancelled(operation: string): void {
  if (!metricsEnabled()) return;
  count(retryAttempts, 1, { [ATTR.operation]: operationAttribute(operation), [ATTR.outcome]: 'cancelled' });
}

/**
 * Log text for a delay: whole milliseconds below 10 s (`'1400 ms'`), seconds with one decimal above
 * (`'12.5 s'`); never `'0.00s'`.
 */
export function formatDelay(ms: number): string {
  if (ms < 10_000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(1)} s`;
}
