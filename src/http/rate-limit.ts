import { abortReason } from '../retry/clock.js';
import { type Clock, systemClock } from '../retry/index.js';
import { MAX_TIMER_MS } from '../retry/options.js';
import { scheduleOn } from '../retry/schedule.js';
import { checkOptions, OPTION_ALIASES } from '../shared/check-options.js';
import { enqueue, type Waiter } from './waiters.js';

/**
 * Options of {@link RateLimit}.
 *
 * @example
 * ```ts
 * import { HttpHostRegistry, type RateLimitOptions } from 'gcp-pipeline-resilience';
 * const perSecond = (requestsPerSecond: number): RateLimitOptions => ({ requestsPerSecond, burst: requestsPerSecond * 2 });
 * const hosts = new HttpHostRegistry({ hosts: { 'stats.nba.com': { rateLimit: perSecond(5) } } });
 * ```
 */
export interface RateLimitOptions {
  /** Sustained rate: tokens added per second. A positive number (0.5 = one request every 2 s). */
  requestsPerSecond: number;
  /** Bucket size: requests that may start back to back after a quiet spell. Default `max(1, ceil(requestsPerSecond))`. */
  burst?: number;
}

/** Tolerance for the float arithmetic of refills (a token is "there" at 0.999999999). */
const EPSILON = 1e-9;

/**
 * A token bucket that paces request starts: it holds up to `burst` tokens, refills at
 * `requestsPerSecond`, and each request takes one. Callers wait in arrival order; in any interval of
 * `t` seconds at most `burst + requestsPerSecond * t` requests start. Time comes from the clock, so a
 * test clock drives it without sleeping; the only timer is the one waking the head of the queue.
 *
 * @example
 * ```ts
 * import { RateLimit } from 'gcp-pipeline-resilience';
 * const signal = AbortSignal.timeout(30_000);
 * const limit = new RateLimit({ requestsPerSecond: 10, burst: 5 });
 * await limit.take(signal); // resolves when this request may start
 * ```
 */
export class RateLimit {
  readonly requestsPerSecond: number;
  readonly burst: number;
  readonly #clock: Clock;
  #tokens: number;
  #refilledAt: number;
  readonly #queue: Waiter[] = [];
  #cancelTimer: (() => void) | undefined;

  constructor(options: RateLimitOptions, clock: Clock = systemClock) {
    checkOptions('rateLimit', options, { requestsPerSecond: 'number', burst: 'number' }, OPTION_ALIASES);
    const { requestsPerSecond } = options;
    if (!(Number.isFinite(requestsPerSecond) && requestsPerSecond > 0)) {
      throw new RangeError(
        `rateLimit.requestsPerSecond must be a positive number; got ${String(requestsPerSecond)}`,
      );
    }
    const burst = options.burst ?? Math.max(1, Math.ceil(requestsPerSecond));
    if (!(Number.isInteger(burst) && burst >= 1)) {
      throw new RangeError(`rateLimit.burst must be a positive integer; got ${String(burst)}`);
    }
    this.requestsPerSecond = requestsPerSecond;
    this.burst = burst;
    this.#clock = clock;
    this.#tokens = burst;
    this.#refilledAt = clock.now();
  }

  /** Tokens available now (refilled to the current time). */
  get tokens(): number {
    this.#refill();
    return this.#tokens;
  }

  /** Callers waiting for a token. */
  get queued(): number {
    return this.#queue.length;
  }

  /** Resolves when the caller may start its request; an abort of `signal` takes it out of the queue. */
  take(signal?: AbortSignal): Promise<void> {
    if (this.#queue.length === 0) {
      this.#refill();
      if (this.#tokens >= 1 - EPSILON) {
        if (signal?.aborted) return Promise.reject(abortReason(signal));
        this.#tokens = Math.max(0, this.#tokens - 1);
        return Promise.resolve();
      }
    }
    const waiting = enqueue(this.#queue, signal, () => this.#pump());
    this.#pump();
    return waiting;
  }

  #refill(): void {
    const now = this.#clock.now();
    const elapsed = now - this.#refilledAt;
    if (elapsed > 0) {
      this.#tokens = Math.min(this.burst, this.#tokens + (elapsed * this.requestsPerSecond) / 1000);
    }
    // A wall clock set back (NTP) counts as no time passed, and refills resume from the new time;
    // otherwise nothing would refill until the clock caught up with the old one. A reading that is
    // not a number (NaN, falsy) is ignored, unless the last one was not either (a NaN at construction
    // would otherwise stop every refill).
    if (elapsed || Number.isNaN(this.#refilledAt)) this.#refilledAt = now;
  }

  /** Serves the queue head while tokens last, then sets one timer for the next token. */
  #pump(): void {
    this.#cancelTimer?.();
    this.#cancelTimer = undefined;
    this.#refill();
    while (this.#queue.length > 0 && this.#tokens >= 1 - EPSILON) {
      this.#tokens = Math.max(0, this.#tokens - 1);
      const next = this.#queue.shift()!;
      next.done();
      next.resolve();
    }
    if (this.#queue.length === 0) return;
    // A timer cannot wait longer than MAX_TIMER_MS (a longer one fires at once); a very slow rate
    // wakes up early, finds no token and sets the next timer.
    const waitMs = Math.min(
      MAX_TIMER_MS,
      Math.max(1, Math.ceil(((1 - this.#tokens) * 1000) / this.requestsPerSecond)),
    );
    // Not unref'd: a caller awaits this token, and between two calls of a sequential script the
    // timer can be all the process holds (fetch's idle sockets do not): unref'd, it would exit there.
    // An abandoned wait leaves the queue, and an empty queue cancels the timer.
    this.#cancelTimer = scheduleOn(this.#clock, waitMs, () => {
      this.#cancelTimer = undefined;
      this.#pump();
    });
  }
}
