import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpHostRegistry, resilientFetch } from '../../../src/index.js';
import { type HttpStandIn, startHttpStandIn } from '../../../src/testing/index.js';

/** A loopback port nothing listens on: a connection to it is refused. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

let api: HttpStandIn;

beforeAll(async () => {
  const port = await closedPort();
  api = await startHttpStandIn({
    routes: [
      // The POST was applied; its result lives on a host that refuses the connection.
      {
        method: 'POST',
        path: '/v1/orders',
        status: 303,
        headers: { location: `http://127.0.0.1:${port}/r/1` },
      },
    ],
  });
});
afterAll(async () => {
  await api.close();
});

describe('a POST applied, then redirected to a host that refuses the connection', () => {
  it.each([
    ['followed by fetch (no credential header)', { 'content-type': 'application/json' }],
    ['followed by resilientFetch (an API key header)', { 'x-api-key': 'rk_live_9f8e7d6c5b4a' }],
  ])('%s: not sent again (the refusal was of the redirect, not of the POST)', async (_, headers) => {
    api.requests.length = 0;
    const error = await resilientFetch(
      `${api.url}/v1/orders`,
      { method: 'POST', headers, body: '{"bet":1}' },
      { hosts: new HttpHostRegistry(), maxAttempts: 3, baseDelayMs: 0 },
    ).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(error).toMatchObject({ code: 'NETWORK_ERROR' });
    expect(api.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
  });
});
