import { httpErrorCleaned } from '../errors/from-response.js';
import {
  HttpError,
  OperationTimeoutError,
  PipelineError,
  toPipelineError,
  urlForErrors,
} from '../errors/index.js';
import { wasNotSent } from '../errors/not-sent.js';
import { NEVER_ABORTED } from '../retry/attempt.js';
import { inAttemptSpan } from '../retry/attempt-span.js';
import { admit, failed, succeeded } from '../retry/circuit-breaker.js';
import { type CircuitBreaker, type RetryContext, type RetryOptions, systemClock } from '../retry/index.js';
import { executeRetry } from '../retry/retry.js';
import { scheduleOn } from '../retry/schedule.js';
import { readOptions } from '../shared/check-options.js';
import { tracingEnabled } from '../telemetry/api.js';
import { ATTR } from '../telemetry/attributes.js';
import { endSpan, inSpan, startSpan } from '../telemetry/spans.js';
import { rejectOnAbort, until } from './abort-race.js';
import { abortForFetch, isPlatformFetch } from './attempt-signal.js';
import { startTimeout, stopTimeout } from './attempt-timeouts.js';
import { withBufferedBody } from './buffered-response.js';
import type { ConcurrencyLimit } from './concurrency-limit.js';
import { unsendableBody } from './foreign-fetch.js';
import { type HttpHost, HttpHostRegistry } from './host-registry.js';
import { bodyHoldingSlot, followCallerSignal } from './live-body.js';
import {
  EMPTY_FETCH_OPTIONS,
  type FetchPlan,
  overlayOptions,
  planFetch,
  type ResilientFetchOptions,
} from './options.js';
import { checkedAnswer, followRedirects, isRedirectStatus } from './redirects.js';
import { NO_INIT, type PreparedRequest, prepareRequest } from './request.js';
import { requestSecrets, withoutRequestSecrets, withoutRequestValues } from './request-secrets.js';
import {
  discardBody,
  hasNullBody,
  isResponseTooLarge,
  readBodyCapped,
  readErrorBody,
} from './response-body.js';
import { transportError } from './transport-error.js';

/**
 * Every option of `retry` but the attempt timeout, each required (its value may be undefined): when
 * `retry` gains an option, this stops compiling until `resilientFetch` passes it on.
 */
type EveryRetryOption = {
  [K in Exclude<keyof RetryOptions, 'attemptTimeoutMs'>]: RetryOptions[K] | undefined;
};

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
 * import { createServer } from 'node:http';
 *
 * createServer((_req, res) => res.end(JSON.stringify(defaultHttpHosts().states()))).listen(8080);
 * ```
 */
export function defaultHttpHosts(): HttpHostRegistry {
  processHosts ??= new HttpHostRegistry();
  return processHosts;
}

/**
 * `fetch`'s answer; if it comes after the attempt was aborted (a `fetch` that ignored its signal, once
 * the attempt gave up on it), its body is cancelled, so that nothing holds its connection.
 */
function answerOrRelease(answer: Promise<Response>, signal: AbortSignal): Promise<Response> {
  // A `fetch` may return its Response without a promise.
  return Promise.resolve(answer).then((response) => {
    if (signal.aborted && response.body !== null && !response.bodyUsed) discardBody(response.body);
    return response;
  });
}

/**
 * `fetch` for scrapers and other callers of third-party HTTP APIs, with the library's retry around it:
 *
 * - The first two arguments are `fetch`'s; the third is {@link ResilientFetchOptions} (every `retry`
 *   option by the same name, plus the HTTP ones). `init.signal` is the caller's cancellation: aborting
 *   it rejects at once with the signal's reason, as `retry` does.
 * - Defaults are {@link scraperRetry}'s: 4 attempts, `1 s * 2^(n-1) *
 *   uniform(0.5, 1.5)` capped at 30 s, 180 s per attempt. The attempt timeout covers the body: it is
 *   read inside the attempt (`bufferBody`, up to `maxResponseBytes`), so a slow or cut-off body is
 *   retried like any other failure, and the `Response` returned is complete.
 * - A status of 400 or more throws the typed {@link HttpError} of its class (`HttpTooManyRequestsError`,
 *   `HttpServiceUnavailableError`, ...), with the URL without its query string, `retryAfterMs` and the
 *   start of the body; never the request's header or query values, even echoed in the answer. Transport failures throw a `NetworkError`, an
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
 *   retry budget, and the concurrency and rate limits the registry was given. A redirect hop is
 *   governed by the host it goes to (its token, its slot, its breaker), within the attempt timeout.
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
export function resilientFetch(
  input: string | URL | Request,
  init?: RequestInit,
  options: ResilientFetchOptions = EMPTY_FETCH_OPTIONS,
): Promise<Response> {
  let plan: FetchPlan;
  try {
    plan = planFetch(options);
  } catch (err) {
    return Promise.reject(err);
  }
  return fetchWithPlan(plan, input, init);
}

/**
 * Options set once for every call of the function {@link createResilientFetch} returns; each call may
 * add or override options. The defaults are checked here, once: bad ones throw at once.
 *
 * @example
 * ```ts
 * import { createResilientFetch, HttpHostRegistry } from 'gcp-pipeline-resilience';
 * const hosts = new HttpHostRegistry();
 * const scraperFetch = createResilientFetch({ hosts, key: 'odds_api', deadlineMs: 120_000 });
 * await scraperFetch('https://api.example.com/v4/odds', undefined, { maxAttempts: 2 });
 * ```
 */
export function createResilientFetch(
  defaults: ResilientFetchOptions,
): (input: string | URL | Request, init?: RequestInit, options?: ResilientFetchOptions) => Promise<Response> {
  // Read once: each call's options go over what was checked here, not over the caller's object again.
  const fixed = readOptions('createResilientFetch', defaults);
  const base = planFetch(fixed);
  return (input, init, options) => {
    if (options === undefined) return fetchWithPlan(base, input, init);
    let plan: FetchPlan;
    try {
      plan = planFetch(overlayOptions(fixed, options));
    } catch (err) {
      return Promise.reject(err);
    }
    return fetchWithPlan(plan, input, init);
  };
}

function fetchWithPlan(plan: FetchPlan, input: string | URL | Request, init: RequestInit | undefined) {
  let prepared: PreparedRequest | Promise<PreparedRequest>;
  try {
    prepared = prepareRequest(input, init, plan.maxRequestBodyBytes);
  } catch (err) {
    return Promise.reject(err);
  }
  return prepared instanceof Promise
    ? prepared.then((request) => exchange(plan, request))
    : exchange(plan, prepared);
}

/** Runs one prepared request under `retry`, with its host's state. */
function exchange(plan: FetchPlan, request: PreparedRequest): Promise<Response> {
  const unsendable = plan.fetch === undefined ? undefined : unsendableBody(plan.fetch, request.init.body);
  if (unsendable !== undefined) return Promise.reject(unsendable);
  const hosts = plan.hosts ?? defaultHttpHosts();
  const host = hosts.get(plan.key ?? request.host);
  const breaker = plan.breaker === undefined ? host.breaker : plan.breaker || undefined;
  const calls = new Exchange(request, plan, hosts, host, breaker);
  const r = plan.retry;
  // Every retry option the caller gave, by the same name; the scrapers' preset where they gave none.
  // The attempt timeout and the breaker are left out: both are applied here, after the host's limits
  // admit the request, so that a wait in this process's own queue is never blamed on the host.
  const retryOptions: EveryRetryOption = {
    maxAttempts: r.maxAttempts,
    baseDelayMs: r.baseDelayMs,
    maxDelayMs: r.maxDelayMs,
    jitter: r.jitter,
    random: r.random,
    retryOn: (error, attempt) => calls.shouldRetry(error, attempt),
    deadlineMs: r.deadlineMs,
    signal: request.signal,
    budget: plan.budget === undefined ? host.budget : plan.budget || undefined,
    breaker: undefined,
    honorRetryAfter: r.honorRetryAfter,
    onRetry: r.onRetry,
    onGiveUp: r.onGiveUp,
    onSuccess: r.onSuccess,
    logger: r.logger,
    clock: r.clock,
    name: plan.name ?? `${request.method} ${request.host}`,
  };
  // Untraced (no SDK registered), the span's attributes are not even built.
  const span = tracingEnabled()
    ? startSpan(request.method, {
        kind: 'client',
        attributes: {
          [ATTR.httpMethod]: request.method,
          [ATTR.serverAddress]: request.host,
          [ATTR.operation]: retryOptions.name,
        },
      })
    : undefined;
  if (span === undefined) return executeRetry((context) => calls.attempt(context), retryOptions);
  // Traced: one CLIENT span per call, a child per attempt with its resend count and status.
  const traced = inSpan(span, () =>
    executeRetry(
      (context) =>
        inAttemptSpan(
          span,
          request.method,
          context.attempt,
          context.attempt > 1 ? { [ATTR.httpResendCount]: context.attempt - 1 } : undefined,
          () => calls.attempt(context),
          (attemptSpan, response) => attemptSpan.setAttribute(ATTR.httpStatus, response.status),
        ),
      retryOptions,
    ),
  );
  return traced.then(
    (response) => {
      endSpan(span, undefined, { [ATTR.httpStatus]: response.status });
      return response;
    },
    (err: unknown) => {
      const error = toPipelineError(err);
      endSpan(span, error, error instanceof HttpError ? { [ATTR.httpStatus]: error.status } : undefined);
      throw err;
    },
  );
}

/**
 * The breaker's answer again, after a wait in the host's queues: it was asked before the wait (so
 * that an open circuit refuses at once, without queueing), but it may have opened since, on the
 * failures of the calls ahead in the queue, and a call admitted then must not be sent. The round is
 * the current one: the outcome counts for the breaker as it is now.
 */
function readmit(breaker: CircuitBreaker): number {
  const round = admit(breaker);
  if (typeof round !== 'number') throw round;
  return round;
}

/**
 * Where an attempt stands: the host entry whose limits govern it, the concurrency slot it holds (a
 * live body may take it with it; then `slot` is cleared), and the breaker its outcome counts for,
 * with the round the breaker admitted it in (see `admit`). A redirect to another host moves it there.
 */
interface Leg {
  host: HttpHost;
  slot: ConcurrencyLimit | undefined;
  breaker: CircuitBreaker | undefined;
  round: number;
}

/**
 * One call's attempts: the breaker, then the host's limits, then `fetch` and the body under the
 * attempt timeout. Only an attempt that reached `fetch` counts for the breaker and the retry budget.
 */
class Exchange {
  readonly #request: PreparedRequest;
  readonly #plan: FetchPlan;
  /** The registry the call's host came from: a redirect hop's host comes from it too. */
  readonly #hosts: HttpHostRegistry;
  readonly #host: HttpHost;
  readonly #breaker: CircuitBreaker | undefined;
  /** Whether the current attempt has called `fetch`. */
  #sent = false;
  /** Whether a server answered the current attempt (a redirect may follow, and fail to connect). */
  #answered = false;
  /** A request that may not be sent twice was answered below 400, then its body was refused: never resent. */
  #appliedUnread = false;
  #shownUrl: string | undefined;
  #secretValues: readonly string[] | undefined;

  constructor(
    request: PreparedRequest,
    plan: FetchPlan,
    hosts: HttpHostRegistry,
    host: HttpHost,
    breaker: CircuitBreaker | undefined,
  ) {
    this.#request = request;
    this.#plan = plan;
    this.#hosts = hosts;
    this.#host = host;
    this.#breaker = breaker;
  }

  /** The URL as messages show it (no query string, no credentials), built on first use. */
  get shownUrl(): string {
    this.#shownUrl ??= urlForErrors(this.#request.url);
    return this.#shownUrl;
  }

  /**
   * `retry`'s `retryOn`. An attempt that never called `fetch` failed in this process (the deadline
   * passed while it waited for a slot or a token): not retried (the deadline is gone) and not charged
   * to the host's budget. A request that may not be sent twice is retried only if it never left.
   */
  shouldRetry(error: PipelineError, attempt: number): boolean {
    if (!this.#sent || this.#appliedUnread) return false;
    if (
      !(this.#plan.retryNonIdempotent || this.#request.idempotent) &&
      (this.#answered || !wasNotSent(error))
    )
      return false;
    return this.#plan.retryOn(error, attempt);
  }

  attempt(context: RetryContext): Promise<Response> {
    const breaker = this.#breaker;
    let round = 0;
    if (breaker !== undefined) {
      const admitted = admit(breaker);
      if (typeof admitted !== 'number') return Promise.reject(admitted);
      round = admitted;
    }
    this.#sent = false;
    this.#answered = false;
    const host = this.#host;
    const leg: Leg = { host, slot: undefined, breaker, round };
    return host.concurrency === undefined && host.rateLimit === undefined
      ? this.#send(context, leg)
      : this.#limited(context, leg);
  }

  async #limited(context: RetryContext, leg: Leg): Promise<Response> {
    const { concurrency, rateLimit } = leg.host;
    await concurrency?.acquire(context.signal);
    leg.slot = concurrency;
    try {
      await rateLimit?.take(context.signal);
      if (leg.breaker !== undefined) leg.round = readmit(leg.breaker);
      return await this.#send(context, leg);
    } finally {
      // Given back by `#send` (or taken by a live body) unless the wait for a token failed.
      leg.slot?.release();
      leg.slot = undefined;
    }
  }

  /**
   * Before a redirect hop to `next` is sent: the hop is one more request start at the host it goes
   * to, so it takes a token there. Another host entry also takes over the attempt: the host that
   * redirected answered (a success for its breaker), its slot is given back, and the target's breaker
   * must admit the hop and its slot is taken; a failure from then on counts against the target. A
   * wait in a queue here is never blamed on a breaker.
   */
  async #hop(next: URL, leg: Leg, signal: AbortSignal): Promise<void> {
    const target = next.host === this.#request.host ? this.#host : this.#hosts.get(next.host);
    let { breaker, round } = leg;
    leg.breaker = undefined;
    if (target !== leg.host) {
      if (breaker !== undefined) succeeded(breaker, round);
      leg.slot?.release();
      leg.slot = undefined;
      leg.host = target;
      // The call's own entry keeps the call's breaker (a `breaker` option); `breaker: false` is for every host.
      breaker =
        target === this.#host ? this.#breaker : this.#plan.breaker === false ? undefined : target.breaker;
      if (breaker !== undefined) {
        const admitted = admit(breaker);
        if (typeof admitted !== 'number') throw admitted;
        round = admitted;
      }
      await target.concurrency?.acquire(signal);
      leg.slot = target.concurrency;
    }
    await target.rateLimit?.take(signal);
    if (breaker !== undefined && (target.concurrency !== undefined || target.rateLimit !== undefined))
      round = readmit(breaker);
    leg.breaker = breaker;
    leg.round = round;
  }

  async #send({ attempt, signal }: RetryContext, leg: Leg): Promise<Response> {
    if (signal !== NEVER_ABORTED && signal.aborted) throw signal.reason;
    const request = this.#request;
    const o = this.#plan;
    const fetchImpl = o.fetch ?? globalThis.fetch;
    const controller = abortForFetch(fetchImpl);
    // retry's shared never-aborted signal needs no listener.
    const forward = signal === NEVER_ABORTED ? undefined : () => controller.abort(signal.reason);
    if (forward !== undefined) signal.addEventListener('abort', forward, { once: true });
    const onTimeout = () => controller.abort(this.#timeoutError(attempt));
    // A fetch that is not Node's may ignore its signal: its steps are raced against the abort.
    const untrusted = isPlatformFetch(fetchImpl) ? undefined : { cut: rejectOnAbort(controller.signal) };
    // The system clock's timeouts share one unref'd timer per duration: Node's fetch holds the process
    // with its socket while it waits. Another fetch may hold nothing (a promise that never settles): its
    // timer is a ref'd one of its own, so that the pending call ends in its timeout error instead of
    // the process exiting under it. An injected clock schedules its own.
    const pending =
      o.clock === systemClock && untrusted === undefined
        ? startTimeout(o.attemptTimeoutMs, onTimeout)
        : undefined;
    const cancelTimer =
      pending === undefined
        ? scheduleOn(o.clock, o.attemptTimeoutMs, onTimeout, untrusted === undefined)
        : undefined;
    try {
      this.#sent = true;
      const init: RequestInit =
        request.init === NO_INIT
          ? { signal: controller.signal, redirect: 'manual' }
          : {
              ...request.init,
              signal: controller.signal,
              redirect: request.followsRedirects ? 'manual' : request.init.redirect,
            };
      const answer = fetchImpl(request.url, init);
      let response = checkedAnswer(
        await (untrusted === undefined
          ? answer
          : until(answerOrRelease(answer, controller.signal), untrusted.cut)),
      );
      if (request.followsRedirects) {
        // The request reached a server: a later hop that cannot connect does not make it unsent.
        this.#answered = true;
        if (isRedirectStatus(response.status)) {
          const followed = followRedirects(
            fetchImpl,
            request.url,
            init,
            response,
            (next) => this.#hop(next, leg, controller.signal),
            o.followCrossOriginBodyRedirects,
          );
          response = await (untrusted === undefined
            ? followed
            : until(answerOrRelease(followed, controller.signal), untrusted.cut));
        }
      }
      if (response.status >= 400) {
        const body = await readErrorBody(response, untrusted);
        // An API may echo the request's key in its answer ("Invalid API key <key>"): the error keeps
        // none of the request's header or query values, as for a transport failure.
        const secrets = this.#secrets();
        throw httpErrorCleaned(
          response,
          {
            method: request.method,
            url: request.url,
            now: () => o.clock.now(),
            ...(body === undefined ? {} : { body }),
          },
          secrets.length === 0 ? undefined : (text) => withoutRequestValues(text, secrets),
        );
      }
      let live = response;
      if (o.bufferBody) {
        if (hasNullBody(request.method, response.status)) {
          if (response.body !== null) discardBody(response.body);
        } else {
          const answered = () => ({ url: this.shownUrl, method: request.method, status: response.status });
          let bytes: Uint8Array<ArrayBuffer>;
          try {
            bytes = await readBodyCapped(response, o.maxResponseBytes, answered, untrusted);
          } catch (err) {
            // The server took the request; whatever `retryOn` says, it is not sent again.
            if (!request.idempotent && isResponseTooLarge(err)) this.#appliedUnread = true;
            throw err;
          }
          live = withBufferedBody(response, bytes);
        }
      } else {
        // The body is still to come: the request is in flight at the host until it is done.
        const slot = leg.slot;
        let free: ((reason: unknown) => void) | undefined;
        if (slot !== undefined && response.body !== null && !hasNullBody(request.method, response.status)) {
          const idleMs = o.bodyIdleTimeoutMs;
          [live, free] = bodyHoldingSlot(
            response,
            response.body,
            () => slot.release(),
            o.clock,
            idleMs,
            () =>
              new OperationTimeoutError(
                `${request.method} ${this.shownUrl}: no body bytes for ${idleMs} ms (bodyIdleTimeoutMs)`,
                { timeoutMs: idleMs },
              ),
            untrusted !== undefined,
          );
          leg.slot = undefined;
        }
        if (request.signal !== undefined) followCallerSignal(live, request.signal, controller, free);
      }
      if (leg.breaker !== undefined) succeeded(leg.breaker, leg.round);
      return live;
    } catch (err) {
      const thrown =
        err instanceof PipelineError
          ? err
          : controller.signal.aborted
            ? controller.signal.reason
            : transportError(withoutRequestSecrets(err, this.#secrets()), () => o.clock.now());
      // The request reached fetch, so the outcome speaks about the host, unless the caller cancelled.
      if (leg.breaker !== undefined && request.signal?.aborted !== true)
        failed(leg.breaker, thrown, leg.round);
      throw thrown;
    } finally {
      leg.slot?.release();
      leg.slot = undefined;
      if (pending !== undefined) stopTimeout(pending);
      else cancelTimer?.();
      if (forward !== undefined) signal.removeEventListener('abort', forward);
    }
  }

  /** The request's possible credentials, found on the first failure that may quote them. */
  #secrets(): readonly string[] {
    this.#secretValues ??= requestSecrets(this.#request.url, this.#request.init);
    return this.#secretValues;
  }

  #timeoutError(attempt: number): OperationTimeoutError {
    const o = this.#plan;
    return new OperationTimeoutError(
      `${this.#request.method} ${this.shownUrl}: attempt ${attempt} timed out after ${o.attemptTimeoutMs} ms ` +
        `(${o.bufferBody ? 'response and body' : 'response headers'})`,
      { timeoutMs: o.attemptTimeoutMs },
    );
  }
}
