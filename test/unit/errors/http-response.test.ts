import { describe, expect, it } from 'vitest';
import { fromFetchResponse } from '../../../src/errors/from-response.js';
import {
  GoogleApiError,
  HttpBadGatewayError,
  HttpBadRequestError,
  HttpConflictError,
  HttpError,
  HttpForbiddenError,
  HttpGatewayTimeoutError,
  HttpGoneError,
  HttpInternalServerError,
  HttpNotFoundError,
  HttpRequestTimeoutError,
  HttpServiceUnavailableError,
  HttpTooManyRequestsError,
  HttpUnauthorizedError,
  httpErrorFromResponse,
  isFetchResponse,
  isTransientError,
  isTransientHttpStatus,
  PipelineError,
  toPipelineError,
  urlForErrors,
  waitFromHeaders,
} from '../../../src/errors/index.js';
import { MAX_RETRY_AFTER_MS } from '../../../src/errors/retry-after.js';

const NOW = Date.parse('2026-03-01T12:00:00Z');
const now = () => NOW;

function response(
  status: number,
  headers: Record<string, string> = {},
  url = 'https://api.example.com/v1/games',
) {
  const r = new Response(status === 204 || status === 304 ? null : 'body', { status, headers });
  Object.defineProperty(r, 'url', { value: url });
  return r;
}

describe('toPipelineError: a thrown fetch Response becomes a typed HttpError', () => {
  it.each([
    [400, HttpBadRequestError, 'BAD_REQUEST', false],
    [401, HttpUnauthorizedError, 'UNAUTHORIZED', false],
    [403, HttpForbiddenError, 'FORBIDDEN', false],
    [404, HttpNotFoundError, 'NOT_FOUND', false],
    [408, HttpRequestTimeoutError, 'REQUEST_TIMEOUT', true],
    [409, HttpConflictError, 'CONFLICT', false],
    [410, HttpGoneError, 'GONE', false],
    [429, HttpTooManyRequestsError, 'TOO_MANY_REQUESTS', true],
    [500, HttpInternalServerError, 'INTERNAL_SERVER_ERROR', true],
    [502, HttpBadGatewayError, 'BAD_GATEWAY', true],
    [503, HttpServiceUnavailableError, 'SERVICE_UNAVAILABLE', true],
    [504, HttpGatewayTimeoutError, 'GATEWAY_TIMEOUT', true],
  ] as const)('HTTP %i -> %o (%s), transient %s', (status, Class, code, transient) => {
    const err = toPipelineError(response(status), { now });
    expect(err).toBeInstanceOf(Class);
    expect(err).toBeInstanceOf(HttpError);
    expect(err).not.toBeInstanceOf(GoogleApiError);
    expect(err).toMatchObject({ code, transient, status, url: 'https://api.example.com/v1/games' });
    expect(err.message).toMatch(new RegExp(`^HTTP ${status} `));
    expect(err.message).not.toMatch(/Google/);
    expect(isTransientError(response(status))).toBe(transient);
  });

  it.each([
    [405, 'CLIENT_ERROR', false],
    [418, 'CLIENT_ERROR', false],
    [422, 'CLIENT_ERROR', false],
    [501, 'SERVER_ERROR', false],
    [505, 'SERVER_ERROR', false],
    [507, 'SERVER_ERROR', true],
    [520, 'SERVER_ERROR', true],
    [301, 'REDIRECTION', false],
  ] as const)(
    'HTTP %i without a class of its own -> HttpError %s, transient %s',
    (status, code, transient) => {
      const err = toPipelineError(response(status), { now }) as HttpError;
      expect(err.constructor).toBe(HttpError);
      expect(err).toMatchObject({ code, transient, status });
      expect(isTransientHttpStatus(status)).toBe(transient);
    },
  );

  it('a 2xx Response thrown is not an HttpError and not transient', () => {
    const err = toPipelineError(response(200), { now });
    expect(err).not.toBeInstanceOf(HttpError);
    expect(err).toMatchObject({ code: 'UNKNOWN', transient: false });
    expect(err.message).toMatch(/successful HTTP 200/);
  });

  it('an error carrying the Response (ky HTTPError shape) is classified by it, keeping the method', () => {
    const kyError = Object.assign(new Error('Request failed with status code 503'), {
      name: 'HTTPError',
      response: response(503, { 'retry-after': '3' }),
      request: new Request('https://api.example.com/v1/games', {
        method: 'POST',
        headers: { authorization: 'Bearer top-secret-token' },
      }),
    });
    const err = toPipelineError(kyError, { now }) as HttpError;
    expect(err).toBeInstanceOf(HttpServiceUnavailableError);
    expect(err).toMatchObject({ method: 'POST', retryAfterMs: 3000, transient: true });
    // Neither the ky error (it holds the request and its Authorization header) nor the Response is kept.
    expect(err.cause).toBeUndefined();
    expect(JSON.stringify({ ...err, message: err.message })).not.toMatch(/top-secret/);
  });

  it('is idempotent: an HttpError passes through unchanged', () => {
    const err = toPipelineError(response(503), { now });
    expect(toPipelineError(err)).toBe(err);
  });
});

describe('httpErrorFromResponse', () => {
  it('strips the query string, fragment and user info from the URL; the message never shows them', () => {
    const err = httpErrorFromResponse(
      response(404, {}, 'https://user:pa55@api.example.com/v1/games?api_key=s3cret&date=2026-01-01#x'),
      { method: 'get' },
    );
    expect(err.url).toBe('https://api.example.com/v1/games');
    expect(err.method).toBe('GET');
    expect(err.message).toBe('HTTP 404 Not Found from GET https://api.example.com/v1/games');
    expect(err.message).not.toMatch(/s3cret|pa55|user/);
  });

  it('keeps a bounded, whitespace-collapsed, redacted start of the body', () => {
    const body = `<html>\n  <p>token=abc123def</p>\n${'x'.repeat(10_000)}</html>`;
    const err = httpErrorFromResponse(response(500), { body });
    expect(err.bodySnippet).toMatch(/^<html> <p>token=\[REDACTED\] x+…$/);
    expect(err.bodySnippet!.length).toBe(301);
    expect(err.message).toContain(err.bodySnippet!);
    expect(err.message).not.toContain('abc123def');
  });

  it('keeps no control characters of the body (NULs of a binary page, terminal escapes) in the snippet', () => {
    const body = `\u0000\u0000oops\u001b[31m red \u001b]0;title\u0007 \u007f done`;
    const err = httpErrorFromResponse(response(500), { body });
    expect(err.bodySnippet).toBe('oops [31m red ]0;title done');
    expect([...err.message].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f)).toBe(false);
    expect(httpErrorFromResponse(response(500), { body: '\u0000'.repeat(500) }).bodySnippet).toBeUndefined();
  });

  it('uses the URL passed in options when the Response has none (a constructed Response)', () => {
    const r = new Response('', { status: 502 });
    expect(httpErrorFromResponse(r, { url: 'http://127.0.0.1:9/x?y=1' }).url).toBe('http://127.0.0.1:9/x');
  });

  it('reads Retry-After as seconds and as an HTTP date', () => {
    expect(httpErrorFromResponse(response(503, { 'retry-after': '7' }), { now }).retryAfterMs).toBe(7000);
    const date = new Date(NOW + 90_000).toUTCString();
    expect(httpErrorFromResponse(response(429, { 'retry-after': date }), { now }).retryAfterMs).toBe(90_000);
    // A date in the past means "now".
    const past = new Date(NOW - 5000).toUTCString();
    expect(httpErrorFromResponse(response(429, { 'retry-after': past }), { now }).retryAfterMs).toBe(0);
  });

  it('a 403 whose headers say the quota is used up is a transient rate limit with its reset time', () => {
    const err = httpErrorFromResponse(
      response(403, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(NOW / 1000 + 42) }),
      { now },
    );
    expect(err).toBeInstanceOf(HttpForbiddenError);
    expect(err).toMatchObject({ transient: true, retryAfterMs: 42_000 });
    expect(err.message).toMatch(/rate limited/);
    // A plain 403 stays permanent, and a reset header alone does not make it transient.
    expect(httpErrorFromResponse(response(403, { 'x-ratelimit-reset': '5' }), { now })).toMatchObject({
      transient: false,
      retryAfterMs: undefined,
    });
  });
});

describe('waitFromHeaders', () => {
  const h = (o: Record<string, string>) => new Headers(o);
  it('prefers Retry-After over the rate-limit headers', () => {
    expect(waitFromHeaders(h({ 'retry-after': '2', 'ratelimit-reset': '9' }), NOW, true)).toBe(2000);
  });
  it('reads the rate-limit headers only for a rate-limited response', () => {
    expect(waitFromHeaders(h({ 'ratelimit-reset': '9' }), NOW, false)).toBeUndefined();
    expect(waitFromHeaders(h({ 'ratelimit-reset': '9' }), NOW, true)).toBe(9000);
  });
  it.each([
    [{ ratelimit: 'limit=100, remaining=0, reset=12' }, 12_000],
    [{ ratelimit: '"default";r=0;t=4' }, 4000],
    [{ 'x-ratelimit-reset-after': '1.5' }, 1500],
    [{ 'x-ratelimit-reset': '30' }, 30_000],
    [{ 'x-ratelimit-reset': String(NOW / 1000 + 60) }, 60_000],
    [{ 'x-ratelimit-reset': String(NOW / 1000 - 60) }, 0],
  ])('%o -> %i ms', (headers, ms) => {
    expect(waitFromHeaders(h(headers), NOW, true)).toBe(ms);
  });
  it.each([
    [{ 'retry-after': 'soon' }],
    [{ 'retry-after': '5 apples' }],
    [{ 'ratelimit-reset': '-3' }],
    [{ 'x-ratelimit-reset': `${'9'.repeat(100)}` }],
    [{ ratelimit: 'reset=1e9' }],
  ])('ignores malformed or absurd values %o', (headers) => {
    expect(waitFromHeaders(h(headers), NOW, true)).toBeUndefined();
  });
  it('a Retry-After of more digits than it reads is a wait beyond any cap, not no wait at all', () => {
    for (const digits of [13, 64, 65, 400]) {
      const ms = waitFromHeaders(h({ 'retry-after': '9'.repeat(digits) }), NOW, false);
      expect(ms).toBe(MAX_RETRY_AFTER_MS);
      expect(Number.isFinite(ms)).toBe(true);
    }
  });
  it('several Retry-After values: the longest wait', () => {
    expect(waitFromHeaders(h({ 'retry-after': '3, 11, 2' }), NOW, false)).toBe(11_000);
    const a = new Date(NOW + 5000).toUTCString();
    const b = new Date(NOW + 20_000).toUTCString();
    expect(waitFromHeaders(h({ 'retry-after': `${b}, ${a}` }), NOW, false)).toBe(20_000);
    expect(waitFromHeaders(h({ 'retry-after': `4, ${a}` }), NOW, false)).toBe(5000);
  });
  it('reads plain objects in any case', () => {
    expect(waitFromHeaders({ 'Retry-After': '1' }, NOW, false)).toBe(1000);
  });
});

describe('isFetchResponse and urlForErrors', () => {
  it('recognizes real and duck-typed responses, and nothing else', () => {
    expect(isFetchResponse(new Response('x'))).toBe(true);
    expect(isFetchResponse({ status: 500, ok: false, url: '', headers: { get: () => null } })).toBe(true);
    expect(isFetchResponse({ status: 500 })).toBe(false);
    expect(isFetchResponse(Object.assign(new Error('x'), { status: 500, ok: false }))).toBe(false);
    expect(isFetchResponse(null)).toBe(false);
  });
  it('an unparsable URL still loses its query string and user info', () => {
    expect(urlForErrors('//user:pw@host/path?key=1')).toBe('//host/path');
  });
  it('a PipelineError subclass: instanceof works across the hierarchy', () => {
    const err = new HttpTooManyRequestsError('slow down', { retryAfterMs: 10 });
    expect(err).toBeInstanceOf(PipelineError);
    expect(err).toMatchObject({ status: 429, statusText: 'Too Many Requests', transient: true });
  });
});

describe('fromFetchResponse (the Response step of toPipelineError) on hostile values', () => {
  it('passes on, without throwing, an object whose every read throws; headers that throw count as absent', () => {
    const proxy = new Proxy(
      {},
      {
        get() {
          throw new Error('no reading me');
        },
      },
    );
    const throwingHeaders = {
      status: 503,
      ok: false,
      url: 'https://api.example.com/x',
      headers: {
        get() {
          throw new Error('boom');
        },
      },
    };
    expect(fromFetchResponse(proxy, now)).toBeUndefined();
    // A header that cannot be read is a header that is not there: the 503 is still a 503.
    const typed = fromFetchResponse(throwingHeaders, now) as HttpServiceUnavailableError;
    expect(typed).toBeInstanceOf(HttpServiceUnavailableError);
    expect(typed.retryAfterMs).toBeUndefined();
  });
});
