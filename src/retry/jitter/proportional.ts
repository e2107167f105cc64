import type { JitterStrategy } from './strategy.js';

/**
 * Proportional jitter, the scrapers' backoff: `base * 2^n * uniform(0.5, 1.5)`, capped at `maxDelayMs`
 * after the jitter (so the cap is a hard ceiling). Centered on the plain exponential delay, never below
 * half of it.
 *
 * @internal
 */
export const proportionalJitter: JitterStrategy = /* @__PURE__ */ Object.freeze<JitterStrategy>({
  name: 'proportional',
  start:
    ({ baseDelayMs, maxDelayMs, random }) =>
    (n: number) =>
      Math.min(maxDelayMs, baseDelayMs * 2 ** n * (0.5 + random())),
});
