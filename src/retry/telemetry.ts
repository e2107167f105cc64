import type { PipelineError } from '../errors/index.js';
import { metricsEnabled } from '../telemetry/api.js';
import { ATTR, type Attributes } from '../telemetry/attributes.js';
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

/** Adds one to a retry metric: the operation, the outcome and, for a failure, why and its code. */
function countOne(
  metric: typeof retryAttempts | typeof retryCalls,
  operation: string,
  outcome: string,
  error?: PipelineError,
  reason?: GiveUpReason,
): void {
  const attributes: Attributes = { [ATTR.operation]: operation, [ATTR.outcome]: outcome };
  if (reason !== undefined) attributes[ATTR.giveUpReason] = reason;
  if (error !== undefined) attributes[ATTR.errorType] = error.code;
  count(metric, 1, attributes);
}

/** One attempt (and so the call) succeeded. */
export function recordSuccess(operation: string, attempt: number): void {
  if (!metricsEnabled()) return;
  const op = operationAttribute(operation);
  countOne(retryAttempts, op, 'success');
  countOne(retryCalls, op, attempt > 1 ? 'success_with_retry' : 'success_without_retry');
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
  countOne(retryAttempts, op, 'retry', error);
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
  countOne(retryAttempts, op, 'failure', error);
  countOne(retryCalls, op, attempt > 1 ? 'failure_with_retry' : 'failure_without_retry', error, reason);
}

/** The caller aborted: not a failure of the operation. */
export function recordCancelled(operation: string): void {
  if (!metricsEnabled()) return;
  countOne(retryAttempts, operationAttribute(operation), 'cancelled');
}

/**
 * Log text for a delay: whole milliseconds below 10 s (`'1400 ms'`), seconds with one decimal above
 * (`'12.5 s'`); never `'0.00s'`.
 */
export function formatDelay(ms: number): string {
  if (ms < 10_000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(1)} s`;
}
