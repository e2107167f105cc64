import { cappedExponential, type JitterStrategy } from './strategy.js';

/**
 * Equal Jitter (AWS, 2015): `t/2 + random(0, t/2)` with `t = min(max, base * 2^n)`. Never retries
 * sooner than half the exponential delay.
 *
 * @internal
 */
export const equalJitter: JitterStrategy = /* @__PURE__ */ Object.freeze<JitterStrategy>({
  name: 'equal',
  start:
    ({ baseDelayMs, maxDelayMs, random }) =>
    (n: number) => {
      const half = cappedExponential(baseDelayMs, maxDelayMs, n) / 2;
      return half + random() * half;
    },
});
