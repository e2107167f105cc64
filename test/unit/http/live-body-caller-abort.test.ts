import { describe, expect, it } from 'vitest';
import { HttpHostRegistry, resilientFetch } from '../../../src/index.js';
import { createTestClock } from '../../../src/testing/clock.js';

const tick = () => new Promise((resolve) => setImmediate(resolve));

/** A `fetch` that ignores its signal (a wrapper that forgot it): its body stalls after one chunk. */
function deafFetch() {
  const cancelled: unknown[] = [];
  const fetch = async (): Promise<Response> =>
    new Response(
      new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new TextEncoder().encode('first'));
        },
        cancel(reason) {
          cancelled.push(reason);
        },
      }),
    );
  return { fetch, cancelled };
}

describe("the caller's abort of a streamed body that holds a slot, from a fetch that ignores its signal", () => {
  it.each([true, false])(
    'rejects the read with the caller’s reason (a read pending: %s), and cancels the body',
    async (pending) => {
      // Before: the pending read never settled (nothing would end it), and a later read waited the same.
      const clock = createTestClock();
      const hosts = new HttpHostRegistry({ clock, maxConcurrent: 1, breaker: false });
      const { fetch, cancelled } = deafFetch();
      const controller = new AbortController();
      const response = await resilientFetch(
        'https://api.example.com/export.csv',
        { signal: controller.signal },
        {
          clock,
          hosts,
          fetch,
          bufferBody: false,
          maxAttempts: 1,
        },
      );
      const reader = response.body!.getReader();
      expect((await reader.read()).done).toBe(false);
      const next = pending ? reader.read() : undefined;
      next?.catch(() => {});
      await tick();
      controller.abort(new Error('caller stops'));
      await tick();
      await expect(next ?? reader.read()).rejects.toThrow('caller stops');
      expect(cancelled).toHaveLength(1);
      expect(hosts.states()['api.example.com']?.inFlight).toBe(0);
    },
  );
});
