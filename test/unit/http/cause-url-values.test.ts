import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { HttpHostRegistry, resilientFetch } from '../../../src/index.js';

// A key of the API's own naming, in no credential pattern: only the request knows it is one.
const KEY = 'q7Zp2Lm9Xw4Rt8Kd';

async function failureOf(
  thrown: unknown,
  init: RequestInit,
  url = 'https://api.example.com/v1/odds',
): Promise<unknown> {
  return resilientFetch(url, init, {
    hosts: new HttpHostRegistry(),
    maxAttempts: 1,
    fetch: async () => {
      throw thrown;
    },
  }).catch((e: unknown) => e);
}

describe('a URL or URLSearchParams object inside what fetch throws loses the request values too', () => {
  it('a URL holding the header value (got keeps its options.url as a URL)', async () => {
    const thrown = new Error('request failed', {
      cause: { url: new URL(`https://api.example.com/v1?k=${KEY}`) },
    });
    const error = await failureOf(thrown, { headers: { 'x-odds-key': KEY } });
    expect(inspect(error, { depth: Number.POSITIVE_INFINITY })).not.toContain(KEY);
  });

  it('a URL holding a query value of the request', async () => {
    const thrown = Object.assign(new Error('request failed'), {
      options: { url: new URL(`https://api.example.com/v1/odds?pick=${KEY}`) },
    });
    const error = await failureOf(thrown, {}, `https://api.example.com/v1/odds?pick=${KEY}`);
    expect(inspect(error, { depth: Number.POSITIVE_INFINITY })).not.toContain(KEY);
  });

  it('URLSearchParams holding the header value', async () => {
    const thrown = new Error('request failed', {
      cause: { search: new URLSearchParams({ k: KEY, season: '2026' }) },
    });
    const error = await failureOf(thrown, { headers: { 'x-odds-key': KEY } });
    const shown = inspect(error, { depth: Number.POSITIVE_INFINITY });
    expect(shown).not.toContain(KEY);
    expect(shown).toContain('season');
  });
});
