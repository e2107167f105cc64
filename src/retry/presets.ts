import { isTransientError } from '../errors/index.js';
import type { RetryOptions } from './options.js';

/**
 * The original `retry_fast`: 3 attempts, 0.5 s base, 5 s cap. For cheap, latency-sensitive calls.
 * Presets are frozen; spread them to add options. Like every option set without `jitter`, they use
 * the library's default jitter.
 *
 * @example
 * ```ts
 * await retry(() => publisher.publish(data), { ...retryFast, logger });
 * ```
 */
export const retryFast: Readonly<RetryOptions> = Object.freeze({
  maxAttempts: 3,
  baseDelayMs: 500,
  maxDelayMs: 5000,
});

/**
 * The original `retry_standard`: 4 attempts, 1 s base, 15 s cap.
 *
 * @example
 * ```ts
 * const fetchSchedule = withRetry(fetchScheduleOnce, retryStandard);
 * ```
 */
export const retryStandard: Readonly<RetryOptions> = Object.freeze({
  maxAttempts: 4,
  baseDelayMs: 1000,
  maxDelayMs: 15_000,
});

/**
 * The original `retry_patient`: 5 attempts, 2 s base, 30 s cap. For batch work that can wait.
 *
 * @example
 * ```ts
 * await retry(() => executor.loadRows(table, rows), retryPatient);
 * ```
 */
export const retryPatient: Readonly<RetryOptions> = Object.freeze({
  maxAttempts: 5,
  baseDelayMs: 2000,
  maxDelayMs: 30_000,
});

/**
 * The original `retry_aggressive`: 7 attempts, 1 s base, 45 s cap. Pair it with a `budget` so an
 * outage does not multiply the load by seven.
 *
 * @example
 * ```ts
 * await retry(() => scrape(url), { ...retryAggressive, budget });
 * ```
 */
export const retryAggressive: Readonly<RetryOptions> = Object.freeze({
  maxAttempts: 7,
  baseDelayMs: 1000,
  maxDelayMs: 45_000,
});

/**
 * What the original BigQuery helpers used: 3 attempts, 1 s base, 15 s cap, transient errors only
 * (the original retried `ServiceUnavailable` and `DeadlineExceeded`; `isTransientError` also covers
 * `rateLimitExceeded`, `backendError`, resets and the like).
 *
 * @example
 * ```ts
 * await retry(({ signal }) => bigquery.query({ query: sql, signal }), bigQueryRetry);
 * ```
 */
export const bigQueryRetry: Readonly<RetryOptions> = Object.freeze({
  maxAttempts: 3,
  baseDelayMs: 1000,
  maxDelayMs: 15_000,
  retryOn: isTransientError,
});

/**
 * The original scrapers' HTTP retry: 4 attempts (its 3 retries), `1 s * 2^(n-1) * uniform(0.5, 1.5)`
 * capped at 30 s (`'proportional'` jitter), 180 s per attempt (its `DEFAULT_SCRAPER_TIMEOUT`),
 * transient errors only: network failures, timeouts, 408, 429 and 5xx, never another 4xx.
 * `resilientFetch` starts from these; use it with `retry` for a scraper that is not plain `fetch`.
 *
 * @example
 * ```ts
 * const page = await retry(({ signal }) => scrapeBoxscores(date, signal), { ...scraperRetry, breaker });
 * ```
 */
export const scraperRetry: Readonly<RetryOptions> = Object.freeze({
  maxAttempts: 4,
  baseDelayMs: 1000,
  maxDelayMs: 30_000,
  jitter: 'proportional',
  attemptTimeoutMs: 180_000,
  retryOn: isTransientError,
});
