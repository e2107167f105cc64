/**
 * The one seeded PRNG of the package's testing tools, so a fault `rate` with a `seed` fails the same
 * calls on every run.
 * @module
 */

/**
 * A small seeded PRNG (mulberry32) returning floats in [0, 1). Tiny and fast; its statistical quality
 * is ample for deciding which calls a fault rule hits, and it is not for anything cryptographic.
 * The same seed always gives the same sequence: pass it as a retry's `random` to make its jitter
 * reproducible in a test.
 *
 * @example
 * ```ts
 * import { retry } from 'gcp-pipeline-resilience';
 * import { mulberry32 } from 'gcp-pipeline-resilience/testing';
 *
 * const random = mulberry32(42);
 * random(); // the same first value on every run
 * await retry(async () => 'ok', { random });
 * ```
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
