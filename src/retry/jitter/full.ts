import { cappedExponential, type JitterStrategy } from './strategy.js';

/**
 * Full Jitter (AWS, 2015): `random(0, min(max, base * 2^n))`. The fewest calls under contention in
 * the AWS simulation; the default.
 *
 * @internal
 */
export const fullJitter: JitterStrategy = /* @__PURE__ */ Object.freeze<JitterStrategy>({
  name: 'full',
  start:
    ({ baseDelayMs, maxDelayMs, random }) =>
    (n: number) =>
      random() * cappedExponential(baseDelayMs, maxDelayMs, n),
});
