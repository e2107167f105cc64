import { brandClass } from './brand.js';
import { GoogleApiError, type GoogleApiErrorDetails } from './google-api-error.js';
import { classFacts } from './status-table.js';

/**
 * A per-status Google API error class: constructed as {@link GoogleApiError} is, with the HTTP status
 * it stands for. Its instances are `GoogleApiError`s (the type of `BadRequestError` is that of its
 * instances), and `instanceof` tells the classes apart.
 *
 * @example
 * ```ts
 * import { BadGatewayError, ServiceUnavailableError, toPipelineError, type GoogleApiErrorClass } from 'gcp-pipeline-resilience';
 * const outages: GoogleApiErrorClass[] = [BadGatewayError, ServiceUnavailableError];
 * const isOutage = (thrown: unknown) => outages.some((Class) => toPipelineError(thrown) instanceof Class);
 * console.log(outages.map((Class) => Class.httpStatus), isOutage(new Error('x'))); // [502, 503] false
 * ```
 */
export interface GoogleApiErrorClass {
  new (message: string, details?: GoogleApiErrorDetails): GoogleApiError;
  readonly prototype: GoogleApiError;
  /** The HTTP status this class stands for. */
  readonly httpStatus: number;
}

/**
 * Makes the error class of an HTTP status from its row of the status table: its name, `code` and
 * retry default; explicit details always win. `code` names a class that shares its parent's status
 * but not its code (`DeadlineExceededError` is a 504, `StreamingBufferError` a 400). One factory for
 * the 15 classes, so that each costs a line, not a class body, in every bundle that classifies errors.
 */
function googleErrorClass(
  name: string,
  httpStatus: number,
  Parent: new (message: string, details?: GoogleApiErrorDetails) => GoogleApiError = GoogleApiError,
  code?: string,
): GoogleApiErrorClass {
  const Class = class extends Parent {
    static readonly httpStatus: number = httpStatus;
    constructor(message: string, details: GoogleApiErrorDetails = {}) {
      const facts = classFacts(httpStatus);
      super(message, {
        ...details,
        code: details.code ?? code ?? facts.code,
        httpStatus: details.httpStatus ?? httpStatus,
        transient: details.transient ?? facts.transient,
      });
    }
  };
  // Names the class too (`Class.name`, `prototype.name`).
  brandClass(Class, name);
  return Class;
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
export const BadRequestError: GoogleApiErrorClass = /* @__PURE__ */ googleErrorClass('BadRequestError', 400);
export type BadRequestError = GoogleApiError;

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
export const UnauthorizedError: GoogleApiErrorClass = /* @__PURE__ */ googleErrorClass(
  'UnauthorizedError',
  401,
);
export type UnauthorizedError = GoogleApiError;

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
export const ForbiddenError: GoogleApiErrorClass = /* @__PURE__ */ googleErrorClass('ForbiddenError', 403);
export type ForbiddenError = GoogleApiError;

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
export const NotFoundError: GoogleApiErrorClass = /* @__PURE__ */ googleErrorClass('NotFoundError', 404);
export type NotFoundError = GoogleApiError;

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
export const ConflictError: GoogleApiErrorClass = /* @__PURE__ */ googleErrorClass('ConflictError', 409);
export type ConflictError = GoogleApiError;

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
export const PreconditionFailedError: GoogleApiErrorClass = /* @__PURE__ */ googleErrorClass(
  'PreconditionFailedError',
  412,
);
export type PreconditionFailedError = GoogleApiError;

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
export const TooManyRequestsError: GoogleApiErrorClass = /* @__PURE__ */ googleErrorClass(
  'TooManyRequestsError',
  429,
);
export type TooManyRequestsError = GoogleApiError;

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
export const CancelledError: GoogleApiErrorClass = /* @__PURE__ */ googleErrorClass('CancelledError', 499);
export type CancelledError = GoogleApiError;

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
export const InternalServerError: GoogleApiErrorClass = /* @__PURE__ */ googleErrorClass(
  'InternalServerError',
  500,
);
export type InternalServerError = GoogleApiError;

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
export const NotImplementedError: GoogleApiErrorClass = /* @__PURE__ */ googleErrorClass(
  'NotImplementedError',
  501,
);
export type NotImplementedError = GoogleApiError;

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
export const BadGatewayError: GoogleApiErrorClass = /* @__PURE__ */ googleErrorClass('BadGatewayError', 502);
export type BadGatewayError = GoogleApiError;

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
export const ServiceUnavailableError: GoogleApiErrorClass = /* @__PURE__ */ googleErrorClass(
  'ServiceUnavailableError',
  503,
);
export type ServiceUnavailableError = GoogleApiError;

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
export const GatewayTimeoutError: GoogleApiErrorClass = /* @__PURE__ */ googleErrorClass(
  'GatewayTimeoutError',
  504,
);
export type GatewayTimeoutError = GoogleApiError;

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
export const DeadlineExceededError: GoogleApiErrorClass = /* @__PURE__ */ googleErrorClass(
  'DeadlineExceededError',
  504,
  GatewayTimeoutError,
  'DEADLINE_EXCEEDED',
);
export type DeadlineExceededError = GoogleApiError;

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
export const StreamingBufferError: GoogleApiErrorClass = /* @__PURE__ */ googleErrorClass(
  'StreamingBufferError',
  400,
  BadRequestError,
  'STREAMING_BUFFER',
);
export type StreamingBufferError = GoogleApiError;
