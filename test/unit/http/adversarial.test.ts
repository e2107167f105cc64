import { describe, expect, it } from 'vitest';
import { waitFromHeaders } from '../../../src/index.js';

// Cases found by attacking the HTTP layer with inputs its own tests did not try.

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
