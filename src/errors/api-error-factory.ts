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
