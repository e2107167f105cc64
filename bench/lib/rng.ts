/**
 * Seeded pseudo-random numbers for the benchmarks: every simulated figure must be reproducible from its
 * seed, so nothing in bench/ calls Math.random.
 */

/** A uniform source in [0, 1), like Math.random. */
export type Random = () => number;

/**
 * mulberry32: a 32-bit generator that is tiny, fast and good enough for Monte Carlo runs of this size
 * (it passes gjrand's and PractRand's small batteries; we need uniformity, not cryptography).
 *
 * @example
 * const rnd = mulberry32(42);
 * rnd(); // 0.6011037519201636 on every run
 */
export function mulberry32(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

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
