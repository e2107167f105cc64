import { CircuitBreakerOpenError, type PipelineError, toPipelineError } from '../errors/index.js';
import { type Logger, silentLogger } from '../logging/index.js';
import { booleanAnswer } from '../shared/boolean-answer.js';
import { checkOptions, type OptionSpec, POLICY_ALIASES } from '../shared/check-options.js';
import { safeLogger } from '../shared/safe-logger.js';
import { ATTR } from '../telemetry/attributes.js';
import { notify } from '../telemetry/listeners.js';
import {
  breakerAttribute,
  breakerState,
  breakerTransitions,
  count,
  observeGauge,
} from '../telemetry/metrics.js';
import { type Clock, systemClock } from './clock.js';

/**
 * The three states of a {@link CircuitBreaker}.
 *
 * @example
 * ```ts
 * import { CircuitBreaker, type CircuitState } from 'gcp-pipeline-resilience';
 * const breaker = new CircuitBreaker({ key: 'odds_api' });
 * const state: CircuitState = breaker.state;
 * if (state === 'open') console.warn('odds_api is down; skipping this run');
 * ```
 */
export type CircuitState = 'closed' | 'open' | 'half_open';

/**
 * What `onStateChange` receives: which breaker, from and to which state, and why.
 *
 * @example
 * ```ts
 * import type { CircuitStateChange } from 'gcp-pipeline-resilience';
 * const onStateChange = (change: CircuitStateChange) =>
 *   console.warn(`circuit ${change.key ?? '(unnamed)'}: ${change.from} -> ${change.to} (${change.cause})`);
 * ```
 */
export interface CircuitStateChange {
  /** The breaker's `key`, when it has one. */
  key: string | undefined;
  from: CircuitState;
  to: CircuitState;
  /** Why, in words: `'5 failures within 60000 ms'`, `'a half-open trial failed'`, `'open for 300000 ms'`, `'3 successes in half-open'`. */
  cause: string;
  /** The failure that opened the circuit (opening only). */
  error?: PipelineError;
}

/**
 * Options of {@link CircuitBreaker}. By default 5 transient failures within 60 s (a success in between
 * starts the count again) open the circuit for 300 s, and 3 successes in half-open close it.
 *
 * @example
 * ```ts
 * import { CircuitBreaker, CircuitBreakerRegistry, type CircuitBreakerOptions } from 'gcp-pipeline-resilience';
 * const quickToRecover: CircuitBreakerOptions = { failureThreshold: 3, openMs: 30_000 };
 * const breaker = new CircuitBreaker({ ...quickToRecover, key: 'scores-api' });
 * const breakers = new CircuitBreakerRegistry(quickToRecover); // one breaker per key, same options
 * ```
 */
export interface CircuitBreakerOptions {
  /** Failures within `windowMs`, with no success between them, that open the circuit. Default 5. */
  failureThreshold?: number;
  /** Sliding window over which failures are counted, ms. Default 60 000. */
  windowMs?: number;
  /** How long the circuit stays open before it lets calls try again (half-open), ms. Default 300 000. */
  openMs?: number;
  /** Successes in half-open that close the circuit. Default 3. */
  halfOpenSuccesses?: number;
  /** Default {@link systemClock}. Must have `now()` and `sleep()`, as every {@link Clock}. */
  clock?: Clock;
  /**
   * Which errors count as failures of the service. Default: transient errors only (`error.transient`):
   * 503s, timeouts, resets and rate limits say the service is unwell, whereas a 404, a 400
   * `invalidQuery` or a 403 `accessDenied` say the request was wrong and must not cut off every
   * other caller. Errors that do not count neither open nor close the circuit. A predicate that
   * throws or answers anything but `true` or `false` (an `async` one's Promise) counts nothing and is
   * logged at warning.
   */
  isFailure?: (error: PipelineError) => boolean;
  /** A name for logs and for {@link CircuitBreakerOpenError.key}. */
  key?: string;
  /** State changes are logged: opening at warning, half-open and closing at info. */
  logger?: Logger;
  /** Called on every state change. A listener that throws is logged and ignored. */
  onStateChange?: (change: CircuitStateChange) => void;
}

/**
 * The breaker's step-by-step protocol, for `retry` (whose first attempt records the outcome itself
 * instead of chaining one more promise) and `resilientFetch`. Internal: not exported from the
 * package. Free functions over private methods rather than symbol-keyed methods: a class with
 * computed keys is one a bundler must keep, so an application that never makes a breaker would carry
 * the whole class.
 */
interface BreakerSteps {
  admitCall(): CircuitBreakerOpenError | number;
  recordSucceeded(round: number): void;
  recordFailed(err: unknown, round: number): PipelineError;
  isAtRest(): boolean;
  peekState(): CircuitState;
}

function steps(breaker: CircuitBreaker): BreakerSteps {
  return breaker as unknown as BreakerSteps;
}

/**
 * @internal The refusal when the circuit is open (entering half-open when it has expired), else the
 * round the call is admitted in, to hand back with its outcome.
 */
export function admit(breaker: CircuitBreaker): CircuitBreakerOpenError | number {
  return steps(breaker).admitCall();
}

/** @internal Records a success of a call admitted in `round`. */
export function succeeded(breaker: CircuitBreaker, round: number): void {
  steps(breaker).recordSucceeded(round);
}

/** @internal Records a failure of a call admitted in `round` (through `isFailure`); returns its typed view. */
export function failed(breaker: CircuitBreaker, err: unknown, round: number): PipelineError {
  return steps(breaker).recordFailed(err, round);
}

/** @internal Whether the breaker holds no state worth keeping: closed, no failure inside the window. */
export function atRest(breaker: CircuitBreaker): boolean {
  return steps(breaker).isAtRest();
}

const STATES: readonly CircuitState[] = ['closed', 'open', 'half_open'];

/** The `resilience.circuit_breaker.state` readings of one breaker: 1 for its state, 0 for the others. */
function breakerReadings(breaker: CircuitBreaker): Array<readonly [number, Record<string, string>]> {
  const state = steps(breaker).peekState();
  const name = breakerAttribute(breaker.key ?? '(unnamed)');
  return STATES.map(
    (s) => [s === state ? 1 : 0, { [ATTR.breakerName]: name, [ATTR.breakerState]: s }] as const,
  );
}

function recordTransition(key: string | undefined, from: CircuitState, to: CircuitState): void {
  count(breakerTransitions, 1, {
    [ATTR.breakerName]: breakerAttribute(key ?? '(unnamed)'),
    [ATTR.breakerFrom]: from,
    [ATTR.breakerState]: to,
  });
}

const isTransient = (error: PipelineError): boolean => error.transient;

const BREAKER_OPTION_SPEC: OptionSpec = {
  failureThreshold: 'number',
  windowMs: 'number',
  openMs: 'number',
  halfOpenSuccesses: 'number',
  clock: 'clock',
  isFailure: 'function',
  key: 'string',
  logger: 'object',
  onStateChange: 'function',
};

function positive(name: string, value: number, integer: boolean): number {
  if (!(value > 0 && (integer ? Number.isInteger(value) : Number.isFinite(value)))) {
    throw new RangeError(
      `CircuitBreaker ${name} must be a positive ${integer ? 'integer' : 'number'}; got ${value}`,
    );
  }
  return value;
}

/**
 * A circuit breaker: in `closed`, failures are counted in a sliding window and `failureThreshold` of
 * them open the circuit (a success resets the count); in
 * `open`, calls are refused at once with a {@link CircuitBreakerOpenError} carrying `retryAfterMs`;
 * after `openMs` the next call finds it `half_open`, where `halfOpenSuccesses` successes close it and
 * any failure reopens it. Half-open admits every call that arrives (no probe quota), so a recovered
 * service is back in use within `halfOpenSuccesses` calls. Only outcomes of calls admitted since the
 * last state change count: a late answer to a call made before the circuit opened, or in an earlier
 * half-open round, says nothing about the service now and is ignored.
 *
 * There are no timers: time is read from the clock when a call arrives, so an idle breaker costs
 * nothing and never keeps a Cloud Run or Cloud Functions instance alive.
 *
 * @example
 * ```ts
 * import { CircuitBreaker, retry } from 'gcp-pipeline-resilience';
 * declare function getGames(): Promise<Response>; // must throw on a failed status: fetch resolves on a 503
 * const breaker = new CircuitBreaker({ key: 'games_api' });
 * const games = await breaker.execute(getGames); // a resolved 503 would count as a success
 * // or let retry route every attempt through it:
 * await retry(getGames, { breaker });
 * ```
 */
export class CircuitBreaker {
  declare readonly key: string | undefined;
  readonly #threshold: number;
  readonly #windowMs: number;
  readonly #openMs: number;
  readonly #halfOpenSuccesses: number;
  readonly #clock: Clock;
  readonly #isFailure: (error: PipelineError) => boolean;
  readonly #logger: Logger;
  readonly #onStateChange: ((change: CircuitStateChange) => void) | undefined;
  #state: CircuitState = 'closed';
  /** Timestamps of the failures inside the window (closed state only). */
  #failures: number[] = [];
  #openedAt = 0;
  #halfOpenCount = 0;
  /** Counts state changes; a call's outcome counts only in the round it was admitted in. */
  #round = 0;
  #observed = false;

  constructor(options: CircuitBreakerOptions = {}) {
    // The copy as checked, each key read once: a getter cannot answer the check and then something else.
    const o = checkOptions('new CircuitBreaker', options, BREAKER_OPTION_SPEC, [POLICY_ALIASES]);
    this.#threshold = positive('failureThreshold', o.failureThreshold ?? 5, true);
    this.#windowMs = positive('windowMs', o.windowMs ?? 60_000, false);
    this.#openMs = positive('openMs', o.openMs ?? 300_000, false);
    this.#halfOpenSuccesses = positive('halfOpenSuccesses', o.halfOpenSuccesses ?? 3, true);
    this.#clock = o.clock ?? systemClock;
    this.#isFailure = o.isFailure ?? isTransient;
    this.#logger = o.logger === undefined ? silentLogger : safeLogger(o.logger);
    this.key = o.key;
    this.#onStateChange = o.onStateChange;
  }

  /**
   * The current state, with an expired `open` reported (and entered) as `half_open`.
   *
   * @example
   * ```ts
   * import { CircuitBreaker } from 'gcp-pipeline-resilience';
   * new CircuitBreaker().state; // 'closed'
   * ```
   */
  get state(): CircuitState {
    if (this.#state === 'open' && this.#remainingOpenMs() <= 0) this.#toHalfOpen();
    return this.#state;
  }

  /** The state as `state` reports it, without entering half-open (for metrics, read at any time). */
  // biome-ignore lint/correctness/noUnusedPrivateClassMembers: called through BreakerSteps, by the state gauge
  private peekState(): CircuitState {
    return this.#state === 'open' && this.#remainingOpenMs() <= 0 ? 'half_open' : this.#state;
  }

  /**
   * Runs `fn` through the breaker. Refuses at once with a {@link CircuitBreakerOpenError} while
   * open; otherwise returns what `fn` returns, and rethrows exactly what it throws (after recording
   * it through `isFailure`, which sees the typed view `toPipelineError(thrown)`).
   *
   * @example
   * ```ts
   * import { CircuitBreaker, CircuitBreakerOpenError } from 'gcp-pipeline-resilience';
   * declare function getOdds(): Promise<Response>; // must throw on a failed status: fetch resolves on a 503
   * const breaker = new CircuitBreaker({ key: 'odds_api' });
   * try {
   *   await breaker.execute(getOdds);
   * } catch (e) {
   *   if (e instanceof CircuitBreakerOpenError) console.log(`skipped, retry in ${e.retryAfterMs} ms`);
   * }
   * ```
   */
  execute<T>(fn: () => Promise<T> | T): Promise<T> {
    const round = this.admitCall();
    if (typeof round !== 'number') return Promise.reject(round);
    let result: Promise<T> | T;
    try {
      result = fn();
    } catch (err) {
      this.recordFailed(err, round);
      return Promise.reject(err);
    }
    return Promise.resolve(result).then(
      (value) => {
        this.recordSucceeded(round);
        return value;
      },
      (err: unknown) => {
        this.recordFailed(err, round);
        throw err;
      },
    );
  }

  /** The steps of `execute`, one by one (see `admit`). */
  private admitCall(): CircuitBreakerOpenError | number {
    if (!this.#observed) {
      // Joins the state gauge on first use, so that breakers made only to check options never show.
      this.#observed = true;
      observeGauge(breakerState, this, breakerReadings);
    }
    // A loop, not an `if`: a listener of the half-open change may have run a call that failed and
    // reopened the circuit, and this call is then refused like any other while open (admitted, its
    // success could close an open circuit). The reopened period is a full `openMs`, so it ends.
    while (this.#state === 'open') {
      const retryAfterMs = this.#remainingOpenMs();
      if (retryAfterMs > 0) return this.#openError(retryAfterMs);
      this.#toHalfOpen();
    }
    return this.#round;
  }

  private recordFailed(err: unknown, round: number): PipelineError {
    const error = toPipelineError(err, { now: () => this.#clock.now() });
    if (round === this.#round) {
      try {
        // Only a boolean answers: an async predicate's Promise would count every error, a 404 too.
        if (booleanAnswer('isFailure', this.#isFailure(error))) this.#recordFailure(error);
      } catch (hookError) {
        // A predicate that cannot answer must not cut every caller off, nor replace what the caller gets.
        this.#hookThrew('isFailure', hookError);
      }
    }
    return error;
  }

  /** Ms left of the open period. A clock stepped backward restarts the period rather than stretching it. */
  #remainingOpenMs(): number {
    const now = this.#clock.now();
    if (now < this.#openedAt) this.#openedAt = now;
    return this.#openedAt + this.#openMs - now;
  }

  // biome-ignore lint/correctness/noUnusedPrivateClassMembers: called through BreakerSteps, by atRest()
  private isAtRest(): boolean {
    if (this.#state !== 'closed') return false;
    const failures = this.#failures;
    return failures.length === 0 || failures[failures.length - 1]! <= this.#clock.now() - this.#windowMs;
  }

  /** No call is admitted while open, so a success of the current round comes in closed or half-open. */
  private recordSucceeded(round: number): void {
    if (round !== this.#round) return;
    if (this.#state === 'closed') {
      if (this.#failures.length > 0) this.#failures = [];
    } else if (++this.#halfOpenCount >= this.#halfOpenSuccesses) {
      const successes = `${this.#halfOpenCount} successes`;
      this.#move('closed', `${successes} in half-open`, `closed after ${successes}`);
    }
  }

  #recordFailure(error: PipelineError): void {
    const now = this.#clock.now();
    let why = 'a half-open trial failed';
    if (this.#state === 'closed') {
      const horizon = now - this.#windowMs;
      // A failure stamped after `now` was seen before the clock stepped backward: its age is unknown.
      const kept = this.#failures.filter((t) => t > horizon && t <= now);
      kept.push(now);
      this.#failures = kept;
      if (kept.length < this.#threshold) return;
      why = `${kept.length} failures within ${this.#windowMs} ms`;
    }
    this.#openedAt = now;
    this.#move('open', why, `opened: ${why}; refusing calls for ${this.#openMs} ms`, error);
  }

  #toHalfOpen(): void {
    this.#move(
      'half_open',
      `open for ${this.#openMs} ms`,
      'half-open: letting calls through to test the service',
    );
  }

  /**
   * Enters `to` and starts a new round (see `admit`); logs the change (opening, which alone has an
   * `error`, at warning) and tells metrics and listeners. A listener that throws is logged, never
   * thrown into a call.
   */
  #move(to: CircuitState, cause: string, message: string, error?: PipelineError): void {
    const from = this.#state;
    this.#state = to;
    this.#round++;
    this.#failures = [];
    this.#halfOpenCount = 0;
    const fields: Record<string, unknown> = { circuit: this.key, state: to };
    if (error !== undefined) {
      fields.openMs = this.#openMs;
      fields.error = error;
    }
    this.#logger[error === undefined ? 'info' : 'warn'](`circuit ${this.#label()} ${message}`, fields);
    recordTransition(this.key, from, to);
    if (this.#onStateChange === undefined) return;
    const change: CircuitStateChange = { key: this.key, from, to, cause };
    if (error !== undefined) change.error = error;
    notify(this.#onStateChange, change, (hookError) => this.#hookThrew('onStateChange listener', hookError));
  }

  #hookThrew(what: string, hookError: unknown): void {
    this.#logger.warn(`circuit ${this.#label()}: ${what} threw; ignoring it`, {
      circuit: this.key,
      hookError,
    });
  }

  #openError(retryAfterMs: number): CircuitBreakerOpenError {
    return new CircuitBreakerOpenError(
      `Circuit ${this.#label()} is open after repeated failures; retry after ${retryAfterMs} ms`,
      this.key === undefined ? { retryAfterMs } : { retryAfterMs, key: this.key },
    );
  }

  #label(): string {
    return this.key === undefined ? '(unnamed)' : `'${this.key}'`;
  }
}
