/**
 * BigQuery's wire facts, in one place for the error taxonomy (`toPipelineError`) and the executor
 * (`src/bigquery`): what each `errors[].reason` means for retrying, which insertAll row reasons may be
 * re-sent, where a `PartialFailureError` and a job's `status` keep their errors, and where an HTTP
 * status sits on whatever a client threw. Internal: the package exports the typed errors built from
 * these facts, not the parsers.
 * @module
 */
import type { ErrorDetail } from './google-api-error.js';
import { cleanMessage, removeSecrets } from './redact.js';
import { field, intField, isObj, listOf, type Obj, objField, strField } from './safe-read.js';

/**
 * What a BigQuery `errors[].reason` says about retrying. Reasons decide before the HTTP status: BigQuery
 * answers 403 for both `rateLimitExceeded` (retry after seconds) and `quotaExceeded` (do not).
 */
export interface ReasonRule {
  /** Whether the same request may succeed later. */
  transient: boolean;
  /** The job failed inside BigQuery and must be retried as a new job (new job id, new requestId). */
  requiresNewJobId?: boolean;
  /**
   * The HTTP status this reason stands for: the status of a failed job's `errorResult` (which carries
   * none), and, for the executor's errors, the status whose class the error gets whatever status
   * carried it (`withReasonClass`), so one failure is one class on every path; a 401 and `stopped`
   * (499) keep the class of the status that carried them.
   */
  httpStatus: number;
}

// Sources: python-bigquery retry.py (_RETRYABLE_REASONS, job_retry_reasons) and job/base.py
// (_ERROR_REASON_TO_EXCEPTION, unknown reasons -> 500), and the BigQuery error-messages page.
// Differences from _ERROR_REASON_TO_EXCEPTION: userRateLimitExceeded (429, like rateLimitExceeded) and
// bytesBilledLimitExceeded (400) are added; the job* reasons keep python's 500 fallback.
// Three groups, each reason with the HTTP status it stands for (kept flat: the table ships with
// every bundle that classifies errors).

/** Reasons after which the same request may succeed later. */
const TRANSIENT_REASONS: Readonly<Record<string, number>> = {
  rateLimitExceeded: 429,
  userRateLimitExceeded: 429,
  backendError: 500,
  internalError: 500,
  badGateway: 502,
  tableUnavailable: 400,
};

/** Reasons of a job that failed inside BigQuery: transient, but only as a new job (new job id). */
const NEW_JOB_REASONS: Readonly<Record<string, number>> = {
  jobBackendError: 500,
  jobInternalError: 500,
  jobRateLimitExceeded: 500,
};

/** Reasons after which the same request fails again. */
const PERMANENT_REASONS: Readonly<Record<string, number>> = {
  quotaExceeded: 403,
  invalid: 400,
  invalidQuery: 400,
  notFound: 404,
  accessDenied: 403,
  duplicate: 409,
  resourcesExceeded: 400,
  responseTooLarge: 403,
  billingNotEnabled: 403,
  bytesBilledLimitExceeded: 400,
  billingTierLimitExceeded: 400,
  blocked: 403,
  policyViolation: 403,
  resourceInUse: 400,
  notImplemented: 501,
  invalidUser: 400,
  // A cancelled job (or, in insertAll, a row held back by other rows' errors); 499 = CANCELLED.
  stopped: 499,
};

/** Each table with what its reasons share: a reason's rule is that, and the reason's status. */
const RULE_KINDS: ReadonlyArray<readonly [Readonly<Record<string, number>>, Omit<ReasonRule, 'httpStatus'>]> =
  [
    [TRANSIENT_REASONS, { transient: true }],
    [NEW_JOB_REASONS, { transient: true, requiresNewJobId: true }],
    [PERMANENT_REASONS, { transient: false }],
  ];

/** The rule for a BigQuery reason, or `undefined` for reasons that do not decide (e.g. `badRequest`). */
export function reasonRule(reason: string): ReasonRule | undefined {
  for (const [table, rule] of RULE_KINDS) {
    // Own keys only: 'constructor' or '__proto__' must not find Object.prototype's members.
    if (Object.hasOwn(table, reason)) return { ...rule, httpStatus: table[reason] as number };
  }
  return undefined;
}

/**
 * The first listed reason that has a rule. python-bigquery looks only at `errors[0]`; skipping reasons
 * without a rule gives the same answer for every BigQuery body seen in practice and still finds the
 * deciding reason when a generic one (`badRequest`, a gRPC `ErrorInfo` reason) comes first.
 */
export function decidingReason(reasons: readonly string[]): { reason: string; rule: ReasonRule } | undefined {
  for (const reason of reasons) {
    const rule = reasonRule(reason);
    if (rule) return { reason, rule };
  }
  return undefined;
}

/**
 * Per-row reasons of insertAll after which re-sending the same row may succeed: `stopped` ("not
 * inserted because of other rows' errors"; BigQuery: "can be re-sent as-is") and every transient
 * reason of the table above.
 */
export function isTransientRowReason(reason: string | undefined): boolean {
  if (reason === 'stopped') return true;
  return reason !== undefined && reasonRule(reason)?.transient === true;
}

/** A refused row is worth re-sending only when every reason BigQuery gave for it is transient. */
export function isTransientRowFailure(reasons: readonly ErrorDetail[]): boolean {
  return reasons.length > 0 && reasons.every((r) => isTransientRowReason(r.reason));
}

/** A list of BigQuery `ErrorProto`s (`{ reason, message, location, domain }`) as error details. */
export function errorDetailsOf(value: unknown): ErrorDetail[] {
  return (listOf(value) ?? []).filter(isObj).map((e) => {
    const detail: ErrorDetail = { message: cleanMessage(strField(e, 'message') ?? '') };
    const reason = strField(e, 'reason');
    const location = strField(e, 'location');
    const domain = strField(e, 'domain');
    // Credentials removed, kept whole otherwise: the rules match it against fixed words. The same
    // for the location, which names the parameter a service refused and may quote its value.
    if (reason) detail.reason = removeSecrets(reason);
    if (location) detail.location = removeSecrets(location);
    if (domain) detail.domain = removeSecrets(domain);
    return detail;
  });
}

/** One entry of an insertAll answer's `insertErrors`: the row's position in the request and why. */
export interface InsertErrorEntry {
  /** The row's position in the request (`undefined` when BigQuery left it out). */
  index: number | undefined;
  reasons: ErrorDetail[];
}

/** The `insertErrors` of an insertAll answer body (`[]` when every row was accepted). */
export function insertErrorsOfResponse(body: unknown): InsertErrorEntry[] {
  return (listOf(field(body, 'insertErrors')) ?? []).map((entry) => ({
    index: intField(entry, 'index'),
    reasons: errorDetailsOf(field(entry, 'errors')),
  }));
}

/**
 * The `insertErrors` behind a @google-cloud/common `PartialFailureError` (what `table.insert` throws
 * when an answer lists refused rows), or `undefined` for anything else.
 */
export function insertErrorsOf(err: unknown): InsertErrorEntry[] | undefined {
  if (!isObj(err) || field(err, 'name') !== 'PartialFailureError') return undefined;
  const response = objField(err, 'response');
  return listOf(field(response, 'insertErrors')) === undefined ? undefined : insertErrorsOfResponse(response);
}

/**
 * What a job's `status` says went wrong: `errorResult` (the final error: present only when the job
 * failed) first, then the `errors` seen while it ran, without repeats. A thrown client error built from
 * a status (`new ApiError(job.status)`, no HTTP code) carries the same lists on itself.
 */
export function jobStatusDetails(o: Obj): ErrorDetail[] {
  const status = objField(o, 'status') ?? o;
  const errorResult = objField(status, 'errorResult');
  const listed = errorDetailsOf(listOf(field(o, 'errors')) ?? field(status, 'errors'));
  if (errorResult === undefined) return listed;
  const seen = new Set<string>();
  return [...errorDetailsOf([errorResult]), ...listed].filter((d) => {
    const key = `${d.reason}\u0000${d.message}\u0000${d.location}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Whether a BigQuery job resource (or its `status`) says the job finished with an error. */
export function jobFailed(resource: unknown): boolean {
  return objField(objField(resource, 'status'), 'errorResult') !== undefined;
}

const httpStatus = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isInteger(value) && value >= 100 && value < 600 ? value : undefined;

/**
 * The HTTP status of a thrown client error, wherever the client put it: the response's `statusCode`
 * or `status` (@google-cloud/common, gaxios, fetch), else the error's own `statusCode`, `status` or
 * numeric `code`. `undefined` when there is none (a network error, a failed job's status).
 */
export function httpStatusOf(err: unknown): number | undefined {
  const response = objField(err, 'response');
  return (
    httpStatus(field(response, 'statusCode')) ??
    httpStatus(field(response, 'status')) ??
    httpStatus(field(err, 'statusCode')) ??
    httpStatus(field(err, 'status')) ??
    httpStatus(field(err, 'code'))
  );
}
