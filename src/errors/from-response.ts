import { HttpError } from './http-error.js';
import { httpErrorClassFor } from './http-status-errors.js';
import { NetworkError } from './network-error.js';
import { PipelineError } from './pipeline-error.js';
import { quotaExhausted, waitFromHeaders } from './rate-limit-headers.js';
import { cleanMessage, redactSecrets, removeSecrets } from './redact.js';
import { scrubCause } from './scrub.js';
import { statusText as standardStatusText } from './status-table.js';

/** Longest body snippet an error keeps, in characters. */
export const MAX_BODY_SNIPPET = 300;

/**
 * The parts of a fetch `Response` that a typed error is built from; a real `Response` fits.
 *
 * @example
 * ```ts
 * import { httpErrorFromResponse, type ResponseLike } from 'gcp-pipeline-resilience';
 * // Any response-shaped object works, e.g. from got or axios adapted in a few lines.
 * declare const got: { statusCode: number; statusMessage?: string; url: string; headers: Record<string, string> };
 * const like: ResponseLike = { status: got.statusCode, statusText: got.statusMessage ?? '', url: got.url, headers: new Headers(got.headers) };
 * if (like.status >= 400) throw httpErrorFromResponse(like);
 * ```
 */
export interface ResponseLike {
  readonly status: number;
  readonly statusText?: string;
  readonly url?: string;
  readonly headers?: { get(name: string): string | null };
}

/**
 * Options of {@link httpErrorFromResponse}.
 *
 * @example
 * ```ts
 * import { httpErrorFromResponse, type HttpErrorFromResponseOptions } from 'gcp-pipeline-resilience';
 * const response = await fetch('https://api.example.com/v1/games', { method: 'POST', body: '{}' });
 * const options: HttpErrorFromResponseOptions = { method: 'POST', body: await response.clone().text() };
 * if (!response.ok) throw httpErrorFromResponse(response, options);
 * ```
 */
export interface HttpErrorFromResponseOptions {
  /** The request method, for the message. */
  method?: string;
  /** The URL requested, when the response does not say (a constructed `Response` has `url` `''`). */
  url?: string;
  /** The response body as text, if it was read; only its start is kept, credentials removed. */
  body?: string;
  /** The current time in epoch ms, to turn an HTTP-date `Retry-After` into a delay. Default `Date.now`. */
  now?: () => number;
  /** The value that was thrown, kept as `cause`. */
  cause?: unknown;
}

/**
 * Whether `value` is a fetch `Response` (from this realm, another realm, undici or a polyfill): it has a
 * numeric `status`, a boolean `ok`, a string `url` and `headers` with a `get` method.
 *
 * @example
 * ```ts
 * import { isFetchResponse } from 'gcp-pipeline-resilience';
 *
 * isFetchResponse(new Response('x', { status: 503 })); // true
 * isFetchResponse({ status: 503 }); // false
 * ```
 */
export function isFetchResponse(value: unknown): value is Response {
  if (typeof Response === 'function' && value instanceof Response) return true;
  if (typeof value !== 'object' || value === null) return false;
  const r = value as Record<string, unknown>;
  const headers = r.headers as { get?: unknown } | null | undefined;
  return (
    typeof r.status === 'number' &&
    typeof r.ok === 'boolean' &&
    typeof r.url === 'string' &&
    typeof headers === 'object' &&
    headers !== null &&
    typeof headers.get === 'function'
  );
}

/**
 * A URL as an error may show it: scheme, host and path; no user info, query string or fragment
 * (where API keys and signatures travel), and credentials in the path redacted.
 *
 * @example
 * ```ts
 * import { urlForErrors } from 'gcp-pipeline-resilience';
 *
 * urlForErrors('https://user:pw@api.example.com/v1/games?api_key=s3cret#top'); // 'https://api.example.com/v1/games'
 * ```
 */
export function urlForErrors(url: string): string {
  let shown: string;
  try {
    const parsed = new URL(url);
    shown = `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  } catch {
    shown = url.replace(/[?#].*$/s, '').replace(/\/\/[^/@]*@/, '//');
  }
  return redactSecrets(shown);
}

/**
 * The typed {@link HttpError} for a response that is not 2xx: the class of its status
 * ({@link HttpTooManyRequestsError} for 429, ...), its URL without the query string, `retryAfterMs`
 * from `Retry-After` (and, for a rate limit, from `RateLimit-Reset` / `X-RateLimit-Reset`), and the
 * start of the body when you pass it. A 403 whose headers say the rate-limit quota is used up, or
 * that carries a `Retry-After`, is transient, as a 429 is. Never reads the body itself and never keeps the request's headers.
 *
 * @example
 * ```ts
 * import { httpErrorFromResponse } from 'gcp-pipeline-resilience';
 *
 * const response = await fetch('https://api.example.com/v1/games');
 * if (!response.ok) throw httpErrorFromResponse(response, { method: 'GET', body: await response.text() });
 * ```
 */
export function httpErrorFromResponse(
  response: ResponseLike,
  options: HttpErrorFromResponseOptions = {},
): HttpError {
  return httpErrorCleaned(response, options, undefined);
}

/**
 * `httpErrorFromResponse`, with `clean` applied to every text the error takes from the response (the
 * reason phrase, the URL, the body) before it is cut or put in the message: `resilientFetch` passes
 * the removal of the request's own header and query values, which an API may echo back ("Invalid API
 * key <key>") and which no pattern recognizes.
 */
export function httpErrorCleaned(
  response: ResponseLike,
  options: HttpErrorFromResponseOptions,
  clean: ((text: string) => string) | undefined,
): HttpError {
  const status = response.status;
  const now = options.now ?? Date.now;
  const rawUrl = response.url || options.url;
  const shownUrl = rawUrl ? urlForErrors(rawUrl) : undefined;
  const url = shownUrl && clean ? clean(shownUrl) : shownUrl;
  const method = options.method?.toUpperCase();
  const headers = response.headers;
  const quotaUsedUp = status === 403 && quotaExhausted(headers);
  const retryAfterMs = waitFromHeaders(headers, now(), status === 429 || quotaUsedUp);
  // A 403 that says when to come back is a rate limit too (GitHub's secondary rate limit sends only
  // Retry-After): the same request will be allowed then.
  const rateLimitedForbidden = quotaUsedUp || (status === 403 && retryAfterMs !== undefined);
  const reason = response.statusText || standardStatusText(status);
  const statusText = redactSecrets(clean ? clean(reason) : reason);
  // The start of the body: control characters and runs of whitespace made one space, credentials
  // removed (the request's own values from the whole body first, so that the cut cannot split one).
  const body = options.body === undefined || clean === undefined ? options.body : clean(options.body);
  const bodySnippet = body === undefined ? undefined : cleanMessage(body, MAX_BODY_SNIPPET) || undefined;
  const message =
    `HTTP ${status}${statusText ? ` ${statusText}` : ''}` +
    `${url ? ` from ${method ? `${method} ` : ''}${url}` : ''}` +
    `${rateLimitedForbidden ? ' (rate limited)' : ''}` +
    `${retryAfterMs !== undefined ? ` (retry after ${retryAfterMs} ms)` : ''}` +
    `${bodySnippet ? `: ${bodySnippet}` : ''}`;
  const details = {
    url,
    method,
    statusText,
    retryAfterMs,
    bodySnippet,
    ...(rateLimitedForbidden ? { transient: true } : {}),
    ...('cause' in options
      ? { cause: clean ? scrubCause(options.cause, (text) => removeSecrets(clean(text))) : options.cause }
      : {}),
  };
  const Class = httpErrorClassFor(status);
  return Class ? new Class(message, details) : new HttpError(message, { ...details, status });
}

/**
 * The classification of a thrown fetch `Response`, or of an error that carries one as `response`
 * (ky's `HTTPError`): an {@link HttpError}. The response is not kept as `cause`, nor is the carrying
 * error: they hold an unread body, the server's `Set-Cookie`, and (ky) the request with its
 * `Authorization` header. `undefined` when `value` holds no `Response`.
 */
export function fromFetchResponse(value: object, now: () => number): PipelineError | undefined {
  try {
    return classifyResponse(value, now);
  } catch {
    // A hostile or broken object (a getter that throws): not a Response we can read; let the other
    // classifiers have it.
    return undefined;
  }
}

function classifyResponse(value: object, now: () => number): PipelineError | undefined {
  const response = isFetchResponse(value)
    ? value
    : isFetchResponse((value as { response?: unknown }).response)
      ? (value as { response: Response }).response
      : undefined;
  if (response === undefined) return undefined;
  // Status 0 is fetch's network-error response (`Response.error()`): no server answered.
  if (response.status === 0) {
    return new NetworkError('Network request failed: a network-error Response (status 0) was thrown', {
      transient: true,
    });
  }
  if (response.status < 300) {
    return new PipelineError(
      `A successful HTTP ${response.status} response was thrown as an error (from ${urlForErrors(response.url) || 'an unknown URL'})`,
      { code: 'UNKNOWN', transient: false },
    );
  }
  const request = (value as { request?: unknown }).request;
  const method =
    typeof request === 'object' && request !== null && typeof (request as Request).method === 'string'
      ? (request as Request).method
      : undefined;
  return httpErrorFromResponse(response, { now, ...(method ? { method } : {}) });
}
