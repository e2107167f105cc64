import { brandError } from './brand.js';
import { GoogleApiError, type GoogleApiErrorDetails } from './google-api-error.js';

// Each class fills in its own code, status and retry default; explicit details always win.
function withDefaults(
  details: GoogleApiErrorDetails,
  code: string,
  httpStatus: number,
  transient: boolean,
): GoogleApiErrorDetails {
  return {
    ...details,
    code: details.code ?? code,
    httpStatus: details.httpStatus ?? httpStatus,
    transient: details.transient ?? transient,
  };
}

/**
 * HTTP 400, or gRPC INVALID_ARGUMENT / FAILED_PRECONDITION / OUT_OF_RANGE: the request is wrong and will fail again as sent.
 *
 * Code `'BAD_REQUEST'`, `httpStatus` 400, transient by default: false.
 *
 * @example
 * ```ts
 * import { BadRequestError } from 'gcp-pipeline-resilience';
 *
 * const err = new BadRequestError('Query is invalid', { reasons: ['invalidQuery'] });
 * err.code; // 'BAD_REQUEST'
 * ```
 */
export class BadRequestError extends GoogleApiError {
  static {
    brandError(BadRequestError, 'BadRequestError');
  }

  constructor(message: string, details: GoogleApiErrorDetails = {}) {
    super(message, withDefaults(details, 'BAD_REQUEST', 400, false));
  }
}

/**
 * HTTP 401, or gRPC UNAUTHENTICATED: the credentials are missing, expired or invalid.
 *
 * Code `'UNAUTHORIZED'`, `httpStatus` 401, transient by default: false.
 *
 * @example
 * ```ts
 * import { UnauthorizedError } from 'gcp-pipeline-resilience';
 *
 * const err = new UnauthorizedError('Request had invalid authentication credentials');
 * err.code; // 'UNAUTHORIZED'
 * ```
 */
export class UnauthorizedError extends GoogleApiError {
  static {
    brandError(UnauthorizedError, 'UnauthorizedError');
  }

  constructor(message: string, details: GoogleApiErrorDetails = {}) {
    super(message, withDefaults(details, 'UNAUTHORIZED', 401, false));
  }
}

/**
 * HTTP 403, or gRPC PERMISSION_DENIED. BigQuery also answers 403 for quota and rate limits: a 403 with reason `rateLimitExceeded` is a `ForbiddenError` with `transient: true`.
 *
 * Code `'FORBIDDEN'`, `httpStatus` 403, transient by default: false.
 *
 * @example
 * ```ts
 * import { ForbiddenError } from 'gcp-pipeline-resilience';
 *
 * const err = new ForbiddenError('Exceeded rate limits', { reasons: ['rateLimitExceeded'], transient: true });
 * err.code; // 'FORBIDDEN'
 * ```
 */
export class ForbiddenError extends GoogleApiError {
  static {
    brandError(ForbiddenError, 'ForbiddenError');
  }

  constructor(message: string, details: GoogleApiErrorDetails = {}) {
    super(message, withDefaults(details, 'FORBIDDEN', 403, false));
  }
}

/**
 * HTTP 404, or gRPC NOT_FOUND: the table, dataset, topic or job does not exist (or is in another location).
 *
 * Code `'NOT_FOUND'`, `httpStatus` 404, transient by default: false.
 *
 * @example
 * ```ts
 * import { NotFoundError } from 'gcp-pipeline-resilience';
 *
 * const err = new NotFoundError('Not found: Table my-project:raw.games');
 * err.code; // 'NOT_FOUND'
 * ```
 */
export class NotFoundError extends GoogleApiError {
  static {
    brandError(NotFoundError, 'NotFoundError');
  }

  constructor(message: string, details: GoogleApiErrorDetails = {}) {
    super(message, withDefaults(details, 'NOT_FOUND', 404, false));
  }
}

/**
 * HTTP 409, or gRPC ALREADY_EXISTS / ABORTED. ABORTED (a concurrency conflict) is transient; ALREADY_EXISTS is not.
 *
 * Code `'CONFLICT'`, `httpStatus` 409, transient by default: false.
 *
 * @example
 * ```ts
 * import { ConflictError } from 'gcp-pipeline-resilience';
 *
 * const err = new ConflictError('Already Exists: Job my-project:US.job_123', { reasons: ['duplicate'] });
 * err.code; // 'CONFLICT'
 * ```
 */
export class ConflictError extends GoogleApiError {
  static {
    brandError(ConflictError, 'ConflictError');
  }

  constructor(message: string, details: GoogleApiErrorDetails = {}) {
    super(message, withDefaults(details, 'CONFLICT', 409, false));
  }
}

/**
 * HTTP 412: an `If-Match` / etag precondition did not hold.
 *
 * Code `'PRECONDITION_FAILED'`, `httpStatus` 412, transient by default: false.
 *
 * @example
 * ```ts
 * import { PreconditionFailedError } from 'gcp-pipeline-resilience';
 *
 * const err = new PreconditionFailedError('Precondition check failed');
 * err.code; // 'PRECONDITION_FAILED'
 * ```
 */
export class PreconditionFailedError extends GoogleApiError {
  static {
    brandError(PreconditionFailedError, 'PreconditionFailedError');
  }

  constructor(message: string, details: GoogleApiErrorDetails = {}) {
    super(message, withDefaults(details, 'PRECONDITION_FAILED', 412, false));
  }
}

/**
 * HTTP 429, or gRPC RESOURCE_EXHAUSTED: slow down and try again (honour `retryAfterMs`).
 *
 * Code `'TOO_MANY_REQUESTS'`, `httpStatus` 429, transient by default: true.
 *
 * @example
 * ```ts
 * import { TooManyRequestsError } from 'gcp-pipeline-resilience';
 *
 * const err = new TooManyRequestsError('Quota exceeded', { retryAfterMs: 2000 });
 * err.code; // 'TOO_MANY_REQUESTS'
 * ```
 */
export class TooManyRequestsError extends GoogleApiError {
  static {
    brandError(TooManyRequestsError, 'TooManyRequestsError');
  }

  constructor(message: string, details: GoogleApiErrorDetails = {}) {
    super(message, withDefaults(details, 'TOO_MANY_REQUESTS', 429, true));
  }
}

/**
 * HTTP 499, gRPC CANCELLED, or an aborted request (`AbortError`): the caller gave up, so retrying would override that decision.
 *
 * Code `'CANCELLED'`, `httpStatus` 499, transient by default: false.
 *
 * @example
 * ```ts
 * import { CancelledError } from 'gcp-pipeline-resilience';
 *
 * const err = new CancelledError('The operation was aborted by the caller');
 * err.code; // 'CANCELLED'
 * ```
 */
export class CancelledError extends GoogleApiError {
  static {
    brandError(CancelledError, 'CancelledError');
  }

  constructor(message: string, details: GoogleApiErrorDetails = {}) {
    super(message, withDefaults(details, 'CANCELLED', 499, false));
  }
}

/**
 * HTTP 500, or gRPC INTERNAL / UNKNOWN (transient) and DATA_LOSS (not transient).
 *
 * Code `'INTERNAL_SERVER_ERROR'`, `httpStatus` 500, transient by default: true.
 *
 * @example
 * ```ts
 * import { InternalServerError } from 'gcp-pipeline-resilience';
 *
 * const err = new InternalServerError('An internal error occurred', { reasons: ['internalError'] });
 * err.code; // 'INTERNAL_SERVER_ERROR'
 * ```
 */
export class InternalServerError extends GoogleApiError {
  static {
    brandError(InternalServerError, 'InternalServerError');
  }

  constructor(message: string, details: GoogleApiErrorDetails = {}) {
    super(message, withDefaults(details, 'INTERNAL_SERVER_ERROR', 500, true));
  }
}

/**
 * HTTP 501, or gRPC UNIMPLEMENTED: the method or feature does not exist on this endpoint.
 *
 * Code `'NOT_IMPLEMENTED'`, `httpStatus` 501, transient by default: false.
 *
 * @example
 * ```ts
 * import { NotImplementedError } from 'gcp-pipeline-resilience';
 *
 * const err = new NotImplementedError('Method not implemented');
 * err.code; // 'NOT_IMPLEMENTED'
 * ```
 */
export class NotImplementedError extends GoogleApiError {
  static {
    brandError(NotImplementedError, 'NotImplementedError');
  }

  constructor(message: string, details: GoogleApiErrorDetails = {}) {
    super(message, withDefaults(details, 'NOT_IMPLEMENTED', 501, false));
  }
}

/**
 * HTTP 502: a proxy in front of the service failed; try again.
 *
 * Code `'BAD_GATEWAY'`, `httpStatus` 502, transient by default: true.
 *
 * @example
 * ```ts
 * import { BadGatewayError } from 'gcp-pipeline-resilience';
 *
 * const err = new BadGatewayError('Bad Gateway');
 * err.code; // 'BAD_GATEWAY'
 * ```
 */
export class BadGatewayError extends GoogleApiError {
  static {
    brandError(BadGatewayError, 'BadGatewayError');
  }

  constructor(message: string, details: GoogleApiErrorDetails = {}) {
    super(message, withDefaults(details, 'BAD_GATEWAY', 502, true));
  }
}

/**
 * HTTP 503, or gRPC UNAVAILABLE (including transport failures reported by grpc-js, such as `14 UNAVAILABLE: read ECONNRESET`).
 *
 * Code `'SERVICE_UNAVAILABLE'`, `httpStatus` 503, transient by default: true.
 *
 * @example
 * ```ts
 * import { ServiceUnavailableError } from 'gcp-pipeline-resilience';
 *
 * const err = new ServiceUnavailableError('The service is currently unavailable', { grpcCode: 14 });
 * err.code; // 'SERVICE_UNAVAILABLE'
 * ```
 */
export class ServiceUnavailableError extends GoogleApiError {
  static {
    brandError(ServiceUnavailableError, 'ServiceUnavailableError');
  }

  constructor(message: string, details: GoogleApiErrorDetails = {}) {
    super(message, withDefaults(details, 'SERVICE_UNAVAILABLE', 503, true));
  }
}

/**
 * HTTP 504: the service did not answer in time; try again.
 *
 * Code `'GATEWAY_TIMEOUT'`, `httpStatus` 504, transient by default: true.
 *
 * @example
 * ```ts
 * import { GatewayTimeoutError } from 'gcp-pipeline-resilience';
 *
 * const err = new GatewayTimeoutError('Gateway Timeout');
 * err.code; // 'GATEWAY_TIMEOUT'
 * ```
 */
export class GatewayTimeoutError extends GoogleApiError {
  static {
    brandError(GatewayTimeoutError, 'GatewayTimeoutError');
  }

  constructor(message: string, details: GoogleApiErrorDetails = {}) {
    super(message, withDefaults(details, 'GATEWAY_TIMEOUT', 504, true));
  }
}

/**
 * gRPC DEADLINE_EXCEEDED: the call's deadline passed before the service answered.
 *
 * Code `'DEADLINE_EXCEEDED'`, `httpStatus` 504, transient by default: true.
 *
 * @example
 * ```ts
 * import { DeadlineExceededError } from 'gcp-pipeline-resilience';
 *
 * const err = new DeadlineExceededError('Deadline exceeded', { grpcCode: 4 });
 * err.code; // 'DEADLINE_EXCEEDED'
 * ```
 */
export class DeadlineExceededError extends GatewayTimeoutError {
  static {
    brandError(DeadlineExceededError, 'DeadlineExceededError');
  }

  constructor(message: string, details: GoogleApiErrorDetails = {}) {
    super(message, withDefaults(details, 'DEADLINE_EXCEEDED', 504, true));
  }
}

/**
 * BigQuery HTTP 400 "UPDATE or DELETE statement ... would affect rows in the streaming buffer": rows streamed in the last minutes (up to 90) cannot be modified yet. Not retried automatically: wait for the buffer to flush, or filter the statement to older rows.
 *
 * Code `'STREAMING_BUFFER'`, `httpStatus` 400, transient by default: false.
 *
 * @example
 * ```ts
 * import { StreamingBufferError } from 'gcp-pipeline-resilience';
 *
 * const err = new StreamingBufferError('UPDATE would affect rows in the streaming buffer');
 * err.code; // 'STREAMING_BUFFER'
 * ```
 */
export class StreamingBufferError extends BadRequestError {
  static {
    brandError(StreamingBufferError, 'StreamingBufferError');
  }

  constructor(message: string, details: GoogleApiErrorDetails = {}) {
    super(message, withDefaults(details, 'STREAMING_BUFFER', 400, false));
  }
}
