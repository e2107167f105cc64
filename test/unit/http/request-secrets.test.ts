import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { HttpHostRegistry, PipelineError, resilientFetch } from '../../../src/index.js';

// What a `fetch` throws may quote the request it was given: undici names a header value it refuses, a
// wrapper keeps the `init` or the URL on its error. None of the request's credentials may reach the
// typed error, at any depth of its `cause`.

const KEY = 'rk_live_9f8e7d6c5b4a';
const COOKIE = 'sess_0a1b2c3d4e5f';

/** Everything an error holds, as a deep logger would print it. */
const everything = (value: unknown) => inspect(value, { depth: Number.POSITIVE_INFINITY, showHidden: true });

async function failure(call: Promise<Response>): Promise<PipelineError> {
  const error = await call.catch((e: unknown) => e);
  expect(error).toBeInstanceOf(PipelineError);
  return error as PipelineError;
}

const refused = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' });

describe('resilientFetch: the request’s credentials never reach the error', () => {
  it("Node's fetch refusing a header value (a control character) names the value: the value goes", async () => {
    const error = await failure(
      resilientFetch(
        'http://127.0.0.1:9/v1/odds',
        { headers: { 'x-rapidapi-key': `${KEY}\u0000` } },
        { hosts: new HttpHostRegistry(), maxAttempts: 1 },
      ),
    );
    expect(error.message).toMatch(/invalid header value/);
    expect(everything(error)).not.toContain(KEY);
  });

  it.each([
    ['a record', { accept: 'application/vnd.odds+json', 'x-rapidapi-key': KEY, cookie: `session=${COOKIE}` }],
    [
      'a Headers',
      new Headers({
        accept: 'application/vnd.odds+json',
        'x-rapidapi-key': KEY,
        cookie: `session=${COOKIE}`,
      }),
    ],
    [
      'pairs',
      [
        ['Accept', 'application/vnd.odds+json'],
        ['X-RapidAPI-Key', KEY],
        ['Cookie', `session=${COOKIE}`],
      ] as Array<[string, string]>,
    ],
  ])('a wrapper whose error keeps the init it was given (headers as %s)', async (_, headers) => {
    const keepsInit = async (_input: string | URL | Request, init?: RequestInit): Promise<Response> => {
      throw Object.assign(new TypeError('fetch failed', { cause: refused() }), {
        options: { ...init, headers: init?.headers },
        sentHeaders: new Headers(init?.headers),
        detail: `sent session ${COOKIE} and key ${KEY}`,
      });
    };
    const error = await failure(
      resilientFetch(
        'https://api.example.com/v4/odds',
        { headers },
        {
          fetch: keepsInit,
          hosts: new HttpHostRegistry(),
          maxAttempts: 1,
        },
      ),
    );
    expect(error.name).toBe('NetworkError');
    const shown = everything(error);
    expect(shown).not.toContain(KEY);
    expect(shown).not.toContain(COOKIE);
    // Descriptive headers are not hidden: a message keeps what helps to read it.
    expect(shown).toContain('application/vnd.odds+json');
  });

  it('a wrapper whose message quotes the URL: query values under any name go, raw and decoded', async () => {
    const quotesUrl = async (input: string | URL | Request): Promise<Response> => {
      throw new TypeError(`fetch failed for ${String(input)} (${decodeURIComponent(String(input))})`, {
        cause: refused(),
      });
    };
    const secret = 'a/b+c=d_9Zq8';
    const error = await failure(
      resilientFetch(
        `https://api.example.com/v4/odds?regions=us&x_q=${encodeURIComponent(secret)}`,
        undefined,
        {
          fetch: quotesUrl,
          hosts: new HttpHostRegistry(),
          maxAttempts: 1,
        },
      ),
    );
    const shown = everything(error);
    expect(shown).not.toContain(secret);
    expect(shown).not.toContain(encodeURIComponent(secret));
    expect(shown).toContain('api.example.com');
  });
});

describe('resilientFetch: removing request values keeps the words an error is classified by', () => {
  const noDelay = { hosts: new HttpHostRegistry(), maxAttempts: 2, baseDelayMs: 0, maxDelayMs: 0 };

  it('a connection reset on ?status=failed is still a transient NetworkError, and retried', async () => {
    let calls = 0;
    const resets = async (): Promise<Response> => {
      calls++;
      const cause = Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' });
      throw new TypeError('fetch failed', { cause });
    };
    const error = await failure(
      resilientFetch('https://api.example.com/v1/jobs?status=failed', undefined, {
        ...noDelay,
        fetch: resets,
      }),
    );
    expect(error.name).toBe('NetworkError');
    expect(error.transient).toBe(true);
    expect(error.message).toContain('fetch failed');
    expect(calls).toBe(2);
  });

  it('a body cut off (terminated) on ?state=terminated is still a transient NetworkError', async () => {
    const cut = async (): Promise<Response> => {
      throw new TypeError('terminated', {
        cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }),
      });
    };
    const error = await failure(
      resilientFetch('https://api.example.com/v1/jobs?state=terminated', undefined, {
        ...noDelay,
        maxAttempts: 1,
        fetch: cut,
      }),
    );
    expect(error.name).toBe('NetworkError');
    expect(error.transient).toBe(true);
  });

  it("undici's refusal stays a refusal (not retried) when a header value is a word of it", async () => {
    let calls = 0;
    const refuses = async (): Promise<Response> => {
      calls++;
      throw new TypeError('fetch failed', { cause: new Error('redirect count exceeded') });
    };
    const error = await failure(
      resilientFetch(
        'https://api.example.com/v1/odds',
        { headers: { 'x-follow-mode': 'redirect' } },
        { ...noDelay, fetch: refuses },
      ),
    );
    expect(error.transient).toBe(false);
    expect(error.message).toContain('redirect count exceeded');
    expect(calls).toBe(1);
  });

  it('a credential that merely contains such a word is still removed whole', async () => {
    const secret = 'zz_terminated_fetch_failed_9Q';
    const quotes = async (): Promise<Response> => {
      throw new TypeError('fetch failed', { cause: refused() });
    };
    const quoting = async (_input: string | URL | Request, init?: RequestInit): Promise<Response> =>
      quotes().catch((e: Error) => {
        throw Object.assign(e, { detail: `sent ${new Headers(init?.headers).get('x-api-token')}` });
      });
    const error = await failure(
      resilientFetch(
        'https://api.example.com/v1/odds',
        { headers: { 'x-api-token': secret } },
        { ...noDelay, maxAttempts: 1, fetch: quoting },
      ),
    );
    const shown = everything(error);
    expect(shown).not.toContain(secret);
    expect(shown).not.toContain('zz_');
    expect(error.name).toBe('NetworkError');
  });
});
