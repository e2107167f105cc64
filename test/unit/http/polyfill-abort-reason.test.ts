import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ConcurrencyLimit, HttpHostRegistry, RateLimit, resilientFetch } from '../../../src/index.js';
import { createTestClock } from '../../../src/testing/clock.js';
import { isAbortError, polyfillSignal, rejection } from '../../helpers/polyfill-signal.js';

const tick = () => new Promise((resolve) => setImmediate(resolve));

function options() {
  const clock = createTestClock();
  return { clock, hosts: new HttpHostRegistry({ clock, breaker: false }), maxAttempts: 1 };
}

/** A body that never ends until cancelled. */
function endlessBody(): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    start(c) {
      c.enqueue(new TextEncoder().encode('a'));
    },
  });
}

describe('resilientFetch with a polyfilled init.signal that aborts without a reason', () => {
  it('aborted before the call: an AbortError, and fetch is never called', async () => {
    const signal = polyfillSignal();
    signal.abort();
    let calls = 0;
    const fetch = async () => {
      calls++;
      return new Response('ok');
    };
    const e = await rejection(resilientFetch('https://a.example/', { signal }, { ...options(), fetch }));
    expect(isAbortError(e)).toBe(true);
    expect(calls).toBe(0);
  });

  it('aborted while the stream request body is buffered: an AbortError', async () => {
    const signal = polyfillSignal();
    const body = endlessBody();
    const p = rejection(
      resilientFetch('https://a.example/', { method: 'PUT', body, signal, duplex: 'half' } as RequestInit, {
        ...options(),
        fetch: async () => new Response('ok'),
      }),
    );
    await tick();
    signal.abort();
    expect(isAbortError(await p)).toBe(true);
  });

  it('aborted during the request: an AbortError', async () => {
    const signal = polyfillSignal();
    const fetch = (_: unknown, init?: RequestInit) =>
      new Promise<Response>((_resolve, reject) =>
        init?.signal?.addEventListener('abort', () => reject(init.signal?.reason)),
      );
    const p = rejection(resilientFetch('https://a.example/', { signal }, { ...options(), fetch }));
    await tick();
    signal.abort();
    expect(isAbortError(await p)).toBe(true);
  });

  it('aborted while a live body (bufferBody: false) is read: the read rejects with an AbortError', async () => {
    const signal = polyfillSignal();
    // As Node's fetch does: an abort of the request's signal errors its body with the signal's reason.
    const fetch = async (_: unknown, init?: RequestInit) => {
      const attempt = init?.signal as AbortSignal;
      const body = new ReadableStream<Uint8Array>({
        start(c) {
          c.enqueue(new TextEncoder().encode('a'));
          attempt.addEventListener('abort', () => c.error(attempt.reason));
        },
      });
      return new Response(body);
    };
    const response = await resilientFetch(
      'https://a.example/',
      { signal },
      { ...options(), fetch, bufferBody: false },
    );
    const reader = response.body!.getReader();
    await reader.read();
    const pending = rejection(reader.read());
    signal.abort();
    expect(isAbortError(await pending)).toBe(true);
  });

  it('a real reason, and an explicit null, reach the caller unchanged', async () => {
    const reason = new Error('stop');
    const fetch = async () => new Response('ok');
    const real = new AbortController();
    real.abort(reason);
    expect(
      await rejection(resilientFetch('https://a.example/', { signal: real.signal }, { ...options(), fetch })),
    ).toBe(reason);
    const withNull = new AbortController();
    withNull.abort(null);
    expect(
      await rejection(
        resilientFetch('https://a.example/', { signal: withNull.signal }, { ...options(), fetch }),
      ),
    ).toBeNull();
  });
});

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = undefined;
});

describe("resilientFetch on Node's own fetch, with a polyfilled init.signal", () => {
  it('aborted while a live body is read: the read rejects with an AbortError, not undefined', async () => {
    // A body that starts and never ends.
    server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('a');
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()));
    const { port } = server.address() as AddressInfo;
    const signal = polyfillSignal();
    const response = await resilientFetch(
      `http://127.0.0.1:${port}/`,
      { signal },
      { ...options(), bufferBody: false },
    );
    const reader = response.body!.getReader();
    await reader.read();
    const pending = rejection(reader.read());
    signal.abort();
    expect(isAbortError(await pending)).toBe(true);
  });
});

describe('the public limits with a polyfilled signal that aborts without a reason', () => {
  it('ConcurrencyLimit.acquire: an AbortError, already aborted and while queued', async () => {
    const limit = new ConcurrencyLimit(1);
    const before = polyfillSignal();
    before.abort();
    expect(isAbortError(await rejection(limit.acquire(before)))).toBe(true);
    await limit.acquire();
    const queued = polyfillSignal();
    const p = rejection(limit.acquire(queued));
    queued.abort();
    expect(isAbortError(await p)).toBe(true);
    limit.release();
  });

  it('RateLimit.take: an AbortError, already aborted and while waiting', async () => {
    const clock = createTestClock();
    const limiter = new RateLimit({ requestsPerSecond: 1, burst: 1 }, clock);
    const before = polyfillSignal();
    before.abort();
    expect(isAbortError(await rejection(limiter.take(before)))).toBe(true);
    await limiter.take();
    const waiting = polyfillSignal();
    const p = rejection(limiter.take(waiting));
    waiting.abort();
    expect(isAbortError(await p)).toBe(true);
  });
});
