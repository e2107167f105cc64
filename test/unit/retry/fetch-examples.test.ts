import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CircuitBreaker } from '../../../src/retry/circuit-breaker.js';
import { retry } from '../../../src/retry/retry.js';
import { createTestClock } from '../../../src/testing/clock.js';

/** Every `.ts` file under `dir`. */
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** A stand-in for `fetch` that answers with the statuses given, one per call, then 200. */
function fetchAnswering(...statuses: number[]): { fetch: () => Promise<Response>; calls: () => number } {
  let calls = 0;
  return {
    fetch: async () => new Response('{}', { status: statuses[calls++] ?? 200 }),
    calls: () => calls,
  };
}

describe('retry around fetch', () => {
  it('a fetch that resolves with a 503 is a success to retry and to a breaker: nothing is retried or counted', async () => {
    const api = fetchAnswering(503, 503);
    const breaker = new CircuitBreaker({ failureThreshold: 1 });
    const response = await retry(() => breaker.execute(api.fetch), { clock: createTestClock() });
    expect(response.status).toBe(503);
    expect(api.calls()).toBe(1);
    expect(breaker.state).toBe('closed');
  });

  it('the documented way, throwing the response when it is not ok, retries it as its HttpError', async () => {
    const api = fetchAnswering(503, 503);
    const response = await retry(
      async () => {
        const res = await api.fetch();
        if (!res.ok) throw res;
        return res;
      },
      { clock: createTestClock() },
    );
    expect(response.status).toBe(200);
    expect(api.calls()).toBe(3);
  });

  it('no TSDoc example of the retry layer retries a bare fetch (whose 503 would be a success)', () => {
    const bare = /(?:retry|execute)\(\s*(?:async\s*)?\([^)]*\)\s*=>\s*(?:\(await\s+)?fetch\(/;
    const offenders = sources(join(__dirname, '../../../src')).flatMap((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .map((line, i) => ({ line, at: `${file}:${i + 1}` }))
        .filter(({ line }) => /^\s*\*/.test(line) && bare.test(line))
        .map(({ at }) => at),
    );
    expect(offenders).toEqual([]);
  });
});
