import { describe, expect, it } from 'vitest';
import { runGcChild } from '../../helpers/gc-child.js';

// Each flush waits for the one before it through a chain of promises; a link that kept its value
// kept every earlier flush's result (and its error, with the cause) for the tracker's lifetime.
// Collection needs --expose-gc, so this runs in a process of its own.
describe('the flush chain of an UnresolvedPlayerTracker', () => {
  it('keeps no earlier flush result once the caller dropped it', async () => {
    expect(await runGcChild(new URL('./flush-chain-gc-child.ts', import.meta.url))).toEqual({
      firstResultKept: false,
    });
  }, 90_000);
});
