import { describe, expect, it } from 'vitest';
import { createResilientFetch, resilientFetch } from '../../../src/http/index.js';
import { retry } from '../../../src/retry/index.js';

// Options that are not an object are refused before any walk of their keys: `for...in` over a
// string enumerates every character's index first (4 million characters took 6 to 16 s to refuse).
// The bound below is 10x what a refusal without a walk needs on a loaded runner, and far below the
// seconds a walk takes; nothing sleeps.

const huge = 'x'.repeat(4_000_000);
const BOUND_MS = 1_000;

async function refusedQuickly(call: () => Promise<unknown>): Promise<string> {
  const start = performance.now();
  const error = await call().then(
    () => undefined,
    (e: unknown) => e,
  );
  const elapsed = performance.now() - start;
  expect(error).toBeInstanceOf(TypeError);
  expect(elapsed).toBeLessThan(BOUND_MS);
  return (error as TypeError).message;
}

describe('options that are not an object are refused before any walk', () => {
  it('retry(fn, <4 MB string>) rejects with a TypeError at once', async () => {
    const message = await refusedQuickly(() => retry(async () => 1, huge as never));
    expect(message).toMatch(/^retry: options must be an object, got a string/);
    expect(message.length).toBeLessThan(200);
  });

  it('a resilientFetch call given a 4 MB string as options rejects at once', async () => {
    await refusedQuickly(() => resilientFetch('http://127.0.0.1:9/', undefined, huge as never));
  });

  it('a createResilientFetch call given a 4 MB string as options rejects at once', async () => {
    const call = createResilientFetch({ maxAttempts: 1 });
    await refusedQuickly(() => call('http://127.0.0.1:9/', undefined, huge as never));
  });
});
