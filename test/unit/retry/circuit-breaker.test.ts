import { describe, expect, it } from 'vitest';
import {
  CircuitBreakerOpenError,
  NotFoundError,
  OperationTimeoutError,
  ServiceUnavailableError,
} from '../../../src/errors/index.js';
import { CircuitBreaker, CircuitBreakerRegistry, RetryBudget, retry } from '../../../src/retry/index.js';
import { createTestClock } from '../../../src/testing/clock.js';
import { recordingLogger } from './helpers.js';

const fail = () => Promise.reject(new ServiceUnavailableError('down'));
const ok = () => Promise.resolve('ok');

async function failTimes(breaker: CircuitBreaker, n: number): Promise<void> {
  for (let i = 0; i < n; i++) await breaker.execute(fail).catch(() => {});
}

describe('CircuitBreaker: the original defaults', () => {
  it('opens after 5 failures within 60 s and refuses calls without making them', async () => {
    const clock = createTestClock();
    const breaker = new CircuitBreaker({ clock, key: 'bigquery' });
    await failTimes(breaker, 4);
    expect(breaker.state).toBe('closed');
    await failTimes(breaker, 1);
    expect(breaker.state).toBe('open');
    let called = false;
    const err = await breaker
      .execute(() => {
        called = true;
        return 1;
      })
      .catch((e: unknown) => e);
    expect(called).toBe(false);
    expect(err).toBeInstanceOf(CircuitBreakerOpenError);
    expect((err as CircuitBreakerOpenError).retryAfterMs).toBe(300_000);
    expect((err as CircuitBreakerOpenError).key).toBe('bigquery');
    expect((err as Error).message).toMatch(/Circuit 'bigquery' is open/);
  });

  it('counts failures in a sliding 60 s window', async () => {
    const clock = createTestClock();
    const breaker = new CircuitBreaker({ clock });
    await failTimes(breaker, 4);
    clock.advance(60_001);
    await failTimes(breaker, 4);
    expect(breaker.state).toBe('closed');
    await failTimes(breaker, 1);
    expect(breaker.state).toBe('open');
  });

  it('resets the failure count on a success while closed', async () => {
    const clock = createTestClock();
    const breaker = new CircuitBreaker({ clock });
    await failTimes(breaker, 4);
    await breaker.execute(ok);
    await failTimes(breaker, 4);
    expect(breaker.state).toBe('closed');
  });

  it('reports retryAfterMs counting down, then half-opens after 300 s on the next call', async () => {
    const clock = createTestClock();
    const breaker = new CircuitBreaker({ clock });
    await failTimes(breaker, 5);
    clock.advance(120_000);
    const err = (await breaker.execute(ok).catch((e: unknown) => e)) as CircuitBreakerOpenError;
    expect(err.retryAfterMs).toBe(180_000);
    clock.advance(180_000);
    expect(breaker.state).toBe('half_open');
  });

  it('closes after 3 half-open successes', async () => {
    const clock = createTestClock();
    const breaker = new CircuitBreaker({ clock });
    await failTimes(breaker, 5);
    clock.advance(300_000);
    await breaker.execute(ok);
    await breaker.execute(ok);
    expect(breaker.state).toBe('half_open');
    await breaker.execute(ok);
    expect(breaker.state).toBe('closed');
    // and it starts counting afresh
    await failTimes(breaker, 4);
    expect(breaker.state).toBe('closed');
  });

  it('reopens on any half-open failure, for another full open period', async () => {
    const clock = createTestClock();
    const breaker = new CircuitBreaker({ clock });
    await failTimes(breaker, 5);
    clock.advance(300_000);
    await breaker.execute(ok);
    await breaker.execute(ok);
    await failTimes(breaker, 1);
    expect(breaker.state).toBe('open');
    const err = (await breaker.execute(ok).catch((e: unknown) => e)) as CircuitBreakerOpenError;
    expect(err.retryAfterMs).toBe(300_000);
  });

  it('uses no timers: half-open is computed when a call (or a state read) arrives', async () => {
    const clock = createTestClock();
    const breaker = new CircuitBreaker({ clock });
    await failTimes(breaker, 5);
    expect(clock.pendingTimers).toBe(0);
    clock.advance(10 * 300_000);
    await expect(breaker.execute(ok)).resolves.toBe('ok');
  });
});

describe('CircuitBreaker: which errors count', () => {
  it('does not count non-transient errors such as a 404 (the service answered)', async () => {
    const clock = createTestClock();
    const breaker = new CircuitBreaker({ clock });
    for (let i = 0; i < 20; i++) {
      await breaker.execute(() => Promise.reject(new NotFoundError('no such table'))).catch(() => {});
    }
    expect(breaker.state).toBe('closed');
  });

  it('counts timeouts', async () => {
    const clock = createTestClock();
    const breaker = new CircuitBreaker({ clock, failureThreshold: 2 });
    for (let i = 0; i < 2; i++) {
      await breaker
        .execute(() => Promise.reject(new OperationTimeoutError('slow', { timeoutMs: 10 })))
        .catch(() => {});
    }
    expect(breaker.state).toBe('open');
  });

  it('takes an isFailure predicate (e.g. every error, as the original did)', async () => {
    const clock = createTestClock();
    const breaker = new CircuitBreaker({ clock, failureThreshold: 2, isFailure: () => true });
    for (let i = 0; i < 2; i++) {
      await breaker.execute(() => Promise.reject(new NotFoundError('x'))).catch(() => {});
    }
    expect(breaker.state).toBe('open');
  });

  it('rethrows exactly what fn throws, sync throws included, and counts it by its typed view', async () => {
    const breaker = new CircuitBreaker({ clock: createTestClock(), failureThreshold: 2 });
    const raw = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
    const err = await breaker
      .execute(() => {
        throw raw;
      })
      .catch((e: unknown) => e);
    expect(err).toBe(raw);
    await breaker.execute(() => Promise.reject(raw)).catch(() => undefined);
    // Both failures were transient by their typed view (a NetworkError), so they opened the circuit.
    expect(breaker.state).toBe('open');
  });

  it('passes sync values through', async () => {
    const breaker = new CircuitBreaker();
    await expect(breaker.execute(() => 7)).resolves.toBe(7);
  });

  it('ignores results that arrive while open', async () => {
    const clock = createTestClock();
    const breaker = new CircuitBreaker({ clock, failureThreshold: 1 });
    let release: (() => void) | undefined;
    const slow = breaker.execute(
      () =>
        new Promise<string>((resolve) => {
          release = () => resolve('late');
        }),
    );
    await failTimes(breaker, 1);
    expect(breaker.state).toBe('open');
    release?.();
    await expect(slow).resolves.toBe('late');
    expect(breaker.state).toBe('open');
  });
});

describe('CircuitBreaker: options and logs', () => {
  it('rejects invalid options', () => {
    expect(() => new CircuitBreaker({ failureThreshold: 0 })).toThrow(
      /failureThreshold must be a positive integer/,
    );
    expect(() => new CircuitBreaker({ halfOpenSuccesses: 1.5 })).toThrow(/halfOpenSuccesses/);
    expect(() => new CircuitBreaker({ openMs: -1 })).toThrow(/openMs must be a positive number/);
    expect(() => new CircuitBreaker({ windowMs: Number.NaN })).toThrow(/windowMs/);
  });

  it('logs opening at warning, half-open and closing at info', async () => {
    const clock = createTestClock();
    const logger = recordingLogger();
    const breaker = new CircuitBreaker({
      clock,
      logger,
      failureThreshold: 1,
      halfOpenSuccesses: 1,
      key: 'pubsub',
    });
    await failTimes(breaker, 1);
    clock.advance(300_000);
    await breaker.execute(ok);
    expect(logger.entries.map((e) => [e.level, e.fields?.state])).toEqual([
      ['warn', 'open'],
      ['info', 'half_open'],
      ['info', 'closed'],
    ]);
    expect(logger.entries[0]?.message).toMatch(/circuit 'pubsub' opened: 1 failures within 60000 ms/);
  });

  it('an unnamed breaker says so', async () => {
    const breaker = new CircuitBreaker({ clock: createTestClock(), failureThreshold: 1 });
    await failTimes(breaker, 1);
    const err = (await breaker.execute(ok).catch((e: unknown) => e)) as CircuitBreakerOpenError;
    expect(err.message).toMatch(/Circuit \(unnamed\) is open/);
    expect(err.key).toBeUndefined();
  });
});

describe('CircuitBreakerRegistry', () => {
  it('returns one breaker per key, created with the defaults', async () => {
    const clock = createTestClock();
    const registry = new CircuitBreakerRegistry({ clock, failureThreshold: 1 });
    const a = registry.get('bdl_boxscores');
    expect(registry.get('bdl_boxscores')).toBe(a);
    expect(registry.get('odds_api')).not.toBe(a);
    await failTimes(a, 1);
    expect(registry.states()).toEqual({ bdl_boxscores: 'open', odds_api: 'closed' });
    expect(a.key).toBe('bdl_boxscores');
  });

  it('states() lists a breaker keyed __proto__ as its own entry', async () => {
    const registry = new CircuitBreakerRegistry({ clock: createTestClock(), failureThreshold: 1 });
    await failTimes(registry.get('__proto__'), 1);
    const states = registry.states();
    expect(Object.keys(states)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(states)).toBe(Object.prototype);
  });

  it('delete forgets a key: the next get makes a fresh, closed breaker', async () => {
    const clock = createTestClock();
    const registry = new CircuitBreakerRegistry({ clock, failureThreshold: 1 });
    const a = registry.get('retired');
    await failTimes(a, 1);
    expect(registry.delete('retired')).toBe(true);
    expect(registry.delete('retired')).toBe(false);
    expect(registry.states()).toEqual({});
    expect(registry.get('retired')).not.toBe(a);
    expect(registry.get('retired').state).toBe('closed');
  });

  it('rejects bad defaults at construction', () => {
    expect(() => new CircuitBreakerRegistry({ openMs: 0 })).toThrow(/openMs/);
  });
});

describe('retry with a CircuitBreaker', () => {
  it('sends every attempt through the breaker, so retries count towards opening it', async () => {
    const clock = createTestClock();
    const breaker = new CircuitBreaker({ clock, failureThreshold: 3 });
    let calls = 0;
    await expect(
      retry(
        () => {
          calls++;
          throw new ServiceUnavailableError('down');
        },
        { clock, breaker, maxAttempts: 3 },
      ),
    ).rejects.toBeInstanceOf(ServiceUnavailableError);
    expect(calls).toBe(3);
    expect(breaker.state).toBe('open');
  });

  it('records first-attempt successes and async failures: half-open closes after 3 successful calls', async () => {
    const clock = createTestClock();
    const breaker = new CircuitBreaker({ clock, failureThreshold: 2, openMs: 1000 });
    for (let i = 0; i < 2; i++) {
      await retry(() => Promise.reject(new ServiceUnavailableError('down')), {
        clock,
        breaker,
        maxAttempts: 1,
      }).catch(() => {});
    }
    expect(breaker.state).toBe('open');
    clock.advance(1000);
    for (let i = 0; i < 2; i++) await retry(async () => 'ok', { clock, breaker });
    expect(breaker.state).toBe('half_open');
    await retry(() => 'sync ok', { clock, breaker });
    expect(breaker.state).toBe('closed');
  });

  it('fails fast with CircuitBreakerOpenError when the open period exceeds maxDelayMs', async () => {
    const clock = createTestClock();
    const logger = recordingLogger();
    const breaker = new CircuitBreaker({ clock, failureThreshold: 2 });
    let calls = 0;
    const err = await retry(
      () => {
        calls++;
        throw new ServiceUnavailableError('down');
      },
      { clock, breaker, logger, maxAttempts: 5 },
    ).catch((e: unknown) => e);
    // attempt 1 fails, attempt 2 fails and opens the circuit, attempt 3 is refused: 300 s > 15 s.
    expect(calls).toBe(2);
    expect(err).toBeInstanceOf(CircuitBreakerOpenError);
    expect(logger.entries.at(-1)).toMatchObject({ level: 'error', fields: { reason: 'circuit_open' } });
  });

  it('waits for a short open period when it fits, then goes through half-open', async () => {
    const clock = createTestClock();
    const breaker = new CircuitBreaker({ clock, failureThreshold: 1, openMs: 4000, halfOpenSuccesses: 1 });
    let calls = 0;
    const result = await retry(
      () => {
        calls++;
        if (calls === 1) throw new ServiceUnavailableError('blip');
        return 'recovered';
      },
      { clock, breaker, maxAttempts: 4, jitter: 'none', baseDelayMs: 1000, maxDelayMs: 10_000 },
    );
    expect(result).toBe('recovered');
    expect(calls).toBe(2);
    // 1000 ms backoff after the failure, then the refused attempt waits out the remaining 3000 ms.
    expect(clock.sleeps).toEqual([1000, 3000]);
    expect(breaker.state).toBe('closed');
  });

  it('an open circuit is waited for even with honorRetryAfter false, and costs no budget', async () => {
    const clock = createTestClock();
    const breaker = new CircuitBreaker({ clock, failureThreshold: 1, openMs: 2000 });
    const budget = new RetryBudget({ maxTokens: 3 });
    await breaker.execute(fail).catch(() => {});
    const result = await retry(() => 'ok', {
      clock,
      breaker,
      budget,
      honorRetryAfter: false,
      jitter: 'none',
      baseDelayMs: 100,
    });
    expect(result).toBe('ok');
    expect(clock.sleeps).toEqual([2000]);
    expect(budget.tokens).toBe(3);
  });

  it('bounds a timed attempt through the breaker, which counts the timeout', async () => {
    const clock = createTestClock();
    const breaker = new CircuitBreaker({ clock, failureThreshold: 1 });
    const p = retry(() => new Promise<never>(() => {}), {
      clock,
      breaker,
      attemptTimeoutMs: 100,
      maxAttempts: 1,
    });
    await Promise.resolve();
    clock.advance(100);
    await expect(p).rejects.toBeInstanceOf(OperationTimeoutError);
    expect(breaker.state).toBe('open');
  });
});
