import { isTransientError } from '../errors/index.js';
import {
  CircuitBreaker,
  type Clock,
  RetryBudget,
  type RetryOptions,
  type RetryPredicate,
  systemClock,
} from '../retry/index.js';
import { MAX_TIMER_MS, retryOptionSpecWith, validateRetryOptions } from '../retry/options.js';
import { scraperRetry } from '../retry/presets.js';
import { type OptionSpec, readOptions } from '../shared/check-options.js';
import { HttpHostRegistry } from './host-registry.js';
import { DEFAULT_MAX_REQUEST_BODY_BYTES } from './request.js';
import { DEFAULT_MAX_RESPONSE_BYTES } from './response-body.js';

/**
 * A `fetch`-shaped function: the platform's, undici's `fetch` with your own `Agent` as `dispatcher`, or
 * a test double.
 *
 * @example
 * ```ts
 * import { type FetchFunction, resilientFetch } from 'gcp-pipeline-resilience';
 * const timedFetch: FetchFunction = async (input, init) => {
 *   const started = Date.now();
 *   const response = await fetch(input, init);
 *   console.log(`${response.status} in ${Date.now() - started} ms`);
 *   return response;
 * };
 * await resilientFetch('https://api.example.com/v1/games', undefined, { fetch: timedFetch });
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
 * import { HttpHostRegistry, type ResilientFetchOptions } from 'gcp-pipeline-resilience';
 * const hosts = new HttpHostRegistry();
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
   * Follow a redirect that sends the request body on to another origin (scheme, host or port): a
   * 307 or 308, or a 301/302 of a method other than POST. Default false: such a redirect fails the
   * call with a permanent `HttpError` of its status (code `'REDIRECTION'`), naming the other origin,
   * and nothing is sent there; redirects within the origin, and those that turn the request into a
   * GET without its body, are followed. Headers that may be credentials stay behind either way.
   */
  followCrossOriginBodyRedirects?: boolean;
  /**
   * Read the whole body inside the attempt, so that the attempt timeout and the retries cover it (a body
   * cut off mid-way is retried), and return a `Response` over the buffered bytes. Default true.
   * `false`: return the live `Response` as soon as the headers arrive; reading its body is then the
   * caller's business, outside any timeout or retry (`init.signal` still cuts it, as with `fetch`).
   * With a `maxConcurrent` host, the body keeps the request's slot until it is read to its end, errors
   * or is cancelled, or sits idle for `bodyIdleTimeoutMs`. Read or cancel every body you do not want.
   */
  bufferBody?: boolean;
  /**
   * With `bufferBody: false` and a `maxConcurrent` host: how long, in ms, a body holding the host's
   * slot may sit idle. While a read is pending (the server's turn), no chunk for this long cancels
   * the body: the read rejects with an `OperationTimeoutError` (never a clean end, so a cut-off
   * download is not taken as whole) and the slot goes back; this also frees a slot held by a reader
   * abandoned with a read pending, which undici's own body timeout would hold for 300 s. While no
   * read is pending (the caller's turn: a body not read yet, or a chunk being processed), no read for
   * this long gives the slot back but cuts nothing: the body stays readable. Every chunk and every
   * read restarts the count, so a slow download that keeps delivering is never cut. Default 60 000.
   */
  bodyIdleTimeoutMs?: number;
  /** Largest body `bufferBody` reads, bytes; more fails with code `'RESPONSE_TOO_LARGE'`. Default 64 MiB. */
  maxResponseBytes?: number;
  /**
   * Largest stream body (a `ReadableStream`, an async iterable, a `Request`'s body) buffered so that a
   * retry can send it again; a larger one is refused with a `TypeError` before anything is sent. Default 8 MiB.
   */
  maxRequestBodyBytes?: number;
}

/** Default `bodyIdleTimeoutMs`: a minute without a chunk from the server, or without a read. */
export const DEFAULT_BODY_IDLE_TIMEOUT_MS = 60_000;

/** Default per-attempt timeout, 180 s ({@link scraperRetry}'s), covering the headers and the body. */
export const DEFAULT_ATTEMPT_TIMEOUT_MS = scraperRetry.attemptTimeoutMs as number;

const EMPTY: ResilientFetchOptions = /* @__PURE__ */ Object.freeze({});

export { EMPTY as EMPTY_FETCH_OPTIONS };

function positiveInteger(name: string, value: unknown): void {
  if (value !== undefined && !(Number.isInteger(value) && (value as number) > 0)) {
    throw new RangeError(`resilientFetch option ${name} must be a positive integer; got ${String(value)}`);
  }
}

/** The keys `resilientFetch` adds to the retry options (unknown keys are refused with a hint). */
const FETCH_OWN_OPTION_SPEC: OptionSpec = {
  breaker: ['object', 'boolean'],
  budget: ['object', 'boolean'],
  fetch: 'function',
  hosts: 'object',
  key: 'string',
  retryNonIdempotent: 'boolean',
  followCrossOriginBodyRedirects: 'boolean',
  bufferBody: 'boolean',
  bodyIdleTimeoutMs: 'number',
  maxResponseBytes: 'number',
  maxRequestBodyBytes: 'number',
};

/** Every key of `resilientFetch`'s options: the retry options with the ones above over them. */
const FETCH_OPTION_SPEC: OptionSpec = /* @__PURE__ */ retryOptionSpecWith(FETCH_OWN_OPTION_SPEC);

/**
 * One options object read once: checked (a `TypeError` or `RangeError` with a precise message), its
 * defaults filled in, and the `retry` options that do not depend on the request set aside.
 * `createResilientFetch` builds it when it is called; `resilientFetch` on every call.
 */
export interface FetchPlan {
  readonly attemptTimeoutMs: number;
  readonly bufferBody: boolean;
  readonly bodyIdleTimeoutMs: number;
  readonly maxResponseBytes: number;
  readonly maxRequestBodyBytes: number;
  readonly fetch: FetchFunction | undefined;
  readonly hosts: HttpHostRegistry | undefined;
  readonly key: string | undefined;
  readonly clock: Clock;
  readonly retryNonIdempotent: boolean;
  readonly followCrossOriginBodyRedirects: boolean;
  /** `false`: none; `undefined`: the host's. */
  readonly breaker: CircuitBreaker | false | undefined;
  readonly budget: RetryBudget | false | undefined;
  readonly retryOn: RetryPredicate;
  readonly name: string | undefined;
  /** The caller's `retry` options that `resilientFetch` passes on as they are. */
  readonly retry: Readonly<PassedRetryOptions>;
}

/** The `retry` options passed on unchanged (the others are per request, or enforced here). */
export type PassedRetryOptions = Pick<
  RetryOptions,
  | 'maxAttempts'
  | 'baseDelayMs'
  | 'maxDelayMs'
  | 'jitter'
  | 'random'
  | 'deadlineMs'
  | 'honorRetryAfter'
  | 'onRetry'
  | 'onGiveUp'
  | 'onSuccess'
  | 'logger'
  | 'clock'
>;

/** `retryOn` as a predicate: the default, a caller's predicate, or a list of classes. */
function predicateOf(retryOn: RetryOptions['retryOn']): RetryPredicate {
  if (retryOn === undefined) return isTransientError;
  if (typeof retryOn === 'function') return retryOn;
  return (error) => retryOn.some((cls) => error instanceof cls);
}

/** A plain object (not null, not an array): what `retry`'s general check calls an object. */
function isPlainObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Whether every key of `options` is one of `resilientFetch`'s own (none of `retry`'s), with a value of
 * the kind its spec asks for. The usual call passes only these (`{ hosts, key }`, a fresh literal each
 * time): it then skips `retry`'s general check, which would only confirm the same, and shares the
 * preset's retry options. Anything else (a retry option, an unknown key, a value of another kind)
 * goes through the general check, which words the message.
 */
function onlyFetchKeys(options: ResilientFetchOptions): boolean {
  for (const key in options) {
    // The key first: an unknown key is refused even when its value is undefined.
    const value = (options as Record<string, unknown>)[key];
    switch (key) {
      case 'hosts':
        if (value !== undefined && !isPlainObject(value)) return false;
        break;
      case 'breaker':
      case 'budget':
        if (value !== undefined && value !== false && !isPlainObject(value)) return false;
        break;
      case 'key':
        if (value !== undefined && typeof value !== 'string') return false;
        break;
      case 'fetch':
        if (value !== undefined && typeof value !== 'function') return false;
        break;
      case 'bufferBody':
      case 'retryNonIdempotent':
      case 'followCrossOriginBodyRedirects':
        if (value !== undefined && typeof value !== 'boolean') return false;
        break;
      case 'bodyIdleTimeoutMs':
      case 'maxResponseBytes':
      case 'maxRequestBodyBytes':
        if (value !== undefined && typeof value !== 'number') return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

/** The `retry` options a plan passes on: the caller's, else the scrapers' preset. */
function passedRetryOptions(options: ResilientFetchOptions): PassedRetryOptions {
  return {
    maxAttempts: options.maxAttempts ?? scraperRetry.maxAttempts,
    baseDelayMs: options.baseDelayMs ?? scraperRetry.baseDelayMs,
    maxDelayMs: options.maxDelayMs ?? scraperRetry.maxDelayMs,
    jitter: options.jitter ?? scraperRetry.jitter,
    random: options.random,
    deadlineMs: options.deadlineMs,
    honorRetryAfter: options.honorRetryAfter,
    onRetry: options.onRetry,
    onGiveUp: options.onGiveUp,
    onSuccess: options.onSuccess,
    logger: options.logger,
    clock: options.clock,
  };
}

/** `passedRetryOptions` of an options object without any `retry` option. */
const PRESET_RETRY: Readonly<PassedRetryOptions> = Object.freeze(passedRetryOptions({}));

/**
 * `createResilientFetch`'s defaults with one call's options over them. A key the call sets to
 * `undefined` means "not given", as everywhere else in the options: it keeps the bound default (an
 * unknown key stays, so that the check still refuses it).
 */
export function overlayOptions(
  defaults: ResilientFetchOptions,
  options: ResilientFetchOptions,
): ResilientFetchOptions {
  // Not an object: handed on for the check to refuse, without walking a string's every index.
  if (typeof options !== 'object' || options === null || Array.isArray(options)) return options;
  const merged: Record<string, unknown> = { ...defaults };
  for (const key in options) {
    const value = (options as Record<string, unknown>)[key];
    // Defined, not assigned: an own '__proto__' key (`JSON.parse` output) would set the prototype.
    if (value !== undefined || !Object.hasOwn(merged, key))
      Object.defineProperty(merged, key, { value, enumerable: true, writable: true, configurable: true });
  }
  return merged as ResilientFetchOptions;
}

/** Checks an options object and reads it into a `FetchPlan`. */
export function planFetch(options: ResilientFetchOptions): FetchPlan {
  if (options === EMPTY) return EMPTY_PLAN;
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new TypeError(
      `resilientFetch options must be an object (the third argument; fetch's own options go in the second); got ${
        options === null ? 'null' : Array.isArray(options) ? 'an array' : typeof options
      }`,
    );
  }
  if ('signal' in options) {
    throw new TypeError(
      "resilientFetch takes the caller's cancellation as init.signal, as fetch does; remove the signal option",
    );
  }
  // Each option read once: the plan is made of what was checked, not of later reads of the caller's
  // object (a getter that answered the check, then something else).
  options = readOptions('resilientFetch', options);
  const fetchKeysOnly = onlyFetchKeys(options);
  const invalid = fetchKeysOnly
    ? undefined
    : validateRetryOptions(
        // retry compares baseDelayMs with its own default cap (15 s); the scrapers' cap is 30 s.
        options.baseDelayMs !== undefined && options.maxDelayMs === undefined
          ? ({ ...options, maxDelayMs: scraperRetry.maxDelayMs } as RetryOptions)
          : (options as RetryOptions),
        'resilientFetch',
        FETCH_OPTION_SPEC,
      );
  if (invalid !== undefined) throw invalid;
  positiveInteger('bodyIdleTimeoutMs', options.bodyIdleTimeoutMs);
  positiveInteger('maxResponseBytes', options.maxResponseBytes);
  positiveInteger('maxRequestBodyBytes', options.maxRequestBodyBytes);
  if (options.hosts !== undefined && !(options.hosts instanceof HttpHostRegistry)) {
    throw new TypeError('resilientFetch option hosts must be an HttpHostRegistry');
  }
  // The kinds of `fetch`, `onRetry`, `name` and `key` were checked above (`onlyFetchKeys` or the
  // general check); what remains is what a kind cannot say.
  const { key } = options;
  if (key === '') {
    throw new TypeError('resilientFetch option key must be a non-empty string');
  }
  // An object of another class would fail only inside the call, with a message about its internals.
  if (
    options.breaker !== undefined &&
    options.breaker !== false &&
    !(options.breaker instanceof CircuitBreaker)
  ) {
    throw new TypeError('resilientFetch option breaker must be a CircuitBreaker or false');
  }
  if (options.budget !== undefined && options.budget !== false && !(options.budget instanceof RetryBudget)) {
    throw new TypeError('resilientFetch option budget must be a RetryBudget or false');
  }
  return {
    attemptTimeoutMs: options.attemptTimeoutMs ?? DEFAULT_ATTEMPT_TIMEOUT_MS,
    bufferBody: options.bufferBody !== false,
    // A longer timer would fire at once: more than 24 days is as good as never.
    bodyIdleTimeoutMs: Math.min(options.bodyIdleTimeoutMs ?? DEFAULT_BODY_IDLE_TIMEOUT_MS, MAX_TIMER_MS),
    maxResponseBytes: options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
    maxRequestBodyBytes: options.maxRequestBodyBytes ?? DEFAULT_MAX_REQUEST_BODY_BYTES,
    fetch: options.fetch,
    hosts: options.hosts,
    key,
    clock: options.clock ?? systemClock,
    retryNonIdempotent: options.retryNonIdempotent === true,
    followCrossOriginBodyRedirects: options.followCrossOriginBodyRedirects === true,
    breaker: options.breaker,
    budget: options.budget,
    retryOn: predicateOf(options.retryOn),
    name: options.name,
    retry: fetchKeysOnly ? PRESET_RETRY : passedRetryOptions(options),
  };
}

const EMPTY_PLAN: FetchPlan = planFetch({});
