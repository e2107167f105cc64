import { afterEach, describe, expect, it } from 'vitest';
import {
  createResilientFetch,
  HttpHostRegistry,
  NetworkError,
  parseRetryAfter,
  type ResilientFetchOptions,
  resilientFetch,
  toPipelineError,
  waitFromHeaders,
} from '../../../src/index.js';
import { createTestClock } from '../../../src/testing/clock.js';
import { scriptedFetch } from './fake-fetch.js';

// Cases found by attacking the HTTP layer with inputs its own tests did not try.

const URL_A = 'https://api.example.com/v1/games';

describe('HttpHostRegistry: a misspelt or misplaced policy is refused, not ignored', () => {
  it.each([
    [{ maxConcurent: 4 }, /maxConcurent.*maxConcurrent/],
    [{ rateLimit: { requestsPerSecond: 5, brust: 10 } }, /brust.*burst/],
    [{ hosts: { 'api.example.com': { maxConcurent: 2 } } }, /hosts\['api\.example\.com'\].*maxConcurent/],
    [{ hosts: { 'api.example.com': 5 } }, /hosts\['api\.example\.com'\].*must be an object/],
    [{ rateLimit: 5 }, /rateLimit must be an object/],
    [{ maxConcurrent: '4' }, /maxConcurrent must be a number/],
  ])('%j', (options, message) => {
    expect(() => new HttpHostRegistry(options as never)).toThrow(TypeError);
    expect(() => new HttpHostRegistry(options as never)).toThrow(message);
  });

  it('null options are refused with a message that says what was expected', () => {
    expect(() => new HttpHostRegistry(null as never)).toThrow(/HttpHostRegistry: options must be an object/);
  });
});

describe('resilientFetch: breaker and budget of the wrong kind are refused before the call', () => {
  it.each([
    ['breaker', {}],
    ['budget', {}],
    ['breaker', { state: 'closed' }],
  ])('%s: %j', async (name, value) => {
    const fetch = scriptedFetch([{ status: 200 }]);
    const err = await resilientFetch(URL_A, undefined, {
      fetch,
      [name]: value,
    } as ResilientFetchOptions).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TypeError);
    expect((err as Error).message).toMatch(new RegExp(`resilientFetch option ${name} must be`));
    expect(fetch.seen).toHaveLength(0);
  });
});

describe('toPipelineError of a network-error Response (Response.error(), status 0)', () => {
  it('is a transient NetworkError, not "a successful response"', () => {
    const error = toPipelineError(Response.error());
    expect(error).toBeInstanceOf(NetworkError);
    expect(error.transient).toBe(true);
    expect(error.message).not.toMatch(/successful/);
  });
});

describe('Retry-After dates read the same in every time zone', () => {
  const saved = process.env.TZ;
  afterEach(() => {
    if (saved === undefined) delete process.env.TZ;
    else process.env.TZ = saved;
  });

  it('the asctime form is GMT, as RFC 9110 says, not the local time of the machine', () => {
    process.env.TZ = 'America/New_York';
    const now = Date.parse('2026-03-01T12:00:00Z');
    expect(parseRetryAfter('Sun Mar  1 12:00:30 2026', now)).toBe(30_000);
    expect(parseRetryAfter('Sun, 01 Mar 2026 12:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Sunday, 01-Mar-26 12:00:30 GMT', now)).toBe(30_000);
  });

  it('a value that only starts like a date is not one: it is ignored, not read as "retry now"', () => {
    const now = Date.parse('2026-03-01T12:00:00Z');
    expect(parseRetryAfter('Tuesday 2026', now)).toBeUndefined();
    expect(parseRetryAfter('Sun, 5 apples', now)).toBeUndefined();
  });
});

describe('waitFromHeaders: reset headers in the forms APIs send', () => {
  const now = Date.parse('2026-03-01T12:00:00Z');
  it.each([
    [{ 'ratelimit-reset': '30' }, 30_000],
    [{ 'ratelimit-reset': String(now / 1000 + 30) }, 30_000],
    [{ 'x-ratelimit-reset': String(now / 1000 + 30) }, 30_000],
    [{ 'x-ratelimit-reset': String(now + 30_000) }, 30_000],
    [{ 'x-ratelimit-reset': '30' }, 30_000],
    [{ ratelimit: 'limit=10, remaining=0, reset=30' }, 30_000],
    [{ 'ratelimit-reset': String(now / 1000 - 30) }, 0],
    [{ 'ratelimit-reset': '999999999' }, 2_147_483_647],
    [{ ratelimit: 'reset=999999999' }, 2_147_483_647],
    [{ 'x-ratelimit-reset-after': '999999999' }, 2_147_483_647],
  ])('%j', (headers, ms) => {
    expect(waitFromHeaders(new Headers(headers), now, true)).toBe(ms);
  });
});

describe('createResilientFetch: an option given as undefined on a call keeps the bound default', () => {
  it('{ maxAttempts: undefined } is "not given", as everywhere else in the options', async () => {
    const fetch = scriptedFetch([{ status: 503 }]);
    const clock = createTestClock();
    const scraperFetch = createResilientFetch({
      fetch,
      clock,
      hosts: new HttpHostRegistry(),
      maxAttempts: 1,
    });
    await expect(scraperFetch(URL_A, undefined, { maxAttempts: undefined })).rejects.toMatchObject({
      status: 503,
    });
    expect(fetch.seen).toHaveLength(1);
  });
});

describe('resilientFetch: an empty Idempotency-Key is no key', () => {
  it('a POST answered 503 whose Idempotency-Key header is empty is sent once', async () => {
    const fetch = scriptedFetch([{ status: 503 }, { status: 201 }]);
    const err = await resilientFetch(
      URL_A,
      { method: 'POST', body: '{}', headers: { 'Idempotency-Key': '' } },
      { fetch, clock: createTestClock(), hosts: new HttpHostRegistry() },
    ).catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 503 });
    expect(fetch.seen).toHaveLength(1);
  });

  it('with a key, the same POST is retried', async () => {
    const fetch = scriptedFetch([{ status: 503 }, { status: 201 }]);
    const response = await resilientFetch(
      URL_A,
      { method: 'POST', body: '{}', headers: { 'Idempotency-Key': 'job-7' } },
      { fetch, clock: createTestClock(), hosts: new HttpHostRegistry() },
    );
    expect(response.status).toBe(201);
    expect(fetch.seen).toHaveLength(2);
  });
});
