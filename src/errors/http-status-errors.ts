import { brandClass } from './brand.js';
import { HttpError, type HttpErrorDetails } from './http-error.js';
import { classFacts } from './status-table.js';

// One class per status a scraper meets often enough to catch by name; every other status is an
// HttpError with a generic code (docs/decisions/http.md).

/**
 * A per-status third-party HTTP error class: constructed with the details of {@link HttpError} but
 * not the status, which the class fixes. Its instances are `HttpError`s (the type of
 * `HttpNotFoundError` is that of its instances), and `instanceof` tells the classes apart.
 *
 * @example
 * ```ts
 * import { HttpGoneError, HttpNotFoundError, resilientFetch, type HttpStatusErrorClass } from 'gcp-pipeline-resilience';
 * const missing: HttpStatusErrorClass[] = [HttpNotFoundError, HttpGoneError];
 * const page = await resilientFetch('https://api.example.com/v1/games/42').catch((err: unknown) => {
 *   if (missing.some((Class) => err instanceof Class)) return undefined;
 *   throw err;
 * });
 * ```
 */
export interface HttpStatusErrorClass {
  new (message: string, details?: HttpErrorDetails): HttpError;
  readonly prototype: HttpError;
  /** The HTTP status this class stands for. */
  readonly status: number;
}

/**
 * Makes the error class of an HTTP status from its row of the status table: its name, reason phrase
 * and code. Explicit details win for the phrase (the server's own), never for the status. One
 * factory for the 12 classes, so that each costs a line, not a class body, in every bundle.
 */
function httpErrorClass(name: string, status: number): HttpStatusErrorClass {
  const Class = class extends HttpError {
    static readonly status: number = status;
    constructor(message: string, details: HttpErrorDetails = {}) {
      const facts = classFacts(status);
      super(message, { statusText: facts.text, ...details, status, code: facts.code });
    }
  };
  // Names the class too (`Class.name`, `prototype.name`).
  brandClass(Class, name);
  return Class;
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
export const HttpBadRequestError: HttpStatusErrorClass = /* @__PURE__ */ httpErrorClass(
  'HttpBadRequestError',
  400,
);
export type HttpBadRequestError = HttpError;

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
export const HttpUnauthorizedError: HttpStatusErrorClass = /* @__PURE__ */ httpErrorClass(
  'HttpUnauthorizedError',
  401,
);
export type HttpUnauthorizedError = HttpError;

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
export const HttpForbiddenError: HttpStatusErrorClass = /* @__PURE__ */ httpErrorClass(
  'HttpForbiddenError',
  403,
);
export type HttpForbiddenError = HttpError;

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
export const HttpNotFoundError: HttpStatusErrorClass = /* @__PURE__ */ httpErrorClass(
  'HttpNotFoundError',
  404,
);
export type HttpNotFoundError = HttpError;

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
export const HttpRequestTimeoutError: HttpStatusErrorClass = /* @__PURE__ */ httpErrorClass(
  'HttpRequestTimeoutError',
  408,
);
export type HttpRequestTimeoutError = HttpError;

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
export const HttpConflictError: HttpStatusErrorClass = /* @__PURE__ */ httpErrorClass(
  'HttpConflictError',
  409,
);
export type HttpConflictError = HttpError;

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
export const HttpGoneError: HttpStatusErrorClass = /* @__PURE__ */ httpErrorClass('HttpGoneError', 410);
export type HttpGoneError = HttpError;

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
export const HttpTooManyRequestsError: HttpStatusErrorClass = /* @__PURE__ */ httpErrorClass(
  'HttpTooManyRequestsError',
  429,
);
export type HttpTooManyRequestsError = HttpError;

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
export const HttpInternalServerError: HttpStatusErrorClass = /* @__PURE__ */ httpErrorClass(
  'HttpInternalServerError',
  500,
);
export type HttpInternalServerError = HttpError;

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
export const HttpBadGatewayError: HttpStatusErrorClass = /* @__PURE__ */ httpErrorClass(
  'HttpBadGatewayError',
  502,
);
export type HttpBadGatewayError = HttpError;

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
export const HttpServiceUnavailableError: HttpStatusErrorClass = /* @__PURE__ */ httpErrorClass(
  'HttpServiceUnavailableError',
  503,
);
export type HttpServiceUnavailableError = HttpError;

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
export const HttpGatewayTimeoutError: HttpStatusErrorClass = /* @__PURE__ */ httpErrorClass(
  'HttpGatewayTimeoutError',
  504,
);
export type HttpGatewayTimeoutError = HttpError;

const CLASSES: readonly HttpStatusErrorClass[] = [
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

/** @internal The class of `status`, when it has one of its own. */
export function httpErrorClassFor(status: number): HttpStatusErrorClass | undefined {
  return CLASSES.find((Class) => Class.status === status);
}
