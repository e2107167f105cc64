/**
 * Fault plans for the BigQuery stand-in: rules that match requests and make them fail, hang, lose
 * their answer or come back slowly.
 */
import {
  type CountedFaultRule,
  createFaultPlanOf,
  type FaultHandle,
  type FaultPlanOf,
  type PickingFaultPlan,
  type RequestMatch,
  requestMatches,
} from '../shared/fault-plan.js';
import { mulberry32 } from '../shared/prng.js';

/** Re-exported so existing imports of the PRNG from the fault plan keep working. */
export { mulberry32 };

/**
 * What a fault rule does (exactly one of these per rule).
 *
 * @example
 * ```ts
 * import { startBigQueryStandIn, type BigQueryFaultAction } from 'gcp-pipeline-resilience/testing';
 * const bigquery = await startBigQueryStandIn();
 * const backendError: BigQueryFaultAction = { error: { status: 503, reason: 'backendError' } };
 * bigquery.faults.add({ path: /\/insertAll$/, times: 2, ...backendError });
 * bigquery.faults.add({ path: /\/queries$/, times: 1, ...backendError });
 * ```
 */
export type BigQueryFaultAction =
  /** Answer with a Google error body (`Retry-After` when `retryAfterSeconds` is given); nothing is applied. */
  | { error: { status: number; reason: string; message?: string; retryAfterSeconds?: number } }
  /** `true`: destroy the connection before applying the request. `'after'`: apply it, then destroy the connection (the answer is lost). */
  | { reset: true | 'after' }
  /** Wait this long (real time), then answer normally. */
  | { delayMs: number }
  /** Never answer (the socket stays open until the client gives up or `close()`). */
  | { hang: true }
  /**
   * The job (jobs.query, jobs.insert, load upload) completes with this `status.errorResult`; nothing
   * is applied. jobs.query answers with the HTTP error of a failed job (status from the reason,
   * or `status`); jobs.insert answers 200 with the DONE job and its errorResult. With `afterPolls`
   * the job is created and reports RUNNING (`jobComplete: false`) for that many status reads first,
   * then fails: a job that fails after it was created.
   */
  | { jobError: { reason: string; message?: string; status?: number; afterPolls?: number } }
  /** insertAll answers 200 with `invalid` for these row indexes and `stopped` for all others; nothing is applied. */
  | { insertErrors: { invalid: number[]; message?: string } }
  /** The job reports `jobComplete: false` / state RUNNING for this many status reads before it is DONE. */
  | { pendingPolls: number };

/**
 * A fault rule: which requests it matches, how often it acts, and what it does.
 *
 * @example
 * ```ts
 * import { startBigQueryStandIn, type BigQueryFaultRule } from 'gcp-pipeline-resilience/testing';
 * const flakyInserts: BigQueryFaultRule = {
 *   method: 'POST',
 *   path: /\/insertAll$/,
 *   rate: 0.3,
 *   seed: 42,
 *   error: { status: 503, reason: 'backendError' },
 * };
 * const bigquery = await startBigQueryStandIn();
 * const handle = bigquery.faults.add(flakyInserts);
 * ```
 */
export type BigQueryFaultRule = CountedFaultRule &
  RequestMatch & {
    /** The SQL statement of the request (or of the job a job-scoped request names). */
    sql?: RegExp;
  } & BigQueryFaultAction;

/**
 * The handle `faults.add` returns.
 *
 * @example
 * ```ts
 * import { startBigQueryStandIn } from 'gcp-pipeline-resilience/testing';
 * const standIn = await startBigQueryStandIn();
 * const h = standIn.faults.add({ times: 1, error: { status: 503, reason: 'backendError' } });
 * h.hits; // how many requests it acted on so far
 * h.remove();
 * ```
 */
export type BigQueryFaultHandle = FaultHandle<BigQueryFaultRule>;

/**
 * The fault plan of a stand-in.
 *
 * @example
 * ```ts
 * import { startBigQueryStandIn } from 'gcp-pipeline-resilience/testing';
 * const standIn = await startBigQueryStandIn();
 * standIn.faults.add({ path: /\/queries$/, times: 2, error: { status: 500, reason: 'backendError' } });
 * standIn.faults.clear();
 * ```
 */
export type BigQueryFaultPlan = FaultPlanOf<BigQueryFaultRule>;

/**
 * What a request looks like to the matcher.
 *
 * @internal
 */
export interface FaultCandidate {
  method: string;
  path: string;
  sql?: string;
  kind: 'jobCreate' | 'insertAll' | 'other';
}

/**
 * Creates a fault plan. `pick` finds the first rule that matches and is due to act, and counts it.
 *
 * @internal
 */
export function createFaultPlan(): PickingFaultPlan<BigQueryFaultRule, FaultCandidate> {
  return createFaultPlanOf<BigQueryFaultRule, FaultCandidate>({
    actions: ['error', 'reset', 'delayMs', 'hang', 'jobError', 'insertErrors', 'pendingPolls'],
    matches(rule, c) {
      if (!requestMatches(rule, c.method, c.path)) return false;
      if (rule.sql && (c.sql === undefined || !rule.sql.test(c.sql))) return false;
      if (('jobError' in rule || 'pendingPolls' in rule) && c.kind !== 'jobCreate') return false;
      if ('insertErrors' in rule && c.kind !== 'insertAll') return false;
      return true;
    },
  });
}
