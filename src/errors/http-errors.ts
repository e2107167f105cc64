import { brandClass } from './brand.js';
import { GoogleApiError, type GoogleApiErrorDetails } from './google-api-error.js';
import { classFacts } from './status-table.js';

// Each class fills in its status and that status's code and retry default from the status table;
// explicit details always win.
function withDefaults(
  details: GoogleApiErrorDetails,
  httpStatus: number,
  code: string = classFacts(httpStatus).code,
): GoogleApiErrorDetails {
  return {
    ...details,
    code: details.code ?? code,
    httpStatus: details.httpStatus ?? httpStatus,
    transient: details.transient ?? classFacts(httpStatus).transient,
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
  protected static override readonly brand: symbol = /* @__PURE__ */ brandClass(
    BadRequestError,
    'BadRequestError',
  );

  /** The HTTP status this class stands for. */
  static readonly httpStatus: number = 400;

  constructor(message: string, details: GoogleApiErrorDetails = {}) {
    super(message, withDefaults(details, BadRequestError.httpStatus));
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
  protected static override readonly brand: symbol = /* @__PURE__ */ brandClass(
    UnauthorizedError,
    'UnauthorizedError',
  );

  /** The HTTP status this class stands for. */
  static readonly httpStatus: number = 401;

  constructor(message: string, details: GoogleApiErrorDetails = {}) {
    super(message, withDefaults(details, UnauthorizedError.httpStatus));
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
  protected static override readonly brand: symbol = /* @__PURE__ */ brandClass(
    ForbiddenError,
    'ForbiddenError',
  );

  /** The HTTP status this class stands for. */
  static readonly httpStatus: number = 403;

  constructor(message: string, details: GoogleApiErrorDetails = {}) {
    super(message, withDefaults(details, ForbiddenError.httpStatus));
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
  protected static override readonly brand: symbol = /* @__PURE__ */ brandClass(
    NotFoundError,
    'NotFoundError',
  );

  /** The HTTP status this class stands for. */
  static readonly httpStatus: number = 404;

  constructor(message: string, details: GoogleApiErrorDetails = {}) {
    super(message, withDefaults(details, NotFoundError.httpStatus));
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
  protected static override readonly brand: symbol = /* @__PURE__ */ brandClass(
    ConflictError,
    'ConflictError',
  );

  /** The HTTP status this class stands for. */
  static readonly httpStatus: number = 409;

  constructor(message: string, details: GoogleApiErrorDetails = {}) {
    super(message, withDefaults(details, ConflictError.httpStatus));
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
  protected static override readonly brand: symbol = /* @__PURE__ */ brandClass(
    PreconditionFailedError,
    'PreconditionFailedError',
  );

  /** The HTTP status this class stands for. */
  static readonly httpStatus: number = 412;

  constructor(message: string, details: GoogleApiErrorDetails = {}) {
    super(message, withDefaults(details, PreconditionFailedError.httpStatus));
  }
}

/**
 * HTTP 429, or gRPC RESOURCE_EXHAUSTED: slow down and try again (honor `retryAfterMs`).
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
  protected static override readonly brand: symbol = /* @__PURE__ */ brandClass(
    TooManyRequestsError,
    'TooManyRequestsError',
  );

  /** The HTTP status this class stands for. */
  static readonly httpStatus: number = 429;

  constructor(message: string, details: GoogleApiErrorDetails = {}) {
    super(message, withDefaults(details, TooManyRequestsError.httpStatus));
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
  protected static override readonly brand: symbol = /* @__PURE__ */ brandClass(
    CancelledError,
    'CancelledError',
  );

  /** The HTTP status this class stands for. */
  static readonly httpStatus: number = 499;

  constructor(message: string, details: GoogleApiErrorDetails = {}) {
    super(message, withDefaults(details, CancelledError.httpStatus));
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
  protected static override readonly brand: symbol = /* @__PURE__ */ brandClass(
    InternalServerError,
    'InternalServerError',
  );

  /** The HTTP status this class stands for. */
  static readonly httpStatus: number = 500;

  constructor(message: string, details: GoogleApiErrorDetails = {}) {
    super(message, withDefaults(details, InternalServerError.httpStatus));
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
  protected static override readonly brand: symbol = /* @__PURE__ */ brandClass(
    NotImplementedError,
    'NotImplementedError',
  );

  /** The HTTP status this class stands for. */
  static readonly httpStatus: number = 501;

  constructor(message: string, details: GoogleApiErrorDetails = {}) {
    super(message, withDefaults(details, NotImplementedError.httpStatus));
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
  protected static override readonly brand: symbol = /* @__PURE__ */ brandClass(
    BadGatewayError,
    'BadGatewayError',
  );

  /** The HTTP status this class stands for. */
  static readonly httpStatus: number = 502;

  constructor(message: string, details: GoogleApiErrorDetails = {}) {
    super(message, withDefaults(details, BadGatewayError.httpStatus));
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
  protected static override readonly brand: symbol = /* @__PURE__ */ brandClass(
    ServiceUnavailableError,
    'ServiceUnavailableError',
  );

  /** The HTTP status this class stands for. */
  static readonly httpStatus: number = 503;

  constructor(message: string, details: GoogleApiErrorDetails = {}) {
    super(message, withDefaults(details, ServiceUnavailableError.httpStatus));
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
  protected static override readonly brand: symbol = /* @__PURE__ */ brandClass(
    GatewayTimeoutError,
    'GatewayTimeoutError',
  );

  /** The HTTP status this class stands for. */
  static readonly httpStatus: number = 504;

  constructor(message: string, details: GoogleApiErrorDetails = {}) {
    super(message, withDefaults(details, GatewayTimeoutError.httpStatus));
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
  protected static override readonly brand: symbol = /* @__PURE__ */ brandClass(
    DeadlineExceededError,
    'DeadlineExceededError',
  );

  constructor(message: string, details: GoogleApiErrorDetails = {}) {
    super(message, withDefaults(details, DeadlineExceededError.httpStatus, 'DEADLINE_EXCEEDED'));
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
  protected static override readonly brand: symbol = /* @__PURE__ */ brandClass(
    StreamingBufferError,
    'StreamingBufferError',
  );

  constructor(message: string, details: GoogleApiErrorDetails = {}) {
    super(message, withDefaults(details, StreamingBufferError.httpStatus, 'STREAMING_BUFFER'));
  }
}
