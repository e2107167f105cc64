import { describe, expect, it } from 'vitest';
import { retry, withRetry } from '../../../src/retry/index.js';

describe('retry checks a class instance as withRetry does', () => {
  class Throwing {
    get maxAttempts(): number {
      throw new Error('boom');
    }
  }
  class Unknown {
    get retries(): number {
      return 3;
    }
  }

  it('a prototype getter that throws is a TypeError naming the option', async () => {
    await expect(retry(async () => 1, new Throwing() as never)).rejects.toThrow(
      new TypeError('retry: option maxAttempts could not be read: boom'),
    );
    expect(() => withRetry(async () => 1, new Throwing() as never)).toThrow(TypeError);
  });

  it('an unknown prototype getter is refused', async () => {
    await expect(retry(async () => 1, new Unknown() as never)).rejects.toThrow(/unknown option 'retries'/);
    expect(() => withRetry(async () => 1, new Unknown() as never)).toThrow(/unknown option 'retries'/);
  });
});
