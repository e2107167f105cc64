import { describe, expect, it } from 'vitest';
import { HttpHostRegistry, resilientFetch } from '../../../src/index.js';
import { createTestClock } from '../../../src/testing/clock.js';

/** A body the test feeds by hand, and whether it was cancelled. */
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
    fail: (err: unknown) => controller.error(err),
  };
}

/**
 * A `fetch` whose every answer is a 200 with a body fed by hand; `bodies` in the order asked. Its
 * signal errors the body, as undici's does.
 */
function streamingFetch() {
  const bodies: Array<ReturnType<typeof handFedBody>> = [];
  const fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const body = handFedBody();
    bodies.push(body);
    init?.signal?.addEventListener('abort', () => body.fail(init.signal?.reason), { once: true });
    const response = new Response(body.stream, { status: 200, headers: { 'x-n': String(bodies.length) } });
    Object.defineProperty(response, 'url', { value: String(input) });
    return response;
  };
  return { fetch, bodies };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

function setup(maxConcurrent = 2, attemptTimeoutMs = 10_000, bodyIdleTimeoutMs?: number) {
  const clock = createTestClock();
  const hosts = new HttpHostRegistry({ clock, maxConcurrent, breaker: false });
  const { fetch, bodies } = streamingFetch();
  const call = (init?: RequestInit) =>
    resilientFetch('https://api.example.com/big', init, {
      clock,
      hosts,
      fetch,
      bufferBody: false,
      attemptTimeoutMs,
      maxAttempts: 1,
      ...(bodyIdleTimeoutMs === undefined ? {} : { bodyIdleTimeoutMs }),
    });
  const inFlight = () => hosts.states()['api.example.com']?.inFlight;
  return { clock, hosts, call, bodies, inFlight };
}

describe('bufferBody: false holds the concurrency slot until the body is done', () => {
  it('a third streamed call waits while two bodies are being read, and starts when one ends', async () => {
    const { call, bodies, inFlight } = setup(2);
    const first = await call();
    const second = await call();
    let thirdStarted = false;
    const third = call().then((r) => {
      thirdStarted = true;
      return r;
    });
    await tick();
    expect(bodies).toHaveLength(2);
    expect(thirdStarted).toBe(false);
    expect(inFlight()).toBe(2);

    const text = first.text();
    bodies[0]!.push('abc');
    bodies[0]!.end();
    expect(await text).toBe('abc');
    await tick();
    expect(bodies).toHaveLength(3);
    expect(thirdStarted).toBe(true);
    expect(inFlight()).toBe(2);

    await second.body?.cancel();
    bodies[2]!.push('x');
    bodies[2]!.end();
    expect(await (await third).text()).toBe('x');
    await tick();
    expect(inFlight()).toBe(0);
  });

  it('the response keeps its status, headers and URL, and reads through body, text and json', async () => {
    const { call, bodies, inFlight } = setup(1);
    const response = await call();
    expect(response).toBeInstanceOf(Response);
    expect([response.status, response.headers.get('x-n'), response.url]).toEqual([
      200,
      '1',
      'https://api.example.com/big',
    ]);
    expect(response.bodyUsed).toBe(false);
    const reader = response.body!.getReader();
    bodies[0]!.push('{"a"');
    expect(new TextDecoder().decode((await reader.read()).value)).toBe('{"a"');
    expect(inFlight()).toBe(1);
    bodies[0]!.push(':1}');
    bodies[0]!.end();
    await reader.read();
    expect((await reader.read()).done).toBe(true);
    expect(inFlight()).toBe(0);
  });

  it('a reason phrase that fetch decoded past Latin-1 is kept: the 200 is not turned into an error', async () => {
    // undici decodes the status line as UTF-8 ('Não OK – ✓'); Response's constructor takes only a
    // ByteString as statusText, so a copy made through it threw a TypeError for this answer.
    const clock = createTestClock();
    const hosts = new HttpHostRegistry({ clock, maxConcurrent: 1, breaker: false });
    const fetch = async (): Promise<Response> => {
      const response = new Response('hi', { status: 200 });
      Object.defineProperty(response, 'statusText', { value: 'Não OK – ✓' });
      return response;
    };
    const response = await resilientFetch('https://api.example.com/x', undefined, {
      clock,
      hosts,
      fetch,
      bufferBody: false,
      maxAttempts: 1,
    });
    expect([response.status, response.statusText]).toEqual([200, 'Não OK – ✓']);
    expect(await response.text()).toBe('hi');
    expect(hosts.states()['api.example.com']?.inFlight).toBe(0);
  });

  it('a cancelled body frees the slot and cancels the stream underneath', async () => {
    const { call, bodies, inFlight } = setup(1);
    const response = await call();
    await response.body!.cancel(new Error('enough'));
    expect(inFlight()).toBe(0);
    expect(bodies[0]!.state.cancelled).toBeInstanceOf(Error);
  });

  it('a body that errors mid-stream frees the slot, and the reader sees the error', async () => {
    const { call, bodies, inFlight } = setup(1);
    const response = await call();
    const reading = response.text();
    bodies[0]!.push('half');
    bodies[0]!.fail(new TypeError('terminated'));
    await expect(reading).rejects.toThrow('terminated');
    expect(inFlight()).toBe(0);
    await expect(call().then(() => inFlight())).resolves.toBe(1);
  });

  it("the caller's abort mid-body frees the slot, whether or not a read is pending", async () => {
    for (const reading of [true, false]) {
      const { call, bodies, inFlight } = setup(1);
      const controller = new AbortController();
      const response = await call({ signal: controller.signal });
      const read = reading ? response.text() : undefined;
      read?.catch(() => {});
      bodies[0]!.push('part');
      await tick();
      controller.abort(new Error('caller stops'));
      await tick();
      expect(inFlight(), `read pending: ${reading}`).toBe(0);
      if (read) await expect(read).rejects.toThrow('caller stops');
    }
  });

  it('a body never read gives its slot back after bodyIdleTimeoutMs, once (the body stays readable)', async () => {
    const { clock, call, bodies, inFlight } = setup(1, 10_000, 5_000);
    const response = await call();
    let nextStarted = false;
    const next = call().then((r) => {
      nextStarted = true;
      return r;
    });
    clock.advance(4_999);
    await tick();
    expect(nextStarted).toBe(false);
    clock.advance(1);
    await tick();
    expect(nextStarted).toBe(true);
    expect(inFlight()).toBe(1);
    bodies[0]!.push('late');
    bodies[0]!.end();
    expect(await response.text()).toBe('late');
    // The slot went back once only: the late read does not free the next call's slot.
    expect(inFlight()).toBe(1);
    await (await next).body?.cancel();
    expect(inFlight()).toBe(0);
  });

  it('a body being read keeps its slot past the attempt timeout, within bodyIdleTimeoutMs (60 s)', async () => {
    const { clock, call, bodies, inFlight } = setup(1, 5_000);
    const response = await call();
    const reader = response.body!.getReader();
    const pending = reader.read();
    await tick();
    clock.advance(59_999);
    await tick();
    expect(inFlight()).toBe(1);
    bodies[0]!.push('slow');
    await pending;
    bodies[0]!.end();
    await reader.read();
    expect(inFlight()).toBe(0);
  });

  it('a clone reads the same bytes; the slot goes back when the body underneath ends', async () => {
    const { call, bodies, inFlight } = setup(1);
    const response = await call();
    const copy = response.clone();
    const both = Promise.all([response.text(), copy.text()]);
    bodies[0]!.push('same');
    bodies[0]!.end();
    expect(await both).toEqual(['same', 'same']);
    expect(inFlight()).toBe(0);
  });

  it('an answer without a body (204, HEAD) or an error status frees the slot at once', async () => {
    const clock = createTestClock();
    const hosts = new HttpHostRegistry({ clock, maxConcurrent: 1, breaker: false });
    const answers = [204, 200, 404];
    const fetch = async () => {
      const status = answers.shift()!;
      return new Response(status === 204 ? null : 'x', { status });
    };
    const options = { clock, hosts, fetch, bufferBody: false, maxAttempts: 1 } as const;
    await resilientFetch('https://api.example.com/a', undefined, options);
    await resilientFetch('https://api.example.com/a', { method: 'HEAD' }, options);
    await expect(resilientFetch('https://api.example.com/a', undefined, options)).rejects.toThrow('404');
    expect(hosts.states()['api.example.com']?.inFlight).toBe(0);
  });
});
