import { describe, expect, it } from 'vitest';
import { retry, retryWithJitter, withRetry } from '../../../src/retry/index.js';

// withRetry(null) used to throw `Cannot read properties of null (reading 'name')`, and
// retry(42) to reject with `fn is not a function`: neither named the function nor the argument.
const notFunctions: Array<[string, unknown, string]> = [
  ['undefined', undefined, 'undefined'],
  ['null', null, 'null'],
  ['a number', 42, 'a number (42)'],
  ['a string', 'loadGames', 'a string ("loadGames")'],
  ['an object', { run() {} }, 'an object'],
  ['an array', [() => 1], 'an array'],
];

describe('withRetry refuses a fn that is not a function, at definition time', () => {
  it.each(notFunctions)('%s: a TypeError naming withRetry and fn', (_, fn, got) => {
    expect(() => withRetry(fn as never)).toThrow(TypeError);
    expect(() => withRetry(fn as never)).toThrow(`withRetry: fn must be the function to retry, got ${got}`);
  });

  it.each([
    ['null', null, 'null'],
    ['a string', 'fast', 'a string ("fast")'],
    ['a number', 3, 'a number (3)'],
  ])('options %s: a TypeError naming withRetry and the options', (_, options, got) => {
    expect(() => withRetry(async () => 1, options as never)).toThrow(TypeError);
    expect(() => withRetry(async () => 1, options as never)).toThrow(
      `withRetry: options must be an object, got ${got}`,
    );
  });

  it('@retryWithJitter(null) is refused the same way', () => {
    expect(() => retryWithJitter(null as never)).toThrow(
      '@retryWithJitter: options must be an object, got null',
    );
  });
});

describe('retry rejects a fn that is not a function', () => {
  it.each(notFunctions)('%s: rejects with a TypeError naming retry and fn', async (_, fn, got) => {
    const error = await retry(fn as never).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TypeError);
    expect((error as TypeError).message).toBe(`retry: fn must be the function to retry, got ${got}`);
  });

  it('retry(fn, null) rejects with a TypeError naming the options', async () => {
    await expect(retry(async () => 1, null as never)).rejects.toThrow(
      'retry: options must be an object, got null',
    );
  });
});
