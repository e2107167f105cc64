import {
  httpErrorFromResponse,
  isTransientError,
  NetworkError,
  OperationTimeoutError,
  PipelineError,
  urlForErrors,
} from '../errors/index.js';
import {
  type Clock,
  type RetryContext,
  type RetryOptions,
  type RetryPredicate,
  systemClock,
} from '../retry/index.js';
import { executeRetry } from '../retry/retry.js';
import { type HttpHost, HttpHostRegistry } from './host-registry.js';
import { type ResilientFetchOptions, type ResolvedFetchOptions, resolveFetchOptions } from './options.js';
import { type PreparedRequest, prepareRequest } from './request.js';
import { hasNullBody, readBodyCapped, readErrorBody } from './response-body.js';
import { scheduleOn } from './schedule.js';
import { transportError } from './transport-error.js';

/** Methods that RFC 9110 defines as idempotent: sending them twice has the effect of sending them once. */
const IDEMPOTENT_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS', 'TRACE']);

/** Failures before the request reached the server: safe to retry whatever the method. */
const NOT_SENT_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'UND_ERR_CONNECT_TIMEOUT',
  'EAI_AGAIN',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

let processHosts: HttpHostRegistry | undefined;

/**
 * The {@link HttpHostRegistry} that `resilientFetch` uses when given none: one per process, created on
 * first use with the default policy (a breaker and a retry budget per host, no concurrency or rate
 * limit). Read its `states()` for a health endpoint.
 *
 * @example
 * ```ts
 * import { defaultHttpHosts } from 'gcp-pipeline-resilience';
 *
 * app.get('/healthz', (_req, res) => res.json(defaultHttpHosts().states()));
 * ```
 */
export function defaultHttpHosts(): HttpHostRegistry {
  processHosts ??= new HttpHostRegistry();
  return processHosts;
}

/** Whether a request may be sent twice: an idempotent method, or an `Idempotency-Key` header. */
function isIdempotent(request: PreparedRequest): boolean {
  return IDEMPOTENT_METHODS.has(request.method) || request.headers.has('idempotency-key');
}

function notSent(error: PipelineError): boolean {
  return (
    error instanceof NetworkError && error.systemCode !== undefined && NOT_SENT_CODES.has(error.systemCode)
  );
}

function retryPredicate(retryOn: RetryOptions['retryOn'], idempotent: boolean): RetryPredicate {
  const base: RetryPredicate =
    retryOn === undefined
      ? isTransientError
      : typeof retryOn === 'function'
        ? retryOn
        : (error) => retryOn.some((cls) => error instanceof cls);
  return idempotent ? base : (error, attempt) => notSent(error) && base(error, attempt);
}

/**
 * `fetch` for scrapers and other callers of third-party HTTP APIs, with the library's retry around it:
 *
 * - The first two arguments are `fetch`'s; the third is {@link ResilientFetchOptions} (every `retry`
 *   option by the same name, plus the HTTP ones). `init.signal` is the caller's cancellation: aborting
 *   it rejects at once with the signal's reason, as `retry` does.
 * - Defaults are the original scrapers' ({@link scraperRetry}): 4 attempts, `1 s * 2^(n-1) *
 *   uniform(0.5, 1.5)` capped at 30 s, 180 s per attempt. The attempt timeout covers the body: it is
 *   read inside the attempt (`bufferBody`, up to `maxResponseBytes`), so a slow or cut-off body is
 *   retried like any other failure, and the `Response` returned is complete.
 * - A status of 400 or more throws the typed {@link HttpError} of its class (`HttpTooManyRequestsError`,
 *   `HttpServiceUnavailableError`, ...), with the URL without its query string, `retryAfterMs` and the
 *   start of the body; never the request's headers. Transport failures throw a `NetworkError`, an
 *   attempt that runs out of time an `OperationTimeoutError`.
 * - Retried: network failures, timeouts, 408, 429 and 5xx (not 501, 505, 511); never another 4xx.
 *   `Retry-After` (seconds or an HTTP date) and, for a 429, `RateLimit-Reset`-style headers set the
 *   next sleep; a wait longer than `maxDelayMs` or than the deadline leaves gives up at once with
 *   the typed error, whose `retryAfterMs` says when to come back.
 * - Only idempotent requests are retried (GET, HEAD, PUT, DELETE, OPTIONS, TRACE, or any request with an
 *   `Idempotency-Key` header), unless `retryNonIdempotent: true`; a POST is otherwise retried only when
 *   it never reached the server (connection refused, DNS).
 * - Bodies are replayed exactly: strings, `URLSearchParams`, `FormData`, `Blob`s and buffers as they
 *   are; a stream body is buffered first (up to `maxRequestBodyBytes`, else a `TypeError` before
 *   anything is sent).
 * - Per host (or per `key`), from `hosts` (default {@link defaultHttpHosts}): a circuit breaker, a
 *   retry budget, and the concurrency and rate limits the registry was given.
 *
 * @example
 * ```ts
 * import { HttpHostRegistry, resilientFetch } from 'gcp-pipeline-resilience';
 *
 * const hosts = new HttpHostRegistry({ hosts: { 'api.example.com': { rateLimit: { requestsPerSecond: 2 } } } });
 * const response = await resilientFetch(
 *   'https://api.example.com/v1/games?date=2026-01-24',
 *   { headers: { authorization: `Bearer ${process.env.API_TOKEN}` } },
 *   { hosts, key: 'bdl_games', deadlineMs: 300_000 },
 * );
 * const games = await response.json();
 * ```
 */
export async function resilientFetch(
  input: string | URL | Request,
  init?: RequestInit,
  options: ResilientFetchOptions = {},
): Promise<Response> {
  const resolved = resolveFetchOptions(options);
  const request = await prepareRequest(input, init, resolved.maxRequestBodyBytes);
  const host = (resolved.hosts ?? defaultHttpHosts()).get(resolved.key ?? new URL(request.url).host);
  const idempotent = resolved.retryNonIdempotent || isIdempotent(request);
  const shownUrl = urlForErrors(request.url);
  const retryOptions: RetryOptions = {
    ...resolved.retry,
    retryOn: retryPredicate(resolved.retry.retryOn, idempotent),
    name: resolved.retry.name ?? `${request.method} ${shownUrl}`,
  };
  const breaker = resolved.breaker === undefined ? host.breaker : resolved.breaker || undefined;
  const budget = resolved.budget === undefined ? host.budget : resolved.budget || undefined;
  if (breaker !== undefined) retryOptions.breaker = breaker;
  if (budget !== undefined) retryOptions.budget = budget;
  if (request.signal !== undefined) retryOptions.signal = request.signal;
  const exchange = new Exchange(request, resolved, host, shownUrl);
  return executeRetry((context) => exchange.attempt(context), retryOptions);
}

/**
 * Options set once for every call of the function {@link createResilientFetch} returns; each call may
 * add or override options.
 *
 * @example
 * ```ts
 * const scraperFetch = createResilientFetch({ hosts, key: 'odds_api', deadlineMs: 120_000 });
 * await scraperFetch('https://api.example.com/v4/odds', undefined, { maxAttempts: 2 });
 * ```
 */
export function createResilientFetch(
  defaults: ResilientFetchOptions,
): (input: string | URL | Request, init?: RequestInit, options?: ResilientFetchOptions) => Promise<Response> {
  resolveFetchOptions(defaults);
  return (input, init, options) =>
    resilientFetch(input, init, options === undefined ? defaults : { ...defaults, ...options });
}

/** One call's attempts: the host's limits around `fetch`, then the body, under the attempt timeout. */
class Exchange {
  readonly #request: PreparedRequest;
  readonly #o: ResolvedFetchOptions;
  readonly #host: HttpHost;
  readonly #shownUrl: string;
  readonly #clock: Clock;

  constructor(request: PreparedRequest, o: ResolvedFetchOptions, host: HttpHost, shownUrl: string) {
    this.#request = request;
    this.#o = o;
    this.#host = host;
    this.#shownUrl = shownUrl;
    this.#clock = o.retry.clock ?? systemClock;
  }

  attempt(context: RetryContext): Promise<Response> {
    const { concurrency, rateLimit } = this.#host;
    if (concurrency === undefined && rateLimit === undefined) return this.#send(context);
    return this.#limited(context);
  }

  async #limited(context: RetryContext): Promise<Response> {
    const { concurrency, rateLimit } = this.#host;
    await concurrency?.acquire(context.signal);
    try {
      await rateLimit?.take(context.signal);
      return await this.#send(context);
    } finally {
      concurrency?.release();
    }
  }

  async #send({ attempt, signal }: RetryContext): Promise<Response> {
    const request = this.#request;
    const o = this.#o;
    const controller = new AbortController();
    const forward = (): void => controller.abort(signal.reason);
    if (signal.aborted) throw signal.reason;
    signal.addEventListener('abort', forward, { once: true });
    const cancelTimer = scheduleOn(this.#clock, o.attemptTimeoutMs, () =>
      controller.abort(
        new OperationTimeoutError(
          `${request.method} ${this.#shownUrl}: attempt ${attempt} timed out after ${o.attemptTimeoutMs} ms ` +
            `(${o.bufferBody ? 'response and body' : 'response headers'})`,
          { timeoutMs: o.attemptTimeoutMs },
        ),
      ),
    );
    try {
      const fetchImpl = o.fetch ?? globalThis.fetch;
      const response = await fetchImpl(request.url, { ...request.init, signal: controller.signal });
      if (response.status >= 400) {
        const body = await readErrorBody(response);
        throw httpErrorFromResponse(response, {
          method: request.method,
          url: request.url,
          now: () => this.#clock.now(),
          ...(body === undefined ? {} : { body }),
        });
      }
      if (!o.bufferBody) return response;
      if (hasNullBody(request.method, response.status)) {
        await response.body?.cancel().catch(() => {});
        return rebuild(response, null);
      }
      return rebuild(response, await readBodyCapped(response, o.maxResponseBytes, this.#shownUrl));
    } catch (err) {
      if (err instanceof PipelineError) throw err;
      if (controller.signal.aborted) throw controller.signal.reason;
      throw transportError(err, () => this.#clock.now());
    } finally {
      cancelTimer();
      signal.removeEventListener('abort', forward);
    }
  }
}

/** A complete `Response` over the buffered body, with the original's status, headers and URL. */
function rebuild(response: Response, body: Uint8Array<ArrayBuffer> | null): Response {
  let headers = response.headers;
  if (headers.has('content-encoding')) {
    // The bytes are already decoded: the encoding and the encoded length no longer describe them.
    headers = new Headers(headers);
    headers.delete('content-encoding');
    headers.delete('content-length');
  }
  const out = new Response(body, { status: response.status, statusText: response.statusText, headers });
  Object.defineProperty(out, 'url', { value: response.url });
  if (response.redirected) Object.defineProperty(out, 'redirected', { value: true });
  return out;
}
