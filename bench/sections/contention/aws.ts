import type { Strategy } from './sim.js';

/**
 * The five schedules of the AWS simulator, ported formula for formula (attempt n starts at 1 on the
 * first failure, so the first window is base * 2). They validate the simulator against the local re-run
 * of the published Python code in resilience-anchors.md §2.1; our own schedules come from
 * `backoffDelays` (see contention.ts).
 */
export function awsStrategies(base: number, cap: number): Record<string, Strategy> {
  const expo = (n: number) => Math.min(cap, 2 ** n * base);
  return {
    'AWS no backoff': () => () => 0,
    'AWS exponential': () => {
      let n = 0;
      return () => expo(++n);
    },
    'AWS equal jitter': (random) => {
      let n = 0;
      return () => {
        const v = expo(++n);
        return v / 2 + random() * (v / 2);
      };
    },
    'AWS full jitter': (random) => {
      let n = 0;
      return () => random() * expo(++n);
    },
    'AWS decorrelated': (random) => {
      let sleep = base;
      return () => {
        sleep = Math.min(cap, base + random() * (sleep * 3 - base));
        return sleep;
      };
    },
  };
}
