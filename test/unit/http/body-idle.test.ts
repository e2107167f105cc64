import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpHostRegistry, OperationTimeoutError, resilientFetch } from '../../../src/index.js';
import { createTestClock } from '../../../src/testing/clock.js';

/** A body the test feeds by hand, and the reason it was cancelled with. */
function handFedBody() {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const state = { cancelled: undefined as unknown };
  const stream = new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
    },
    cancel(reason) {
      state.cancelled = reason ?? 'cancelled';
    },
  });
  return {
    stream,
    state,
    push: (text: string) => controller.enqueue(new TextEncoder().encode(text)),
    end: () => controller.close(),
  };
}

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = undefined;
});

const tick = () => new Promise((resolve) => setImmediate(resolve));

function setup(bodyIdleTimeoutMs?: number) {
  const clock = createTestClock();
  const hosts = new HttpHostRegistry({ clock, maxConcurrent: 1, breaker: false });
  const bodies: Array<ReturnType<typeof handFedBody>> = [];
  const fetch = async (): Promise<Response> => {
    const body = handFedBody();
    bodies.push(body);
    return new Response(body.stream, { status: 200 });
  };
  const call = () =>
    resilientFetch('https://api.example.com/export.csv', undefined, {
      clock,
      hosts,
      fetch,
      bufferBody: false,
      attemptTimeoutMs: 5_000,
      maxAttempts: 1,
      ...(bodyIdleTimeoutMs === undefined ? {} : { bodyIdleTimeoutMs }),
    });
  let started = 0;
  const next = () =>
    call().then((r) => {
      started++;
      return r;
    });
  const inFlight = () => hosts.states()['api.example.com']?.inFlight;
  return { clock, call, next, started: () => started, bodies, inFlight };
}

describe('bodyIdleTimeoutMs: a streamed body holding a slot is not held by an abandoned reader', () => {
  it('one read left pending and the reader dropped: cancelled after the idle time, the slot goes back', async () => {
    const { clock, call, next, started, bodies, inFlight } = setup(30_000);
    const response = await call();
    const reader = response.body!.getReader();
    bodies[0]!.push('a,b\n');
    await reader.read();
    // The read that is never followed up: its promise is all that is left of the reader.
    const pending = reader.read();
    pending.catch(() => {});
    await tick();
    const waiting = next();
    clock.advance(29_999);
    await tick();
    expect(started()).toBe(0);
    clock.advance(1);
    await tick();
    expect(started()).toBe(1);
    expect(inFlight()).toBe(1);
    // Not a clean end of body: the read rejects, so a truncated export is never taken as whole.
    await expect(pending).rejects.toBeInstanceOf(OperationTimeoutError);
    await expect(pending).rejects.toThrow(/30000 ms/);
    expect(bodies[0]!.state.cancelled).toBeInstanceOf(OperationTimeoutError);
    await (await waiting).body?.cancel();
    expect(inFlight()).toBe(0);
  });

  it('the default is 60 s: an abandoned read holds the slot for a minute, not for undici’s 300 s', async () => {
    const { clock, call, next, started, bodies } = setup();
    const response = await call();
    const pending = response.body!.getReader().read();
    pending.catch(() => {});
    void next();
    clock.advance(59_999);
    await tick();
    expect(started()).toBe(0);
    clock.advance(1);
    await tick();
    expect(started()).toBe(1);
    expect(bodies[0]!.state.cancelled).toBeInstanceOf(OperationTimeoutError);
  });

  it('a slow but alive download is never cut: a chunk every 29 s for ten minutes keeps its slot', async () => {
    const { clock, call, next, started, bodies, inFlight } = setup(30_000);
    const response = await call();
    const text = response.text();
    void next();
    for (let i = 0; i < 21; i++) {
      clock.advance(29_000);
      await tick();
      bodies[0]!.push(`${i},`);
      await tick();
    }
    expect(started()).toBe(0);
    expect(inFlight()).toBe(1);
    expect(bodies[0]!.state.cancelled).toBeUndefined();
    bodies[0]!.end();
    expect(await text).toBe(Array.from({ length: 21 }, (_, i) => `${i},`).join(''));
    await tick();
    expect(started()).toBe(1);
  });

  it('a reader that holds a chunk past the idle time gives the slot back but is not cut: its next read goes on', async () => {
    const { clock, call, next, started, bodies, inFlight } = setup(30_000);
    const response = await call();
    const reader = response.body!.getReader();
    bodies[0]!.push('one');
    await reader.read();
    void next();
    clock.advance(30_000);
    await tick();
    expect(started()).toBe(1);
    expect(inFlight()).toBe(1);
    expect(bodies[0]!.state.cancelled).toBeUndefined();
    bodies[0]!.push('two');
    expect(new TextDecoder().decode((await reader.read()).value)).toBe('two');
  });

  it('a body whose slot went back while the caller held a chunk is outside the limit: a later slow read is not cut', async () => {
    const { clock, call, next, started, bodies } = setup(30_000);
    const response = await call();
    const reader = response.body!.getReader();
    bodies[0]!.push('one');
    await reader.read();
    void next();
    clock.advance(30_000);
    await tick();
    expect(started()).toBe(1);
    // The slot is back; the server now takes longer than the idle time over the next chunk.
    const pending = reader.read();
    await tick();
    clock.advance(60_000);
    await tick();
    expect(bodies[0]!.state.cancelled).toBeUndefined();
    bodies[0]!.push('two');
    expect(new TextDecoder().decode((await pending).value)).toBe('two');
  });

  it('a body never read gives its slot back after the idle time and stays readable', async () => {
    const { clock, call, next, started, bodies } = setup(30_000);
    const response = await call();
    void next();
    clock.advance(29_999);
    await tick();
    expect(started()).toBe(0);
    clock.advance(1);
    await tick();
    expect(started()).toBe(1);
    bodies[0]!.push('late');
    const reader = response.body!.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toBe('late');
    expect(bodies[0]!.state.cancelled).toBeUndefined();
  });

  it('a value past the longest timer (2^31 - 1 ms) waits that long: it does not fire at once', async () => {
    const { clock, call, bodies, inFlight } = setup(2 ** 40);
    const response = await call();
    const pending = response.body!.getReader().read();
    await tick();
    clock.advance(2 ** 31 - 2);
    await tick();
    expect(inFlight()).toBe(1);
    bodies[0]!.push('still here');
    expect((await pending).done).toBe(false);
  });

  it('a value that is not a positive integer is refused before anything is sent', async () => {
    let sent = 0;
    const fetch = async () => {
      sent++;
      return new Response('x');
    };
    for (const bad of [0, -1, 1.5, Number.NaN, Infinity]) {
      await expect(
        resilientFetch('https://a.example/', undefined, { fetch, bufferBody: false, bodyIdleTimeoutMs: bad }),
        String(bad),
      ).rejects.toThrow(RangeError);
    }
    await expect(
      resilientFetch('https://a.example/', undefined, {
        fetch,
        bodyIdleTimeoutMs: '5000' as unknown as number,
      }),
    ).rejects.toThrow(TypeError);
    expect(sent).toBe(0);
  });

  it('over a real socket: a server that sends one chunk and hangs is cut at the idle time, its connection closed', async () => {
    let closed!: () => void;
    const connectionClosed = new Promise<void>((r) => (closed = r));
    server = createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'text/csv' });
      res.write('a,b\n');
      req.socket.on('close', closed);
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/export.csv`;
    const clock = createTestClock();
    const hosts = new HttpHostRegistry({ clock, maxConcurrent: 1, breaker: false });
    const options = { clock, hosts, bufferBody: false, bodyIdleTimeoutMs: 20_000, maxAttempts: 1 };
    const response = await resilientFetch(url, undefined, options);
    const reader = response.body!.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toBe('a,b\n');
    const pending = reader.read();
    pending.catch(() => {});
    await tick();
    expect(hosts.states()[new URL(url).host]?.inFlight).toBe(1);
    clock.advance(20_000);
    await expect(pending).rejects.toBeInstanceOf(OperationTimeoutError);
    expect(hosts.states()[new URL(url).host]?.inFlight).toBe(0);
    await connectionClosed;
  });
});
