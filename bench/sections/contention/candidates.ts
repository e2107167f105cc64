import type { JitterStrategy } from '../../../src/index.js';

/**
 * Schedules tried in the search for a default that beats Full Jitter on calls and Decorrelated Jitter
 * on time (issue 6 §2). They are `JitterStrategy` objects, so they run through `backoffDelays`
 * exactly as a built-in mode would. Each reacts only to what a retry loop knows about one call: the
 * retry index and its own previous delays (the AWS model's clients are independent).
 *
 * - `full xM, first window base*2^k, shape a`: `min(cap, base * M^(n+k)) * U^a`. M > 2 ramps out of the
 *   initial burst faster (fewer calls); a > 1 skews sleeps short (less idle tail).
 * - `decorrelated xG from 0`: `min(cap, U * max(prev, base) * G)`: the AWS walk without its floor.
 */
export function searchCandidates(): JitterStrategy[] {
  const out: JitterStrategy[] = [];
  const full = (m: number, k: number, a: number): JitterStrategy => ({
    name: `full x${m}, first window base*${m ** k}, shape U^${a}`,
    start:
      ({ baseDelayMs, maxDelayMs, random }) =>
      (n) =>
        Math.min(maxDelayMs, baseDelayMs * m ** (n + k)) * random() ** a,
  });
  const decorrelatedFromZero = (g: number): JitterStrategy => ({
    name: `decorrelated x${g} from 0`,
    start: ({ baseDelayMs, maxDelayMs, random }) => {
      let prev = baseDelayMs;
      return () => {
        prev = Math.min(maxDelayMs, random() * Math.max(prev, baseDelayMs) * g);
        return prev;
      };
    },
  });
  out.push(full(2, 1, 1), full(2, 2, 1), full(2, 1, 2), full(2, 2, 3), full(3, 1, 1), full(3, 1, 3));
  out.push(full(4, 2, 1), full(1.5, 2, 1), decorrelatedFromZero(2.5), decorrelatedFromZero(3));
  return out;
}
