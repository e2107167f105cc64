import { brandClass } from './brand.js';
import { causeOf, PipelineError } from './pipeline-error.js';
import { isTransientStatus } from './status-table.js';

/**
 * What an {@link HttpError} carries besides its message. Never the request's headers: they hold the
 * caller's credentials.
 *
 * @example
 * ```ts
 * import { HttpServiceUnavailableError, type HttpErrorDetails } from 'gcp-pipeline-resilience';
 * // A fake scraper target in a test answers as resilientFetch would report a 503.
 * const unavailable = (url: string): HttpErrorDetails => ({ url, method: 'GET', retryAfterMs: 2000 });
 * const fakeFetch = async (): Promise<never> => {
 *   throw new HttpServiceUnavailableError('503 Service Unavailable', unavailable('https://api.example.com/v1/games'));
 * };
 * ```
 */
export interface HttpErrorDetails {
  /** The URL that answered, without its query string, fragment or user info. */
  url?: string;
  /** The request method, upper case. */
  method?: string;
  /** The reason phrase the server sent (or the standard one). */
  statusText?: string;
  /** How long the server asked the client to wait (`Retry-After`, `RateLimit-Reset`, ...), ms. */
  retryAfterMs?: number;
  /** The start of the response body, whitespace collapsed, credentials removed, at most a few hundred characters. */
  bodySnippet?: string;
  /** Overrides the class's default retry decision. */
  transient?: boolean;
  /** The value that was thrown, when there was one, kept as `cause`. */
  cause?: unknown;
}

/**
 * Everything {@link HttpError}'s own constructor takes: the details plus the status and code.
 *
 * @example
 * ```ts
 * import { HttpError, type HttpErrorOptions } from 'gcp-pipeline-resilience';
 * // A status with no class of its own is a plain HttpError.
 * const teapot = (url: string): HttpErrorOptions => ({ status: 418, code: 'CLIENT_ERROR', url });
 * const err = new HttpError("418 I'm a teapot", teapot('https://api.example.com/tea'));
 * err.transient; // false
 * ```
 */
export interface HttpErrorOptions extends HttpErrorDetails {
  /** The HTTP status of the response. */
  status: number;
  /** Defaults to the code of the status class: `'REDIRECTION'`, `'CLIENT_ERROR'` or `'SERVER_ERROR'`. */
  code?: string;
}

/**
 * Whether a response with this status is worth another attempt: 408, 429 and every 5xx except 501
 * (Not Implemented), 505 (HTTP Version Not Supported) and 511 (Network Authentication Required),
 * which no retry can change.
 *
 * @example
 * ```ts
 * import { isTransientHttpStatus } from 'gcp-pipeline-resilience';
 *
 * isTransientHttpStatus(503); // true
 * isTransientHttpStatus(404); // false
 * ```
 */
export function isTransientHttpStatus(status: number): boolean {
  return isTransientStatus(status);
}

function defaultCode(status: number): string {
  if (status >= 500) return 'SERVER_ERROR';
  if (status >= 400) return 'CLIENT_ERROR';
  return 'REDIRECTION';
}

/**
 * A third-party HTTP API answered with a status that is not 2xx. Usually one of its per-status
 * subclasses ({@link HttpTooManyRequestsError}, {@link HttpServiceUnavailableError}, ...); the base class
 * itself is used for the other statuses, with code `'CLIENT_ERROR'` (4xx), `'SERVER_ERROR'` (5xx) or
 * `'REDIRECTION'` (3xx with `redirect: 'manual'`).
 *
 * Transient by {@link isTransientHttpStatus} unless said otherwise. `resilientFetch` throws these;
 * `toPipelineError` turns a thrown `Response` into one. Google APIs get {@link GoogleApiError} instead,
 * which reads their structured reasons.
 *
 * @example
 * ```ts
 * import { HttpError, resilientFetch } from 'gcp-pipeline-resilience';
 *
 * try {
 *   await resilientFetch('https://api.example.com/v1/games');
 * } catch (err) {
 *   if (err instanceof HttpError && err.status === 404) console.log(`no page at ${err.url}`);
 *   else throw err;
 * }
 * ```
 */
export class HttpError extends PipelineError {
  protected static override readonly brand: symbol = /* @__PURE__ */ brandClass(HttpError, 'HttpError');

  /** The HTTP status of the response. */
  declare readonly status: number;
  /** The reason phrase the server sent, or the standard one. */
  declare readonly statusText: string;
  /** The URL that answered, without its query string, fragment or user info. */
  declare readonly url?: string;
  /** The request method, upper case, when known. */
  declare readonly method?: string;
  /** How long the server asked the client to wait before trying again, ms. */
  declare readonly retryAfterMs?: number;
  /** The start of the response body (bounded, credentials removed), when it was read. */
  declare readonly bodySnippet?: string;

  constructor(message: string, options: HttpErrorOptions) {
    super(message, {
      code: options.code ?? defaultCode(options.status),
      transient: options.transient ?? isTransientStatus(options.status),
      ...causeOf(options),
    });
    // `Reflect.set`, not an assignment: a plain-JS subclass may compute a field with a getter on its
    // prototype, which then wins (a setter gets the value) instead of the assignment throwing.
    const put = Reflect.set;
    put(this, 'status', options.status);
    put(this, 'statusText', options.statusText ?? '');
    put(this, 'url', options.url);
    put(this, 'method', options.method);
    put(this, 'retryAfterMs', options.retryAfterMs);
    put(this, 'bodySnippet', options.bodySnippet);
  }
}
