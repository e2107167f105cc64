import { decorrelatedJitter } from './jitter/decorrelated.js';
import { equalJitter } from './jitter/equal.js';
import { fullJitter } from './jitter/full.js';
import { noJitter } from './jitter/none.js';
import { proportionalJitter } from './jitter/proportional.js';
import type { JitterStrategy } from './jitter/strategy.js';

/**
 * The built-in jitter modes: `'full'` (the default: uniform in `[0, exponential delay]`), `'equal'`,
 * `'decorrelated'` (each delay drawn from the previous one, plus ±30 %), `'proportional'`
 * (`base * 2^n * uniform(0.5, 1.5)`, the scrapers' backoff) and `'none'`.
 *
 * @example
 * ```ts
 * import { backoffDelays, type JitterMode } from 'gcp-pipeline-resilience';
 * // Compare the first five delays of each mode (seeded, so the figures repeat).
 * const modes: JitterMode[] = ['full', 'equal', 'decorrelated', 'proportional', 'none'];
 * for (const jitter of modes) {
 *   const delays = backoffDelays({ baseDelayMs: 1000, maxDelayMs: 15_000, jitter, random: () => 0.5 });
 *   console.log(jitter, Array.from({ length: 5 }, () => delays.next().value));
 * }
 * ```
 */
export type JitterMode = 'full' | 'equal' | 'decorrelated' | 'proportional' | 'none';

/**
 * The strategy behind each {@link JitterMode}. Internal: a caller names a mode (`jitter: 'full'`) or
 * passes its own {@link JitterStrategy}; there is no third way.
 *
 * @internal
 */
export const jitterStrategies: Readonly<Record<JitterMode, JitterStrategy>> = /* @__PURE__ */ Object.freeze({
  full: fullJitter,
  equal: equalJitter,
  decorrelated: decorrelatedJitter,
  proportional: proportionalJitter,
  none: noJitter,
});

/** The library-wide default jitter: full jitter spreads a burst of retries best (docs/decisions/retry.md). */
export const DEFAULT_JITTER: JitterMode = 'full';
/** Default first delay, ms. */
export const DEFAULT_BASE_DELAY_MS = 1000;
/** Default cap on any single delay, ms. */
export const DEFAULT_MAX_DELAY_MS = 15_000;

/**
 * Options of {@link backoffDelays}: the schedule half of `RetryOptions`.
 *
 * @example
 * ```ts
 * import { backoffDelays, retry, type BackoffOptions } from 'gcp-pipeline-resilience';
 * declare function getGames(): Promise<Response>; // must throw on a failed status: fetch resolves on a 503
 * const schedule: BackoffOptions = { baseDelayMs: 5, maxDelayMs: 2000, jitter: 'full' };
 * const firstDelays = backoffDelays(schedule); // what retry would sleep, for a simulation
 * await retry(getGames, { ...schedule, maxAttempts: 5 });
 * ```
 */
export interface BackoffOptions {
  /** Default 1000. */
  baseDelayMs?: number;
  /** Default 15000. */
  maxDelayMs?: number;
  /** A built-in mode or your own {@link JitterStrategy}. Default `'full'`. */
  jitter?: JitterMode | JitterStrategy;
  /** Uniform in [0, 1). Default `Math.random`. */
  random?: () => number;
}

function resolveStrategy(jitter: JitterMode | JitterStrategy | undefined): JitterStrategy {
  const strategy: JitterStrategy | undefined =
    jitter === undefined
      ? jitterStrategies[DEFAULT_JITTER]
      : typeof jitter === 'object'
        ? jitter
        : (jitterStrategies as Record<string, JitterStrategy | undefined>)[jitter];
  // An object without `start` (or a name such as 'toString') would fail on the first retry, in the
  // middle of an outage: refused with the options, like an unknown name.
  if (typeof strategy?.start !== 'function') {
    throw new RangeError(
      `jitter must be one of ${Object.keys(jitterStrategies).join(', ')} or a JitterStrategy; got ${typeof jitter === 'object' ? 'no start()' : JSON.stringify(jitter)}`,
    );
  }
  return strategy;
}

/**
 * The successive delays (ms) that `retry` sleeps between attempts, as a pure, endless generator:
 * the first value is the delay before the second attempt. Every value is in `[0, maxDelayMs]`: a
 * custom strategy's or random source's negative value counts as 0, and NaN, a value above the cap
 * or a throw as `maxDelayMs`. `retry` draws its sleeps from this very
 * generator, so benchmarks, simulations and hand-written loops see exactly what `retry` would do.
 * (A `Retry-After` or an open circuit can still raise an individual sleep inside `retry`.)
 *
 * @example
 * ```ts
 * import { backoffDelays } from 'gcp-pipeline-resilience';
 * const delays = backoffDelays({ baseDelayMs: 100, maxDelayMs: 1000, jitter: 'none' });
 * Array.from({ length: 5 }, () => delays.next().value); // [100, 200, 400, 800, 1000]
 * ```
 */
export function* backoffDelays(options: BackoffOptions = {}): Generator<number, never, unknown> {
  const maxDelayMs = options.maxDelayMs ?? DEFAULT_MAX_DELAY_MS;
  const strategy = resolveStrategy(options.jitter);
  const params = {
    baseDelayMs: options.baseDelayMs ?? DEFAULT_BASE_DELAY_MS,
    maxDelayMs,
    random: options.random ?? Math.random,
  };
  let next: ((retryIndex: number) => number) | undefined;
  for (let retryIndex = 0; ; retryIndex++) {
    // A strategy or random source that misbehaves (NaN, a negative or endless delay, a throw) gets
    // the cap: a timer given NaN, a negative delay or more than 2^31 - 1 ms fires at once, which
    // would turn the backoff into a hot loop against a failing service. A `start` that throws is
    // such a throw (asked again at the next delay), not the end of the caller's call.
    let delay = maxDelayMs;
    try {
      next ??= strategy.start(params);
      delay = next(retryIndex);
    } catch {
      // The cap, as set above.
    }
    // biome-ignore lint/complexity/useMathMinMax: Math.min would pass NaN through; this gives the cap
    yield delay < 0 ? 0 : delay <= maxDelayMs ? delay : maxDelayMs;
  }
}

/** @internal Validates the jitter option eagerly (a generator body would only run on first `next`). */
export function assertJitter(jitter: JitterMode | JitterStrategy | undefined): void {
  resolveStrategy(jitter);
}
