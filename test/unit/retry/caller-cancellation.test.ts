import { describe, expect, it } from 'vitest';
import { CircuitBreaker, RetryBudget, retry } from '../../../src/retry/index.js';
import { createTestClock } from '../../../src/testing/clock.js';
import { flush } from './helpers.js';

/** What `fetch` and the Google clients do with a signal: reject with its reason when it aborts. */
function honorsSignal({ signal }: { signal: AbortSignal }): Promise<never> {
  return new Promise<never>((_resolve, reject) => {
    signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}

/** The reason `AbortSignal.timeout(ms)` aborts with. */
const timeoutReason = () => new DOMException('The operation was aborted due to timeout', 'TimeoutError');

describe("a caller's own cancellation is not a failure of the operation", () => {
  it.each([
    ['AbortSignal.timeout(...) (a TimeoutError reason)', timeoutReason],
    ['ac.abort() (an AbortError reason)', () => undefined],
    ['ac.abort(new Error(...)) (a reason of their own)', () => new Error('shutting down')],
  ])('%s: counts against neither a shared breaker nor the budget', async (_label, reason) => {
    const clock = createTestClock();
    // One failure would open it: the shared breaker of every BigQuery call of the process.
    const breaker = new CircuitBreaker({ clock, failureThreshold: 1 });
    const budget = new RetryBudget({ maxTokens: 2 });
    for (let i = 0; i < 3; i++) {
      const controller = new AbortController();
      const call = retry(honorsSignal, { clock, breaker, budget, signal: controller.signal });
      await flush();
      const why = reason();
      controller.abort(why);
      const caught = await call.catch((e: unknown) => e);
      // The caller's reason comes back untouched.
      if (why !== undefined) expect(caught).toBe(why);
      else expect(caught).toBe(controller.signal.reason);
    }
    expect(breaker.state).toBe('closed');
    expect(budget.tokens).toBe(2);
    // Everyone else's calls still go through.
    await expect(retry(() => 'ok', { clock, breaker, budget })).resolves.toBe('ok');
  });

  it('a function that notices the abort and throws its own error is not counted either', async () => {
    const clock = createTestClock();
    const breaker = new CircuitBreaker({ clock, failureThreshold: 1 });
    const controller = new AbortController();
    const call = retry(
      ({ signal }) =>
        new Promise<never>((_resolve, reject) => {
          signal.addEventListener('abort', () =>
            reject(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })),
          );
        }),
      { clock, breaker, signal: controller.signal },
    );
    await flush();
    controller.abort(timeoutReason());
    await call.catch(() => undefined);
    expect(breaker.state).toBe('closed');
  });

  it('a real failure before the abort still counts', async () => {
    const clock = createTestClock();
    const breaker = new CircuitBreaker({ clock, failureThreshold: 1 });
    const controller = new AbortController();
    await retry(
      () => {
        throw Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
      },
      { clock, breaker, signal: controller.signal, maxAttempts: 1 },
    ).catch(() => undefined);
    expect(breaker.state).toBe('open');
  });
});
