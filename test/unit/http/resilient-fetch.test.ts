import { describe, expect, it } from 'vitest';
import {
  CircuitBreakerOpenError,
  createResilientFetch,
  HttpHostRegistry,
  HttpNotFoundError,
  HttpServiceUnavailableError,
  HttpTooManyRequestsError,
  NetworkError,
  type ResilientFetchOptions,
  resilientFetch,
} from '../../../src/index.js';
import { createTestClock } from '../../../src/testing/clock.js';
import { connectionRefused, type Scripted, scriptedFetch } from './fake-fetch.js';

const START = Date.parse('2026-03-01T12:00:00Z');
const URL_A = 'https://api.example.com/v1/games?date=2026-03-01&api_key=s3cret';

/** A fresh clock, host registry and fake fetch per test: nothing is shared between tests. */
function setup(script: Scripted[], extra: ResilientFetchOptions = {}) {
  const clock = createTestClock({ startMs: START });
  const hosts = new HttpHostRegistry({ clock });
  const fetch = scriptedFetch(script);
  const options: ResilientFetchOptions = { clock, hosts, fetch, random: () => 0.5, ...extra };
  return { clock, hosts, fetch, options };
}

describe('resilientFetch: what is retried', () => {
  it('retries a 503 and returns the complete response of the next attempt, URL and headers kept', async () => {
    const { clock, fetch, options } = setup([
      { status: 503 },
      { status: 200, body: '{"games":[1]}', headers: { 'content-type': 'application/json' } },
    ]);
    const response = await resilientFetch(URL_A, undefined, options);
    expect(await response.json()).toEqual({ games: [1] });
    expect(response.url).toBe(URL_A);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(fetch.seen).toHaveLength(2);
    // The scrapers' schedule: base 1 s * 2^0 * uniform(0.5, 1.5), here with random() = 0.5.
    expect(clock.sleeps).toEqual([1000]);
  });

  it.each([408, 429, 500, 502, 503, 504])('retries HTTP %i', async (status) => {
    const { fetch, options } = setup([{ status }, { status: 200 }]);
    await expect(resilientFetch(URL_A, undefined, options)).resolves.toMatchObject({ status: 200 });
    expect(fetch.seen).toHaveLength(2);
  });

  it.each([400, 401, 403, 404, 409, 410, 422, 501])('does not retry HTTP %i', async (status) => {
    const { fetch, options } = setup([{ status }, { status: 200 }]);
    await expect(resilientFetch(URL_A, undefined, options)).rejects.toMatchObject({
      status,
      transient: false,
    });
    expect(fetch.seen).toHaveLength(1);
  });

  it('gives up after maxAttempts (default 4) with the typed error of the last answer', async () => {
    const { clock, fetch, options } = setup([{ status: 503, body: 'down for maintenance' }]);
    const err = await resilientFetch(URL_A, undefined, options).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HttpServiceUnavailableError);
    expect(err).toMatchObject({
      status: 503,
      method: 'GET',
      url: 'https://api.example.com/v1/games',
      bodySnippet: 'down for maintenance',
    });
    expect((err as Error).message).not.toContain('s3cret');
    expect(fetch.seen).toHaveLength(4);
    expect(clock.sleeps).toEqual([1000, 2000, 4000]);
  });

  it('retries a transport failure as a NetworkError', async () => {
    const { fetch, options } = setup([{ reject: connectionRefused() }, { status: 200 }]);
    await expect(resilientFetch(URL_A, undefined, options)).resolves.toMatchObject({ status: 200 });
    expect(fetch.seen).toHaveLength(2);
  });

  it('a 404 is an HttpNotFoundError after one request, with no credentials anywhere in it', async () => {
    const { fetch, options } = setup([{ status: 404, body: 'no such game' }]);
    const err = await resilientFetch(URL_A, { headers: { authorization: 'Bearer tok-123' } }, options).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(HttpNotFoundError);
    expect(JSON.stringify({ ...(err as object), message: (err as Error).message })).not.toMatch(
      /tok-123|s3cret/,
    );
    expect(fetch.seen).toHaveLength(1);
  });
});

describe('resilientFetch: Retry-After and rate-limit headers', () => {
  it('sleeps what an HTTP-date Retry-After asks when it is longer than the backoff', async () => {
    const at = new Date(START + 20_000).toUTCString();
    const { clock, options } = setup([{ status: 429, headers: { 'retry-after': at } }, { status: 200 }]);
    await resilientFetch(URL_A, undefined, options);
    expect(clock.sleeps).toEqual([20_000]);
  });

  it('sleeps what X-RateLimit-Reset (epoch seconds) says on a 429', async () => {
    const reset = String(START / 1000 + 12);
    const { clock, options } = setup([
      { status: 429, headers: { 'x-ratelimit-reset': reset } },
      { status: 200 },
    ]);
    await resilientFetch(URL_A, undefined, options);
    expect(clock.sleeps).toEqual([12_000]);
  });

  it('gives up at once, typed, when Retry-After is beyond the deadline', async () => {
    const { clock, fetch, options } = setup(
      [{ status: 503, headers: { 'retry-after': '20' } }, { status: 200 }],
      {
        deadlineMs: 10_000,
      },
    );
    const err = await resilientFetch(URL_A, undefined, options).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HttpServiceUnavailableError);
    expect(err).toMatchObject({ retryAfterMs: 20_000 });
    expect(fetch.seen).toHaveLength(1);
    expect(clock.sleeps).toEqual([]);
  });

  it('gives up at once when Retry-After asks for more than maxDelayMs (30 s by default)', async () => {
    const { fetch, options } = setup([{ status: 429, headers: { 'retry-after': '3600' } }, { status: 200 }]);
    await expect(resilientFetch(URL_A, undefined, options)).rejects.toMatchObject({
      name: 'HttpTooManyRequestsError',
      retryAfterMs: 3_600_000,
    });
    expect(fetch.seen).toHaveLength(1);
  });

  it('honorRetryAfter: false keeps the backoff schedule', async () => {
    const { clock, options } = setup([{ status: 429, headers: { 'retry-after': '20' } }, { status: 200 }], {
      honorRetryAfter: false,
    });
    await resilientFetch(URL_A, undefined, options);
    expect(clock.sleeps).toEqual([1000]);
  });
});

describe('resilientFetch: idempotency', () => {
  it('does not retry a POST by default, even on a 503', async () => {
    const { fetch, options } = setup([{ status: 503 }, { status: 200 }]);
    await expect(resilientFetch(URL_A, { method: 'POST', body: 'x' }, options)).rejects.toBeInstanceOf(
      HttpServiceUnavailableError,
    );
    expect(fetch.seen).toHaveLength(1);
  });

  it.each(['PATCH', 'post'])('does not retry %s either', async (method) => {
    const { fetch, options } = setup([{ status: 502 }, { status: 200 }]);
    await expect(resilientFetch(URL_A, { method, body: 'x' }, options)).rejects.toMatchObject({
      status: 502,
    });
    expect(fetch.seen).toHaveLength(1);
  });

  it('retries a POST that never reached the server (connection refused)', async () => {
    const { fetch, options } = setup([{ reject: connectionRefused() }, { status: 201 }]);
    await expect(resilientFetch(URL_A, { method: 'POST', body: 'x' }, options)).resolves.toMatchObject({
      status: 201,
    });
    expect(fetch.seen).toHaveLength(2);
  });

  it('retries a POST with an Idempotency-Key, sending the same body and key each time', async () => {
    const { fetch, options } = setup([{ status: 503 }, { status: 503 }, { status: 201 }]);
    const body = JSON.stringify({ rows: [1, 2, 3] });
    await resilientFetch(URL_A, { method: 'POST', body, headers: { 'Idempotency-Key': 'run-42' } }, options);
    expect(fetch.seen.map((r) => [r.method, r.body, r.headers.get('idempotency-key')])).toEqual([
      ['POST', body, 'run-42'],
      ['POST', body, 'run-42'],
      ['POST', body, 'run-42'],
    ]);
  });

  it('retries a POST with retryNonIdempotent: true', async () => {
    const { fetch, options } = setup([{ status: 503 }, { status: 201 }], { retryNonIdempotent: true });
    await resilientFetch(URL_A, { method: 'POST', body: 'x' }, options);
    expect(fetch.seen).toHaveLength(2);
  });
});

describe('resilientFetch: request bodies are replayed exactly', () => {
  function streamOf(...parts: string[]): ReadableStream<Uint8Array> {
    return new ReadableStream({
      start(controller) {
        for (const p of parts) controller.enqueue(new TextEncoder().encode(p));
        controller.close();
      },
    });
  }

  it.each([
    ['a string', () => 'a=1&b=2', 'a=1&b=2'],
    ['URLSearchParams', () => new URLSearchParams({ a: '1', b: '2' }), 'a=1&b=2'],
    ['a Blob', () => new Blob(['blob-body']), 'blob-body'],
    ['an ArrayBuffer', () => new TextEncoder().encode('bytes').buffer, 'bytes'],
    ['a ReadableStream (buffered once)', () => streamOf('str', 'eam'), 'stream'],
    [
      'an async iterable (buffered once)',
      () =>
        (async function* () {
          yield new TextEncoder().encode('it');
          yield new TextEncoder().encode('er');
        })(),
      'iter',
    ],
  ])('%s', async (_name, makeBody, text) => {
    const { fetch, options } = setup([{ status: 503 }, { status: 503 }, { status: 200 }]);
    await resilientFetch(
      URL_A,
      { method: 'PUT', body: makeBody() as BodyInit, duplex: 'half' } as RequestInit,
      options,
    );
    expect(fetch.seen.map((r) => r.body)).toEqual([text, text, text]);
  });

  it('a FormData body is sent whole on every attempt', async () => {
    const { fetch, options } = setup([{ status: 503 }, { status: 200 }]);
    const form = new FormData();
    form.set('field', 'value');
    await resilientFetch(URL_A, { method: 'PUT', body: form }, options);
    expect(fetch.seen).toHaveLength(2);
    for (const r of fetch.seen) expect(r.body).toMatch(/name="field"\r\n\r\nvalue/);
  });

  it('a Request input keeps its method, headers and body on every attempt', async () => {
    const { fetch, options } = setup([{ status: 500 }, { status: 200 }]);
    const request = new Request(URL_A, { method: 'PUT', body: 'payload', headers: { 'x-run': '7' } });
    await resilientFetch(request, undefined, options);
    expect(fetch.seen.map((r) => [r.method, r.body, r.headers.get('x-run')])).toEqual([
      ['PUT', 'payload', '7'],
      ['PUT', 'payload', '7'],
    ]);
  });

  it('refuses a stream body over maxRequestBodyBytes before sending anything', async () => {
    const { fetch, options } = setup([{ status: 200 }], { maxRequestBodyBytes: 4 });
    await expect(
      resilientFetch(
        URL_A,
        { method: 'PUT', body: streamOf('12345'), duplex: 'half' } as RequestInit,
        options,
      ),
    ).rejects.toThrow(/init\.body: .*over maxRequestBodyBytes \(4 bytes\)/);
    expect(fetch.seen).toHaveLength(0);
  });

  it('refuses a body on a GET, and a relative URL, with a TypeError naming the argument', async () => {
    const { options } = setup([{ status: 200 }]);
    await expect(resilientFetch(URL_A, { body: 'x' }, options)).rejects.toThrow(TypeError);
    await expect(resilientFetch('/v1/games', undefined, options)).rejects.toThrow(
      /resilientFetch input: not an absolute URL/,
    );
  });
});

describe('resilientFetch: per-host state', () => {
  it('shares the retry budget per host: an outage stops costing retries, another host keeps its own', async () => {
    const clock = createTestClock({ startMs: START });
    const hosts = new HttpHostRegistry({ clock, budget: { maxTokens: 4 }, breaker: false });
    const fetch = scriptedFetch([{ status: 503 }]);
    const options: ResilientFetchOptions = { clock, hosts, fetch };
    for (let i = 0; i < 5; i++) await resilientFetch(URL_A, undefined, options).catch(() => undefined);
    // 4 tokens: the first failure leaves 3 (> half, a retry), the second 2 (no more retries).
    expect(fetch.seen).toHaveLength(2 + 4);
    expect(hosts.states()['api.example.com']).toMatchObject({ budgetTokens: 0 });
    const other = scriptedFetch([{ status: 503 }, { status: 200 }]);
    await resilientFetch('https://other.example.com/x', undefined, { ...options, fetch: other });
    expect(other.seen).toHaveLength(2);
  });

  it('opens the breaker of a host (or key) and refuses without a request, other hosts untouched', async () => {
    const clock = createTestClock({ startMs: START });
    const hosts = new HttpHostRegistry({ clock, breaker: { failureThreshold: 2, openMs: 60_000 } });
    const fetch = scriptedFetch([{ status: 503 }]);
    const options: ResilientFetchOptions = { clock, hosts, fetch, maxAttempts: 1 };
    await expect(resilientFetch(URL_A, undefined, options)).rejects.toBeInstanceOf(
      HttpServiceUnavailableError,
    );
    await expect(resilientFetch(URL_A, undefined, options)).rejects.toBeInstanceOf(
      HttpServiceUnavailableError,
    );
    const refused = await resilientFetch(URL_A, undefined, options).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(CircuitBreakerOpenError);
    expect(refused).toMatchObject({ key: 'api.example.com' });
    expect(fetch.seen).toHaveLength(2);
    const healthy = scriptedFetch([{ status: 200 }]);
    await expect(
      resilientFetch('https://other.example.com/x', undefined, { ...options, fetch: healthy }),
    ).resolves.toMatchObject({ status: 200 });
    expect(hosts.states()).toMatchObject({
      'api.example.com': { breaker: 'open' },
      'other.example.com': { breaker: 'closed' },
    });
  });

  it('a caller key groups hosts under one breaker (the original: one breaker per scraper)', async () => {
    const clock = createTestClock({ startMs: START });
    const hosts = new HttpHostRegistry({ clock, breaker: { failureThreshold: 1 } });
    const fetch = scriptedFetch([{ status: 500 }]);
    const options: ResilientFetchOptions = { clock, hosts, fetch, maxAttempts: 1, key: 'bdl_boxscores' };
    await resilientFetch('https://a.example.com/', undefined, options).catch(() => undefined);
    await expect(resilientFetch('https://b.example.com/', undefined, options)).rejects.toBeInstanceOf(
      CircuitBreakerOpenError,
    );
    expect(Object.keys(hosts.states())).toEqual(['bdl_boxscores']);
  });

  it('honors per-key overrides of the registry policy', () => {
    const hosts = new HttpHostRegistry({
      maxConcurrent: 8,
      hosts: { slow: { maxConcurrent: 1, rateLimit: { requestsPerSecond: 1 }, breaker: false } },
    });
    expect(hosts.get('slow')).toMatchObject({ breaker: undefined });
    expect(hosts.get('slow').concurrency?.max).toBe(1);
    expect(hosts.get('slow').rateLimit?.burst).toBe(1);
    expect(hosts.get('fast').concurrency?.max).toBe(8);
    expect(hosts.get('fast').rateLimit).toBeUndefined();
    expect(hosts.get('fast').breaker).toBeDefined();
  });

  it('refuses a bad policy when the registry is built', () => {
    expect(() => new HttpHostRegistry({ hosts: { x: { maxConcurrent: 0 } } })).toThrow(/maxConcurrent/);
    expect(() => new HttpHostRegistry({ rateLimit: { requestsPerSecond: -1 } })).toThrow(/requestsPerSecond/);
    expect(() => new HttpHostRegistry({ breaker: { failureThreshold: 0 } })).toThrow(/failureThreshold/);
  });
});

describe('resilientFetch: cancellation and options', () => {
  it("init.signal: aborting during a sleep rejects at once with the caller's own reason", async () => {
    const controller = new AbortController();
    const reason = new Error('shutting down');
    const { fetch, options } = setup([{ status: 503 }]);
    const fake = Object.assign(
      async (input: string | URL | Request, init?: RequestInit) => {
        const response = await fetch(input, init);
        controller.abort(reason);
        return response;
      },
      { seen: fetch.seen },
    );
    await expect(
      resilientFetch(URL_A, { signal: controller.signal }, { ...options, fetch: fake }),
    ).rejects.toBe(reason);
    expect(fetch.seen).toHaveLength(1);
  });

  it("init.signal: aborting a request in flight rejects with the caller's reason and aborts fetch's signal", async () => {
    const controller = new AbortController();
    let fetchSignal: AbortSignal | undefined;
    const hanging = (_input: string | URL | Request, init?: RequestInit) =>
      new Promise<Response>((_resolve, reject) => {
        fetchSignal = init?.signal ?? undefined;
        fetchSignal?.addEventListener('abort', () => reject(fetchSignal?.reason));
      });
    const { options } = setup([]);
    const call = resilientFetch(URL_A, { signal: controller.signal }, { ...options, fetch: hanging });
    await new Promise((resolve) => setImmediate(resolve));
    controller.abort('user cancelled');
    await expect(call).rejects.toBe('user cancelled');
    expect(fetchSignal?.aborted).toBe(true);
  });

  it('an attempt that runs out of time is a transient OperationTimeoutError and is retried', async () => {
    const clock = createTestClock({ startMs: START });
    let calls = 0;
    const slowThenFast = (_input: string | URL | Request, init?: RequestInit) => {
      calls++;
      if (calls > 1) return Promise.resolve(new Response('ok'));
      return new Promise<Response>((_resolve, reject) => {
        init?.signal?.addEventListener('abort', () => reject(init.signal?.reason));
        clock.advance(5000);
      });
    };
    const response = await resilientFetch(URL_A, undefined, {
      clock,
      hosts: new HttpHostRegistry({ clock }),
      fetch: slowThenFast,
      attemptTimeoutMs: 5000,
      onRetry: ({ error }) => expect(error).toMatchObject({ name: 'OperationTimeoutError', transient: true }),
    });
    expect(await response.text()).toBe('ok');
    expect(calls).toBe(2);
  });

  it.each([
    [{ signal: new AbortController().signal }, /init\.signal/],
    [{ maxAttempts: 0 }, /maxAttempts must be a positive integer/],
    [{ attemptTimeoutMs: -1 }, /attemptTimeoutMs/],
    [{ maxResponseBytes: 1.5 }, /maxResponseBytes must be a positive integer; got 1.5/],
    [{ fetch: 'nope' }, /option fetch must be a function/],
    [{ hosts: new HttpHostRegistry(), fetch: 5 }, /option fetch must be a function, got a number/],
    [{ onRetry: 5 }, /option onRetry must be a function, got a number/],
    [{ name: 5 }, /option name must be a string, got a number/],
    [{ bodyIdleTimeoutMs: '60000' }, /option bodyIdleTimeoutMs must be a number/],
    [{ bodyIdleTimeoutMs: 0 }, /bodyIdleTimeoutMs must be a positive integer; got 0/],
    [{ hosts: {} }, /option hosts must be an HttpHostRegistry/],
    [{ key: '' }, /option key must be a non-empty string/],
    // Mixed with a valid hosts registry: resilientFetch's own keys are checked as closely as retry's.
    [{ hosts: new HttpHostRegistry(), key: 5 }, /option key must be a string, got a number/],
    [{ hosts: new HttpHostRegistry(), breaker: true }, /option breaker must be a CircuitBreaker or false/],
    [{ hosts: new HttpHostRegistry(), maxResponseBytes: '1' }, /option maxResponseBytes must be a number/],
    [{ hosts: [] }, /option hosts must be an object, got an array/],
    [{ hosts: new HttpHostRegistry(), host: 'api.example.com' }, /unknown option 'host'/],
    [
      { hosts: new HttpHostRegistry(), retries: undefined },
      /unknown option 'retries'\. Did you mean 'maxAttempts'\?/,
    ],
  ])('refuses %o', async (bad, message) => {
    await expect(resilientFetch(URL_A, undefined, bad as ResilientFetchOptions)).rejects.toThrow(message);
  });

  it('createResilientFetch binds defaults that each call may override', async () => {
    const { fetch, options } = setup([{ status: 503 }]);
    const scraperFetch = createResilientFetch(options);
    await expect(scraperFetch(URL_A, undefined, { maxAttempts: 2 })).rejects.toBeInstanceOf(
      HttpServiceUnavailableError,
    );
    expect(fetch.seen).toHaveLength(2);
    expect(() => createResilientFetch({ maxAttempts: -1 })).toThrow(/maxAttempts/);
  });

  it('a response over maxResponseBytes fails with RESPONSE_TOO_LARGE and is not retried', async () => {
    const { fetch, options } = setup([{ status: 200, body: 'x'.repeat(100) }], { maxResponseBytes: 10 });
    await expect(resilientFetch(URL_A, undefined, options)).rejects.toMatchObject({
      code: 'RESPONSE_TOO_LARGE',
      transient: false,
    });
    expect(fetch.seen).toHaveLength(1);
  });

  it.each([
    ['retryNonIdempotent off', {}],
    [
      'retryNonIdempotent and a retryOn that retries everything',
      { retryNonIdempotent: true, retryOn: () => true },
    ],
  ] as const)(
    'a POST answered 2xx with a body over maxResponseBytes says it may have been applied and is sent once (%s)',
    async (_, extra) => {
      const { fetch, options } = setup([{ status: 201, body: 'x'.repeat(100) }, { status: 201 }], {
        maxResponseBytes: 10,
        ...extra,
      });
      const err = await resilientFetch(URL_A, { method: 'POST', body: '{}' }, options).catch(
        (e: unknown) => e,
      );
      expect(err).toMatchObject({ code: 'RESPONSE_TOO_LARGE', transient: false });
      expect((err as Error).message).toMatch(/answered 201 to the POST, so it may have been applied/);
      expect((err as Error).message).not.toContain('s3cret');
      expect(fetch.seen).toHaveLength(1);
    },
  );

  it('a GET over maxResponseBytes does not claim anything was applied', async () => {
    const { options } = setup([{ status: 200, body: 'x'.repeat(100) }], { maxResponseBytes: 10 });
    const err = await resilientFetch(URL_A, undefined, options).catch((e: unknown) => e);
    expect((err as Error).message).not.toMatch(/applied/);
  });

  it('an encoded body is capped by what it decodes to, not by its declared content-length', async () => {
    const headers = { 'content-length': '5', 'content-encoding': 'gzip' };
    const { options } = setup([{ status: 200, headers, body: 'x'.repeat(100) }], { maxResponseBytes: 10 });
    await expect(resilientFetch(URL_A, undefined, options)).rejects.toMatchObject({
      code: 'RESPONSE_TOO_LARGE',
    });
  });

  it('a body that goes on past its first chunk is refused once its content-length is over the cap', async () => {
    let pulls = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulls++;
        controller.enqueue(new Uint8Array(4));
      },
    });
    const fetch = async () => new Response(stream, { status: 200, headers: { 'content-length': '100' } });
    const rejection = resilientFetch(URL_A, undefined, {
      fetch,
      hosts: new HttpHostRegistry(),
      maxResponseBytes: 10,
    });
    await expect(rejection).rejects.toMatchObject({ code: 'RESPONSE_TOO_LARGE' });
    await expect(rejection).rejects.toThrow(/content-length 100/);
    // Refused on the second chunk (8 bytes read, under the cap), not after reading up to the cap.
    expect(pulls).toBeLessThanOrEqual(3);
  });

  it('a body stream of something other than bytes (from a custom fetch) fails with a TypeError', async () => {
    const stream = new ReadableStream({
      start(controller) {
        controller.enqueue('not bytes');
        controller.close();
      },
    });
    const fetch = async () => new Response(stream, { status: 200 });
    await expect(
      resilientFetch(URL_A, undefined, { fetch, hosts: new HttpHostRegistry(), maxAttempts: 1 }),
    ).rejects.toThrow(/a body chunk is not a Uint8Array/);
  });

  it('a body within its declared content-length comes back whole, readable once', async () => {
    const body = JSON.stringify({ rows: [1, 2, 3] });
    const headers = { 'content-length': String(body.length), 'content-type': 'application/json' };
    const { options } = setup([{ status: 200, headers, body }], { maxResponseBytes: body.length });
    const response = await resilientFetch(URL_A, undefined, options);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.json()).toEqual({ rows: [1, 2, 3] });
    await expect(response.text()).rejects.toThrow(TypeError);
  });

  it('HEAD and 204 answers come back with no body', async () => {
    const { options } = setup([{ status: 204 }]);
    const response = await resilientFetch(URL_A, { method: 'DELETE' }, options);
    expect(response.status).toBe(204);
    expect(response.body).toBeNull();
  });
});

describe('resilientFetch: NetworkError from a cut-off body', () => {
  it('undici "terminated" while reading the body is a transient NetworkError', async () => {
    const cut = () =>
      Promise.resolve(
        new Response(
          new ReadableStream({
            pull(controller) {
              controller.error(
                new TypeError('terminated', {
                  cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }),
                }),
              );
            },
          }),
        ),
      );
    const { options } = setup([]);
    const err = await resilientFetch(URL_A, undefined, { ...options, fetch: cut, maxAttempts: 1 }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(NetworkError);
    expect(err).toMatchObject({ systemCode: 'UND_ERR_SOCKET', transient: true });
  });
});

describe('resilientFetch: typed errors carry what a caller needs', () => {
  it('HttpTooManyRequestsError exposes retryAfterMs for a caller who reschedules', async () => {
    const { options } = setup([{ status: 429, headers: { 'retry-after': '120' } }]);
    const err = await resilientFetch(URL_A, undefined, options).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HttpTooManyRequestsError);
    expect((err as HttpTooManyRequestsError).retryAfterMs).toBe(120_000);
  });
});

describe('resilientFetch: the host limits under failure and cancellation', () => {
  it('a caller who aborts while queued for a slot leaves the queue; the slot goes to the next caller', async () => {
    const clock = createTestClock({ startMs: START });
    const hosts = new HttpHostRegistry({ clock, maxConcurrent: 1 });
    let release: (() => void) | undefined;
    const gated = (_input: string | URL | Request, _init?: RequestInit) =>
      new Promise<Response>((resolve) => {
        release = () => resolve(new Response('done'));
      });
    const options: ResilientFetchOptions = { clock, hosts, fetch: gated };
    const first = resilientFetch(URL_A, undefined, options);
    const controller = new AbortController();
    const queued = resilientFetch(URL_A, { signal: controller.signal }, options);
    const third = resilientFetch(URL_A, undefined, options);
    await new Promise((resolve) => setImmediate(resolve));
    expect(hosts.states()['api.example.com']).toMatchObject({ inFlight: 1, queued: 2 });
    controller.abort('not needed any more');
    await expect(queued).rejects.toBe('not needed any more');
    expect(hosts.states()['api.example.com']).toMatchObject({ inFlight: 1, queued: 1 });
    release!();
    await expect((await first).text()).resolves.toBe('done');
    await new Promise((resolve) => setImmediate(resolve));
    release!();
    await expect((await third).text()).resolves.toBe('done');
    expect(hosts.states()['api.example.com']).toMatchObject({ inFlight: 0, queued: 0 });
  });

  it('failed attempts give their slot back', async () => {
    const clock = createTestClock({ startMs: START });
    const hosts = new HttpHostRegistry({ clock, maxConcurrent: 2, breaker: false });
    const fetch = scriptedFetch([{ reject: connectionRefused() }, { status: 503 }, { status: 404 }]);
    const outcomes = await Promise.allSettled(
      Array.from({ length: 6 }, () => resilientFetch(URL_A, undefined, { clock, hosts, fetch })),
    );
    expect(outcomes.every((o) => o.status === 'rejected')).toBe(true);
    expect(fetch.seen.length).toBeGreaterThan(6);
    expect(hosts.states()['api.example.com']).toMatchObject({ inFlight: 0, queued: 0 });
  });

  it('the deadline bounds the wait for a rate-limit token: a typed timeout, no request sent', async () => {
    const clock = createTestClock({ startMs: START });
    const hosts = new HttpHostRegistry({ clock, rateLimit: { requestsPerSecond: 0.1, burst: 1 } });
    const fetch = scriptedFetch([{ status: 200 }]);
    const options: ResilientFetchOptions = { clock, hosts, fetch, deadlineMs: 2000 };
    await resilientFetch(URL_A, undefined, options);
    const waiting = resilientFetch(URL_A, undefined, options);
    await new Promise((resolve) => setImmediate(resolve));
    clock.advance(2000);
    await expect(waiting).rejects.toMatchObject({ name: 'OperationTimeoutError', transient: true });
    expect(fetch.seen).toHaveLength(1);
    expect(hosts.states()['api.example.com']).toMatchObject({ queued: 0 });
  });

  it("retry's logs name the method and host, never the query string", async () => {
    const entries: string[] = [];
    const logger = {
      debug: (m: string) => entries.push(m),
      info: (m: string) => entries.push(m),
      warn: (m: string) => entries.push(m),
      error: (m: string) => entries.push(m),
    };
    const { options } = setup([{ status: 503 }], { logger, maxAttempts: 2 });
    await resilientFetch(URL_A, undefined, options).catch(() => undefined);
    expect(entries.length).toBeGreaterThan(0);
    for (const line of entries) {
      expect(line).toMatch(/^GET api\.example\.com: /);
      expect(line).not.toContain('s3cret');
    }
  });
});
