import { decidingReason } from './bigquery-wire.js';
import { GoogleApiError, type GoogleApiErrorDetails } from './google-api-error.js';
import {
  BadGatewayError,
  BadRequestError,
  CancelledError,
  ConflictError,
  DeadlineExceededError,
  ForbiddenError,
  GatewayTimeoutError,
  type GoogleApiErrorClass,
  InternalServerError,
  NotFoundError,
  NotImplementedError,
  PreconditionFailedError,
  ServiceUnavailableError,
  StreamingBufferError,
  TooManyRequestsError,
  UnauthorizedError,
} from './http-errors.js';
import type { PipelineError } from './pipeline-error.js';
import { isTransientStatus, statusFacts } from './status-table.js';

// The class of each status. DeadlineExceededError (a 504 chosen by gRPC code) and StreamingBufferError
// (a 400 chosen by message) are picked by their own rules below.
const CLASSES: readonly GoogleApiErrorClass[] = [
  BadRequestError,
  UnauthorizedError,
  ForbiddenError,
  NotFoundError,
  ConflictError,
  PreconditionFailedError,
  TooManyRequestsError,
  CancelledError,
  InternalServerError,
  NotImplementedError,
  BadGatewayError,
  ServiceUnavailableError,
  GatewayTimeoutError,
];

const STREAMING_BUFFER = /streaming buffer/i;
/**
 * BigQuery's 400 `invalidQuery` for a mutating statement aborted by a concurrent one on the same
 * table: it changed nothing, and Google's advice is to run it again, as a new job.
 */
const CONCURRENT_UPDATE = /serialize access to table .* concurrent update/i;

/**
 * Builds the class that matches an HTTP status. Statuses without a class get the base class with a code
 * that still says what happened: 408 is `REQUEST_TIMEOUT` and transient (the request never reached a
 * verdict, and @google-cloud/common retries it too); other 4xx are `CLIENT_ERROR`, other 5xx
 * `SERVER_ERROR` and transient (BigQuery: "any unlisted 5xx: retry the request later"). The first
 * of `details.reasons` that BigQuery gives a rule for sets `transient` and `requiresNewJobId`.
 */
export function apiErrorForStatus(
  httpStatus: number,
  message: string,
  details: GoogleApiErrorDetails,
  options: { deadline?: boolean; serviceMessage?: string } = {},
): GoogleApiError {
  // A BigQuery reason decides before the status or the gRPC code: a 403 `rateLimitExceeded` is transient.
  const decided = decidingReason(details.reasons ?? []);
  if (decided !== undefined) {
    details = {
      ...details,
      transient: decided.rule.transient,
      requiresNewJobId: decided.rule.requiresNewJobId,
    };
  }
  if (httpStatus === 400 && CONCURRENT_UPDATE.test(options.serviceMessage ?? message)) {
    details = { ...details, transient: true, requiresNewJobId: true };
  }
  if (options.deadline) return new DeadlineExceededError(message, details);
  if (httpStatus === 400 && STREAMING_BUFFER.test(options.serviceMessage ?? message)) {
    return new StreamingBufferError(message, { ...details, transient: false });
  }
  const Class = CLASSES.find((C) => C.httpStatus === httpStatus);
  if (Class) return new Class(message, details);
  if (httpStatus >= 400 && httpStatus < 600) {
    // A status without a class of its own: the table's code (e.g. REQUEST_TIMEOUT) or the generic one
    // of its range, and the table's retry decision.
    const code = statusFacts(httpStatus)?.code ?? (httpStatus < 500 ? 'CLIENT_ERROR' : 'SERVER_ERROR');
    return new GoogleApiError(message, {
      code,
      transient: isTransientStatus(httpStatus),
      ...stripUndefined(details),
    });
  }
  return new GoogleApiError(message, details);
}

function stripUndefined(details: GoogleApiErrorDetails): GoogleApiErrorDetails {
  return Object.fromEntries(Object.entries(details).filter(([, v]) => v !== undefined));
}

/**
 * A BigQuery error as the class its deciding reason stands for (the reason's status in
 * bigquery-wire's table), whichever status carried it: BigQuery answers a job that failed with
 * `backendError` with 500 or 503 from jobs.query, and reports it without a status in the job's own
 * `status`, so by status alone one failure would be two classes depending on the request that saw it.
 * `httpStatus` keeps the status the answer carried. gRPC errors (their code picks the class) and
 * errors without a deciding reason are returned as they are.
 *
 * @internal
 */
export function withReasonClass(error: PipelineError): PipelineError {
  // A streaming-buffer refusal is chosen by its message, not its reason: it stays what it is.
  if (!(error instanceof GoogleApiError) || error.grpcCode !== undefined || error.code === 'STREAMING_BUFFER')
    return error;
  const status = decidingReason(error.reasons)?.rule.httpStatus;
  // A 401 is a credential problem whatever reason comes with it (a ForbiddenError would send the
  // caller to grant roles); `stopped` (499) says a job was cancelled, not that this caller cancelled
  // it: a CancelledError would read "cancelled by the caller". Both keep the status's class.
  if (status === undefined || status === 499 || error.httpStatus === 401) return error;
  const Class = CLASSES.find((C) => C.httpStatus === status);
  if (Class === undefined || error.constructor === Class) return error;
  // Every field kept (`httpStatus`, reasons, `transient`, ...), but the code, which is the class's.
  const rebuilt = new Class(error.message, { ...error, code: undefined, cause: error.cause });
  // The frames are where the failure was seen, not this function's: the original's, under the new header.
  const frames = typeof error.stack === 'string' ? error.stack.indexOf('\n    at ') : -1;
  if (frames >= 0) rebuilt.stack = `${rebuilt.name}: ${rebuilt.message}${error.stack!.slice(frames)}`;
  return rebuilt;
}
