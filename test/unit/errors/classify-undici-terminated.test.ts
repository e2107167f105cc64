import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { isTransientError, NetworkError, retry, toPipelineError } from '../../../src/index.js';
import { createTestClock } from '../../../src/testing/clock.js';

// undici's `TypeError: terminated`: the connection closed while the body was being read
// (`await response.json()` inside the retried function). A loopback server and Node's own fetch.

let server: Server | undefined;
afterEach(async () => {
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = undefined;
});

/** A server whose first answer promises 1,000 bytes, sends 10 and drops the connection. */
async function cutThenWhole(): Promise<{ url: string; requests: () => number }> {
  let requests = 0;
  server = createServer((_req, res) => {
    requests++;
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
    if (requests === 1) {
      res.write('{"games":[');
      res.flushHeaders();
      setImmediate(() => res.socket?.destroy());
    } else {
      res.end(`{"games":[]}${' '.repeat(1000 - 12)}`);
    }
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests: () => requests };
}

describe('undici TypeError("terminated") is a transient NetworkError', () => {
  it('as fetch throws it from a body cut off mid-way', async () => {
    const { url } = await cutThenWhole();
    const thrown = await fetch(url)
      .then((r) => r.text())
      .catch((e: unknown) => e);
    expect(thrown).toBeInstanceOf(TypeError);
    expect((thrown as Error).message).toBe('terminated');
    const err = toPipelineError(thrown);
    expect(err).toBeInstanceOf(NetworkError);
    expect(err.transient).toBe(true);
    expect(isTransientError(thrown)).toBe(true);
  });

  it('retry retries it by default and gets the whole body', async () => {
    const { url, requests } = await cutThenWhole();
    const clock = createTestClock();
    const body = await retry(async () => (await fetch(url)).json(), { clock, maxAttempts: 2 });
    expect(clock.sleeps).toHaveLength(1);
    expect(body).toEqual({ games: [] });
    expect(requests()).toBe(2);
  });
});
