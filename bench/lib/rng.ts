/**
 * Seeded pseudo-random numbers for the benchmarks: every simulated figure must be reproducible from its
 * seed, so nothing in bench/ calls Math.random.
 */

/** A uniform source in [0, 1), like Math.random. */
export type Random = () => number;

// The same generator the stand-ins' fault plans use: one implementation in the project.
export { mulberry32 } from '../../src/testing/shared/prng.js';

/**
 * Derives an independent seed for a named stream, so that adding a stream never shifts the others.
 *
 * @example
 * const net = mulberry32(deriveSeed(1, 'net', 7));
 */
export function deriveSeed(seed: number, ...parts: Array<string | number>): number {
  let h = (seed ^ 0x811c9dc5) >>> 0;
  for (const part of parts) {
    const s = String(part);
    for (let i = 0; i < s.length; i++) {
      h ^= s.charCodeAt(i);
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    h ^= 0xff;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/**
 * A normal variate (Box-Muller). The AWS simulator draws each network hop from |normal(10, 2)|.
 *
 * @example
 * const hop = Math.abs(normal(mulberry32(1), 10, 2));
 */
export function normal(random: Random, mean: number, sd: number): number {
  // 1 - u keeps log() away from 0.
  const u = 1 - random();
  const v = random();
  return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}
