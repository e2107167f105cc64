import type { JitterStrategy } from './strategy.js';

/** The extra ±30 % spread added to each decorrelated delay. */
const JITTER_PCT = 0.3;

/**
 * Decorrelated jitter plus ±30 %, so clients that failed together spread out further.
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
