import {
  CircuitBreakerOpenError,
  isTransientError,
  type PipelineError,
  toPipelineError,
} from '../errors/index.js';
import { type Logger, silentLogger } from '../logging/index.js';
import { booleanAnswer } from '../shared/boolean-answer.js';
import { describeValue } from '../shared/check-options.js';
import { safeLogger } from '../shared/safe-logger.js';
import { untilAborted } from '../shared/until-aborted.js';
import { metricsEnabled } from '../telemetry/api.js';
import { notify } from '../telemetry/listeners.js';
import { guardedAttempt, NEVER_ABORTED } from './attempt.js';
import { backoffDelays, DEFAULT_MAX_DELAY_MS } from './backoff.js';
import { admit, failed, succeeded } from './circuit-breaker.js';
import { abortReason, type Clock, systemClock } from './clock.js';
import {
  EMPTY_OPTIONS,
  type GiveUpReason,
  type RetryContext,
  type RetryFunction,
  type RetryOptions,
  validateRetryOptions,
} from './options.js';
import { formatDelay, recordCancelled, recordGiveUp, recordRetry, recordSuccess } from './telemetry.js';

const DEFAULT_MAX_ATTEMPTS = 3;

/**
 * Calls `fn` until it succeeds, with jittered exponential backoff between attempts.
 *
 * - `maxAttempts` (default 3) counts the first call. A failure that `retryOn` (default
 *   `isTransientError`) rejects propagates after that one call.
 * - Transparent: when `retry` gives up (attempts, budget or deadline exhausted, or a failure that is
 *   not retried) the caller gets exactly the value the function last threw (`e === thrown`), so
 *   `catch (e) { if (e instanceof MyError) ... }` keeps working. Retry decisions, `onRetry` and the
 *   logs use the typed view (`toPipelineError`); call it yourself for the same view. Only errors the
 *   retry layer makes itself are its own classes: `CircuitBreakerOpenError` when the breaker refuses
 *   the call, `OperationTimeoutError` when `attemptTimeoutMs` or `deadlineMs` cuts an attempt off.
 * - Sleeps come from {@link backoffDelays} with the same options. A `Retry-After` raises a sleep to
 *   at least what the server asked; if it asks for more than `maxDelayMs`, or more than the deadline
 *   leaves, `retry` gives up at once rather than retry early.
 * - `deadlineMs` bounds the whole call: no sleep runs past it, and an attempt still running when it
 *   passes is aborted. `attemptTimeoutMs` bounds each attempt. Both fail the attempt with a transient
 *   `OperationTimeoutError` and abort its `signal`.
 * - Aborting `signal` rejects at once with `signal.reason` (the caller's own value, untouched), during
 *   an attempt or a sleep, and leaves no timer behind.
 * - With a `budget`, each retryable failure takes a token and each success returns a fraction; no
 *   retry while the budget is low. With a `breaker`, every attempt goes through it; an open circuit
 *   is waited for only if its `retryAfterMs` fits like a `Retry-After` would, else `retry` gives up
 *   with the `CircuitBreakerOpenError`.
 * - A `fn` that resolves has succeeded, whatever it resolved to: `fetch` resolves on a 503, so throw
 *   the response when it is not ok (`if (!res.ok) throw res`: `toPipelineError` types it as its
 *   `HttpError`, transient for a 503), or call `resilientFetch`, which does that and retries itself.
 * - A `fn` that is not a function, or options that are not an object or hold a bad option, reject
 *   at once with a `TypeError` (a `RangeError` for a number out of range) naming what is wrong.
 *
 * @example
 * ```ts
 * import { BigQuery } from '@google-cloud/bigquery';
 * import { cloudLoggingLogger, retry } from 'gcp-pipeline-resilience';
 *
 * const bigquery = new BigQuery();
 * const [rows] = await retry(
 *   () => bigquery.query({ query: 'SELECT game_id FROM `nba_raw.schedule`' }),
 *   { maxAttempts: 4, deadlineMs: 60_000, logger: cloudLoggingLogger(), name: 'daily_games' },
 * );
 * ```
 */
export function retry<T>(fn: RetryFunction<T>, options: RetryOptions = EMPTY_OPTIONS): Promise<T> {
  if (typeof fn !== 'function') {
    return Promise.reject(new TypeError(`retry: fn must be the function to retry, got ${describeValue(fn)}`));
  }
  return executeRetry(fn, options, true);
}

/**
 * `retry` without the option check (unless `check`), for wrappers that validated once at definition
 * time. The first attempt is run inline and cheaply when nothing can interrupt it (no signal, timeout
 * or deadline): a shared frozen context, no AbortController, no timer, no async frame, and the
 * breaker's bookkeeping done here rather than through one more promise. Anything else, and every
 * failure, goes to the general loop.
 */
export function executeRetry<T>(fn: RetryFunction<T>, o: RetryOptions, check?: boolean): Promise<T> {
  // A Promise-returning API must not also throw: options a Proxy cannot list, a returned Promise whose
  // own `then` throws, are a rejection like any other failure.
  try {
    // The empty default needs no check: skipping it keeps `retry(fn)` as cheap as it can be.
    const invalid = check && o !== EMPTY_OPTIONS ? validateRetryOptions(o) : undefined;
    if (invalid !== undefined) throw invalid;
    return startRetry(fn, o);
  } catch (err) {
    return Promise.reject(err);
  }
}

function startRetry<T>(fn: RetryFunction<T>, o: RetryOptions): Promise<T> {
  if (o.signal !== undefined || o.attemptTimeoutMs !== undefined || o.deadlineMs !== undefined) {
    return retryLoop(fn, o, undefined, undefined);
  }
  // The callbacks below are inline and anonymous on purpose: tools that keep function names (tsx,
  // esbuild --keep-names) wrap every *named* closure in a defineProperty call, which would double
  // the cost of the happy path.
  const { breaker, budget } = o;
  // The clock is read only for listeners that want the elapsed time.
  const startedAt =
    o.onSuccess === undefined && o.onGiveUp === undefined ? undefined : (o.clock ?? systemClock).now();
  const round = breaker === undefined ? 0 : admit(breaker);
  if (typeof round !== 'number') return retryLoop(fn, o, { error: round }, startedAt);
  let result: Promise<T> | T;
  try {
    result = fn(FIRST_CONTEXT);
  } catch (err) {
    if (breaker !== undefined) failed(breaker, err, round);
    return retryLoop(fn, o, { error: err }, startedAt);
  }
  const promise = result instanceof Promise ? result : Promise.resolve(result);
  // Nothing to do on success: only a failure needs a closure (the general branch below does the
  // same when its parts are absent, one more closure later).
  if (breaker === undefined && budget === undefined && startedAt === undefined && !metricsEnabled()) {
    return promise.then(undefined, (err: unknown) => retryLoop(fn, o, { error: err }, undefined));
  }
  return promise.then(
    (value: T) => {
      if (breaker !== undefined) succeeded(breaker, round);
      budget?.onSuccess();
      if (metricsEnabled()) recordSuccess(operationName(o, fn), 1);
      if (startedAt !== undefined) {
        reportSuccess(o, operationName(o, fn), 1, (o.clock ?? systemClock).now() - startedAt, loggerOf(o));
      }
      return value;
    },
    (err: unknown) => {
      if (breaker !== undefined) failed(breaker, err, round);
      return retryLoop(fn, o, { error: err }, startedAt);
    },
  );
}

/** The operation's name in logs, events and metrics: `name`, else the function's name. */
function operationName<T>(o: RetryOptions, fn: RetryFunction<T>): string {
  return o.name ?? (fn.name || 'operation');
}

/** The options' logger, made safe: a logger that throws must not replace what the caller gets. */
function loggerOf(o: RetryOptions): Logger {
  return o.logger === undefined ? silentLogger : safeLogger(o.logger);
}

/**
 * Calls the options' listener `key`; one that throws (or rejects) is logged at warning with `fields`
 * and ignored, never turned into a failure.
 */
function listen<K extends 'onRetry' | 'onGiveUp' | 'onSuccess'>(
  o: RetryOptions,
  key: K,
  event: Parameters<NonNullable<RetryOptions[K]>>[0],
  logger: Logger,
  fields: { operation: string; attempt?: number },
): void {
  notify(o[key] as ((event: unknown) => void) | undefined, event, (hookError) =>
    logger.warn(
      `${fields.operation}: ${key} listener threw; ignoring it${key === 'onRetry' ? ' and retrying' : ''}`,
      { ...fields, hookError },
    ),
  );
}

/** Tells `onSuccess` (the inline first attempt and the loop share it). */
function reportSuccess(
  o: RetryOptions,
  operation: string,
  attempts: number,
  elapsedMs: number,
  logger: Logger,
): void {
  listen(o, 'onSuccess', { attempts, operation, elapsedMs }, logger, { operation });
}

/** The context of every first attempt that nothing can abort: immutable, so one instance serves all. */
const FIRST_CONTEXT: RetryContext = /* @__PURE__ */ Object.freeze({ attempt: 1, signal: NEVER_ABORTED });

/**
 * Whether `retryOn` retries this failure. A predicate (or a class's `Symbol.hasInstance`) that throws
 * cannot say "retry": the bug is logged, and the caller gets what the function threw, not the bug.
 */
function matchesRetryOn(
  o: RetryOptions,
  error: PipelineError,
  raw: unknown,
  attempt: number,
  logger: Logger,
  name: string,
): boolean {
  const retryOn = o.retryOn;
  if (retryOn === undefined) return isTransientError(error);
  try {
    if (typeof retryOn === 'function') {
      // An answer that is not a boolean (the Promise of an `async` predicate, always truthy) would
      // retry every failure, permanent ones too: it cannot say "retry", like a predicate that throws.
      return booleanAnswer('retryOn', retryOn(error, attempt));
    }
    for (const cls of retryOn) {
      if (error instanceof cls || raw instanceof cls) return true;
    }
  } catch (hookError) {
    logger.warn(`${name}: retryOn threw`, { operation: name, hookError });
  }
  return false;
}

function retryAfterOf(error: PipelineError): number | undefined {
  const value = (error as { retryAfterMs?: unknown }).retryAfterMs;
  return typeof value === 'number' && value >= 0 ? value : undefined;
}

function describe(error: PipelineError): string {
  return `${error.name}: ${error.message}`;
}

/**
 * The general loop. `first` is the failure of an attempt already made inline by `executeRetry`;
 * undefined when no attempt has been made yet.
 */
async function retryLoop<T>(
  fn: RetryFunction<T>,
  o: RetryOptions,
  first: { error: unknown } | undefined,
  firstStartedAt: number | undefined,
): Promise<T> {
  const clock: Clock = o.clock ?? systemClock;
  const startedAt = firstStartedAt ?? clock.now();
  const logger = loggerOf(o);
  const name = operationName(o, fn);
  const maxAttempts = o.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  const maxDelayMs = o.maxDelayMs ?? DEFAULT_MAX_DELAY_MS;
  const { signal, budget } = o;
  const deadlineMs = o.deadlineMs;
  const deadlineAt = deadlineMs === undefined ? Infinity : clock.now() + deadlineMs;
  let delays: Generator<number, never, unknown> | undefined;

  /** Records and reports that `retry` stops without a success. */
  const stop = (reason: GiveUpReason, error: PipelineError): void => {
    recordGiveUp(name, attempt, reason, error);
    listen(
      o,
      'onGiveUp',
      { attempts: attempt, reason, error, operation: name, elapsedMs: clock.now() - startedAt },
      logger,
      { operation: name, attempt },
    );
  };
  /** Logs why `retry` stops and returns what the caller gets: the value the function threw. */
  const giveUp = (reason: GiveUpReason, error: PipelineError, detail: string): unknown => {
    stop(reason, error);
    logger.error(
      `${name}: failed after ${attempt} attempt${attempt === 1 ? '' : 's'} (${detail}): ${describe(error)}`,
      {
        operation: name,
        attempt,
        maxAttempts,
        reason,
        error,
      },
    );
    return raw;
  };

  let attempt = first === undefined ? 0 : 1;
  let raw: unknown = first?.error;
  let failed = first !== undefined;
  for (;;) {
    if (!failed) {
      attempt++;
      try {
        const value = await runAttempt(fn, attempt, o, clock, name, deadlineAt);
        budget?.onSuccess();
        recordSuccess(name, attempt);
        if (o.onSuccess !== undefined) reportSuccess(o, name, attempt, clock.now() - startedAt, logger);
        if (attempt > 1) {
          logger.info(`${name}: succeeded on attempt ${attempt}/${maxAttempts}`, {
            operation: name,
            attempt,
            maxAttempts,
          });
        }
        return value;
      } catch (err) {
        raw = err;
      }
    }
    failed = false;

    // The caller's cancellation is not a failure of the operation: hand back their own reason.
    if (signal?.aborted) {
      recordCancelled(name);
      throw abortReason(signal);
    }

    const error = toPipelineError(raw, { now: () => clock.now() });
    const circuitOpen = error instanceof CircuitBreakerOpenError;
    if (!circuitOpen && !matchesRetryOn(o, error, raw, attempt, logger, name)) {
      stop('not_retryable', error);
      logger.debug(`${name}: attempt ${attempt} failed with a non-retryable error: ${describe(error)}`, {
        operation: name,
        attempt,
        error,
      });
      throw raw;
    }
    // An open circuit made no call, so it neither spends nor earns budget.
    if (!circuitOpen) budget?.onFailure();
    // Not `attempt >= maxAttempts`: a getter that answered the check and then NaN would never stop.
    if (!(attempt < maxAttempts)) throw giveUp('exhausted', error, 'attempts exhausted');
    if (!circuitOpen && budget !== undefined && !budget.canRetry()) {
      throw giveUp('budget', error, 'retry budget exhausted');
    }

    delays ??= backoffDelays(o);
    let delayMs = delays.next().value;
    const asked = circuitOpen || o.honorRetryAfter !== false ? retryAfterOf(error) : undefined;
    if (asked !== undefined) {
      if (asked > maxDelayMs) {
        throw giveUp(
          circuitOpen ? 'circuit_open' : 'retry_after',
          error,
          `${circuitOpen ? 'circuit open for' : 'server asked to wait'} ${asked} ms, more than maxDelayMs ${maxDelayMs}`,
        );
      }
      if (asked > delayMs) delayMs = asked;
    }
    if (clock.now() + delayMs >= deadlineAt) {
      throw giveUp(
        'deadline',
        error,
        `the next delay of ${Math.round(delayMs)} ms would pass the ${deadlineMs} ms deadline`,
      );
    }

    logger.warn(
      `${name}: attempt ${attempt}/${maxAttempts} failed: ${describe(error)}; retrying in ${formatDelay(delayMs)}`,
      { operation: name, attempt, maxAttempts, delayMs: Math.round(delayMs), error },
    );
    recordRetry(name, attempt, delayMs, error);
    listen(o, 'onRetry', { attempt, delayMs, error, operation: name }, logger, { operation: name, attempt });
    try {
      // Raced against the signal: a clock whose sleep ignores it (a hand-written one) cannot hold the
      // caller past the abort (`onRetry` may have aborted it already: no listener would fire).
      await untilAborted(clock.sleep(delayMs, signal), signal);
    } catch (err) {
      // A clock that rejects with `signal.reason` gives undefined for a polyfill's signal.
      throw signal?.aborted ? abortReason(signal) : err;
    }
    if (clock.now() >= deadlineAt) {
      throw giveUp('deadline', error, `the ${deadlineMs} ms deadline passed`);
    }
  }
}

function runAttempt<T>(
  fn: RetryFunction<T>,
  attempt: number,
  o: RetryOptions,
  clock: Clock,
  name: string,
  deadlineAt: number,
): Promise<T> {
  const signal = o.signal;
  if (signal?.aborted) return Promise.reject(signal.reason);
  let timeoutMs = o.attemptTimeoutMs ?? Infinity;
  let timeoutMessage = `${name}: attempt ${attempt} timed out after ${timeoutMs} ms`;
  let reportedTimeoutMs = timeoutMs;
  if (deadlineAt !== Infinity) {
    const remaining = Math.max(0, deadlineAt - clock.now());
    if (remaining < timeoutMs) {
      timeoutMs = remaining;
      reportedTimeoutMs = o.deadlineMs ?? remaining;
      timeoutMessage = `${name}: the ${reportedTimeoutMs} ms deadline passed during attempt ${attempt}`;
    }
  }
  const run = (): Promise<T> =>
    timeoutMs === Infinity && signal === undefined
      ? Promise.resolve(fn({ attempt, signal: NEVER_ABORTED }))
      : guardedAttempt(fn, attempt, { signal, timeoutMs, timeoutMessage, reportedTimeoutMs, clock });
  const breaker = o.breaker;
  if (breaker === undefined) return run();
  const round = admit(breaker);
  if (typeof round !== 'number') return Promise.reject(round);
  let pending: Promise<T>;
  try {
    pending = run();
  } catch (err) {
    pending = Promise.reject(err);
  }
  return pending.then(
    (value) => {
      succeeded(breaker, round);
      return value;
    },
    (err: unknown) => {
      // The caller's own cancellation says nothing about the service: it is not a failure.
      if (signal?.aborted !== true) failed(breaker, err, round);
      throw err;
    },
  );
}
