import { describe, expect, it } from 'vitest';
import { CircuitBreaker, RetryBudget, retry } from '../../../src/retry/index.js';

describe('a built-in object given as options', () => {
  it.each([
    ['Map', () => new Map([['maxAttempts', 3]])],
    ['Set', () => new Set()],
    ['RegExp', () => /maxAttempts/],
  ])('a %s is refused as not a plain object, not as an unknown option of its own', async (kind, make) => {
    const message = new RegExp(`options must be a plain object, got a ${kind}`);
    await expect(retry(async () => 1, make() as never)).rejects.toThrow(message);
    expect(() => new RetryBudget(make() as never)).toThrow(message);
    expect(() => new CircuitBreaker(make() as never)).toThrow(message);
  });

  it('a class of the caller with an unknown getter still names that getter', () => {
    class Opts {
      get maxToken(): number {
        return 5;
      }
    }
    expect(() => new RetryBudget(new Opts() as never)).toThrow(/unknown option 'maxToken'/);
  });
});
