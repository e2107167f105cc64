import { brandError } from './brand.js';
import { HttpError, type HttpErrorDetails } from './http-error.js';

// One class per status a scraper meets often enough to catch by name; every other status is an
// HttpError with a generic code (docs/decisions/http.md).

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
  static {
    brandError(HttpBadRequestError, 'HttpBadRequestError');
  }

  constructor(message: string, details: HttpErrorDetails = {}) {
    super(message, { statusText: 'Bad Request', ...details, status: 400, code: 'BAD_REQUEST' });
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
  static {
    brandError(HttpUnauthorizedError, 'HttpUnauthorizedError');
  }

  constructor(message: string, details: HttpErrorDetails = {}) {
    super(message, { statusText: 'Unauthorized', ...details, status: 401, code: 'UNAUTHORIZED' });
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
  static {
    brandError(HttpForbiddenError, 'HttpForbiddenError');
  }

  constructor(message: string, details: HttpErrorDetails = {}) {
    super(message, { statusText: 'Forbidden', ...details, status: 403, code: 'FORBIDDEN' });
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
  static {
    brandError(HttpNotFoundError, 'HttpNotFoundError');
  }

  constructor(message: string, details: HttpErrorDetails = {}) {
    super(message, { statusText: 'Not Found', ...details, status: 404, code: 'NOT_FOUND' });
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
  static {
    brandError(HttpRequestTimeoutError, 'HttpRequestTimeoutError');
  }

  constructor(message: string, details: HttpErrorDetails = {}) {
    super(message, { statusText: 'Request Timeout', ...details, status: 408, code: 'REQUEST_TIMEOUT' });
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
  static {
    brandError(HttpConflictError, 'HttpConflictError');
  }

  constructor(message: string, details: HttpErrorDetails = {}) {
    super(message, { statusText: 'Conflict', ...details, status: 409, code: 'CONFLICT' });
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
  static {
    brandError(HttpGoneError, 'HttpGoneError');
  }

  constructor(message: string, details: HttpErrorDetails = {}) {
    super(message, { statusText: 'Gone', ...details, status: 410, code: 'GONE' });
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
  static {
    brandError(HttpTooManyRequestsError, 'HttpTooManyRequestsError');
  }

  constructor(message: string, details: HttpErrorDetails = {}) {
    super(message, { statusText: 'Too Many Requests', ...details, status: 429, code: 'TOO_MANY_REQUESTS' });
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
  static {
    brandError(HttpInternalServerError, 'HttpInternalServerError');
  }

  constructor(message: string, details: HttpErrorDetails = {}) {
    super(message, {
      statusText: 'Internal Server Error',
      ...details,
      status: 500,
      code: 'INTERNAL_SERVER_ERROR',
    });
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
  static {
    brandError(HttpBadGatewayError, 'HttpBadGatewayError');
  }

  constructor(message: string, details: HttpErrorDetails = {}) {
    super(message, { statusText: 'Bad Gateway', ...details, status: 502, code: 'BAD_GATEWAY' });
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
  static {
    brandError(HttpServiceUnavailableError, 'HttpServiceUnavailableError');
  }

  constructor(message: string, details: HttpErrorDetails = {}) {
    super(message, {
      statusText: 'Service Unavailable',
      ...details,
      status: 503,
      code: 'SERVICE_UNAVAILABLE',
    });
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
  static {
    brandError(HttpGatewayTimeoutError, 'HttpGatewayTimeoutError');
  }

  constructor(message: string, details: HttpErrorDetails = {}) {
    super(message, { statusText: 'Gateway Timeout', ...details, status: 504, code: 'GATEWAY_TIMEOUT' });
  }
}

type HttpErrorClass = new (message: string, details?: HttpErrorDetails) => HttpError;

/** @internal The class of each status that has one. */
export const HTTP_ERROR_CLASSES: ReadonlyMap<number, HttpErrorClass> = new Map<number, HttpErrorClass>([
  [400, HttpBadRequestError],
  [401, HttpUnauthorizedError],
  [403, HttpForbiddenError],
  [404, HttpNotFoundError],
  [408, HttpRequestTimeoutError],
  [409, HttpConflictError],
  [410, HttpGoneError],
  [429, HttpTooManyRequestsError],
  [500, HttpInternalServerError],
  [502, HttpBadGatewayError],
  [503, HttpServiceUnavailableError],
  [504, HttpGatewayTimeoutError],
]);
