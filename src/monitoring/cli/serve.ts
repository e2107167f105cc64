import type { IncomingMessage } from 'node:http';
import { createMonitorHandler } from '../http.js';
import type { Monitor } from '../monitor.js';

const MAX_BODY_BYTES = 64 * 1024;

/** Reads a small JSON body (what Cloud Scheduler sends); anything else is left unparsed. */
async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new Error(`request body over ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (text === '' || !String(req.headers['content-type'] ?? '').includes('json')) return undefined;
  return JSON.parse(text);
}

/**
 * Serves the monitor's handler on `port` until SIGTERM or SIGINT (Cloud Run's stop signal), then
 * stops accepting requests, lets the ones in flight finish and resolves. `node:http` is loaded here,
 * not at import: only `gpr serve` needs it, and loading it costs every importer of the package about
 * 10 ms of CPU.
 */
export async function serve(monitor: Monitor, port: number, log: (line: string) => void): Promise<void> {
  const { createServer } = await import('node:http');
  const handler = createMonitorHandler(monitor);
  const server = createServer((req, res) => {
    readBody(req).then(
      (body) => handler({ method: req.method, url: req.url, body }, res),
      (error: unknown) => {
        res.statusCode = 400;
        res.setHeader('content-type', 'application/json; charset=utf-8');
        res.end(JSON.stringify({ error: { code: 'BAD_REQUEST', message: (error as Error).message } }));
      },
    );
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    // The port taken, not the one asked for: with 0 the system picks it and only the server knows.
    server.listen(port, () => {
      const address = server.address();
      const bound = typeof address === 'object' && address ? address.port : port;
      log(`gpr monitor listening on :${bound} (GET /health, POST /check)`);
    });
    const stop = () => {
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
      server.close(() => resolve());
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
}
