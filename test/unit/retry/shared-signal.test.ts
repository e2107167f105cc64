import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { retry, systemClock } from '../../../src/retry/index.js';
import { createTestClock } from '../../../src/testing/clock.js';
import { flush } from './helpers.js';

/** Collects process warnings of one kind while a test runs. */
function watchWarnings(name: string) {
  const seen: Error[] = [];
  const listener = (warning: Error) => {
    if (warning.name === name) seen.push(warning);
  };
  return {
    seen,
    start: () => process.on('warning', listener),
    stop: () => process.off('warning', listener),
  };
}

/** Lets process warnings (emitted on nextTick) arrive. */
const settleWarnings = () => new Promise((resolve) => setImmediate(resolve));

describe('one AbortSignal shared by many concurrent calls', () => {
  const warnings = watchWarnings('MaxListenersExceededWarning');
  beforeEach(() => warnings.start());
  afterEach(() => warnings.stop());

  it('25 concurrent retries in flight on one signal trigger no MaxListenersExceededWarning', async () => {
    const controller = new AbortController();
    const clock = createTestClock();
    const releases: Array<() => void> = [];
    const calls = Array.from({ length: 25 }, () =>
      retry(
        ({ signal }) => {
          // What a client does with the attempt's signal: one listener of its own.
          signal.addEventListener('abort', () => undefined, { once: true });
          return new Promise<string>((resolve) => releases.push(() => resolve('ok')));
        },
        { clock, signal: controller.signal, attemptTimeoutMs: 60_000 },
      ),
    );
    await flush();
    for (const release of releases) release();
    await expect(Promise.all(calls)).resolves.toHaveLength(25);
    await settleWarnings();
    expect(warnings.seen).toEqual([]);
  });

  it('25 concurrent backoff sleeps on one signal (the real clock) trigger no warning and all stop on abort', async () => {
    const controller = new AbortController();
    const sleeps = Array.from({ length: 25 }, () => systemClock.sleep(60_000, controller.signal));
    const reason = new Error('shutting down');
    controller.abort(reason);
    const outcomes = await Promise.allSettled(sleeps);
    expect(outcomes.every((o) => o.status === 'rejected' && o.reason === reason)).toBe(true);
    await settleWarnings();
    expect(warnings.seen).toEqual([]);
  });

  it('25 retries sharing a signal all reject with its reason when it aborts', async () => {
    const controller = new AbortController();
    const clock = createTestClock();
    const calls = Array.from({ length: 25 }, () =>
      retry(() => new Promise<never>(() => undefined), { clock, signal: controller.signal }),
    );
    await flush();
    const reason = new Error('caller gave up');
    controller.abort(reason);
    const outcomes = await Promise.allSettled(calls);
    expect(outcomes.every((o) => o.status === 'rejected' && o.reason === reason)).toBe(true);
    await settleWarnings();
    expect(warnings.seen).toEqual([]);
  });
});
