import { cappedExponential, type JitterStrategy } from './strategy.js';

/**
 * No jitter: `min(max, base * 2^n)`. Every client that failed together retries together; use it only
 * when a single client talks to the service, or in tests.
 *
 * @example
 * ```ts
 * await retry(fn, { jitter: 'none', baseDelayMs: 100 }); // sleeps 100, 200, ...
 * ```
 */
export const noJitter: JitterStrategy = Object.freeze<JitterStrategy>({
  name: 'none',
  start:
    ({ baseDelayMs, maxDelayMs }) =>
    (n: number) =>
      cappedExponential(baseDelayMs, maxDelayMs, n),
});
