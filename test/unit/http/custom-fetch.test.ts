import { describe, expect, it } from 'vitest';
import {
  HttpHostRegistry,
  OperationTimeoutError,
  type ResilientFetchOptions,
  resilientFetch,
} from '../../../src/index.js';
import { createTestClock, type TestClock } from '../../../src/testing/clock.js';

// A `fetch` passed as an option is not Node's: it may ignore the signal it is given, hand out a body
// that never ends, or keep the buffer it handed out. The attempt's guarantees must hold anyway.

const URL_A = 'https://api.example.com/v1/games';
const START = Date.parse('2026-01-01T00:00:00Z');

/** Lets every pending promise step run (the attempt reaches the point where it waits). */
const settle = () => new Promise((resolve) => setImmediate(resolve));

function options(extra: Partial<ResilientFetchOptions> = {}) {
  const clock = createTestClock({ startMs: START });
  const base: ResilientFetchOptions = {
    clock,
    hosts: new HttpHostRegistry({ clock }),
    attemptTimeoutMs: 1000,
    maxAttempts: 2,
    baseDelayMs: 10,
    ...extra,
  };
  return { clock, options: base };
}

/** A stream that sends `first` and then nothing, and whose cancel never settles. */
function stalledBody(first: Uint8Array): { stream: ReadableStream<Uint8Array>; cancelled: () => boolean } {
  let cancelled = false;
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(first);
    },
    cancel() {
      cancelled = true;
      return new Promise<void>(() => {});
    },
  });
  return { stream, cancelled: () => cancelled };
}

/**
 * What the call has come to after `timeouts` attempt timeouts of virtual time: its error, its value,
 * or 'still pending'.
 */
async function outcomeAfter(call: Promise<unknown>, clock: TestClock, timeouts: number): Promise<unknown> {
  const outcome = call.then(
    () => 'resolved',
    (e: unknown) => e,
  );
  for (let i = 0; i < timeouts; i++) {
    await settle();
    clock.advance(1000);
  }
  await settle();
  return Promise.race([outcome, settle().then(() => 'still pending')]);
}

describe('a custom fetch that ignores the attempt signal still times out', () => {
  it('a fetch that never answers and never looks at its signal: each attempt ends at its timeout', async () => {
    let calls = 0;
    const never = () => {
      calls++;
      return new Promise<Response>(() => {});
    };
    const { clock, options: o } = options({ fetch: never });
    const error = await outcomeAfter(resilientFetch(URL_A, undefined, o), clock, 2);
    expect(error).toBeInstanceOf(OperationTimeoutError);
    expect(calls).toBe(2);
  });

  it('a body that stops mid-way and ignores the signal: the attempt times out, is retried, and the stream is cancelled', async () => {
    const bodies: Array<ReturnType<typeof stalledBody>> = [];
    const stalls = async () => {
      const body = stalledBody(new Uint8Array([1, 2, 3]));
      bodies.push(body);
      return new Response(body.stream, { status: 200 });
    };
    const { clock, options: o } = options({ fetch: stalls });
    const error = await outcomeAfter(resilientFetch(URL_A, undefined, o), clock, 2);
    expect(error).toBeInstanceOf(OperationTimeoutError);
    expect(bodies).toHaveLength(2);
    expect(bodies.every((b) => b.cancelled())).toBe(true);
  });

  it('an error body that stops mid-way: the status is still reported, at the timeout', async () => {
    const stalls = async () =>
      new Response(stalledBody(new TextEncoder().encode('{"error":"not found"')).stream, {
        status: 404,
        headers: { 'content-type': 'application/json' },
      });
    const { clock, options: o } = options({ fetch: stalls });
    const error = await outcomeAfter(resilientFetch(URL_A, undefined, o), clock, 1);
    expect(error).toMatchObject({ name: 'HttpNotFoundError', status: 404 });
    expect((error as Error).message).toContain('not found');
  });

  it('a 204 whose body cancel never settles does not hold the call', async () => {
    const noContent = async () => {
      const response = new Response(null, { status: 204 });
      Object.defineProperty(response, 'body', { value: stalledBody(new Uint8Array(1)).stream });
      return response;
    };
    const { options: o } = options({ fetch: noContent });
    const outcome = resilientFetch(URL_A, undefined, o).then(
      (r) => r.status,
      (e: unknown) => e,
    );
    await settle();
    expect(await Promise.race([outcome, settle().then(() => 'still pending')])).toBe(204);
  });
});

describe("the buffered body is the response's own", () => {
  it('a custom fetch that hands out its own buffer in one chunk: changing that buffer later changes nothing', async () => {
    const shared = new Uint8Array(new TextEncoder().encode('{"page":1}'));
    const handsOutItsBuffer = async () =>
      new Response(
        new ReadableStream<Uint8Array>({
          start(controller) {
            controller.enqueue(shared);
            controller.close();
          },
        }),
      );
    const { options: o } = options({ fetch: handsOutItsBuffer });
    const response = await resilientFetch(URL_A, undefined, o);
    shared.fill(0x20);
    expect(await response.json()).toEqual({ page: 1 });
  });
});

describe('a stream body whose chunks are not bytes', () => {
  it.each([
    ['an ArrayBuffer', new ArrayBuffer(2), /got ArrayBuffer/],
    ['a number', 5, /got number/],
    ['a plain object', {}, /got Object/],
  ])(
    '%s is refused with a TypeError naming init.body, nothing sent, the source stopped',
    async (_, chunk, got) => {
      let stopped = false;
      async function* source(): AsyncGenerator<unknown> {
        try {
          yield new Uint8Array([1]);
          yield chunk;
          yield new Uint8Array([2]);
        } finally {
          stopped = true;
        }
      }
      let sent = 0;
      const counting = async () => {
        sent++;
        return new Response('ok');
      };
      const { options: o } = options({ fetch: counting });
      const error = await resilientFetch(URL_A, { method: 'PUT', body: source() as never }, o).catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(TypeError);
      expect((error as Error).message).toMatch(
        /resilientFetch init\.body: a chunk of the stream body is not a Uint8Array/,
      );
      expect((error as Error).message).toMatch(got);
      expect(sent).toBe(0);
      await settle();
      expect(stopped).toBe(true);
    },
  );
});

describe('a custom fetch that ignores the attempt signal: redirects followed by resilientFetch', () => {
  it('a redirect answered after the attempt gave up is not followed: the POST is not sent again behind the retry', async () => {
    const seen: Array<{ url: string; method: string }> = [];
    const late: Array<() => void> = [];
    const ignoresSignal = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
      seen.push({ url: String(input), method: init?.method ?? 'GET' });
      if (String(input).endsWith('/v1/bets')) {
        // The 307 arrives only when the test says so: after the attempt timed out.
        await new Promise<void>((resolve) => late.push(resolve));
        return new Response(null, { status: 307, headers: { location: '/v1/bets/accepted' } });
      }
      return new Response('ok', { status: 200 });
    };
    const { clock, options: o } = options({ fetch: ignoresSignal, maxAttempts: 1 });
    const call = resilientFetch(
      'https://api.example.com/v1/bets',
      { method: 'POST', body: '{"stake":10}', headers: { 'x-rapidapi-key': 'rk_live_9f8e7d6c5b4a' } },
      o,
    );
    const error = await outcomeAfter(call, clock, 1);
    expect(error).toBeInstanceOf(OperationTimeoutError);
    for (const answer of late) answer();
    await settle();
    await settle();
    // Only the first request: the attempt it belonged to was over, so its redirect goes nowhere.
    expect(seen).toEqual([{ url: 'https://api.example.com/v1/bets', method: 'POST' }]);
  });
});

/**
 * A `Response` of another fetch implementation (undici's npm package, node-fetch 3, a polyfill): its
 * own class, whose getters read its own internal state, and not an instance of the global `Response`.
 */
const FOREIGN = Symbol('foreign state');
class ForeignResponse {
  readonly [FOREIGN]: { status: number; headers: Headers; body: ReadableStream<Uint8Array> };
  constructor(text: string, status = 200) {
    this[FOREIGN] = {
      status,
      headers: new Headers({ 'content-type': 'application/json', 'x-n': '1' }),
      body: new Blob([text]).stream(),
    };
  }
  get status() {
    return this[FOREIGN].status;
  }
  get ok() {
    return this.status < 300;
  }
  get statusText() {
    return 'OK';
  }
  get type() {
    return 'basic';
  }
  get url() {
    return URL_A;
  }
  get redirected() {
    return false;
  }
  get headers() {
    return this[FOREIGN].headers;
  }
  get body() {
    return this[FOREIGN].body;
  }
  get bodyUsed() {
    return false;
  }
}

describe("a fetch whose Response is not the platform's class", () => {
  it('the buffered answer is a platform Response with its status, headers and body', async () => {
    const fetch = async () => new ForeignResponse('{"games":[1]}') as unknown as Response;
    for (const maxConcurrent of [undefined, 1]) {
      const response = await resilientFetch(URL_A, undefined, {
        fetch,
        maxAttempts: 1,
        hosts: new HttpHostRegistry(maxConcurrent === undefined ? {} : { maxConcurrent }),
      });
      expect(response).toBeInstanceOf(Response);
      expect([response.status, response.ok, response.statusText, response.type, response.url]).toEqual([
        200,
        true,
        'OK',
        'basic',
        URL_A,
      ]);
      expect(response.headers.get('x-n')).toBe('1');
      expect(await response.clone().json()).toEqual({ games: [1] });
      expect(await response.json()).toEqual({ games: [1] });
    }
  });
});
