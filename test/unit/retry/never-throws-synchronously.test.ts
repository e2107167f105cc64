import { describe, expect, it } from 'vitest';
import { ServiceUnavailableError } from '../../../src/errors/index.js';
import { retry, withRetry } from '../../../src/retry/index.js';
import { createTestClock } from '../../../src/testing/clock.js';
import { caught } from '../../helpers/caught.js';

/**
 * `retry` returns a Promise: a caller writing `retry(fn).catch(...)` or `await` in a try block must
 * get every failure there, never as a synchronous throw from the call itself.
 */
describe('retry never throws synchronously', () => {
  it('an options getter that throws after the check rejects the Promise', async () => {
    let reads = 0;
    const options = {
      clock: createTestClock(),
      get signal(): AbortSignal | undefined {
        reads++;
        if (reads > 1) throw new Error('config proxy: signal read twice');
        return undefined;
      },
    };
    let returned: Promise<unknown> | undefined;
    expect(() => {
      returned = retry(() => 1, options);
    }).not.toThrow();
    const error = await caught(returned as Promise<unknown>);
    expect((error as Error).message).toBe('config proxy: signal read twice');
  });

  it('a returned Promise whose own then throws rejects the Promise', async () => {
    const hostile = Promise.resolve(1);
    Object.defineProperty(hostile, 'then', {
      value: () => {
        throw new Error('then exploded');
      },
    });
    let returned: Promise<unknown> | undefined;
    expect(() => {
      returned = retry(() => hostile, { clock: createTestClock() });
    }).not.toThrow();
    const error = await caught(returned as Promise<unknown>);
    expect((error as Error).message).toBe('then exploded');
  });

  it('a wrapper from withRetry rejects too', async () => {
    const hostile = Promise.reject(new ServiceUnavailableError('busy'));
    hostile.catch(() => {});
    Object.defineProperty(hostile, 'then', {
      value: () => {
        throw new Error('then exploded');
      },
    });
    const wrapped = withRetry(() => hostile, { clock: createTestClock() });
    let returned: Promise<unknown> | undefined;
    expect(() => {
      returned = wrapped();
    }).not.toThrow();
    const error = await caught(returned as Promise<unknown>);
    expect((error as Error).message).toBe('then exploded');
  });
});
