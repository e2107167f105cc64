import { cappedExponential, type JitterStrategy } from './strategy.js';

/**
 * No jitter: `min(max, base * 2^n)`. Every client that failed together retries together; use it only
 * when a single client talks to the service, or in tests.
 *
 * @internal
 */
export const noJitter: JitterStrategy = /* @__PURE__ */ Object.freeze<JitterStrategy>({
  name: 'none',
  start:
    ({ baseDelayMs, maxDelayMs }) =>
    (n: number) =>
      cappedExponential(baseDelayMs, maxDelayMs, n),
});
