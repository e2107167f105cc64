import { CircuitBreakerOpenError, type PipelineError, toPipelineError } from '../errors/index.js';
import { type Logger, silentLogger } from '../logging/index.js';
import { checkOptions, type OptionSpec, POLICY_ALIASES } from '../shared/check-options.js';
import { safeLogger } from '../shared/safe-logger.js';
import { ATTR } from '../telemetry/attributes.js';
import { notify } from '../telemetry/listeners.js';
import { breakerState, breakerTransitions, count, observeGauge } from '../telemetry/metrics.js';
import { type Clock, systemClock } from './clock.js';

/**
 * The three states of a {@link CircuitBreaker}.
 *
 * @example
 * ```ts
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
 * Options of {@link CircuitBreaker}. By default 5 transient failures within 60 s open the circuit for
 * 300 s, and 3 successes in half-open close it.
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
  /** Failures within `windowMs` that open the circuit. Default 5. */
  failureThreshold?: number;
  /** Sliding window over which failures are counted, ms. Default 60 000. */
  windowMs?: number;
  /** How long the circuit stays open before it lets calls try again (half-open), ms. Default 300 000. */
  openMs?: number;
  /** Successes in half-open that close the circuit. Default 3. */
  halfOpenSuccesses?: number;
  /** Default {@link systemClock}. */
  clock?: Clock;
  /**
   * Which errors count as failures of the service. Default: transient errors only (`error.transient`):
   * 503s, timeouts, resets and rate limits say the service is unwell, whereas a 404, a 400
   * `invalidQuery` or a 403 `accessDenied` say the request was wrong and must not cut off every
   * other caller. Errors that do not count neither open nor close the circuit.
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
  admitCall(): CircuitBreakerOpenError | undefined;
  recordSucceeded(): void;
  recordFailed(err: unknown): PipelineError;
  isAtRest(): boolean;
  peekState(): CircuitState;
}

function steps(breaker: CircuitBreaker): BreakerSteps {
  return breaker as unknown as BreakerSteps;
}

/** @internal The refusal when the circuit is open (entering half-open when it has expired), else undefined. */
export function admit(breaker: CircuitBreaker): CircuitBreakerOpenError | undefined {
  return steps(breaker).admitCall();
}

/** @internal Records a success of an admitted call. */
export function succeeded(breaker: CircuitBreaker): void {
  steps(breaker).recordSucceeded();
}

/** @internal Records a failure of an admitted call (through `isFailure`) and returns its typed view. */
export function failed(breaker: CircuitBreaker, err: unknown): PipelineError {
  return steps(breaker).recordFailed(err);
}

/** @internal Whether the breaker holds no state worth keeping: closed, no failure inside the window. */
export function atRest(breaker: CircuitBreaker): boolean {
  return steps(breaker).isAtRest();
}

const STATES: readonly CircuitState[] = ['closed', 'open', 'half_open'];

/** The `resilience.circuit_breaker.state` readings of one breaker: 1 for its state, 0 for the others. */
function breakerReadings(breaker: CircuitBreaker): Array<readonly [number, Record<string, string>]> {
  const state = steps(breaker).peekState();
  const name = breaker.key ?? '(unnamed)';
  return STATES.map(
    (s) => [s === state ? 1 : 0, { [ATTR.breakerName]: name, [ATTR.breakerState]: s }] as const,
  );
}

function recordTransition(key: string | undefined, from: CircuitState, to: CircuitState): void {
  count(breakerTransitions, 1, {
    [ATTR.breakerName]: key ?? '(unnamed)',
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
  clock: 'object',
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
 * service is back in use within `halfOpenSuccesses` calls.
 *
 * There are no timers: time is read from the clock when a call arrives, so an idle breaker costs
 * nothing and never keeps a Cloud Run or Cloud Functions instance alive.
 *
 * @example
 * ```ts
 * const breaker = new CircuitBreaker({ key: 'bigquery' });
 * const games = await breaker.execute(() => fetch('https://api.example.com/v1/games'));
 * // or let retry route every attempt through it:
 * await retry(() => fetch('https://api.example.com/v1/games'), { breaker });
 * ```
 */
export class CircuitBreaker {
  readonly key: string | undefined;
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
  #observed = false;

  constructor(options: CircuitBreakerOptions = {}) {
    checkOptions('new CircuitBreaker', options, BREAKER_OPTION_SPEC, [POLICY_ALIASES]);
    this.#threshold = positive('failureThreshold', options.failureThreshold ?? 5, true);
    this.#windowMs = positive('windowMs', options.windowMs ?? 60_000, false);
    this.#openMs = positive('openMs', options.openMs ?? 300_000, false);
    this.#halfOpenSuccesses = positive('halfOpenSuccesses', options.halfOpenSuccesses ?? 3, true);
    this.#clock = options.clock ?? systemClock;
    this.#isFailure = options.isFailure ?? isTransient;
    this.#logger = options.logger === undefined ? silentLogger : safeLogger(options.logger);
    this.key = options.key;
    this.#onStateChange = options.onStateChange;
  }

  /**
   * The current state, with an expired `open` reported (and entered) as `half_open`.
   *
   * @example
   * ```ts
   * new CircuitBreaker().state; // 'closed'
   * ```
   */
  get state(): CircuitState {
    if (this.#state === 'open' && this.#clock.now() - this.#openedAt >= this.#openMs) this.#toHalfOpen();
    return this.#state;
  }

  /** The state as `state` reports it, without entering half-open (for metrics, read at any time). */
  // biome-ignore lint/correctness/noUnusedPrivateClassMembers: called through BreakerSteps, by the state gauge
  private peekState(): CircuitState {
    if (this.#state === 'open' && this.#clock.now() - this.#openedAt >= this.#openMs) return 'half_open';
    return this.#state;
  }

  /**
   * Runs `fn` through the breaker. Refuses at once with a {@link CircuitBreakerOpenError} while
   * open; otherwise returns what `fn` returns, and rethrows exactly what it throws (after recording
   * it through `isFailure`, which sees the typed view `toPipelineError(thrown)`).
   *
   * @example
   * ```ts
   * const breaker = new CircuitBreaker({ key: 'odds_api' });
   * try {
   *   await breaker.execute(() => fetch('https://api.example.com/v1/odds'));
   * } catch (e) {
   *   if (e instanceof CircuitBreakerOpenError) console.log(`skipped, retry in ${e.retryAfterMs} ms`);
   * }
   * ```
   */
  execute<T>(fn: () => Promise<T> | T): Promise<T> {
    const refusal = this.admitCall();
    if (refusal !== undefined) return Promise.reject(refusal);
    let result: Promise<T> | T;
    try {
      result = fn();
    } catch (err) {
      this.recordFailed(err);
      return Promise.reject(err);
    }
    return Promise.resolve(result).then(this.#onValue, this.#onRejected) as Promise<T>;
  }

  readonly #onValue = <T>(value: T): T => {
    this.#recordSuccess();
    return value;
  };

  readonly #onRejected = (err: unknown): never => {
    this.recordFailed(err);
    throw err;
  };

  /** The steps of `execute`, one by one (see `admit`). */
  private admitCall(): CircuitBreakerOpenError | undefined {
    if (!this.#observed) {
      // Joins the state gauge on first use, so that breakers made only to check options never show.
      this.#observed = true;
      observeGauge(breakerState, this, breakerReadings);
    }
    if (this.#state !== 'open') return undefined;
    const retryAfterMs = this.#openedAt + this.#openMs - this.#clock.now();
    if (retryAfterMs > 0) return this.#openError(retryAfterMs);
    this.#toHalfOpen();
    return undefined;
  }

  // biome-ignore lint/correctness/noUnusedPrivateClassMembers: called through BreakerSteps, by succeeded()
  private recordSucceeded(): void {
    this.#recordSuccess();
  }

  private recordFailed(err: unknown): PipelineError {
    const error = toPipelineError(err, { now: () => this.#clock.now() });
    if (this.#isFailure(error)) this.#recordFailure(error);
    return error;
  }

  // biome-ignore lint/correctness/noUnusedPrivateClassMembers: called through BreakerSteps, by atRest()
  private isAtRest(): boolean {
    if (this.#state !== 'closed') return false;
    const failures = this.#failures;
    return failures.length === 0 || failures[failures.length - 1]! <= this.#clock.now() - this.#windowMs;
  }

  #recordSuccess(): void {
    if (this.#state === 'closed') {
      if (this.#failures.length > 0) this.#failures = [];
    } else if (this.#state === 'half_open' && ++this.#halfOpenCount >= this.#halfOpenSuccesses) {
      this.#state = 'closed';
      this.#failures = [];
      this.#logger.info(`circuit ${this.#label()} closed after ${this.#halfOpenCount} successes`, {
        circuit: this.key,
        state: 'closed',
      });
      this.#changed('half_open', 'closed', `${this.#halfOpenCount} successes in half-open`, undefined);
    }
  }

  #recordFailure(error: PipelineError): void {
    if (this.#state === 'open') return;
    const now = this.#clock.now();
    if (this.#state === 'half_open') {
      this.#open(now, 'a half-open trial failed', error);
      return;
    }
    const horizon = now - this.#windowMs;
    const kept = this.#failures.filter((t) => t > horizon);
    kept.push(now);
    this.#failures = kept;
    if (kept.length >= this.#threshold) {
      this.#open(now, `${kept.length} failures within ${this.#windowMs} ms`, error);
    }
  }

  #open(now: number, why: string, error: PipelineError): void {
    const from = this.#state;
    this.#state = 'open';
    this.#openedAt = now;
    this.#failures = [];
    this.#logger.warn(`circuit ${this.#label()} opened: ${why}; refusing calls for ${this.#openMs} ms`, {
      circuit: this.key,
      state: 'open',
      openMs: this.#openMs,
      error,
    });
    this.#changed(from, 'open', why, error);
  }

  #toHalfOpen(): void {
    this.#state = 'half_open';
    this.#halfOpenCount = 0;
    this.#logger.info(`circuit ${this.#label()} half-open: letting calls through to test the service`, {
      circuit: this.key,
      state: 'half_open',
    });
    this.#changed('open', 'half_open', `open for ${this.#openMs} ms`, undefined);
  }

  /** Tells listeners and metrics; a listener that throws is logged, never thrown into a call. */
  #changed(from: CircuitState, to: CircuitState, cause: string, error: PipelineError | undefined): void {
    recordTransition(this.key, from, to);
    if (this.#onStateChange === undefined) return;
    const change: CircuitStateChange = { key: this.key, from, to, cause };
    if (error !== undefined) change.error = error;
    notify(this.#onStateChange, change, (hookError) =>
      this.#logger.warn(`circuit ${this.#label()}: onStateChange listener threw; ignoring it`, {
        circuit: this.key,
        hookError,
      }),
    );
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
