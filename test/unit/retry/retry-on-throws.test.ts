import { describe, expect, it } from 'vitest';
import { type GiveUpInfo, retry } from '../../../src/retry/index.js';
import { createTestClock } from '../../../src/testing/clock.js';
import { recordingLogger } from './helpers.js';

/** What a socket reset looks like when Node throws it. */
function reset(): Error {
  return Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET', errno: -104, syscall: 'read' });
}

describe('a retryOn predicate that throws does not replace what the caller gets', () => {
  it.each([
    [
      'a predicate function',
      () => {
        throw new Error('bug in my predicate');
      },
    ],
    [
      'a class list whose Symbol.hasInstance throws',
      [
        // It throws on errors only: one that throws on a plain object is refused with the options.
        Object.defineProperty(class Weird extends Error {}, Symbol.hasInstance, {
          value: (value: unknown) => {
            if (value instanceof Error) throw new Error('bug in hasInstance');
            return false;
          },
        }),
      ],
    ],
  ] as const)('%s: the caller gets the thrown value, once; the bug is logged', async (_label, retryOn) => {
    const clock = createTestClock();
    const logger = recordingLogger();
    const thrown = reset();
    const giveUps: GiveUpInfo[] = [];
    let calls = 0;
    const outcome = await retry(
      () => {
        calls++;
        throw thrown;
      },
      // biome-ignore lint/suspicious/noExplicitAny: both forms of retryOn under test
      { clock, logger, retryOn: retryOn as any, maxAttempts: 5, onGiveUp: (i) => giveUps.push(i) },
    ).then(
      () => 'resolved',
      (e: unknown) => e,
    );
    expect(outcome).toBe(thrown);
    // Not retried: a predicate that cannot answer is no reason to call the service again.
    expect(calls).toBe(1);
    expect(giveUps.map((g) => g.reason)).toEqual(['not_retryable']);
    const warning = logger.entries.find((e) => e.level === 'warn' && /retryOn/.test(e.message));
    expect(warning?.message).toMatch(/retryOn threw/);
    expect(String((warning?.fields.hookError as Error | undefined)?.message)).toMatch(/bug in/);
  });
});

describe('a retryOn predicate that answers anything but a boolean cannot say "retry"', () => {
  const WRONG_ANSWERS: ReadonlyArray<readonly [string, () => unknown]> = [
    ['an async predicate (a Promise of false)', async (): Promise<boolean> => false],
    [
      'an async predicate that rejects',
      (): Promise<boolean> => Promise.reject(new Error('bug in my predicate')),
    ],
    ['a string', (): string => 'no'],
    ['an object', (): object => ({ retry: false })],
  ];
  it.each(WRONG_ANSWERS)(
    '%s: a permanent failure is not retried, the bug is logged',
    async (_label, retryOn) => {
      const clock = createTestClock();
      const logger = recordingLogger();
      const thrown = new TypeError('x is not a function');
      let calls = 0;
      const outcome = await retry(
        () => {
          calls++;
          throw thrown;
        },
        // biome-ignore lint/suspicious/noExplicitAny: a predicate of the wrong kind, as plain JS can pass
        { clock, logger, retryOn: retryOn as any, maxAttempts: 5 },
      ).then(
        () => 'resolved',
        (e: unknown) => e,
      );
      expect(outcome).toBe(thrown);
      expect(calls).toBe(1);
      const warning = logger.entries.find((e) => e.level === 'warn' && /retryOn/.test(e.message));
      expect(String((warning?.fields.hookError as Error | undefined)?.message)).toMatch(/not a boolean/);
    },
  );
});
