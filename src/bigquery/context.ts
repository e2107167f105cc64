import { quoteValue } from '../errors/redact.js';
import type { Logger } from '../logging/index.js';
import type { Clock, RetryContext } from '../retry/index.js';
import { randomUUID } from '../shared/node-crypto.js';
import type { BigQueryClient } from './client.js';
import type { CallOptions } from './types.js';

/**
 * How one public call talks to BigQuery: its retry loops and its requests, with the call's merged
 * `retry` options (the executor's over `bigQueryRetry`, the call's on top).
 */
export interface CallScope {
  readonly clock: Clock;
  /** The call's logger (`retry.logger`): retries, re-runs, rows given up on. */
  readonly logger: Logger;
  /** The caller's signal (`retry.signal`). */
  readonly signal: AbortSignal | undefined;
  /** How long one request may go unanswered (`retry.attemptTimeoutMs`, default 60 s). */
  readonly requestTimeoutMs: number;
  /** What is left of the call's `retry.deadlineMs` (Infinity without one). */
  remainingMs(): number;
  /**
   * One retry loop with the call's options (a public call, or one batch of an insert). Counts the
   * executor's attempts and retries; each attempt's failure reaches `retry` typed, the caller's own
   * abort reason untouched.
   */
  run<T>(name: string, fn: (attempt: RetryContext) => Promise<T>): Promise<T>;
  /**
   * One request, bounded by `requestTimeoutMs` and the attempt's signal (the retry layer's attempt
   * guard). `work` gets a signal that aborts when the request is abandoned, to release what it holds.
   */
  request<T>(attempt: RetryContext, what: string, work: (signal: AbortSignal) => Promise<T>): Promise<T>;
}

/** What the per-path modules (query, insert, load) need from the executor. */
export interface ExecutorContext {
  client(): Promise<BigQueryClient>;
  readonly location: string | undefined;
  readonly jobIdPrefix: string;
  /** The scope of one public call. */
  scope(call: CallOptions): CallScope;
}

/**
 * The longest job id a caller may choose: BigQuery allows 1,024 characters, and the executor appends
 * `_p<k>` to each job of a split load and `_r<n>` to each re-run.
 */
export const MAX_CHOSEN_JOB_ID_LENGTH = 1000;

/**
 * The longest `jobIdPrefix`: it is followed by a 36-character UUID, a load's 33-character content
 * fingerprint and perhaps `_r<n>`, within BigQuery's 1,024.
 */
export const MAX_JOB_ID_PREFIX_LENGTH = 940;

/**
 * Refuses a job id (or prefix) BigQuery would refuse or that would name another path: only letters,
 * digits, '_' and '-', at least one (a prefix may be empty) and at most `max`. An empty id would read
 * back `GET /jobs/`, which is jobs.list, after a lost answer.
 */
export function checkJobId(field: string, value: string, max: number, allowEmpty = false): void {
  if ((value === '' && allowEmpty) || (value.length <= max && /^[A-Za-z0-9_-]+$/.test(value))) return;
  const shown = quoteValue(value, 40);
  throw new TypeError(
    `${field} must be ${allowEmpty ? '0' : '1'} to ${max} letters (a-z, A-Z), digits, '_' or '-', got ${shown} (${value.length} characters)`,
  );
}

/** A fresh job id: the prefix and a random UUID (BigQuery allows letters, digits, '_' and '-'). */
export function newJobId(prefix: string): string {
  return `${prefix}${randomUUID()}`;
}

/**
 * The pause before the next status read of a job that is not done: `firstMs`, doubling, at most
 * `maxMs`. BigQuery already waits server-side before answering `jobComplete: false`; the pause only
 * keeps a fast-answering server (or a stand-in) from being polled in a tight loop.
 */
export function pollDelayMs(polls: number, firstMs: number, maxMs: number): number {
  return Math.min(maxMs, firstMs * 2 ** Math.min(polls, 10));
}
