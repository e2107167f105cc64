import { isTransientError } from '../errors/index.js';
import type { RetryOptions } from './options.js';

/**
 * 3 attempts, 0.5 s base, 5 s cap. For cheap, latency-sensitive calls.
 * Presets are frozen; spread them to add options. Like every option set without `jitter`, they use
 * the library's default jitter.
 *
 * @example
 * ```ts
 * import { PubSub } from '@google-cloud/pubsub';
 * import { cloudLoggingLogger, retry, retryFast } from 'gcp-pipeline-resilience';
 *
 * const topic = new PubSub().topic('nba-phase2-raw-complete');
 * await retry(() => topic.publishMessage({ json: { game_date: '2026-11-28' } }), {
 *   ...retryFast,
 *   logger: cloudLoggingLogger(),
 * });
 * ```
 */
export const retryFast: Readonly<RetryOptions> = /* @__PURE__ */ Object.freeze({
  maxAttempts: 3,
  baseDelayMs: 500,
  maxDelayMs: 5000,
});

/**
 * 4 attempts, 1 s base, 15 s cap.
 *
 * @example
 * ```ts
 * import { retryStandard, withRetry } from 'gcp-pipeline-resilience';
 * declare function fetchScheduleOnce(date: string): Promise<string[]>;
 *
 * const fetchSchedule = withRetry(fetchScheduleOnce, retryStandard);
 * const games = await fetchSchedule('2026-11-28');
 * ```
 */
export const retryStandard: Readonly<RetryOptions> = /* @__PURE__ */ Object.freeze({
  maxAttempts: 4,
  baseDelayMs: 1000,
  maxDelayMs: 15_000,
});

/**
 * 5 attempts, 2 s base, 30 s cap. For batch work that can wait.
 *
 * @example
 * ```ts
 * import { BigQueryExecutor, retry, retryPatient } from 'gcp-pipeline-resilience';
 * const executor = new BigQueryExecutor({ projectId: 'nba-props-platform' });
 * const rows = [{ game_id: 'g1', points: 31 }];
 * await retry(() => executor.loadRows('nba_analytics.player_game_summary', rows), retryPatient);
 * ```
 */
export const retryPatient: Readonly<RetryOptions> = /* @__PURE__ */ Object.freeze({
  maxAttempts: 5,
  baseDelayMs: 2000,
  maxDelayMs: 30_000,
});

/**
 * 7 attempts, 1 s base, 45 s cap. Pair it with a `budget` so an
 * outage does not multiply the load by seven.
 *
 * @example
 * ```ts
 * import { retry, retryAggressive, RetryBudget } from 'gcp-pipeline-resilience';
 * declare function getGames(): Promise<Response>; // must throw on a failed status: fetch resolves on a 503
 * const budget = new RetryBudget();
 * await retry(getGames, { ...retryAggressive, budget });
 * ```
 */
export const retryAggressive: Readonly<RetryOptions> = /* @__PURE__ */ Object.freeze({
  maxAttempts: 7,
  baseDelayMs: 1000,
  maxDelayMs: 45_000,
});

/**
 * For calls of the raw BigQuery client: 3 attempts, 1 s base, 15 s cap, transient errors only
 * (`isTransientError`: `ServiceUnavailable`, `DeadlineExceeded`, `rateLimitExceeded`, `backendError`,
 * resets and the like).
 *
 * @example
 * ```ts
 * import { BigQuery } from '@google-cloud/bigquery';
 * import { bigQueryRetry, retry } from 'gcp-pipeline-resilience';
 *
 * const bigquery = new BigQuery();
 * const [rows] = await retry(() => bigquery.query({ query: 'SELECT 1 AS x' }), bigQueryRetry);
 * ```
 */
export const bigQueryRetry: Readonly<RetryOptions> = /* @__PURE__ */ Object.freeze({
  maxAttempts: 3,
  baseDelayMs: 1000,
  maxDelayMs: 15_000,
  retryOn: isTransientError,
});

/**
 * HTTP retry for scrapers: 4 attempts, `1 s * 2^(n-1) * uniform(0.5, 1.5)`
 * capped at 30 s (`'proportional'` jitter), 180 s per attempt,
 * transient errors only: network failures, timeouts, 408, 429 and 5xx, never another 4xx.
 * `resilientFetch` starts from these; use it with `retry` for a scraper that is not plain `fetch`.
 *
 * @example
 * ```ts
 * import { CircuitBreaker, retry, scraperRetry } from 'gcp-pipeline-resilience';
 * declare function scrapeBoxscores(date: string, signal: AbortSignal): Promise<object[]>;
 *
 * const breaker = new CircuitBreaker();
 * const page = await retry(({ signal }) => scrapeBoxscores('2026-11-28', signal), { ...scraperRetry, breaker });
 * ```
 */
export const scraperRetry: Readonly<RetryOptions> = /* @__PURE__ */ Object.freeze({
  maxAttempts: 4,
  baseDelayMs: 1000,
  maxDelayMs: 30_000,
  jitter: 'proportional',
  attemptTimeoutMs: 180_000,
  retryOn: isTransientError,
});
