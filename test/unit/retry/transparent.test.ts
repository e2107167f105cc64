import { createRequire } from 'node:module';
import { transformSync } from 'esbuild';
import { describe, expect, it } from 'vitest';
import {
  CircuitBreakerOpenError,
  OperationTimeoutError,
  ServiceUnavailableError,
  toPipelineError,
} from '../../../src/errors/index.js';
import {
  CircuitBreaker,
  RetryBudget,
  type RetryInfo,
  retry,
  retryWithJitter,
  withRetry,
} from '../../../src/retry/index.js';
import { createTestClock } from '../../../src/testing/clock.js';
import { caught } from '../../helpers/caught.js';

/** A user's own error class: what their `catch` blocks test with instanceof. */
class ScraperError extends Error {
  constructor(
    message: string,
    readonly transient: boolean,
  ) {
    super(message);
    this.name = 'ScraperError';
  }
}

/** A Node system error as the transport throws it: transient by our rules, and not one of our classes. */
function resetError(n: number): NodeJS.ErrnoException {
  return Object.assign(new Error(`read ECONNRESET #${n}`), { code: 'ECONNRESET' });
}

describe('retry is transparent: the caller catches exactly what the function threw', () => {
  it('after the last attempt, the very value of the last throw (e === thrown)', async () => {
    const thrown: unknown[] = [];
    const error = await caught(
      retry(
        ({ attempt }) => {
          const e = resetError(attempt);
          thrown.push(e);
          throw e;
        },
        { clock: createTestClock(), maxAttempts: 3 },
      ),
    );
    expect(thrown).toHaveLength(3);
    expect(error).toBe(thrown[2]);
  });

  it("a non-retryable error of the user's own class keeps its class (instanceof still works)", async () => {
    const original = new ScraperError('blocked by the site', false);
    const error = await caught(
      retry(
        () => {
          throw original;
        },
        { clock: createTestClock() },
      ),
    );
    expect(error).toBe(original);
    expect(error).toBeInstanceOf(ScraperError);
  });

  it('a retryOn predicate still sees the typed view, and the caller the raw value', async () => {
    const original = new ScraperError('rate limited', true);
    const seen: RetryInfo[] = [];
    const error = await caught(
      retry(
        () => {
          throw original;
        },
        {
          clock: createTestClock(),
          retryOn: (e) => e.cause === original,
          onRetry: (info) => seen.push(info),
          maxAttempts: 2,
        },
      ),
    );
    expect(error).toBe(original);
    expect(seen[0]?.error.cause).toBe(original);
  });

  it.each([
    ['a string', 'plain string failure'],
    ['undefined', undefined],
    ['a number', 42],
  ])('%s thrown is rethrown unchanged', async (_label, value) => {
    const error = await caught(
      retry(
        () => {
          throw value;
        },
        { clock: createTestClock(), maxAttempts: 2 },
      ),
    );
    expect(error).toBe(value);
  });

  it('through a breaker too: the breaker records the failure, the caller gets the raw value', async () => {
    const breaker = new CircuitBreaker({ clock: createTestClock(), failureThreshold: 1 });
    const original = resetError(1);
    const error = await caught(
      retry(
        () => {
          throw original;
        },
        { clock: createTestClock(), breaker, maxAttempts: 1 },
      ),
    );
    expect(error).toBe(original);
    expect(breaker.state).toBe('open');
  });

  it('when the budget refuses a retry, the last raw error', async () => {
    const budget = new RetryBudget({ maxTokens: 1 });
    const original = resetError(1);
    const error = await caught(
      retry(
        () => {
          throw original;
        },
        { clock: createTestClock(), budget, maxAttempts: 5 },
      ),
    );
    expect(error).toBe(original);
  });

  it('errors the retry layer makes itself stay typed: an open circuit, an attempt timeout', async () => {
    const clock = createTestClock();
    const breaker = new CircuitBreaker({ clock, failureThreshold: 1 });
    await caught(breaker.execute(() => Promise.reject(resetError(1))));
    const open = await caught(retry(() => 'never called', { clock, breaker, maxAttempts: 1 }));
    expect(open).toBeInstanceOf(CircuitBreakerOpenError);

    const timedOut = retry(() => new Promise(() => undefined), {
      clock,
      attemptTimeoutMs: 50,
      maxAttempts: 1,
    });
    clock.advance(50);
    expect(await caught(timedOut)).toBeInstanceOf(OperationTimeoutError);
  });

  it('withRetry rethrows the raw value', async () => {
    const original = new ScraperError('gone', false);
    const wrapped = withRetry(
      async (_url: string) => {
        throw original;
      },
      { clock: createTestClock() },
    );
    expect(await caught(wrapped('https://example.test'))).toBe(original);
  });

  it('the @retryWithJitter decorator rethrows the raw value', async () => {
    const source = `
      export function define(retryWithJitter, options, error) {
        class Scraper {
          calls = 0;
          @retryWithJitter(options)
          async scrape() { this.calls++; throw error(this.calls); }
        }
        return Scraper;
      }`;
    const cjs = transformSync(source, { loader: 'ts', format: 'cjs', target: 'node20' }).code;
    const module = {
      exports: {} as {
        define?: (...args: unknown[]) => new () => { calls: number; scrape(): Promise<void> };
      },
    };
    new Function('exports', 'module', 'require', cjs)(module.exports, module, createRequire(import.meta.url));
    const thrown: unknown[] = [];
    const Scraper = module.exports.define!(
      retryWithJitter,
      { clock: createTestClock(), maxAttempts: 2 },
      (n: number) => {
        const e = resetError(n);
        thrown.push(e);
        return e;
      },
    );
    const scraper = new Scraper();
    expect(await caught(scraper.scrape())).toBe(thrown[1]);
    expect(scraper.calls).toBe(2);
  });

  it('CircuitBreaker.execute is transparent as well', async () => {
    const breaker = new CircuitBreaker({ clock: createTestClock() });
    const original = new ScraperError('parse failed', false);
    expect(await caught(breaker.execute(() => Promise.reject(original)))).toBe(original);
    expect(
      await caught(
        breaker.execute(() => {
          throw original;
        }),
      ),
    ).toBe(original);
  });

  it('toPipelineError gives the typed view of what was caught', async () => {
    const original = resetError(1);
    const error = await caught(
      retry(
        () => {
          throw original;
        },
        { clock: createTestClock(), maxAttempts: 1 },
      ),
    );
    expect(toPipelineError(error).transient).toBe(true);
    expect(toPipelineError(new ServiceUnavailableError('x')).code).toBe('SERVICE_UNAVAILABLE');
  });
});
