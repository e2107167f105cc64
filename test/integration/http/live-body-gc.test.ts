import { describe, expect, it } from 'vitest';
import { runGcChild } from '../../helpers/gc-child.js';

// The last safety release of a streamed body's slot is the response being collected: a caller that
// reads a little (or nothing) and drops the response must not hold the host's slot until the attempt
// timeout's timer. Collection needs --expose-gc, so this runs in a process of its own.
describe('a streamed response dropped before its body is done', () => {
  it('gives its concurrency slot back when it is collected, unread or read in part', async () => {
    expect(await runGcChild(new URL('./live-body-gc-child.ts', import.meta.url))).toEqual({
      unread: [1, 0],
      readOnce: [1, 0],
      bodyKept: [1, 0],
    });
  }, 90_000);
});
