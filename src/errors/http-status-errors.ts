import { brandClass } from './brand.js';
import { HttpError, type HttpErrorDetails, type HttpErrorOptions } from './http-error.js';
import { classFacts } from './status-table.js';

// One class per status a scraper meets often enough to catch by name; every other status is an
// HttpError with a generic code (docs/decisions/http.md).

// Each class takes its status's reason phrase and code from the status table; explicit details win
// for the phrase (the server's own), never for the status.
function forStatus(status: number, details: HttpErrorDetails): HttpErrorOptions {
  const facts = classFacts(status);
  return { statusText: facts.text, ...details, status, code: facts.code };
}

/**
 * HTTP 400 Bad Request from a third-party API: the API refused the request as malformed; fix the request, do not retry.
 *
 * Code `'BAD_REQUEST'`, `status` 400, transient by default: false.
 *
 * @example
 * ```ts
 * import { HttpBadRequestError } from 'gcp-pipeline-resilience';
 *
 * const err = new HttpBadRequestError('HTTP 400 Bad Request from GET https://api.example.com/v1/games', {
 *   url: 'https://api.example.com/v1/games',
 * });
 * err.code; // 'BAD_REQUEST'
 * ```
 */
export class HttpBadRequestError extends HttpError {
  protected static override readonly brand: symbol = /* @__PURE__ */ brandClass(
    HttpBadRequestError,
    'HttpBadRequestError',
  );

  /** The HTTP status this class stands for. */
  static readonly status: number = 400;

  constructor(message: string, details: HttpErrorDetails = {}) {
    super(message, forStatus(HttpBadRequestError.status, details));
  }
}

/**
 * HTTP 401 Unauthorized from a third-party API: missing or rejected credentials.
 *
 * Code `'UNAUTHORIZED'`, `status` 401, transient by default: false.
 *
 * @example
 * ```ts
 * import { HttpUnauthorizedError } from 'gcp-pipeline-resilience';
 *
 * const err = new HttpUnauthorizedError('HTTP 401 Unauthorized from GET https://api.example.com/v1/games', {
 *   url: 'https://api.example.com/v1/games',
 * });
 * err.code; // 'UNAUTHORIZED'
 * ```
 */
export class HttpUnauthorizedError extends HttpError {
  protected static override readonly brand: symbol = /* @__PURE__ */ brandClass(
    HttpUnauthorizedError,
    'HttpUnauthorizedError',
  );

  /** The HTTP status this class stands for. */
  static readonly status: number = 401;

  constructor(message: string, details: HttpErrorDetails = {}) {
    super(message, forStatus(HttpUnauthorizedError.status, details));
  }
}

/**
 * HTTP 403 Forbidden from a third-party API: the credentials may not do this. Transient only when the response says it is a rate limit (`X-RateLimit-Remaining: 0` with a reset time, as GitHub answers).
 *
 * Code `'FORBIDDEN'`, `status` 403, transient by default: false.
 *
 * @example
 * ```ts
 * import { HttpForbiddenError } from 'gcp-pipeline-resilience';
 *
 * const err = new HttpForbiddenError('HTTP 403 Forbidden from GET https://api.example.com/v1/games', {
 *   url: 'https://api.example.com/v1/games',
 * });
 * err.code; // 'FORBIDDEN'
 * ```
 */
export class HttpForbiddenError extends HttpError {
  protected static override readonly brand: symbol = /* @__PURE__ */ brandClass(
    HttpForbiddenError,
    'HttpForbiddenError',
  );

  /** The HTTP status this class stands for. */
  static readonly status: number = 403;

  constructor(message: string, details: HttpErrorDetails = {}) {
    super(message, forStatus(HttpForbiddenError.status, details));
  }
}

/**
 * HTTP 404 Not Found from a third-party API: no such page or resource.
 *
 * Code `'NOT_FOUND'`, `status` 404, transient by default: false.
 *
 * @example
 * ```ts
 * import { HttpNotFoundError } from 'gcp-pipeline-resilience';
 *
 * const err = new HttpNotFoundError('HTTP 404 Not Found from GET https://api.example.com/v1/games', {
 *   url: 'https://api.example.com/v1/games',
 * });
 * err.code; // 'NOT_FOUND'
 * ```
 */
export class HttpNotFoundError extends HttpError {
  protected static override readonly brand: symbol = /* @__PURE__ */ brandClass(
    HttpNotFoundError,
    'HttpNotFoundError',
  );

  /** The HTTP status this class stands for. */
  static readonly status: number = 404;

  constructor(message: string, details: HttpErrorDetails = {}) {
    super(message, forStatus(HttpNotFoundError.status, details));
  }
}

/**
 * HTTP 408 Request Timeout from a third-party API: the server gave up waiting for the request; try again.
 *
 * Code `'REQUEST_TIMEOUT'`, `status` 408, transient by default: true.
 *
 * @example
 * ```ts
 * import { HttpRequestTimeoutError } from 'gcp-pipeline-resilience';
 *
 * const err = new HttpRequestTimeoutError('HTTP 408 Request Timeout from GET https://api.example.com/v1/games', {
 *   url: 'https://api.example.com/v1/games',
 * });
 * err.code; // 'REQUEST_TIMEOUT'
 * ```
 */
export class HttpRequestTimeoutError extends HttpError {
  protected static override readonly brand: symbol = /* @__PURE__ */ brandClass(
    HttpRequestTimeoutError,
    'HttpRequestTimeoutError',
  );

  /** The HTTP status this class stands for. */
  static readonly status: number = 408;

  constructor(message: string, details: HttpErrorDetails = {}) {
    super(message, forStatus(HttpRequestTimeoutError.status, details));
  }
}

/**
 * HTTP 409 Conflict from a third-party API: the request conflicts with the current state of the resource.
 *
 * Code `'CONFLICT'`, `status` 409, transient by default: false.
 *
 * @example
 * ```ts
 * import { HttpConflictError } from 'gcp-pipeline-resilience';
 *
 * const err = new HttpConflictError('HTTP 409 Conflict from GET https://api.example.com/v1/games', {
 *   url: 'https://api.example.com/v1/games',
 * });
 * err.code; // 'CONFLICT'
 * ```
 */
export class HttpConflictError extends HttpError {
  protected static override readonly brand: symbol = /* @__PURE__ */ brandClass(
    HttpConflictError,
    'HttpConflictError',
  );

  /** The HTTP status this class stands for. */
  static readonly status: number = 409;

  constructor(message: string, details: HttpErrorDetails = {}) {
    super(message, forStatus(HttpConflictError.status, details));
  }
}

/**
 * HTTP 410 Gone from a third-party API: the resource was removed for good.
 *
 * Code `'GONE'`, `status` 410, transient by default: false.
 *
 * @example
 * ```ts
 * import { HttpGoneError } from 'gcp-pipeline-resilience';
 *
 * const err = new HttpGoneError('HTTP 410 Gone from GET https://api.example.com/v1/games', {
 *   url: 'https://api.example.com/v1/games',
 * });
 * err.code; // 'GONE'
 * ```
 */
export class HttpGoneError extends HttpError {
  protected static override readonly brand: symbol = /* @__PURE__ */ brandClass(
    HttpGoneError,
    'HttpGoneError',
  );

  /** The HTTP status this class stands for. */
  static readonly status: number = 410;

  constructor(message: string, details: HttpErrorDetails = {}) {
    super(message, forStatus(HttpGoneError.status, details));
  }
}

/**
 * HTTP 429 Too Many Requests from a third-party API: slow down; `retryAfterMs` says for how long when the API said so.
 *
 * Code `'TOO_MANY_REQUESTS'`, `status` 429, transient by default: true.
 *
 * @example
 * ```ts
 * import { HttpTooManyRequestsError } from 'gcp-pipeline-resilience';
 *
 * const err = new HttpTooManyRequestsError('HTTP 429 Too Many Requests from GET https://api.example.com/v1/games', {
 *   url: 'https://api.example.com/v1/games',
 *   retryAfterMs: 2000,
 * });
 * err.code; // 'TOO_MANY_REQUESTS'
 * ```
 */
export class HttpTooManyRequestsError extends HttpError {
  protected static override readonly brand: symbol = /* @__PURE__ */ brandClass(
    HttpTooManyRequestsError,
    'HttpTooManyRequestsError',
  );

  /** The HTTP status this class stands for. */
  static readonly status: number = 429;

  constructor(message: string, details: HttpErrorDetails = {}) {
    super(message, forStatus(HttpTooManyRequestsError.status, details));
  }
}

/**
 * HTTP 500 Internal Server Error from a third-party API: the API failed; try again.
 *
 * Code `'INTERNAL_SERVER_ERROR'`, `status` 500, transient by default: true.
 *
 * @example
 * ```ts
 * import { HttpInternalServerError } from 'gcp-pipeline-resilience';
 *
 * const err = new HttpInternalServerError('HTTP 500 Internal Server Error from GET https://api.example.com/v1/games', {
 *   url: 'https://api.example.com/v1/games',
 * });
 * err.code; // 'INTERNAL_SERVER_ERROR'
 * ```
 */
export class HttpInternalServerError extends HttpError {
  protected static override readonly brand: symbol = /* @__PURE__ */ brandClass(
    HttpInternalServerError,
    'HttpInternalServerError',
  );

  /** The HTTP status this class stands for. */
  static readonly status: number = 500;

  constructor(message: string, details: HttpErrorDetails = {}) {
    super(message, forStatus(HttpInternalServerError.status, details));
  }
}

/**
 * HTTP 502 Bad Gateway from a third-party API: a proxy in front of the API failed; try again.
 *
 * Code `'BAD_GATEWAY'`, `status` 502, transient by default: true.
 *
 * @example
 * ```ts
 * import { HttpBadGatewayError } from 'gcp-pipeline-resilience';
 *
 * const err = new HttpBadGatewayError('HTTP 502 Bad Gateway from GET https://api.example.com/v1/games', {
 *   url: 'https://api.example.com/v1/games',
 * });
 * err.code; // 'BAD_GATEWAY'
 * ```
 */
export class HttpBadGatewayError extends HttpError {
  protected static override readonly brand: symbol = /* @__PURE__ */ brandClass(
    HttpBadGatewayError,
    'HttpBadGatewayError',
  );

  /** The HTTP status this class stands for. */
  static readonly status: number = 502;

  constructor(message: string, details: HttpErrorDetails = {}) {
    super(message, forStatus(HttpBadGatewayError.status, details));
  }
}

/**
 * HTTP 503 Service Unavailable from a third-party API: the API is overloaded or down for maintenance; try again, after `retryAfterMs` when given.
 *
 * Code `'SERVICE_UNAVAILABLE'`, `status` 503, transient by default: true.
 *
 * @example
 * ```ts
 * import { HttpServiceUnavailableError } from 'gcp-pipeline-resilience';
 *
 * const err = new HttpServiceUnavailableError('HTTP 503 Service Unavailable from GET https://api.example.com/v1/games', {
 *   url: 'https://api.example.com/v1/games',
 *   retryAfterMs: 2000,
 * });
 * err.code; // 'SERVICE_UNAVAILABLE'
 * ```
 */
export class HttpServiceUnavailableError extends HttpError {
  protected static override readonly brand: symbol = /* @__PURE__ */ brandClass(
    HttpServiceUnavailableError,
    'HttpServiceUnavailableError',
  );

  /** The HTTP status this class stands for. */
  static readonly status: number = 503;

  constructor(message: string, details: HttpErrorDetails = {}) {
    super(message, forStatus(HttpServiceUnavailableError.status, details));
  }
}

/**
 * HTTP 504 Gateway Timeout from a third-party API: a proxy in front of the API timed out; try again.
 *
 * Code `'GATEWAY_TIMEOUT'`, `status` 504, transient by default: true.
 *
 * @example
 * ```ts
 * import { HttpGatewayTimeoutError } from 'gcp-pipeline-resilience';
 *
 * const err = new HttpGatewayTimeoutError('HTTP 504 Gateway Timeout from GET https://api.example.com/v1/games', {
 *   url: 'https://api.example.com/v1/games',
 * });
 * err.code; // 'GATEWAY_TIMEOUT'
 * ```
 */
export class HttpGatewayTimeoutError extends HttpError {
  protected static override readonly brand: symbol = /* @__PURE__ */ brandClass(
    HttpGatewayTimeoutError,
    'HttpGatewayTimeoutError',
  );

  /** The HTTP status this class stands for. */
  static readonly status: number = 504;

  constructor(message: string, details: HttpErrorDetails = {}) {
    super(message, forStatus(HttpGatewayTimeoutError.status, details));
  }
}

type HttpErrorClass = new (message: string, details?: HttpErrorDetails) => HttpError;

const CLASSES = [
  HttpBadRequestError,
  HttpUnauthorizedError,
  HttpForbiddenError,
  HttpNotFoundError,
  HttpRequestTimeoutError,
  HttpConflictError,
  HttpGoneError,
  HttpTooManyRequestsError,
  HttpInternalServerError,
  HttpBadGatewayError,
  HttpServiceUnavailableError,
  HttpGatewayTimeoutError,
];

let byStatus: ReadonlyMap<number, HttpErrorClass> | undefined;

/** @internal The class of `status`, when it has one of its own. Built on first use. */
export function httpErrorClassFor(status: number): HttpErrorClass | undefined {
  byStatus ??= new Map(CLASSES.map((Class) => [Class.status, Class]));
  return byStatus.get(status);
}
