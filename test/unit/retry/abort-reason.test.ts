import { describe, expect, it } from 'vitest';
import { ServiceUnavailableError } from '../../../src/errors/index.js';
import { retry, systemClock } from '../../../src/retry/index.js';
import { createTestClock } from '../../../src/testing/clock.js';
import { flush, isSettled } from './helpers.js';

/**
 * An AbortSignal polyfill of the kind older code ships (`abort-controller`): an EventTarget with
 * `aborted` and no `reason`, so `signal.reason` is undefined once aborted.
 */
class PolyfillSignal extends EventTarget {
  aborted = false;
  abort(): void {
    this.aborted = true;
    this.dispatchEvent(new Event('abort'));
  }
}

function polyfill(): PolyfillSignal & AbortSignal {
  return new PolyfillSignal() as PolyfillSignal & AbortSignal;
}

/** What a `catch (e)` gets: the rejection value, which must never be undefined. */
async function rejection(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => 'resolved',
    (e: unknown) => e,
  );
}

function expectAbortError(e: unknown): void {
  expect(e).toBeInstanceOf(DOMException);
  expect((e as DOMException).name).toBe('AbortError');
}

describe('retry with an AbortSignal that has no reason (a polyfill)', () => {
  it('aborted before the call: an AbortError, not undefined, and fn is never called', async () => {
    const signal = polyfill();
    signal.abort();
    let calls = 0;
    const e = await rejection(retry(() => ++calls, { signal, clock: createTestClock() }));
    expectAbortError(e);
    expect(calls).toBe(0);
  });

  it('aborted during an attempt: an AbortError', async () => {
    const signal = polyfill();
    const p = rejection(retry(() => new Promise<never>(() => {}), { signal, clock: createTestClock() }));
    await flush();
    signal.abort();
    expectAbortError(await p);
  });

  it('aborted before the sleep, with a clock that rejects with signal.reason: an AbortError', async () => {
    const signal = polyfill();
    const e = await rejection(
      retry(
        () => {
          throw new ServiceUnavailableError('down');
        },
        { signal, clock: createTestClock(), onRetry: () => signal.abort() },
      ),
    );
    expectAbortError(e);
  });

  it('aborted during the sleep of the system clock: an AbortError, at once', async () => {
    const signal = polyfill();
    const e = await rejection(
      retry(
        () => {
          throw new ServiceUnavailableError('down');
        },
        // The sleep starts right after onRetry, in the same tick; the abort comes after it.
        {
          signal,
          baseDelayMs: 60_000,
          maxDelayMs: 60_000,
          onRetry: () => queueMicrotask(() => signal.abort()),
        },
      ),
    );
    expectAbortError(e);
  });

  it('a caller who aborts with null gets null back: only an absent reason is replaced', async () => {
    const controller = new AbortController();
    controller.abort(null);
    const e = await rejection(retry(() => 1, { signal: controller.signal }));
    expect(e).toBeNull();
  });
});

describe('systemClock.sleep with an AbortSignal that has no reason', () => {
  it('already aborted: rejects with an AbortError', async () => {
    const signal = polyfill();
    signal.abort();
    expectAbortError(await rejection(systemClock.sleep(60_000, signal)));
  });

  it('aborted while sleeping: rejects with an AbortError at once', async () => {
    const signal = polyfill();
    const p = rejection(systemClock.sleep(60_000, signal));
    signal.abort();
    expectAbortError(await p);
  });
});

describe('retry: an abort during a sleep the clock does not end', () => {
  it('a clock whose sleep ignores the signal (and never resolves) cannot hold the caller past the abort', async () => {
    const controller = new AbortController();
    const reason = new Error('caller stopped');
    const clock = { now: () => 0, sleep: () => new Promise<void>(() => {}) };
    let calls = 0;
    const p = retry(
      () => {
        calls++;
        throw new ServiceUnavailableError('down');
      },
      { clock, signal: controller.signal },
    );
    await flush();
    controller.abort(reason);
    expect(await isSettled(p)).toBe(true);
    await expect(p).rejects.toBe(reason);
    expect(calls).toBe(1);
  });

  it('and when onRetry aborts, before that sleep starts', async () => {
    const controller = new AbortController();
    const reason = new Error('caller stopped');
    const clock = { now: () => 0, sleep: () => new Promise<void>(() => {}) };
    const p = retry(
      () => {
        throw new ServiceUnavailableError('down');
      },
      { clock, signal: controller.signal, onRetry: () => controller.abort(reason) },
    );
    expect(await isSettled(p)).toBe(true);
    await expect(p).rejects.toBe(reason);
  });

  it('the same with a polyfilled signal: an AbortError', async () => {
    const signal = polyfill();
    const clock = { now: () => 0, sleep: () => new Promise<void>(() => {}) };
    const p = retry(
      () => {
        throw new ServiceUnavailableError('down');
      },
      { clock, signal },
    );
    await flush();
    signal.abort();
    expect(await isSettled(p)).toBe(true);
    expectAbortError(await rejection(p));
  });
});

describe('the AbortError made for a polyfilled signal', () => {
  it('is one object per signal, so every layer rejects with the same one', async () => {
    const signal = polyfill();
    signal.abort();
    const clock = createTestClock();
    const first = await rejection(retry(() => 1, { signal, clock }));
    const second = await rejection(clock.sleep(1, signal));
    expectAbortError(first);
    expect(second).toBe(first);
  });
});
