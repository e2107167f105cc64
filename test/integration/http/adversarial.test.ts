import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  HttpHostRegistry,
  HttpNotFoundError,
  HttpTooManyRequestsError,
  PipelineError,
  type ResilientFetchOptions,
  resilientFetch,
} from '../../../src/index.js';
import { createTestClock } from '../../../src/testing/clock.js';
import { type HttpStandIn, startHttpStandIn } from '../../../src/testing/index.js';

// Cases found by attacking resilientFetch with the platform fetch against the HTTP stand-in.

const MISSING_BODY = 'no game with this id; see https://api.example.com/docs for the ids';

let api: HttpStandIn;
let options: ResilientFetchOptions;

beforeAll(async () => {
  api = await startHttpStandIn({
    routes: [
      { method: 'GET', path: '/v1/games', json: { games: [] } },
      { method: 'GET', path: '/v1/missing', status: 404, body: MISSING_BODY },
      { method: 'POST', path: '/v1/jobs', handler: (req) => ({ status: 201, json: { received: req.body } }) },
      { path: '/v1/moved', status: 302, headers: { location: '/v1/games' } },
      { path: '/v1/loop', status: 302, headers: { location: '/v1/loop' } },
    ],
  });
});
afterAll(() => api.close());
beforeEach(() => {
  api.faults.clear();
  api.requests.length = 0;
  options = { hosts: new HttpHostRegistry(), baseDelayMs: 1, maxDelayMs: 20, attemptTimeoutMs: 5000 };
});

const missing = () => `${api.url}/v1/missing?api_key=s3cret`;

describe('an error status keeps its class when its body cannot be read whole', () => {
  it('a 404 whose body is cut off is an HttpNotFoundError after one request, not a retried NetworkError', async () => {
    api.faults.add({ path: '/v1/missing', times: 1, truncateBody: 10 });
    const err = await resilientFetch(missing(), undefined, options).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HttpNotFoundError);
    expect(err).toMatchObject({ status: 404, transient: false, bodySnippet: MISSING_BODY.slice(0, 10) });
    expect(api.requests).toHaveLength(1);
  });

  it('a 404 whose body trickles past the attempt timeout is an HttpNotFoundError after one request', async () => {
    api.faults.add({ path: '/v1/missing', times: 1, slowBody: { intervalMs: 1000, chunkBytes: 4 } });
    const err = await resilientFetch(missing(), undefined, { ...options, attemptTimeoutMs: 300 }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(HttpNotFoundError);
    expect(err).toMatchObject({ status: 404, transient: false });
    expect(api.requests).toHaveLength(1);
  });
});

describe('failures that no retry can change are not retried', () => {
  it("redirect: 'error' meeting a redirect fails after one request, not as a transient network error", async () => {
    const err = await resilientFetch(`${api.url}/v1/moved`, { redirect: 'error' }, options).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(PipelineError);
    expect(err).toMatchObject({ transient: false });
    expect((err as Error).message).toMatch(/redirect/);
    expect(api.requests).toHaveLength(1);
  });

  it('a redirect loop fails after one attempt (fetch follows 20 redirects), not after four', async () => {
    const err = await resilientFetch(`${api.url}/v1/loop`, undefined, options).catch((e: unknown) => e);
    expect(err).toMatchObject({ transient: false });
    expect((err as Error).message).toMatch(/redirect count exceeded/);
    expect(api.requests).toHaveLength(21);
  });
});

describe("the caller's signal while a stream body is buffered", () => {
  it("an abort while the body is still being read rejects with the caller's reason; nothing is sent", async () => {
    const controller = new AbortController();
    const reason = new Error('scraper shutting down');
    let cancelled: unknown;
    // A stream whose end never comes: the call can only end through the signal.
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(new TextEncoder().encode('{"rows":['));
      },
      cancel(why) {
        cancelled = why;
      },
    });
    const call = resilientFetch(
      `${api.url}/v1/jobs`,
      { method: 'POST', body, signal: controller.signal, duplex: 'half' } as RequestInit,
      options,
    );
    await new Promise((resolve) => setImmediate(resolve));
    controller.abort(reason);
    await expect(call).rejects.toBe(reason);
    expect(cancelled).toBe(reason);
    expect(api.requests).toHaveLength(0);
  });

  it("a Request's stream body over maxRequestBodyBytes is refused without reading it all", async () => {
    const chunk = new Uint8Array(64 * 1024);
    let pulls = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(c) {
        pulls++;
        // 64 MiB in all, far past the 256 KiB cap.
        if (pulls > 1024) c.close();
        else c.enqueue(chunk);
      },
    });
    const request = new Request(`${api.url}/v1/jobs`, {
      method: 'POST',
      body,
      duplex: 'half',
    } as RequestInit);
    const err = await resilientFetch(request, undefined, {
      ...options,
      maxRequestBodyBytes: 256 * 1024,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TypeError);
    expect((err as Error).message).toMatch(/maxRequestBodyBytes/);
    // The cap is 4 chunks; a few more may sit in the stream's queue, never the whole body.
    expect(pulls).toBeLessThan(16);
    expect(api.requests).toHaveLength(0);
  });
});

describe('rate-limit reset headers as APIs really send them', () => {
  it.each([
    ['RateLimit-Reset', 'epoch seconds', 'ratelimit-reset', (startMs: number) => startMs / 1000 + 3, 3000],
    [
      'X-RateLimit-Reset',
      'epoch milliseconds',
      'x-ratelimit-reset',
      (startMs: number) => startMs + 4000,
      4000,
    ],
  ])(
    'a 429 with %s as %s waits until then and retries, instead of giving up',
    async (_h, _form, name, at, waitMs) => {
      const startMs = Math.floor(Date.now() / 1000) * 1000;
      const clock = createTestClock({ startMs });
      api.faults.add({ path: '/v1/games', times: 1, status: 429, headers: { [name]: String(at(startMs)) } });
      const response = await resilientFetch(`${api.url}/v1/games`, undefined, {
        ...options,
        clock,
        maxDelayMs: 30_000,
      });
      expect(response.status).toBe(200);
      expect(clock.sleeps).toEqual([waitMs]);
      expect(api.requests).toHaveLength(2);
    },
  );

  it('a reset years away is reported capped, like any other wait a server asks for', async () => {
    api.faults.add({
      path: '/v1/games',
      times: 1,
      status: 429,
      headers: { 'ratelimit-reset': '999999999999' },
    });
    const err = await resilientFetch(`${api.url}/v1/games`, undefined, options).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HttpTooManyRequestsError);
    expect((err as HttpTooManyRequestsError).retryAfterMs).toBe(2_147_483_647);
    expect(api.requests).toHaveLength(1);
  });
});

describe('binary bodies are replayed byte for byte (the stand-in records the bytes)', () => {
  // Not valid UTF-8: a text comparison would see U+FFFD on both sides and miss a corruption.
  const BYTES = new Uint8Array([0xff, 0xfe, 0x00, 0x80, 0xc3, 0x28, 0x0a, 0x7f]);
  const bodies: Array<[string, () => BodyInit]> = [
    ['Uint8Array', () => BYTES.slice()],
    ['ArrayBuffer', () => BYTES.slice().buffer],
    ['Blob', () => new Blob([BYTES])],
    [
      'ReadableStream',
      () =>
        new ReadableStream<Uint8Array>({
          start(c) {
            c.enqueue(BYTES.slice(0, 3));
            c.enqueue(BYTES.slice(3));
            c.close();
          },
        }),
    ],
  ];
  it.each(bodies)('%s', async (_kind, body) => {
    api.faults.add({ path: '/v1/jobs', times: 1, status: 503 });
    const response = await resilientFetch(
      `${api.url}/v1/jobs`,
      {
        method: 'POST',
        body: body(),
        headers: { 'Idempotency-Key': 'job-7' },
        duplex: 'half',
      } as RequestInit,
      options,
    );
    expect(response.status).toBe(201);
    expect(api.requests).toHaveLength(2);
    for (const request of api.requests) expect(request.bodyBytes).toEqual(BYTES);
  });
});

describe("bufferBody: false: the caller's signal still cuts the body, as fetch's does", () => {
  it("an abort after the headers makes the body's reader reject with the caller's reason and closes the connection", async () => {
    api.serve({ path: '/v1/export', body: 'row\n'.repeat(500) });
    api.faults.add({ path: '/v1/export', times: 1, slowBody: { intervalMs: 50, chunkBytes: 16 } });
    const controller = new AbortController();
    const reason = new Error('scraper shutting down');
    const response = await resilientFetch(
      `${api.url}/v1/export`,
      { signal: controller.signal },
      { ...options, bufferBody: false },
    );
    expect(response.status).toBe(200);
    const reading = response.text();
    controller.abort(reason);
    await expect(reading).rejects.toBe(reason);
    await vi.waitFor(() => expect(api.inFlight).toBe(0));
    expect(api.requests[0]?.outcome).toBeUndefined();
  });
});

describe('the HTTP stand-in refuses what it would misread', () => {
  it.each([
    [{ path: '/v1/games', tims: 1, status: 503 }, /unknown option 'tims'.*times/],
    [{ path: '/v1/games', status: 503, header: { 'retry-after': '1' } }, /unknown option 'header'.*headers/],
    [{ path: '/v1/games', slowBody: { intervalMs: 10, chunkbytes: 4 } }, /slowBody.*chunkbytes.*chunkBytes/],
  ])('fault rule %j', (rule, message) => {
    expect(() => api.faults.add(rule as never)).toThrow(message);
    expect(api.faults.rules).toHaveLength(0);
  });

  it.each([
    [{ path: '/v1/teams', jsn: { teams: [] } }, /unknown option 'jsn'.*json/],
    [{ json: { teams: [] } }, /path must be a string or a RegExp/],
  ])('route %j', (route, message) => {
    expect(() => api.serve(route as never)).toThrow(message);
  });

  it('options with a misspelt key', async () => {
    await expect(startHttpStandIn({ rotues: [] } as never)).rejects.toThrow(
      /unknown option 'rotues'.*routes/,
    );
  });
});
