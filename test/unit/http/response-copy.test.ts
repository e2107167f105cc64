import { createServer as createHttpServer, type Server } from 'node:http';
import { type AddressInfo, createServer as createTcpServer, type Server as TcpServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpHostRegistry, resilientFetch } from '../../../src/index.js';

let servers: Array<Server | TcpServer> = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
  servers = [];
});

/** A loopback server: `/r` redirects to `/x`, which answers 200 "Fine" with a header and two cookies. */
async function serve(): Promise<string> {
  const server = createHttpServer((req, res) => {
    if (req.url === '/r') {
      res.writeHead(302, { location: '/x' });
      res.end();
      return;
    }
    res.writeHead(200, 'Fine', { 'x-a': '1', 'set-cookie': ['a=1', 'b=2'], 'content-type': 'text/plain' });
    res.end('hi');
  });
  servers.push(server);
  server.keepAliveTimeout = 1;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** What a caller can see of a response but its body (the date header may tick between two requests). */
function seen(response: Response) {
  const headers: Array<[string, string]> = [];
  response.headers.forEach((value, name) => {
    if (name !== 'date') headers.push([name, value]);
  });
  return {
    type: response.type,
    url: response.url,
    redirected: response.redirected,
    status: response.status,
    ok: response.ok,
    statusText: response.statusText,
    headers,
    cookies: response.headers.getSetCookie(),
  };
}

const copies = [
  { name: 'buffered', options: { hosts: () => new HttpHostRegistry() } },
  { name: 'buffered, maxConcurrent', options: { hosts: () => new HttpHostRegistry({ maxConcurrent: 1 }) } },
  {
    name: 'streamed, maxConcurrent (a body holding its slot)',
    options: { hosts: () => new HttpHostRegistry({ maxConcurrent: 1 }), bufferBody: false },
  },
  { name: 'streamed', options: { hosts: () => new HttpHostRegistry(), bufferBody: false } },
];

describe("the Response handed out says what Node's own fetch says", () => {
  for (const { name, options } of copies) {
    it(`${name}: the response and its clone, redirected or not`, async () => {
      const base = await serve();
      for (const path of ['/r', '/x']) {
        const expected = await fetch(`${base}${path}`);
        const want = seen(expected);
        await expected.text();
        expect(want.type).toBe('basic');
        const response = await resilientFetch(`${base}${path}`, undefined, {
          hosts: options.hosts(),
          bufferBody: options.bufferBody ?? true,
          maxAttempts: 1,
        });
        const copy = response.clone();
        expect(seen(response), `${path}: response`).toEqual(want);
        expect(seen(copy), `${path}: clone`).toEqual(want);
        expect(await copy.text()).toBe('hi');
        expect(await response.text()).toBe('hi');
      }
    });
  }

  it('a status text that fetch decoded past Latin-1 survives clone() of a buffered and a streamed response', async () => {
    // undici decodes the status line as UTF-8; Response's constructor refuses such a statusText.
    const reason = 'N\u00e3o OK \u2013 \u2713';
    const server = createTcpServer((socket) => {
      socket.once('data', () => {
        socket.end(
          Buffer.concat([
            Buffer.from('HTTP/1.1 200 '),
            Buffer.from(reason, 'utf8'),
            Buffer.from('\r\ncontent-length: 2\r\nconnection: close\r\n\r\nhi'),
          ]),
        );
      });
    });
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    const plain = await fetch(url);
    await plain.text();
    for (const bufferBody of [true, false]) {
      const response = await resilientFetch(url, undefined, {
        hosts: new HttpHostRegistry({ maxConcurrent: 1 }),
        bufferBody,
        maxAttempts: 1,
      });
      const copy = response.clone();
      expect([response.statusText, copy.statusText], `bufferBody: ${bufferBody}`).toEqual([
        plain.statusText,
        plain.statusText,
      ]);
      expect(await copy.text()).toBe('hi');
    }
  });
});
