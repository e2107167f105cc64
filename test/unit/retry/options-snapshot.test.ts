import { describe, expect, it } from 'vitest';
import { NotFoundError, ServiceUnavailableError } from '../../../src/errors/index.js';
import {
  CircuitBreaker,
  type CircuitBreakerOptions,
  type ErrorClass,
  RetryBudget,
  type RetryBudgetOptions,
  type RetryOptions,
  retry,
  retryWithJitter,
  withRetry,
} from '../../../src/retry/index.js';
import { createTestClock } from '../../../src/testing/clock.js';

/** A function failing transiently `failures` times, then answering 'ok'; counts its calls. */
function flaky(failures: number): { fn: () => string; calls: () => number } {
  let calls = 0;
  return {
    fn: () => {
      if (++calls <= failures) throw new ServiceUnavailableError(`down #${calls}`);
      return 'ok';
    },
    calls: () => calls,
  };
}

/** The two wrappers, the decorator applied by hand (its TC39 call, without decorator syntax). */
const wrappers: ReadonlyArray<
  readonly [string, (fn: () => string, o: RetryOptions) => () => Promise<string>]
> = [
  ['withRetry', (fn, o) => withRetry(fn, o)],
  [
    '@retryWithJitter',
    (fn, o) =>
      retryWithJitter(o)(fn, { kind: 'method', name: 'load' } as ClassMethodDecoratorContext<
        unknown,
        () => string
      >),
  ],
];

describe.each(wrappers)('%s keeps the options it checked', (_, wrap) => {
  it('a later mutation of the options object changes nothing, an invalid value included', async () => {
    // Named, so that no copy is made to carry the function's name.
    const options: RetryOptions = { maxAttempts: 2, clock: createTestClock(), name: 'load_games' };
    const { fn, calls } = flaky(4);
    const retried = wrap(fn, options);
    // NaN would have passed no check: `attempt >= NaN` is never true, so retries never ended.
    options.maxAttempts = Number.NaN;
    await expect(retried()).rejects.toBeInstanceOf(ServiceUnavailableError);
    expect(calls()).toBe(2);
  });

  it('a getter is read once, when the options are checked, never again', async () => {
    let reads = 0;
    const options = {
      clock: createTestClock(),
      get maxAttempts() {
        reads++;
        return reads === 1 ? 2 : 5;
      },
    };
    const { fn, calls } = flaky(4);
    const retried = wrap(fn, options);
    await expect(retried()).rejects.toBeInstanceOf(ServiceUnavailableError);
    await expect(retried()).rejects.toBeInstanceOf(ServiceUnavailableError);
    expect(calls()).toBe(4);
    expect(reads).toBe(1);
  });

  it('the retryOn list is copied: an entry added later (checked by nobody) does not count', async () => {
    const retryOn: ErrorClass[] = [ServiceUnavailableError];
    const clock = createTestClock();
    const retried = wrap(
      () => {
        throw new NotFoundError('gone');
      },
      { retryOn, clock, name: 'load_games' },
    );
    retryOn.push(NotFoundError);
    await expect(retried()).rejects.toBeInstanceOf(NotFoundError);
    expect(clock.sleeps).toEqual([]);
  });

  it('an inherited option is kept, as the check saw it', async () => {
    const options = Object.create({ maxAttempts: 2 }) as RetryOptions;
    options.clock = createTestClock();
    const { fn, calls } = flaky(4);
    await expect(wrap(fn, options)()).rejects.toBeInstanceOf(ServiceUnavailableError);
    expect(calls()).toBe(2);
  });
});

/** Options whose every key is a getter counting its reads. */
function counted<T extends object>(values: T): { options: T; reads: Record<string, number> } {
  const reads: Record<string, number> = {};
  const options = {} as T;
  for (const key of Object.keys(values)) {
    reads[key] = 0;
    Object.defineProperty(options, key, {
      enumerable: true,
      get: () => {
        reads[key] = (reads[key] ?? 0) + 1;
        return (values as Record<string, unknown>)[key];
      },
    });
  }
  return { options, reads };
}

describe('CircuitBreaker and RetryBudget read each option once', () => {
  it('new CircuitBreaker reads every key once (a getter cannot answer the check and then something else)', () => {
    const { options, reads } = counted<CircuitBreakerOptions>({
      failureThreshold: 2,
      windowMs: 1000,
      openMs: 1000,
      halfOpenSuccesses: 1,
      clock: createTestClock(),
      isFailure: () => true,
      key: 'k',
      logger: { debug() {}, info() {}, warn() {}, error() {} },
      onStateChange: () => {},
    });
    new CircuitBreaker(options);
    expect(reads).toEqual(Object.fromEntries(Object.keys(reads).map((k) => [k, 1])));
  });

  it('a CircuitBreaker clock getter that answers a Clock to the check and a number afterwards is not kept', async () => {
    let reads = 0;
    const clock = createTestClock();
    const breaker = new CircuitBreaker({
      failureThreshold: 1,
      get clock() {
        return (reads++ === 0 ? clock : 0) as never;
      },
    });
    await expect(
      breaker.execute(() => {
        throw new ServiceUnavailableError('down');
      }),
    ).rejects.toBeInstanceOf(ServiceUnavailableError);
    expect(breaker.state).toBe('open');
  });

  it('new RetryBudget reads every key once', () => {
    const { options, reads } = counted<RetryBudgetOptions>({
      maxTokens: 4,
      tokenRatio: 0.5,
      name: 'n',
      onExhausted: () => {},
      onRecovered: () => {},
    });
    new RetryBudget(options);
    expect(reads).toEqual(Object.fromEntries(Object.keys(reads).map((k) => [k, 1])));
  });
});

describe('retry is safe with options that change under it', () => {
  it('a getter answering the check and then NaN cannot make the retries endless', async () => {
    let reads = 0;
    const options = {
      clock: createTestClock(),
      get maxAttempts() {
        reads++;
        // Valid for as many reads as the check makes, NaN (`attempt >= NaN` is never true) after.
        return reads <= 2 ? 2 : Number.NaN;
      },
    };
    const { fn, calls } = flaky(10);
    await expect(retry(fn, options)).rejects.toBeInstanceOf(ServiceUnavailableError);
    // `retry` reads the caller's object (no copy on every call: the happy path's cost); NaN stops it.
    expect(calls()).toBe(1);
  });

  it('options a Proxy cannot list, or a retryOn list whose length throws, reject: never a synchronous throw', async () => {
    const unlistable = new Proxy(
      {},
      {
        ownKeys() {
          throw new Error('ownKeys trap');
        },
      },
    );
    const badList = new Proxy([ServiceUnavailableError], {
      get(target, key) {
        if (key === 'length') throw new Error('length trap');
        return Reflect.get(target, key);
      },
    });
    for (const options of [unlistable, { retryOn: badList }] as RetryOptions[]) {
      let returned: Promise<unknown> | undefined;
      expect(() => {
        returned = retry(() => 1, options);
      }).not.toThrow();
      await expect(returned).rejects.toThrow(/trap/);
    }
  });
});
