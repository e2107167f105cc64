import { describe, expect, it } from 'vitest';
import { HttpHostRegistry, parseRetryAfter, resilientFetch, waitFromHeaders } from '../../../src/index.js';
import { createTestClock } from '../../../src/testing/clock.js';
import { scriptedFetch } from './fake-fetch.js';

// A header sent twice reaches `fetch` joined by a comma ("30, soon": the API's value and a proxy's).
// The wait asked for is never dropped because a neighbor is garbage: that would retry sooner than asked.

const NOW = Date.parse('2026-03-01T12:00:00Z');

describe('several values in one wait header', () => {
  it.each([
    ['5, soon', 5000],
    ['soon, 5', 5000],
    ['5, -1, 2', 5000],
    ['Sun, 01 Mar 2026 12:00:30 GMT, later', 30_000],
  ])('Retry-After %j asks for %i ms', (value, ms) => {
    expect(parseRetryAfter(value, NOW)).toBe(ms);
  });

  it('nothing readable in the list is still no wait at all', () => {
    expect(parseRetryAfter('soon, later', NOW)).toBeUndefined();
  });

  it.each([
    ['x-ratelimit-reset', ['30', '40'], 40_000],
    ['x-ratelimit-reset', [String(NOW / 1000 + 20), String(NOW / 1000 + 50)], 50_000],
    ['ratelimit-reset', ['12', 'n/a'], 12_000],
    ['x-ratelimit-reset-after', ['3', '7'], 7000],
  ])('%s sent twice (%j): the later reset', (name, values, ms) => {
    const headers = new Headers(values.map((value): [string, string] => [name, value]));
    expect(waitFromHeaders(headers, NOW, true)).toBe(ms);
  });
});

describe('resilientFetch honors the readable value of a joined Retry-After', () => {
  it('a 429 with "Retry-After: 20" and a second, unreadable Retry-After waits 20 s, not the backoff', async () => {
    const clock = createTestClock({ startMs: NOW });
    const fetch = scriptedFetch([
      { status: 429, headers: { 'retry-after': '20, soon' } },
      { status: 200, body: 'ok' },
    ]);
    const response = await resilientFetch('https://api.example.com/v1/odds', undefined, {
      fetch,
      clock,
      hosts: new HttpHostRegistry({ clock }),
      random: () => 0.5,
    });
    expect(await response.text()).toBe('ok');
    expect(fetch.seen).toHaveLength(2);
    expect(clock.now() - NOW).toBeGreaterThanOrEqual(20_000);
  });
});
