import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpError, HttpHostRegistry, resilientFetch } from '../../../src/index.js';

// Many APIs answer a refused key with the key itself ("Invalid API key <key>"). The typed error must
// keep none of the request's header or query values, whatever part of the answer echoes them: the
// body, the reason phrase, the URL. A loopback server and Node's own fetch, as in production.

// Obviously fake, built at runtime so that no scanner takes them for real keys.
const HEADER_KEY = ['fake', 'HdrKey', '0123', '4567'].join('-');
const QUERY_KEY = ['fake', 'QryKey', '89ab', 'cdef'].join('_');
const SLASHED_KEY = ['fake', 'Slash', 'Key', '2468'].join('/');

let server: Server | undefined;
afterEach(async () => {
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = undefined;
});

async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  server = createServer(handler);
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Everything an error holds, as a deep logger would print it, plus its JSON. */
const everything = (value: unknown) =>
  `${inspect(value, { depth: Number.POSITIVE_INFINITY, showHidden: true })}\n${JSON.stringify(value)}`;

async function failure(call: Promise<Response>): Promise<HttpError> {
  const error = await call.catch((e: unknown) => e);
  expect(error).toBeInstanceOf(HttpError);
  return error as HttpError;
}

/** The parts of an error that must not hold `secret`. */
function expectNone(error: HttpError, secret: string): void {
  expect(error.message).not.toContain(secret);
  expect(String(error.bodySnippet)).not.toContain(secret);
  expect(String(error.stack)).not.toContain(secret);
  expect(JSON.stringify(error.toJSON())).not.toContain(secret);
  expect(everything(error)).not.toContain(secret);
}

describe('resilientFetch: an API that echoes the request’s credentials in its answer', () => {
  it('a 401 whose JSON body quotes the header key and the query: neither reaches the error', async () => {
    const url = await serve((req, res) => {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          message: `Invalid API key ${req.headers['x-apisports-key']} (query ${req.url?.split('?')[1]})`,
        }),
      );
    });
    const error = await failure(
      resilientFetch(
        `${url}/v3/fixtures?date=2026-11-28&apikey2=${QUERY_KEY}`,
        { headers: { 'x-apisports-key': HEADER_KEY, accept: 'application/json' } },
        { hosts: new HttpHostRegistry(), maxAttempts: 1 },
      ),
    );
    expect(error.status).toBe(401);
    expectNone(error, HEADER_KEY);
    expectNone(error, QUERY_KEY);
    // What helps to read the error stays: the words around the key.
    expect(error.bodySnippet).toContain('Invalid API key [REDACTED]');
  });

  it('the reason phrase and a percent-encoded or JSON-escaped echo are cleaned too', async () => {
    const url = await serve((req, res) => {
      const key = String(req.headers['x-api-token']);
      res.statusMessage = `Bad token ${key}`;
      res.writeHead(403, { 'content-type': 'text/plain' });
      // PHP writes `\/` for `/`; a URL-building API percent-encodes.
      res.end(`escaped ${key.replaceAll('/', '\\/')} encoded ${encodeURIComponent(key)} raw ${key}`);
    });
    const error = await failure(
      resilientFetch(
        `${url}/v1/odds`,
        { headers: { 'x-api-token': SLASHED_KEY } },
        { hosts: new HttpHostRegistry(), maxAttempts: 1 },
      ),
    );
    expect(error.statusText).toBe('Bad token [REDACTED]');
    for (const form of [SLASHED_KEY, SLASHED_KEY.replaceAll('/', '\\/'), encodeURIComponent(SLASHED_KEY)])
      expectNone(error, form);
  });

  it('an HTML error page quoting the key with its / + = and & written as entities', async () => {
    // A base64-like key, as an HTML escaper writes it: named, decimal or hexadecimal references.
    const key = ['fake/Html', 'Key+4680=', '&x'].join('');
    const pages = [
      (k: string) =>
        k.replace(/&/g, '&amp;').replace(/\//g, '&#x2F;').replace(/=/g, '&#x3D;').replace(/\+/g, '&#43;'),
      (k: string) =>
        k.replace(/&/g, '&#38;').replace(/\//g, '&#47;').replace(/=/g, '&#61;').replace(/\+/g, '&#X2B;'),
    ];
    for (const htmlEscape of pages) {
      const url = await serve((req, res) => {
        res.writeHead(401, { 'content-type': 'text/html' });
        res.end(
          `<html><body><p>Invalid API key ${htmlEscape(String(req.headers['x-api-key']))}</p></body></html>`,
        );
      });
      const error = await failure(
        resilientFetch(
          `${url}/v1/games`,
          { headers: { 'x-api-key': key } },
          { hosts: new HttpHostRegistry(), maxAttempts: 1 },
        ),
      );
      expectNone(error, htmlEscape(key));
      expectNone(error, 'Html');
      expect(error.bodySnippet).toContain('Invalid API key [REDACTED]');
      await new Promise<void>((r) => server!.close(() => r()));
      server = undefined;
    }
  });

  it('a key the 300-character snippet would cut through is removed whole, not shown in part', async () => {
    const url = await serve((req, res) => {
      res.writeHead(400, { 'content-type': 'text/plain' });
      res.end(`${'x'.repeat(290)} ${req.headers['x-api-key']} and more`);
    });
    const error = await failure(
      resilientFetch(
        `${url}/v1/games`,
        { headers: { 'x-api-key': HEADER_KEY } },
        { hosts: new HttpHostRegistry(), maxAttempts: 1 },
      ),
    );
    expectNone(error, HEADER_KEY);
    expect(String(error.bodySnippet)).not.toContain(HEADER_KEY.slice(0, 8));
  });

  it('retried 503s that echo the key: no log line of the retry holds it', async () => {
    const lines: string[] = [];
    const record = (...args: unknown[]) => lines.push(everything(args));
    const logger = { debug: record, info: record, warn: record, error: record };
    const url = await serve((req, res) => {
      res.writeHead(503, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: `upstream refused key ${req.headers['x-apisports-key']}` }));
    });
    const error = await failure(
      resilientFetch(
        `${url}/v3/fixtures?apikey2=${QUERY_KEY}`,
        { headers: { 'x-apisports-key': HEADER_KEY } },
        { hosts: new HttpHostRegistry(), maxAttempts: 2, baseDelayMs: 0, logger },
      ),
    );
    expect(error.status).toBe(503);
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) {
      expect(line).not.toContain(HEADER_KEY);
      expect(line).not.toContain(QUERY_KEY);
    }
    expectNone(error, HEADER_KEY);
  });
});
