import { describe, expect, it } from 'vitest';
import { NotFoundError, ServiceUnavailableError } from '../../../src/errors/index.js';
import { RetryBudget, retry } from '../../../src/retry/index.js';
import { createTestClock } from '../../../src/testing/clock.js';
import { recordingLogger, seeded } from './helpers.js';

describe('RetryBudget', () => {
  it('starts full with 50 tokens and the gRPC A6 ratio of 0.1 by default', () => {
    const budget = new RetryBudget();
    expect(budget.maxTokens).toBe(50);
    expect(budget.tokenRatio).toBe(0.1);
    expect(budget.tokens).toBe(50);
    expect(budget.canRetry()).toBe(true);
  });

  it('by default refuses retries once 25 of its 50 tokens are spent', () => {
    const budget = new RetryBudget();
    for (let i = 0; i < 24; i++) budget.onFailure();
    expect(budget.tokens).toBe(26);
    expect(budget.canRetry()).toBe(true);
    budget.onFailure();
    expect(budget.tokens).toBe(25);
    expect(budget.canRetry()).toBe(false);
  });

  it('takes a token per failure and refuses retries at half or less', () => {
    const budget = new RetryBudget({ maxTokens: 10 });
    for (let i = 0; i < 4; i++) budget.onFailure();
    expect(budget.tokens).toBe(6);
    expect(budget.canRetry()).toBe(true);
    budget.onFailure();
    expect(budget.tokens).toBe(5);
    expect(budget.canRetry()).toBe(false);
  });

  it('gives back tokenRatio per success without drifting, capped at maxTokens', () => {
    const budget = new RetryBudget({ maxTokens: 10 });
    for (let i = 0; i < 5; i++) budget.onFailure();
    budget.onSuccess();
    expect(budget.tokens).toBe(5.1);
    expect(budget.canRetry()).toBe(true);
    for (let i = 0; i < 100; i++) budget.onSuccess();
    expect(budget.tokens).toBe(10);
    for (let i = 0; i < 30; i++) budget.onFailure();
    expect(budget.tokens).toBe(0);
    for (let i = 0; i < 7; i++) budget.onSuccess();
    expect(budget.tokens).toBe(0.7);
  });

  it('accepts custom sizes and rejects nonsense', () => {
    expect(new RetryBudget({ maxTokens: 100, tokenRatio: 0.5 }).tokens).toBe(100);
    expect(() => new RetryBudget({ maxTokens: 0 })).toThrow(/maxTokens must be in \[0\.001, 1000\]/);
    expect(() => new RetryBudget({ maxTokens: 1001 })).toThrow(/maxTokens/);
    expect(() => new RetryBudget({ tokenRatio: 0 })).toThrow(/tokenRatio must be a finite number >= 0\.001/);
  });

  it('refuses a maxTokens below one thousandth, which rounded to an empty bucket that never retried', () => {
    for (const maxTokens of [0.0004, 0.0009, Number.MIN_VALUE]) {
      expect(() => new RetryBudget({ maxTokens })).toThrow(RangeError);
      expect(() => new RetryBudget({ maxTokens })).toThrow(/maxTokens must be in \[0\.001, 1000\]/);
    }
    const smallest = new RetryBudget({ maxTokens: 0.001 });
    expect(smallest.tokens).toBe(0.001);
    expect(smallest.canRetry()).toBe(true);
    smallest.onFailure();
    expect(smallest.canRetry()).toBe(false);
  });

  it('refuses a tokenRatio below one thousandth, which was silently raised to 0.001', () => {
    expect(() => new RetryBudget({ tokenRatio: 0.0001 })).toThrow(RangeError);
    expect(() => new RetryBudget({ tokenRatio: 0.0001 })).toThrow(
      /tokenRatio must be a finite number >= 0\.001/,
    );
    const budget = new RetryBudget({ maxTokens: 1, tokenRatio: 0.001 });
    budget.onFailure();
    budget.onSuccess();
    expect(budget.tokens).toBe(0.001);
  });
});

describe('retry with a RetryBudget', () => {
  it('under a total outage, 1,000 calls make barely more than 1,000 attempts (not 3,000)', async () => {
    const clock = createTestClock();
    const budget = new RetryBudget();
    let attempts = 0;
    let failures = 0;
    for (let call = 0; call < 1000; call++) {
      try {
        await retry(
          () => {
            attempts++;
            throw new ServiceUnavailableError('outage');
          },
          { clock, budget, maxAttempts: 3 },
        );
      } catch {
        failures++;
      }
    }
    expect(failures).toBe(1000);
    expect(attempts).toBeLessThanOrEqual(1050);
    // 8 calls of 3 attempts take the bucket from 50 to 26, the 9th call's failure leaves 25 (half):
    // no more retries, so 1000 + 8 × 2 = 1016 attempts.
    expect(attempts).toBe(1016);

    // Without a budget the same outage costs three attempts per call.
    let naive = 0;
    for (let call = 0; call < 1000; call++) {
      await retry(
        () => {
          naive++;
          throw new ServiceUnavailableError('outage');
        },
        { clock, maxAttempts: 3 },
      ).catch(() => {});
    }
    expect(naive).toBe(3000);
  });

  it('under 5 % random transient failures, 10,000 calls succeed exactly as without a budget (5 seeds)', async () => {
    const calls = 10_000;
    async function run(seed: number, withBudget: boolean): Promise<{ successes: number; attempts: number }> {
      const clock = createTestClock();
      const failureRandom = seeded(seed);
      const budget = withBudget ? new RetryBudget() : undefined;
      let successes = 0;
      let attempts = 0;
      for (let call = 0; call < calls; call++) {
        try {
          await retry(
            () => {
              attempts++;
              if (failureRandom() < 0.05) throw new ServiceUnavailableError('blip');
              return 'ok';
            },
            { clock, budget, maxAttempts: 3, random: seeded(call) },
          );
          successes++;
        } catch {}
      }
      return { successes, attempts };
    }
    for (const seed of [2026, 1, 2, 3, 4]) {
      const naive = await run(seed, false);
      const budgeted = await run(seed, true);
      expect({ seed, ...budgeted }).toEqual({ seed, ...naive });
      expect(naive.successes / calls).toBeGreaterThan(0.99);
      expect(naive.attempts).toBeGreaterThan(calls * 1.04); // retries were made, so the budget was consulted
    }
  });

  it('logs the give-up at error with reason budget', async () => {
    const clock = createTestClock();
    const budget = new RetryBudget({ maxTokens: 2 });
    const logger = recordingLogger();
    let calls = 0;
    await expect(
      retry(
        () => {
          calls++;
          throw new ServiceUnavailableError('outage');
        },
        { clock, budget, logger },
      ),
    ).rejects.toBeInstanceOf(ServiceUnavailableError);
    expect(calls).toBe(1);
    expect(logger.entries.at(-1)).toMatchObject({ level: 'error', fields: { reason: 'budget' } });
  });

  it('a non-retryable failure neither spends nor earns tokens', async () => {
    const clock = createTestClock();
    const budget = new RetryBudget({ maxTokens: 10 });
    budget.onFailure();
    await expect(
      retry(
        () => {
          throw new NotFoundError('no such table');
        },
        { clock, budget },
      ),
    ).rejects.toBeInstanceOf(NotFoundError);
    expect(budget.tokens).toBe(9);
  });

  it('a success earns tokenRatio, on the first attempt as after a retry', async () => {
    const clock = createTestClock();
    const budget = new RetryBudget({ maxTokens: 10 });
    for (let i = 0; i < 3; i++) budget.onFailure();
    await retry(() => 'first', { clock, budget });
    expect(budget.tokens).toBe(7.1);
    let calls = 0;
    await retry(
      async () => {
        calls++;
        if (calls === 1) throw new ServiceUnavailableError('blip');
        return 'second';
      },
      { clock, budget },
    );
    expect(budget.tokens).toBe(6.2);
  });
});
