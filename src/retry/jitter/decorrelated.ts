import type { JitterStrategy } from './strategy.js';

/** The extra ±30 % of the original `retry_with_jitter` (`jitter_pct=0.3`). */
const JITTER_PCT = 0.3;

/**
 * The original system's `retry_with_jitter` formula: decorrelated jitter plus ±30 %.
 * `prev` starts at `base`; each delay is `d = uniform(base, min(max, prev * 3))`, `prev = d`, then
 * `min(max(0, d + d * 0.3 * (2 * random() - 1)), max)`. Bounds: `[0.7 * base, max]`.
 *
 * @internal
 */
export const decorrelatedJitter: JitterStrategy = /* @__PURE__ */ Object.freeze<JitterStrategy>({
  name: 'decorrelated',
  start: ({ baseDelayMs, maxDelayMs, random }) => {
    let prev = baseDelayMs;
    return () => {
      const upper = Math.min(maxDelayMs, prev * 3);
      const delay = baseDelayMs + random() * (upper - baseDelayMs);
      prev = delay;
      const jitter = delay * JITTER_PCT * (2 * random() - 1);
      return Math.min(Math.max(0, delay + jitter), maxDelayMs);
    };
  },
});
