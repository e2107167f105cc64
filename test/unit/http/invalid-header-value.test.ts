import { describe, expect, it } from 'vitest';
import { HttpHostRegistry, resilientFetch } from '../../../src/index.js';
import { scriptedFetch } from './fake-fetch.js';

/** Everything an error carries that a log line could show. */
function shown(error: unknown): string {
  const e = error as Error & { cause?: unknown };
  return `${e.message} ${e.stack} ${JSON.stringify(e)} ${String((e.cause as Error | undefined)?.message)}`;
}

describe('a header value the platform refuses, on a request that is not idempotent by its method', () => {
  it.each([
    ['a CR LF inside an API key', { 'x-api-key': 'sk_live_SECRETVALUE123\r\nX-Injected: 1' }],
    ['a NUL inside a token', { authorization: 'Bearer SECRET\u0000VALUE123' }],
  ])('%s: a TypeError that does not quote the value, and nothing sent', async (_, headers) => {
    const fetch = scriptedFetch([{ status: 200 }]);
    const error = await resilientFetch(
      'https://api.example.com/v1/bets',
      { method: 'POST', headers, body: '{}' },
      { fetch, hosts: new HttpHostRegistry() },
    ).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toMatch(/invalid header value/);
    expect(shown(error)).not.toMatch(/SECRET/);
    expect(fetch.seen).toHaveLength(0);
  });
});
