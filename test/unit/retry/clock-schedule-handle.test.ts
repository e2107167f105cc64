import { describe, expect, it } from 'vitest';
import { type Clock, HttpHostRegistry, resilientFetch, retry } from '../../../src/index.js';

// A hand-written clock often schedules with `(ms, cb) => setTimeout(cb, ms)`, which returns a timer
// handle, not the cancel function `Clock.schedule` promises; or its cancel throws. Either way the
// outcome of a call that finished must stand: it did its work, and a retry would do it again.

/** A clock whose timers never fire and whose `schedule` returns `handle` instead of a cancel. */
function clockReturning(handle: () => unknown): Clock {
  return {
    now: () => 0,
    sleep: async () => {},
    schedule: () => handle() as () => void,
  };
}

const misuses: Array<[string, () => unknown]> = [
  ['a timer handle', () => ({ ref() {}, unref() {}, hasRef: () => true })],
  [
    'a cancel that throws',
    () => () => {
      throw new Error('already cancelled');
    },
  ],
];

describe('a clock whose schedule returns no usable cancel function', () => {
  it.each(misuses)('retry with attemptTimeoutMs (%s): a success is returned once', async (_, handle) => {
    let calls = 0;
    const value = await retry(
      async () => {
        calls += 1;
        return 'done';
      },
      { clock: clockReturning(handle), attemptTimeoutMs: 1000, maxAttempts: 3 },
    );
    expect(value).toBe('done');
    expect(calls).toBe(1);
  });

  it.each(misuses)(
    'resilientFetch (%s): a POST that succeeded is returned, not failed and sent again',
    async (_, handle) => {
      const clock = clockReturning(handle);
      let calls = 0;
      const answers = async (): Promise<Response> => {
        calls += 1;
        return new Response('{"accepted":true}', { status: 201 });
      };
      const response = await resilientFetch(
        'https://api.example.com/v1/bets',
        { method: 'POST', body: '{"stake":10}', headers: { 'idempotency-key': 'bet-1' } },
        { fetch: answers, clock, hosts: new HttpHostRegistry({ clock }), maxAttempts: 3 },
      );
      expect(response.status).toBe(201);
      expect(await response.json()).toEqual({ accepted: true });
      expect(calls).toBe(1);
    },
  );
});
