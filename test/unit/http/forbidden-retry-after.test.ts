import { describe, expect, it } from 'vitest';
import {
  HttpForbiddenError,
  HttpHostRegistry,
  httpErrorFromResponse,
  resilientFetch,
} from '../../../src/index.js';
import { createTestClock } from '../../../src/testing/clock.js';
import { scriptedFetch } from './fake-fetch.js';

// GitHub's secondary rate limit answers 403 with only a Retry-After (no X-RateLimit-Remaining: 0).

const NOW = Date.parse('2026-03-01T12:00:00Z');

describe('a 403 with a Retry-After is a rate limit', () => {
  it('is a transient HttpForbiddenError with the wait asked for', () => {
    const err = httpErrorFromResponse(new Response('', { status: 403, headers: { 'retry-after': '60' } }), {
      now: () => NOW,
    });
    expect(err).toBeInstanceOf(HttpForbiddenError);
    expect(err).toMatchObject({ transient: true, retryAfterMs: 60_000 });
    expect(err.message).toMatch(/rate limited/);
  });

  it('an unreadable Retry-After is no evidence: the 403 stays permanent', () => {
    const err = httpErrorFromResponse(new Response('', { status: 403, headers: { 'retry-after': 'soon' } }));
    expect(err).toMatchObject({ transient: false, retryAfterMs: undefined });
  });

  it('resilientFetch waits as asked and sends the GET again', async () => {
    const clock = createTestClock({ startMs: NOW });
    const fetch = scriptedFetch([
      { status: 403, headers: { 'retry-after': '20' }, body: 'You have exceeded a secondary rate limit' },
      { status: 200, body: '[]' },
    ]);
    const response = await resilientFetch('https://api.github.com/repos/o/r/issues', undefined, {
      fetch,
      clock,
      hosts: new HttpHostRegistry({ clock }),
    });
    expect(response.status).toBe(200);
    expect(fetch.seen).toHaveLength(2);
    expect(clock.now() - NOW).toBeGreaterThanOrEqual(20_000);
  });
});
