import { describe, expect, it } from 'vitest';
import { CircuitBreaker, RetryBudget, retry, withRetry } from '../../../src/retry/index.js';

/** Options as a class gives them: values behind getters on the prototype, not own keys. */
class BudgetOptions {
  get maxTokens(): number {
    return 5;
  }
}

class RetryOptions {
  get maxAttempts(): number {
    return 2;
  }
  get baseDelayMs(): number {
    return 0;
  }
  get clock() {
    return { now: () => 0, sleep: async () => undefined };
  }
}

describe('options given as a class instance (getters on its prototype)', () => {
  it('RetryBudget takes maxTokens from the getter', () => {
    const budget = new RetryBudget(new BudgetOptions() as never);
    expect(budget.maxTokens).toBe(5);
    expect(budget.tokens).toBe(5);
  });

  it('withRetry and retry take maxAttempts from the getter', async () => {
    let calls = 0;
    const fail = async () => {
      calls += 1;
      throw Object.assign(new Error('unavailable'), { code: 14 });
    };
    await expect(withRetry(fail, new RetryOptions() as never)()).rejects.toThrow('unavailable');
    expect(calls).toBe(2);
    calls = 0;
    await expect(retry(fail, new RetryOptions() as never)).rejects.toThrow('unavailable');
    expect(calls).toBe(2);
  });

  it('a prototype getter that names no option is refused as unknown, as an own key would be', () => {
    class Misspelt {
      get maxToken(): number {
        return 5;
      }
    }
    expect(() => new RetryBudget(new Misspelt() as never)).toThrow(/unknown option 'maxToken'/);
    expect(() => new CircuitBreaker(new Misspelt() as never)).toThrow(/unknown option 'maxToken'/);
  });
});
