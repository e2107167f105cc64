/**
 * The parameters a jitter strategy needs to start one sequence of delays.
 *
 * @example
 * ```ts
 * import { retry, type JitterParams, type JitterStrategy } from 'gcp-pipeline-resilience';
 * declare function getGames(): Promise<Response>; // must throw on a failed status: fetch resolves on a 503
 * // Linear backoff with ±20 %: base, 2 × base, 3 × base, ... up to the cap.
 * const linear: JitterStrategy = {
 *   name: 'linear',
 *   start: ({ baseDelayMs, maxDelayMs, random }: JitterParams) => (retryIndex) =>
 *     Math.min(maxDelayMs, baseDelayMs * (retryIndex + 1) * (0.8 + 0.4 * random())),
 * };
 * await retry(getGames, { jitter: linear });
 * ```
 */
export interface JitterParams {
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** Uniform in [0, 1), like `Math.random`. Inject a seeded one for reproducible delays. */
  readonly random: () => number;
}

/**
 * A pluggable backoff schedule. `start` is called once per retried call and returns the function
 * that yields the delay before retry number `retryIndex` (0 for the first retry); per-call state
 * (such as decorrelated jitter's previous delay) lives in that closure, so a strategy object is
 * immutable and can be shared.
 *
 * @example
 * ```ts
 * import { type JitterStrategy, retry } from 'gcp-pipeline-resilience';
 * declare function getGames(): Promise<Response>; // must throw on a failed status: fetch resolves on a 503
 * const constant: JitterStrategy = { name: 'constant', start: ({ baseDelayMs }) => () => baseDelayMs };
 * await retry(getGames, { jitter: constant });
 * ```
 */
export interface JitterStrategy {
  readonly name: string;
  start(params: JitterParams): (retryIndex: number) => number;
}

import { describeValue } from '../../shared/check-options.js';

/** The parameter names of {@link cappedExponential}, in order, for its message. */
const PARAMS = ['baseDelayMs', 'maxDelayMs', 'retryIndex'];

/**
 * `min(maxDelayMs, baseDelayMs * 2^retryIndex)`: the capped exponential every strategy but
 * decorrelated starts from. A parameter that is not a number (a custom strategy passing on what it
 * was given) is a `TypeError` naming the parameter and the value; a numeric string is not coerced.
 *
 * @example
 * ```ts
 * import { cappedExponential } from 'gcp-pipeline-resilience';
 * cappedExponential(1000, 15000, 3); // 8000
 * ```
 */
export function cappedExponential(baseDelayMs: number, maxDelayMs: number, retryIndex: number): number {
  [baseDelayMs, maxDelayMs, retryIndex].forEach((value, at) => {
    if (typeof value !== 'number')
      throw new TypeError(`cappedExponential: ${PARAMS[at]} must be a number, got ${describeValue(value)}`);
  });
  return Math.min(maxDelayMs, baseDelayMs * 2 ** retryIndex);
}
