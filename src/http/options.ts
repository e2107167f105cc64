import type { CircuitBreaker, RetryBudget, RetryOptions } from '../retry/index.js';
import { MAX_TIMER_MS, validateRetryOptions } from '../retry/options.js';
import { scraperRetry } from '../retry/presets.js';
import { HttpHostRegistry } from './host-registry.js';
import { DEFAULT_MAX_REQUEST_BODY_BYTES } from './request.js';
import { DEFAULT_MAX_RESPONSE_BYTES } from './response-body.js';

/**
 * A `fetch`-shaped function: the platform's, undici's with your own `Agent`, or a test double.
 *
 * @example
 * ```ts
 * import { Agent, fetch as undiciFetch } from 'undici';
 * const agent = new Agent({ connections: 8 });
 * const viaAgent: FetchFunction = (input, init) => undiciFetch(input, { ...init, dispatcher: agent });
 * ```
 */
export type FetchFunction = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/**
 * Options of `resilientFetch`: every `retry` option by the same name (the caller's signal is
 * `init.signal`, not an option), plus the HTTP ones. Defaults are {@link scraperRetry}: 4 attempts,
 * `1 s * 2^(n-1) * uniform(0.5, 1.5)` capped at 30 s, 180 s per attempt.
 *
 * @example
 * ```ts
 * const options: ResilientFetchOptions = {
 *   maxAttempts: 3, attemptTimeoutMs: 20_000, deadlineMs: 60_000, key: 'odds_api', hosts,
 * };
 * ```
 */
export interface ResilientFetchOptions extends Omit<RetryOptions, 'signal' | 'budget' | 'breaker'> {
  /**
   * Per attempt, ms: from the moment the request may start (after any wait for a concurrency slot or a
   * rate-limit token) until the body is read (`bufferBody`) or the headers arrive (`bufferBody: false`).
   * Default 180 000. The wait itself is bounded by `deadlineMs` and the caller's signal.
   */
  attemptTimeoutMs?: number;
  /** Default: the breaker of this call's host (or `key`) in `hosts`. `false`: no breaker. */
  breaker?: CircuitBreaker | false;
  /** Default: the retry budget of this call's host (or `key`) in `hosts`. `false`: no budget. */
  budget?: RetryBudget | false;
  /** The `fetch` to call. Default `globalThis.fetch`. */
  fetch?: FetchFunction;
  /** Per-host breakers, budgets and limits. Default the process-wide `defaultHttpHosts()`. */
  hosts?: HttpHostRegistry;
  /** Which entry of `hosts` this call uses: a scraper's name, say. Default the URL's host (`'api.example.com:8443'`). */
  key?: string;
  /**
   * Retry POST and PATCH (and any other method that is not GET, HEAD, PUT, DELETE, OPTIONS or TRACE)
   * although the request has no `Idempotency-Key` header: only if the API really ignores duplicates.
   * Default false: such a request is retried only when it never reached the server (connection refused).
   */
  retryNonIdempotent?: boolean;
  /**
   * Read the whole body inside the attempt, so that the attempt timeout and the retries cover it (a body
   * cut off mid-way is retried), and return a `Response` over the buffered bytes. Default true.
   * `false`: return the live `Response` as soon as the headers arrive; reading its body is then the
   * caller's business, outside any timeout or retry.
   */
  bufferBody?: boolean;
  /** Largest body `bufferBody` reads, bytes; more fails with code `'RESPONSE_TOO_LARGE'`. Default 64 MiB. */
  maxResponseBytes?: number;
  /**
   * Largest stream body (a `ReadableStream`, an async iterable, a `Request`'s body) buffered so that a
   * retry can send it again; a larger one is refused with a `TypeError` before anything is sent. Default 8 MiB.
   */
  maxRequestBodyBytes?: number;
}

/** The options of one call, checked and with every default filled in. */
export interface ResolvedFetchOptions {
  readonly retry: RetryOptions;
  readonly attemptTimeoutMs: number;
  readonly breaker: CircuitBreaker | false | undefined;
  readonly budget: RetryBudget | false | undefined;
  readonly fetch: FetchFunction | undefined;
  readonly hosts: HttpHostRegistry | undefined;
  readonly key: string | undefined;
  readonly retryNonIdempotent: boolean;
  readonly bufferBody: boolean;
  readonly maxResponseBytes: number;
  readonly maxRequestBodyBytes: number;
}

function positiveInteger(name: string, value: unknown): void {
  if (value !== undefined && !(Number.isInteger(value) && (value as number) > 0)) {
    throw new RangeError(`resilientFetch option ${name} must be a positive integer; got ${String(value)}`);
  }
}

/** Checks the options with precise messages and fills in the defaults. Throws a `TypeError` or `RangeError`. */
export function resolveFetchOptions(options: ResilientFetchOptions): ResolvedFetchOptions {
  if ('signal' in options) {
    throw new TypeError(
      "resilientFetch takes the caller's cancellation as init.signal, as fetch does; remove the signal option",
    );
  }
  const {
    attemptTimeoutMs = scraperRetry.attemptTimeoutMs as number,
    breaker,
    budget,
    fetch,
    hosts,
    key,
    retryNonIdempotent = false,
    bufferBody = true,
    maxResponseBytes = DEFAULT_MAX_RESPONSE_BYTES,
    maxRequestBodyBytes = DEFAULT_MAX_REQUEST_BODY_BYTES,
    ...retryOptions
  } = options;
  const { attemptTimeoutMs: _preset, ...presetWithoutTimeout } = scraperRetry;
  const retry: RetryOptions = { ...presetWithoutTimeout, ...retryOptions };
  const invalid = validateRetryOptions({ ...retry, attemptTimeoutMs });
  if (invalid !== undefined) throw invalid;
  if (!(attemptTimeoutMs > 0 && attemptTimeoutMs <= MAX_TIMER_MS)) {
    throw new RangeError(`resilientFetch option attemptTimeoutMs must be in (0, ${MAX_TIMER_MS}]`);
  }
  positiveInteger('maxResponseBytes', maxResponseBytes);
  positiveInteger('maxRequestBodyBytes', maxRequestBodyBytes);
  if (fetch !== undefined && typeof fetch !== 'function') {
    throw new TypeError(`resilientFetch option fetch must be a function; got ${typeof fetch}`);
  }
  if (hosts !== undefined && !(hosts instanceof HttpHostRegistry)) {
    throw new TypeError('resilientFetch option hosts must be an HttpHostRegistry');
  }
  if (key !== undefined && (typeof key !== 'string' || key === '')) {
    throw new TypeError('resilientFetch option key must be a non-empty string');
  }
  return {
    retry,
    attemptTimeoutMs,
    breaker,
    budget,
    fetch,
    hosts,
    key,
    retryNonIdempotent: retryNonIdempotent === true,
    bufferBody: bufferBody !== false,
    maxResponseBytes,
    maxRequestBodyBytes,
  };
}
