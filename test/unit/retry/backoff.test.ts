import { describe, expect, it } from 'vitest';
import { ServiceUnavailableError } from '../../../src/errors/index.js';
import { jitterStrategies } from '../../../src/retry/backoff.js';
import {
  backoffDelays,
  cappedExponential,
  type JitterMode,
  type JitterStrategy,
  retry,
} from '../../../src/retry/index.js';
import { createTestClock } from '../../../src/testing/clock.js';
import { seeded } from './helpers.js';

function take(gen: Iterator<number>, n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(gen.next().value as number);
  return out;
}

const BASE = 1000;
const MAX = 15_000;
const SAMPLES = 2000;

describe('backoffDelays: each jitter mode stays within its formula', () => {
  it('none: min(max, base * 2^n) exactly', () => {
    expect(take(backoffDelays({ baseDelayMs: 100, maxDelayMs: 1000, jitter: 'none' }), 6)).toEqual([
      100, 200, 400, 800, 1000, 1000,
    ]);
  });

  it('full: in [0, min(max, base * 2^n)) for every retry index', () => {
    const random = seeded(1);
    const outside: number[] = [];
    for (let run = 0; run < SAMPLES / 10; run++) {
      const delays = take(backoffDelays({ baseDelayMs: BASE, maxDelayMs: MAX, jitter: 'full', random }), 10);
      delays.forEach((d, n) => {
        if (!(d >= 0 && d < Math.min(MAX, BASE * 2 ** n))) outside.push(d);
      });
    }
    expect(outside).toEqual([]);
  });

  it('full: uses the whole window (not a constant fraction of it)', () => {
    const random = seeded(2);
    const first = Array.from(
      { length: SAMPLES },
      () => take(backoffDelays({ jitter: 'full', random }), 1)[0]!,
    );
    expect(Math.min(...first)).toBeLessThan(0.05 * BASE);
    expect(Math.max(...first)).toBeGreaterThan(0.95 * BASE);
  });

  it("proportional (the scrapers' formula): min(max, base * 2^n * uniform(0.5, 1.5)), whole window used", () => {
    const random = seeded(7);
    const outside: number[] = [];
    const firsts: number[] = [];
    for (let run = 0; run < SAMPLES / 10; run++) {
      const delays = take(
        backoffDelays({ baseDelayMs: BASE, maxDelayMs: 30_000, jitter: 'proportional', random }),
        8,
      );
      firsts.push(delays[0]!);
      delays.forEach((d, n) => {
        const t = BASE * 2 ** n;
        if (!(d >= Math.min(30_000, t * 0.5) && d <= Math.min(30_000, t * 1.5))) outside.push(d);
      });
      // From n = 6 (64 s * 0.5 = 32 s) the cap holds whatever the draw: it is a hard ceiling.
      expect(delays[6]).toBe(30_000);
    }
    expect(outside).toEqual([]);
    expect(Math.min(...firsts)).toBeLessThan(0.55 * BASE);
    expect(Math.max(...firsts)).toBeGreaterThan(1.45 * BASE);
  });

  it('equal: in [t/2, t) with t = min(max, base * 2^n)', () => {
    const random = seeded(3);
    const outside: number[] = [];
    for (let run = 0; run < SAMPLES / 10; run++) {
      const delays = take(backoffDelays({ baseDelayMs: BASE, maxDelayMs: MAX, jitter: 'equal', random }), 10);
      delays.forEach((d, n) => {
        const t = Math.min(MAX, BASE * 2 ** n);
        if (!(d >= t / 2 && d < t)) outside.push(d);
      });
    }
    expect(outside).toEqual([]);
  });

  it('decorrelated: in [0.7 * base, max], each within ±30 % of uniform(base, min(max, prev * 3))', () => {
    const random = seeded(4);
    let sawBelowBase = false;
    let sawAboveThreeBase = false;
    const outside: number[] = [];
    for (let run = 0; run < SAMPLES / 10; run++) {
      const delays = take(
        backoffDelays({ baseDelayMs: BASE, maxDelayMs: MAX, jitter: 'decorrelated', random }),
        10,
      );
      for (const d of delays) if (!(d >= 0.7 * BASE && d <= MAX)) outside.push(d);
      // The first delay: uniform(base, min(max, 3 * base)) ± 30 %.
      expect(delays[0]).toBeLessThanOrEqual(1.3 * 3 * BASE);
      if (delays[0]! < BASE) sawBelowBase = true;
      if (delays[0]! > 3 * BASE) sawAboveThreeBase = true;
    }
    expect(outside).toEqual([]);
    // The ±30 % really is applied on both sides.
    expect(sawBelowBase).toBe(true);
    expect(sawAboveThreeBase).toBe(true);
  });

  it('decorrelated: reproduces the original retry_with_jitter arithmetic step by step', () => {
    // Scripted random draws: for each delay, one draw for uniform() and one for the ±30 %.
    const draws = [0.5, 1, 0, 0, 0.25, 0.5];
    let i = 0;
    const random = () => draws[i++]!;
    const delays = take(
      backoffDelays({ baseDelayMs: 1000, maxDelayMs: 60_000, jitter: 'decorrelated', random }),
      3,
    );
    // 1: delay = 1000 + 0.5 * (3000 - 1000) = 2000; jitter = 2000 * 0.3 * (2*1 - 1) = +600 -> 2600
    // 2: prev 2000: delay = 1000 + 0 * (6000 - 1000) = 1000; jitter = 1000 * 0.3 * (0 - 1) = -300 -> 700
    // 3: prev 1000: delay = 1000 + 0.25 * (3000 - 1000) = 1500; jitter 0 -> 1500
    expect(delays).toEqual([2600, 700, 1500]);
  });

  it('decorrelated: never exceeds max even with the +30 %', () => {
    const random = () => 0.999_999;
    const delays = take(
      backoffDelays({ baseDelayMs: 1000, maxDelayMs: 5000, jitter: 'decorrelated', random }),
      20,
    );
    for (const d of delays) expect(d).toBeLessThanOrEqual(5000);
    expect(delays.at(-1)).toBe(5000);
  });

  it('uses full jitter by default, with base 1000 and cap 15000', () => {
    const a = take(backoffDelays({ random: seeded(9) }), 8);
    const b = take(
      backoffDelays({ jitter: 'full', baseDelayMs: 1000, maxDelayMs: 15_000, random: seeded(9) }),
      8,
    );
    expect(a).toEqual(b);
  });

  it('accepts a custom JitterStrategy object', () => {
    const constant: JitterStrategy = {
      name: 'constant',
      start:
        ({ baseDelayMs }) =>
        () =>
          baseDelayMs,
    };
    expect(take(backoffDelays({ baseDelayMs: 250, jitter: constant }), 3)).toEqual([250, 250, 250]);
  });

  it('rejects an unknown jitter name', () => {
    expect(() => backoffDelays({ jitter: 'fuzzy' as JitterMode }).next()).toThrow(/jitter must be one of/);
  });

  it('exposes one strategy per mode', () => {
    expect(Object.keys(jitterStrategies).sort()).toEqual([
      'decorrelated',
      'equal',
      'full',
      'none',
      'proportional',
    ]);
    for (const [mode, strategy] of Object.entries(jitterStrategies)) expect(strategy.name).toBe(mode);
  });
});

describe('retry sleeps exactly what backoffDelays yields', () => {
  it.each(['full', 'equal', 'decorrelated', 'proportional', 'none'] as const)(
    '%s, seeded',
    async (jitter) => {
      const clock = createTestClock();
      const options = { baseDelayMs: 200, maxDelayMs: 5000, jitter, maxAttempts: 8 };
      await expect(
        retry(
          () => {
            throw new ServiceUnavailableError('down');
          },
          { ...options, clock, random: seeded(42) },
        ),
      ).rejects.toBeInstanceOf(ServiceUnavailableError);
      const expected = take(backoffDelays({ ...options, random: seeded(42) }), 7);
      expect(clock.sleeps).toEqual(expected);
    },
  );

  it('with a custom strategy too', async () => {
    const clock = createTestClock();
    const steps: JitterStrategy = { name: 'steps', start: () => (n) => (n + 1) * 111 };
    await expect(
      retry(
        () => {
          throw new ServiceUnavailableError('down');
        },
        { clock, jitter: steps, maxAttempts: 4 },
      ),
    ).rejects.toThrow();
    expect(clock.sleeps).toEqual([111, 222, 333]);
  });

  it('retry draws from the random it was given and nothing else', async () => {
    let draws = 0;
    const random = () => {
      draws++;
      return 0.5;
    };
    const clock = createTestClock();
    await expect(
      retry(
        () => {
          throw new ServiceUnavailableError('down');
        },
        { clock, random, jitter: 'full', maxAttempts: 4 },
      ),
    ).rejects.toThrow();
    expect(draws).toBe(3);
    expect(clock.sleeps).toEqual([500, 1000, 2000]);
  });
});

describe('cappedExponential refuses what is not a number with a TypeError naming it', () => {
  it.each([
    ['a symbol as baseDelayMs', [Symbol('base'), 1000, 1], /baseDelayMs must be a number, got a symbol/],
    [
      'a null-prototype object as maxDelayMs',
      [100, Object.create(null), 1],
      /maxDelayMs must be a number, got an object/,
    ],
    ['a string as retryIndex', [100, 1000, '2'], /retryIndex must be a number, got a string \("2"\)/],
    ['a bigint as baseDelayMs', [10n, 1000, 1], /baseDelayMs must be a number, got a bigint \(10\)/],
  ])('%s', (_label, args, message) => {
    const call = () => (cappedExponential as (...a: unknown[]) => number)(...(args as unknown[]));
    expect(call).toThrow(TypeError);
    expect(call).toThrow(message);
  });

  it('numbers still give min(max, base * 2^index)', () => {
    expect(cappedExponential(1000, 15000, 3)).toBe(8000);
    expect(cappedExponential(1000, 5000, 10)).toBe(5000);
  });
});
