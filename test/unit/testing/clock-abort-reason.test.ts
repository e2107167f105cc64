import { describe, expect, it } from 'vitest';
import { createTestClock } from '../../../src/testing/clock.js';
import { isAbortError, polyfillSignal, rejection } from '../../helpers/polyfill-signal.js';

describe('createTestClock().sleep with an aborted signal', () => {
  it('a polyfilled signal without a reason: rejects with an AbortError, not undefined', async () => {
    const signal = polyfillSignal();
    signal.abort();
    const e = await rejection(createTestClock().sleep(10, signal));
    expect(isAbortError(e)).toBe(true);
  });

  it("a real reason, and an explicit null, are the caller's own", async () => {
    const reason = new Error('stop');
    const withReason = new AbortController();
    withReason.abort(reason);
    expect(await rejection(createTestClock().sleep(10, withReason.signal))).toBe(reason);
    const withNull = new AbortController();
    withNull.abort(null);
    expect(await rejection(createTestClock().sleep(10, withNull.signal))).toBeNull();
  });
});
