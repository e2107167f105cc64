import type { PipelineError } from '../errors/index.js';
import type { Logger } from '../logging/index.js';
import { describeValue, type OptionSpec, optionsProblem, RETRY_ALIASES } from '../shared/check-options.js';
import { isPlainObject } from '../shared/is-plain-object.js';
import { assertJitter, type BackoffOptions, DEFAULT_BASE_DELAY_MS, DEFAULT_MAX_DELAY_MS } from './backoff.js';
import type { RetryBudget } from './budget.js';
import type { CircuitBreaker } from './circuit-breaker.js';
import type { Clock } from './clock.js';

/**
 * What `retry` passes to each attempt.
 *
 * @example
 * ```ts
 * import { retry } from 'gcp-pipeline-resilience';
 * const url = 'https://api.example.com/v1/games';
 * await retry(async ({ attempt, signal }) => {
 *   const res = await fetch(url, { signal, headers: { 'x-attempt': String(attempt) } });
 *   if (!res.ok) throw res; // fetch resolves on a 503: thrown, it is retried as its HttpError
 *   return res;
 * });
 * ```
 */
export interface RetryContext {
  /** 1 for the first call, 2 for the first retry, ... */
  readonly attempt: number;
  /**
   * Aborted when the caller's `signal` aborts, the attempt times out (`attemptTimeoutMs`) or the
   * `deadlineMs` passes. Pass it on to the client call so the work really stops. When none of those
   * options is set this is a shared signal that never aborts.
   */
  readonly signal: AbortSignal;
}

/**
 * The function `retry` calls; sync or async.
 *
 * @example
 * ```ts
 * import { retry, type RetryFunction } from 'gcp-pipeline-resilience';
 * // A function that resolves is a success: a 503 must be thrown to be retried.
 * const fetchGames: RetryFunction<unknown> = async ({ signal }) => {
 *   const res = await fetch('https://api.example.com/v1/games', { signal });
 *   if (!res.ok) throw res; // typed as its HttpError (`toPipelineError`), transient for a 503
 *   return res.json();
 * };
 * const games = await retry(fetchGames, { attemptTimeoutMs: 10_000 });
 * ```
 */
export type RetryFunction<T> = (context: RetryContext) => Promise<T> | T;

/**
 * What `onRetry` receives, before the sleep.
 *
 * @example
 * ```ts
 * import { retry, type RetryInfo } from 'gcp-pipeline-resilience';
 * declare function getGames(): Promise<Response>; // must throw on a failed status: fetch resolves on a 503
 * const retriesByCode = new Map<string, number>();
 * const onRetry = (info: RetryInfo) =>
 *   retriesByCode.set(info.error.code, (retriesByCode.get(info.error.code) ?? 0) + 1);
 * await retry(getGames, { onRetry });
 * ```
 */
export interface RetryInfo {
  /** The attempt that just failed (1-based). */
  attempt: number;
  /** How long `retry` is about to sleep, ms. */
  delayMs: number;
  /** The failure, typed. */
  error: PipelineError;
  /** The operation's name: `options.name`, else the function's name, else `'operation'` (as in the logs). */
  operation: string;
}

/**
 * Why `retry` stopped without a success: `exhausted` (the last of `maxAttempts` failed),
 * `not_retryable` (`retryOn` refused the failure), `budget` (the shared `RetryBudget` is low),
 * `deadline` (the next sleep or the attempt would pass `deadlineMs`), `retry_after` (the server asked
 * for a longer wait than `maxDelayMs` or the deadline allow) or `circuit_open` (the breaker is open
 * for longer than that).
 *
 * @example
 * ```ts
 * import type { GiveUpReason } from 'gcp-pipeline-resilience';
 * const alertWorthy = (reason: GiveUpReason) => reason === 'budget' || reason === 'circuit_open';
 * ```
 */
export type GiveUpReason =
  | 'exhausted'
  | 'not_retryable'
  | 'budget'
  | 'deadline'
  | 'retry_after'
  | 'circuit_open';

/**
 * What `onGiveUp` receives when `retry` stops without a success (not when the caller aborts: that is
 * not a failure of the operation).
 *
 * @example
 * ```ts
 * import type { GiveUpInfo } from 'gcp-pipeline-resilience';
 * const onGiveUp = (info: GiveUpInfo) =>
 *   console.warn(`${info.operation} gave up after ${info.attempts} attempts (${info.reason}): ${info.error.code}`);
 * ```
 */
export interface GiveUpInfo {
  /** Attempts made, the failed last one included. */
  attempts: number;
  reason: GiveUpReason;
  /** The last failure, typed (the caller gets the value that was thrown). */
  error: PipelineError;
  /** As in {@link RetryInfo}. */
  operation: string;
  /** From the call of `retry` to giving up, ms (by the options' clock). */
  elapsedMs: number;
}

/**
 * What `onSuccess` receives when an attempt succeeds.
 *
 * @example
 * ```ts
 * import type { RetrySuccessInfo } from 'gcp-pipeline-resilience';
 * const onSuccess = (info: RetrySuccessInfo) => {
 *   if (info.attempts > 1) console.info(`${info.operation} needed ${info.attempts} attempts`);
 * };
 * ```
 */
export interface RetrySuccessInfo {
  /** The attempt that succeeded (1 when no retry was needed). */
  attempts: number;
  /** As in {@link RetryInfo}. */
  operation: string;
  /** From the call of `retry` to the success, ms (by the options' clock). */
  elapsedMs: number;
}

/**
 * Decides whether an error is worth another attempt.
 *
 * @example
 * ```ts
 * import { retry, type RetryPredicate } from 'gcp-pipeline-resilience';
 * declare function getGames(): Promise<Response>; // must throw on a failed status: fetch resolves on a 503
 * const transientButNotTimeouts: RetryPredicate = (error) => error.transient && error.code !== 'OPERATION_TIMEOUT';
 * await retry(getGames, { retryOn: transientButNotTimeouts });
 * ```
 */
export type RetryPredicate = (error: PipelineError, attempt: number) => boolean;

/**
 * Any error class, for `retryOn: [ServiceUnavailableError, DeadlineExceededError]`.
 *
 * @example
 * ```ts
 * import { NetworkError, retry, ServiceUnavailableError, type ErrorClass } from 'gcp-pipeline-resilience';
 * declare function getGames(): Promise<Response>; // must throw on a failed status: fetch resolves on a 503
 * const outages: ErrorClass[] = [ServiceUnavailableError, NetworkError];
 * await retry(getGames, { retryOn: outages });
 * ```
 */
// biome-ignore lint/suspicious/noExplicitAny: constructor parameters of arbitrary error classes
export type ErrorClass = abstract new (...args: any[]) => Error;

/**
 * Options of `retry`, `withRetry` and `@retryWithJitter`. Every field is optional.
 *
 * @example
 * ```ts
 * import {
 *   CircuitBreaker,
 *   cloudLoggingLogger,
 *   RetryBudget,
 *   type RetryOptions,
 * } from 'gcp-pipeline-resilience';
 * const budget = new RetryBudget();
 * const breaker = new CircuitBreaker({ key: 'bigquery' });
 * const logger = cloudLoggingLogger();
 * const options: RetryOptions = {
 *   maxAttempts: 4, baseDelayMs: 1000, maxDelayMs: 15_000, jitter: 'full',
 *   deadlineMs: 60_000, attemptTimeoutMs: 20_000, budget, breaker, logger, name: 'load_games',
 * };
 * ```
 */
export interface RetryOptions extends BackoffOptions {
  /** Total calls including the first (not retries). Positive integer or `Infinity`. Default 3. */
  maxAttempts?: number;
  /**
   * Which failures are retried: a predicate, or a list of classes (matched against the typed error
   * and against the value originally thrown). Default `isTransientError`. A predicate (or a class's
   * `Symbol.hasInstance`) that throws means "not retryable": it is logged at warning and the caller
   * gets the value the function threw. So does a predicate that answers anything but `true` or
   * `false` (an `async` one's Promise would otherwise retry every failure, permanent ones too).
   * Every entry of a list must work with `instanceof` (a class, or an object with
   * `Symbol.hasInstance`); anything else (a name, an arrow predicate) is refused with the options.
   */
  retryOn?: RetryPredicate | ReadonlyArray<ErrorClass>;
  /**
   * Total budget for the call, ms, from the moment `retry` is called. No sleep runs past it (when the
   * next delay would reach it, `retry` gives up at once with the last error), and an attempt still
   * running when it passes is aborted with an `OperationTimeoutError`.
   */
  deadlineMs?: number;
  /** Per-attempt limit, ms: the attempt's `signal` aborts and it fails with a transient `OperationTimeoutError`. */
  attemptTimeoutMs?: number;
  /** Aborting it stops everything at once: `retry` rejects with `signal.reason`. */
  signal?: AbortSignal;
  /** A shared retry token bucket; see `RetryBudget`. */
  budget?: RetryBudget;
  /** Every attempt goes through `breaker.execute`; see `CircuitBreaker`. */
  breaker?: CircuitBreaker;
  /**
   * Sleep at least as long as a `Retry-After` (`error.retryAfterMs`) asks; when it asks for more than
   * `maxDelayMs` or than the deadline leaves, give up instead of retrying early. Default true.
   */
  honorRetryAfter?: boolean;
  /** Called before each sleep. A listener that throws (or rejects) is logged and ignored. */
  onRetry?: (info: RetryInfo) => void;
  /**
   * Called once when `retry` stops on a failure (see {@link GiveUpReason}); not when the caller's
   * `signal` aborts, which is no failure of the operation. A listener that throws is logged and ignored.
   */
  onGiveUp?: (info: GiveUpInfo) => void;
  /** Called once when an attempt succeeds. A listener that throws is logged and ignored. */
  onSuccess?: (info: RetrySuccessInfo) => void;
  /** Retries log at warning, giving up at error, a late success at info. Default silent. */
  logger?: Logger;
  /** Default `systemClock`. Must have `now()` and `sleep()`; `schedule()` is optional. */
  clock?: Clock;
  /**
   * The operation's name in logs, events, timeout messages and metrics (`resilience.operation.name`:
   * keep it low in cardinality, e.g. `'load_games'`, not one per date). Default the function's name.
   */
  name?: string;
}

/** The largest delay `setTimeout` honors (2^31 - 1 ms, about 24.8 days). */
export const MAX_TIMER_MS = 2_147_483_647;

const EMPTY: RetryOptions = /* @__PURE__ */ Object.freeze({});

export { EMPTY as EMPTY_OPTIONS };

function bad(name: string, rule: string, value: unknown): RangeError {
  return new RangeError(`retry option ${name} must be ${rule}; got ${String(value)}`);
}

/**
 * A number of ms that must lie in `[0, MAX_TIMER_MS]` (`zeroAllowed`) or `(0, MAX_TIMER_MS]`: the
 * problem, or `undefined` when it is absent or fits.
 */
function outOfRange(name: string, value: number | undefined, zeroAllowed: boolean): RangeError | undefined {
  if (value === undefined || ((zeroAllowed ? value >= 0 : value > 0) && value <= MAX_TIMER_MS))
    return undefined;
  return bad(name, `a number of ms in ${zeroAllowed ? '[' : '('}0, ${MAX_TIMER_MS}]`, value);
}

/** Every key of {@link RetryOptions} and the kind of its value; anything else is refused. */
const RETRY_OPTION_SPEC: OptionSpec = {
  maxAttempts: 'number',
  baseDelayMs: 'number',
  maxDelayMs: 'number',
  jitter: ['string', 'object'],
  random: 'function',
  retryOn: ['function', 'array'],
  deadlineMs: 'number',
  attemptTimeoutMs: 'number',
  signal: 'signal',
  budget: 'object',
  breaker: 'object',
  honorRetryAfter: 'boolean',
  onRetry: 'function',
  onGiveUp: 'function',
  onSuccess: 'function',
  logger: 'object',
  clock: 'clock',
  name: 'string',
};

/**
 * Every key of {@link RetryOptions}: layers that take a nested `retry` object point a misplaced key
 * there (`{ signal }` on a BigQuery call -> `{ retry: { signal } }`).
 */
export const RETRY_OPTION_KEYS: readonly string[] = /* @__PURE__ */ Object.freeze(
  /* @__PURE__ */ Object.keys(RETRY_OPTION_SPEC),
);

/**
 * The fast pre-check of `RETRY_OPTION_SPEC` that `retry` runs on every call (an options
 * literal is often new on each call): the spec's one-kind entries checked with `typeof`, no
 * predicates, no message. False sends the options to the general check, which finds the problem and
 * words the message.
 */
function keysLookRight(o: RetryOptions): boolean {
  // Not an object: refused by the general check, before `for...in` walks a string's every index.
  if (typeof o !== 'object' || o === null) return false;
  // A class instance's options are getters on its prototype, which `for...in` does not list.
  try {
    if (!isPlainObject(o)) return false;
  } catch {
    return false;
  }
  for (const key in o) {
    let value: unknown;
    try {
      value = (o as Record<string, unknown>)[key];
    } catch {
      // A getter that throws: the general check names the option and what it threw.
      return false;
    }
    // An unknown key is refused by the general check even when its value is undefined.
    if (!Object.hasOwn(RETRY_OPTION_SPEC, key)) return false;
    if (value === undefined) continue;
    const kind = RETRY_OPTION_SPEC[key];
    // jitter, retryOn and signal (rarer, with several accepted kinds or a shape): the general check decides.
    if (
      kind === 'object'
        ? typeof value !== 'object' || value === null
        : typeof kind !== 'string' || kind === 'signal' || typeof value !== kind
    )
      return false;
  }
  return true;
}

/**
 * The spec of a layer that takes every retry option plus its own (`resilientFetch`): `extra` over
 * `retry`'s. The layer merges once, where it is defined, so `retry`'s own check carries no merging.
 */
export function retryOptionSpecWith(extra: OptionSpec): OptionSpec {
  return { ...RETRY_OPTION_SPEC, ...extra };
}

/**
 * Checks the options once, with precise messages; returns the problem rather than throwing so that
 * `retry` can reject and the wrappers can throw at definition time. An unknown key is a `TypeError`
 * with a hint (`retries` -> `maxAttempts`), a value of the wrong kind a `TypeError` that says what it
 * got, a number out of range a `RangeError`.
 *
 * @param where who is asking, for the message (`'retry'`, `'withRetry'`, ...)
 * @param spec the keys and kinds refused or accepted: `retry`'s, or a layer's from
 *   `retryOptionSpecWith`
 */
export function validateRetryOptions(
  o: RetryOptions,
  where = 'retry',
  spec: OptionSpec = RETRY_OPTION_SPEC,
): Error | undefined {
  if (o === EMPTY) return undefined;
  if (!keysLookRight(o)) {
    const problem = optionsProblem(where, o, spec, [RETRY_ALIASES]);
    if (problem !== undefined) return problem;
  }
  const { maxAttempts, baseDelayMs, maxDelayMs, deadlineMs, attemptTimeoutMs, retryOn } = o;
  if (
    maxAttempts !== undefined &&
    !(maxAttempts >= 1 && (Number.isInteger(maxAttempts) || maxAttempts === Infinity))
  ) {
    return bad('maxAttempts', 'a positive integer (it counts the first call) or Infinity', maxAttempts);
  }
  const delayProblem =
    outOfRange('baseDelayMs', baseDelayMs, true) ?? outOfRange('maxDelayMs', maxDelayMs, true);
  if (delayProblem !== undefined) return delayProblem;
  if (baseDelayMs !== undefined || maxDelayMs !== undefined) {
    const base = baseDelayMs ?? DEFAULT_BASE_DELAY_MS;
    const max = maxDelayMs ?? DEFAULT_MAX_DELAY_MS;
    if (base > max)
      return new RangeError(`retry option baseDelayMs (${base}) must not exceed maxDelayMs (${max})`);
  }
  const limitProblem =
    outOfRange('deadlineMs', deadlineMs, false) ?? outOfRange('attemptTimeoutMs', attemptTimeoutMs, false);
  if (limitProblem !== undefined) return limitProblem;
  // Not a function, so an array: the kind check above refused anything else.
  if (retryOn !== undefined && typeof retryOn !== 'function') {
    // An entry `instanceof` cannot use (a name, an arrow predicate, a CJS import that does not exist)
    // would make every failure "not retryable", silently. The engine's check is run on `{}`; a
    // matcher of its own is not called with it, `{}` being no error (`e.message.includes(...)`).
    for (let i = 0; i < retryOn.length; i++) {
      try {
        const has: unknown = Object(retryOn[i])[Symbol.hasInstance];
        if (has == null || has === Function[Symbol.hasInstance])
          void ({} instanceof (retryOn[i] as ErrorClass));
        else if (typeof has !== 'function') throw has;
      } catch {
        return new TypeError(
          `retry option retryOn[${i}] must be an error class; got ${describeValue(retryOn[i])}`,
        );
      }
    }
  }
  if (o.jitter !== undefined) {
    try {
      assertJitter(o.jitter);
    } catch (err) {
      return err as Error;
    }
  }
  return undefined;
}
