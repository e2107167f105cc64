/**
 * Fault plans for the BigQuery stand-in: rules that match requests and make them fail, hang, lose
 * their answer or come back slowly.
 */
import { checkOptions, OPTION_ALIASES, type OptionSpec } from '../../shared/check-options.js';
import {
  COUNTED_RULE_SPEC,
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

const RULE_SPEC: OptionSpec = {
  ...COUNTED_RULE_SPEC,
  method: 'string',
  path: 'any',
  sql: 'any',
  error: 'object',
  reset: ['boolean', 'string'],
  delayMs: 'number',
  hang: 'boolean',
  jobError: 'object',
  insertErrors: 'object',
  pendingPolls: 'number',
};

const WHERE = 'BigQuery fault rule';

function nonEmptyString(field: string, value: unknown): void {
  if (typeof value !== 'string' || value === '') {
    throw new TypeError(`Fault '${field}' must be a non-empty string, got ${JSON.stringify(value)}`);
  }
}

function count(field: string, value: unknown): void {
  if (!(typeof value === 'number' && Number.isInteger(value) && value >= 0)) {
    throw new TypeError(`Fault '${field}' must be an integer >= 0, got ${String(value)}`);
  }
}

/**
 * Checks a rule's fields and action. A misspelt `times` made a one-off failure permanent; a `sql`
 * string failed every request with a 500; `hang: false` hung; `reset: 'before'` did nothing.
 */
/** What matching calls: a RegExp, or any object with a `test(text)` method (a custom matcher). */
function isMatcher(value: unknown): boolean {
  return typeof (value as { test?: unknown } | null)?.test === 'function';
}

function checkRule(rule: BigQueryFaultRule): void {
  checkOptions(WHERE, rule, RULE_SPEC, OPTION_ALIASES);
  if (rule.path !== undefined && typeof rule.path !== 'string' && !isMatcher(rule.path)) {
    throw new TypeError(
      `Fault 'path' must be a string, a RegExp or an object with a test method, got ${JSON.stringify(rule.path)}`,
    );
  }
  if (rule.sql !== undefined && !isMatcher(rule.sql)) {
    throw new TypeError(
      `Fault 'sql' must be a RegExp or an object with a test method, got ${JSON.stringify(rule.sql)}`,
    );
  }
  if ('error' in rule) {
    const e = rule.error;
    checkOptions(
      `${WHERE} error`,
      e,
      { status: 'number', reason: 'string', message: 'string', retryAfterSeconds: 'number' },
      OPTION_ALIASES,
    );
    if (!(Number.isInteger(e.status) && e.status >= 400 && e.status <= 599)) {
      throw new TypeError(
        `Fault 'error.status' must be an HTTP status (400-599), got ${JSON.stringify(e.status)}`,
      );
    }
    nonEmptyString('error.reason', e.reason);
    if (e.retryAfterSeconds !== undefined) count('error.retryAfterSeconds', e.retryAfterSeconds);
  }
  if ('reset' in rule && rule.reset !== true && rule.reset !== 'after') {
    throw new TypeError(`Fault 'reset' must be true or 'after', got ${JSON.stringify(rule.reset)}`);
  }
  if ('delayMs' in rule && !(Number.isFinite(rule.delayMs) && rule.delayMs >= 0)) {
    throw new TypeError(`Fault 'delayMs' must be a finite number >= 0, got ${rule.delayMs}`);
  }
  if ('hang' in rule && rule.hang !== true) {
    throw new TypeError(`Fault 'hang' must be true, got ${JSON.stringify(rule.hang)}`);
  }
  if ('pendingPolls' in rule) count('pendingPolls', rule.pendingPolls);
  if ('jobError' in rule) {
    const j = rule.jobError;
    checkOptions(
      `${WHERE} jobError`,
      j,
      { reason: 'string', message: 'string', status: 'number', afterPolls: 'number' },
      OPTION_ALIASES,
    );
    nonEmptyString('jobError.reason', j.reason);
    if (j.status !== undefined && !(Number.isInteger(j.status) && j.status >= 400 && j.status <= 599)) {
      throw new TypeError(`Fault 'jobError.status' must be an HTTP status (400-599), got ${j.status}`);
    }
    if (j.afterPolls !== undefined) count('jobError.afterPolls', j.afterPolls);
  }
  if ('insertErrors' in rule) {
    const i = rule.insertErrors;
    checkOptions(`${WHERE} insertErrors`, i, { invalid: 'array', message: 'string' }, OPTION_ALIASES);
    if (!Array.isArray(i.invalid))
      throw new TypeError(`Fault 'insertErrors.invalid' must be an array of row indexes`);
    for (const index of i.invalid) count('insertErrors.invalid[]', index);
  }
}

/**
 * Creates a fault plan. `pick` finds the first rule that matches and is due to act, and counts it.
 *
 * @internal
 */
export function createFaultPlan(): PickingFaultPlan<BigQueryFaultRule, FaultCandidate> {
  return createFaultPlanOf<BigQueryFaultRule, FaultCandidate>({
    actions: ['error', 'reset', 'delayMs', 'hang', 'jobError', 'insertErrors', 'pendingPolls'],
    validate: checkRule,
    matches(rule, c) {
      if (!requestMatches(rule, c.method, c.path)) return false;
      if (rule.sql && (c.sql === undefined || !rule.sql.test(c.sql))) return false;
      if (('jobError' in rule || 'pendingPolls' in rule) && c.kind !== 'jobCreate') return false;
      if ('insertErrors' in rule && c.kind !== 'insertAll') return false;
      return true;
    },
  });
}
