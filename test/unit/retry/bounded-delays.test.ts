import { describe, expect, it } from 'vitest';
import { NetworkError } from '../../../src/errors/index.js';
import { backoffDelays, type JitterStrategy, retry } from '../../../src/retry/index.js';
import { createTestClock } from '../../../src/testing/clock.js';

/** What a socket reset looks like when Node throws it. */
function reset(): Error {
  return Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET', errno: -104, syscall: 'read' });
}

describe('every sleep stays within [0, maxDelayMs], whatever the jitter strategy or random source does', () => {
  const strategy = (delay: () => number): JitterStrategy => ({ name: 'hostile', start: () => () => delay() });

  it.each([
    ['NaN', strategy(() => Number.NaN)],
    ['a negative delay', strategy(() => -250)],
    ['Infinity', strategy(() => Number.POSITIVE_INFINITY)],
    // Above 2^31 - 1 ms, setTimeout fires after 1 ms: a hot loop instead of a long wait.
    ['1e12 ms', strategy(() => 1e12)],
    [
      'a throw',
      strategy(() => {
        throw new Error('strategy bug');
      }),
    ],
  ])('a strategy returning %s', async (_label, jitter) => {
    const clock = createTestClock();
    let calls = 0;
    await expect(
      retry(
        () => {
          calls++;
          throw reset();
        },
        { clock, jitter, maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 5000 },
      ),
    ).rejects.toThrow('ECONNRESET');
    expect(calls).toBe(4);
    expect(clock.sleeps).toHaveLength(3);
    for (const ms of clock.sleeps) {
      expect(ms).toBeGreaterThanOrEqual(0);
      expect(ms).toBeLessThanOrEqual(5000);
    }
  });

  it.each([
    ['1.5 (outside [0, 1))', () => 1.5],
    ['NaN', () => Number.NaN],
    [
      'a throw',
      (): number => {
        throw new Error('rng bug');
      },
    ],
  ])('a random source returning %s, in every built-in mode', (_label, random) => {
    for (const jitter of ['full', 'equal', 'decorrelated', 'proportional', 'none'] as const) {
      const delays = backoffDelays({ baseDelayMs: 100, maxDelayMs: 1000, jitter, random });
      for (let i = 0; i < 8; i++) {
        const ms = delays.next().value;
        expect(ms, `${jitter} delay ${i}`).toBeGreaterThanOrEqual(0);
        expect(ms, `${jitter} delay ${i}`).toBeLessThanOrEqual(1000);
      }
    }
  });

  it('a strategy that misbehaves once does not end the schedule: the next delays are its own again', () => {
    let n = 0;
    const flaky: JitterStrategy = {
      name: 'flaky',
      start: () => () => {
        n++;
        if (n === 2) throw new Error('once');
        return 10 * n;
      },
    };
    const delays = backoffDelays({ jitter: flaky, baseDelayMs: 10, maxDelayMs: 1000 });
    expect([0, 1, 2].map(() => delays.next().value)).toEqual([10, 1000, 30]);
  });

  it('a NetworkError keeps its typed view in onRetry while the sleep is bounded', async () => {
    const clock = createTestClock();
    const seen: number[] = [];
    await retry(
      () => {
        throw reset();
      },
      {
        clock,
        jitter: strategy(() => 1e12),
        maxAttempts: 2,
        maxDelayMs: 2000,
        onRetry: (i) => {
          expect(i.error).toBeInstanceOf(NetworkError);
          seen.push(i.delayMs);
        },
      },
    ).catch(() => undefined);
    expect(seen).toEqual([2000]);
  });
});
