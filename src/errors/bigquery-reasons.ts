/**
 * What a BigQuery `errors[].reason` says about retrying. Reasons decide before the HTTP status: BigQuery
 * answers 403 for both `rateLimitExceeded` (retry after seconds) and `quotaExceeded` (do not).
 */
export interface ReasonRule {
  /** Whether the same request may succeed later. */
  transient: boolean;
  /** The job failed inside BigQuery and must be retried as a new job (new job id). */
  requiresNewJobId?: boolean;
  /** The HTTP status this reason stands for when the error carries none (a failed job's `errorResult`). */
  httpStatus: number;
}

// Sources: python-bigquery retry.py (_RETRYABLE_REASONS, job_retry_reasons) and job/base.py
// (_ERROR_REASON_TO_EXCEPTION, unknown reasons -> 500), and the BigQuery error-messages page.
// Differences from _ERROR_REASON_TO_EXCEPTION: userRateLimitExceeded (429, like rateLimitExceeded) and
// bytesBilledLimitExceeded (400) are added; the job* reasons keep python's 500 fallback.
const RULES: Readonly<Record<string, ReasonRule>> = {
  rateLimitExceeded: { transient: true, httpStatus: 429 },
  userRateLimitExceeded: { transient: true, httpStatus: 429 },
  backendError: { transient: true, httpStatus: 500 },
  internalError: { transient: true, httpStatus: 500 },
  badGateway: { transient: true, httpStatus: 502 },
  tableUnavailable: { transient: true, httpStatus: 400 },
  jobBackendError: { transient: true, requiresNewJobId: true, httpStatus: 500 },
  jobInternalError: { transient: true, requiresNewJobId: true, httpStatus: 500 },
  jobRateLimitExceeded: { transient: true, requiresNewJobId: true, httpStatus: 500 },
  quotaExceeded: { transient: false, httpStatus: 403 },
  invalid: { transient: false, httpStatus: 400 },
  invalidQuery: { transient: false, httpStatus: 400 },
  notFound: { transient: false, httpStatus: 404 },
  accessDenied: { transient: false, httpStatus: 403 },
  duplicate: { transient: false, httpStatus: 409 },
  resourcesExceeded: { transient: false, httpStatus: 400 },
  responseTooLarge: { transient: false, httpStatus: 403 },
  billingNotEnabled: { transient: false, httpStatus: 403 },
  bytesBilledLimitExceeded: { transient: false, httpStatus: 400 },
  billingTierLimitExceeded: { transient: false, httpStatus: 400 },
  blocked: { transient: false, httpStatus: 403 },
  policyViolation: { transient: false, httpStatus: 403 },
  resourceInUse: { transient: false, httpStatus: 400 },
  notImplemented: { transient: false, httpStatus: 501 },
  invalidUser: { transient: false, httpStatus: 400 },
  // A cancelled job (or, in insertAll, a row held back by other rows' errors); 499 = CANCELLED.
  stopped: { transient: false, httpStatus: 499 },
};

/** The rule for a BigQuery reason, or `undefined` for reasons that do not decide (e.g. `badRequest`). */
export function reasonRule(reason: string): ReasonRule | undefined {
  return Object.hasOwn(RULES, reason) ? RULES[reason] : undefined;
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

/** Per-row reasons of insertAll after which resending the same row may succeed. */
export function isTransientRowReason(reason: string | undefined): boolean {
  if (reason === 'stopped') return true;
  return reason !== undefined && reasonRule(reason)?.transient === true;
}
