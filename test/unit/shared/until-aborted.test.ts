import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { untilAborted } from '../../../src/shared/until-aborted.js';
import { isAbortError, polyfillSignal, rejection } from '../../helpers/polyfill-signal.js';

describe('untilAborted', () => {
  it('puts one listener on a signal however many calls wait on it, and removes it when they end', async () => {
    const controller = new AbortController();
    const settles: Array<(value: number) => void> = [];
    const waits = Array.from({ length: 20 }, () =>
      untilAborted(
        new Promise<number>((resolve) => {
          settles.push(resolve);
        }),
        controller.signal,
      ),
    );
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
    for (const [i, settle] of settles.entries()) settle(i);
    expect(await Promise.all(waits)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('rejects every wait with the reason when the signal aborts; the work rejecting later is handled', async () => {
    const controller = new AbortController();
    let fail: (error: Error) => void = () => undefined;
    const work = new Promise<number>((_, reject) => {
      fail = reject;
    });
    const waits = [untilAborted(work, controller.signal), untilAborted(work, controller.signal)];
    const reason = new Error('stop');
    controller.abort(reason);
    for (const wait of waits) await expect(wait).rejects.toBe(reason);
    fail(new Error('late'));
    await new Promise((resolve) => setImmediate(resolve));
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });
});

describe('untilAborted with a polyfilled signal that aborts without a reason', () => {
  it('already aborted, and aborted while waiting: an AbortError, not undefined', async () => {
    const before = polyfillSignal();
    before.abort();
    expect(isAbortError(await rejection(untilAborted(new Promise(() => {}), before)))).toBe(true);
    const during = polyfillSignal();
    const waiting = rejection(untilAborted(new Promise(() => {}), during));
    during.abort();
    expect(isAbortError(await waiting)).toBe(true);
  });

  it('an explicit null reason stays null', async () => {
    const controller = new AbortController();
    controller.abort(null);
    expect(await rejection(untilAborted(new Promise(() => {}), controller.signal))).toBeNull();
  });
});
