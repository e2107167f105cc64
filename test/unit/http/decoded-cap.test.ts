import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { resilientFetch } from '../../../src/index.js';

let server: Server | undefined;
afterEach(async () => {
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = undefined;
});

async function serve(handler: Parameters<typeof createServer>[1]): Promise<string> {
  server = createServer(handler);
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

describe('readBodyCapped: the cap is on decoded bytes', () => {
  it('a gzip body whose encoded length is over the cap but whose decoded bytes fit is accepted', async () => {
    // Incompressible bytes: gzip makes them a little longer than they are.
    let seed = 7;
    const raw = Buffer.alloc(64 * 1024, 0).map(() => {
      seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff;
      return (seed >>> 16) & 0xff;
    });
    const encoded = gzipSync(raw);
    expect(encoded.byteLength).toBeGreaterThan(raw.byteLength);
    const url = await serve((_req, res) => {
      res.writeHead(200, { 'content-encoding': 'gzip', 'content-length': String(encoded.byteLength) });
      res.end(encoded);
    });
    const response = await resilientFetch(url, undefined, { maxResponseBytes: raw.byteLength });
    expect(Buffer.from(await response.arrayBuffer()).equals(raw)).toBe(true);
  });
});
