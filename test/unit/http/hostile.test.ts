import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { MAX_RETRY_AFTER_MS } from '../../../src/errors/retry-after.js';
import {
  createTestClock,
  HttpHostRegistry,
  HttpTooManyRequestsError,
  type ResilientFetchOptions,
  resilientFetch,
} from '../../../src/index.js';
import { type Scripted, scriptedFetch } from './fake-fetch.js';

const START = Date.parse('2026-03-01T12:00:00Z');
const URL_A = 'https://api.example.com/v1/games?date=2026-03-01';

function setup(script: Scripted[], extra: ResilientFetchOptions = {}) {
  const clock = createTestClock({ startMs: START });
  const hosts = new HttpHostRegistry({ clock });
  const fetch = scriptedFetch(script);
  const options: ResilientFetchOptions = { clock, hosts, fetch, random: () => 0.5, ...extra };
  return { clock, hosts, fetch, options };
}

describe('resilientFetch: credentials in the URL', () => {
  it('refuses user info before sending, and the password is nowhere in the error, at any depth', async () => {
    const { fetch, options } = setup([{ status: 200 }]);
    const err = await resilientFetch(
      'https://scraper:hunter2@api.example.com/v1/games?api_key=k3y',
      undefined,
      options,
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TypeError);
    expect((err as Error).message).toMatch(/resilientFetch input: .*user name or password/);
    const everything = inspect(err, { depth: 20 });
    expect(everything).not.toContain('hunter2');
    expect(everything).not.toContain('k3y');
    expect(fetch.seen).toHaveLength(0);
  });

  it('a URL with a password and no user name is refused the same way', async () => {
    const { fetch, options } = setup([{ status: 200 }]);
    const err = await resilientFetch('https://:tok3n@api.example.com/x', undefined, options).catch(
      (e: unknown) => e,
    );
    expect(inspect(err, { depth: 20 })).not.toContain('tok3n');
    expect(fetch.seen).toHaveLength(0);
  });
});

describe('resilientFetch: Retry-After from a hostile server never makes it retry sooner than asked', () => {
  it('a delta-seconds value too long to read is a wait beyond any cap: no retry, typed error', async () => {
    for (const digits of [40, 65, 400]) {
      const { fetch, options } = setup([
        { status: 429, headers: { 'retry-after': '9'.repeat(digits) } },
        { status: 200 },
      ]);
      const err = await resilientFetch(URL_A, undefined, options).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(HttpTooManyRequestsError);
      expect((err as HttpTooManyRequestsError).retryAfterMs).toBe(MAX_RETRY_AFTER_MS);
      expect(Number.isFinite((err as HttpTooManyRequestsError).retryAfterMs)).toBe(true);
      expect(fetch.seen).toHaveLength(1);
    }
  });

  it('several Retry-After headers (joined by Headers): the longest wait is honoured', async () => {
    const headers = new Headers();
    headers.append('retry-after', '2');
    headers.append('retry-after', '7');
    const { clock, fetch, options } = setup([
      { status: 503, headers: Object.fromEntries(headers) },
      { status: 200 },
    ]);
    await resilientFetch(URL_A, undefined, options);
    expect(fetch.seen).toHaveLength(2);
    expect(clock.sleeps).toEqual([7000]);
  });

  it('several HTTP-date Retry-After values: the latest is honoured', async () => {
    const soon = new Date(START + 3000).toUTCString();
    const later = new Date(START + 9000).toUTCString();
    const { clock, options } = setup([
      { status: 503, headers: { 'retry-after': `${soon}, ${later}` } },
      { status: 200 },
    ]);
    await resilientFetch(URL_A, undefined, options);
    expect(clock.sleeps).toEqual([9000]);
  });
});
