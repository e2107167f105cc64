import type { IncomingMessage } from 'node:http';
import { createMonitorHandler } from '../http.js';
import type { Monitor } from '../monitor.js';

const MAX_BODY_BYTES = 64 * 1024;

/** The request's body as text, or `undefined` when it is over `MAX_BODY_BYTES` (the rest is drained). */
function readBody(req: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('error', reject);
    req.once('end', () =>
      resolve(size > MAX_BODY_BYTES ? undefined : Buffer.concat(chunks).toString('utf8')),
    );
  });
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
    const refuse = (status: number, message: string) => {
      res.statusCode = status;
      res.setHeader('content-type', 'application/json; charset=utf-8');
      res.end(JSON.stringify({ error: { code: 'BAD_REQUEST', field: 'body', message } }));
    };
    // The handler parses the body whatever its content type (Cloud Scheduler sends octet-stream).
    readBody(req).then(
      (body) =>
        body === undefined
          ? refuse(413, `request body over ${MAX_BODY_BYTES} bytes`)
          : handler({ method: req.method, url: req.url, body }, res),
      (error: unknown) => refuse(400, (error as Error).message),
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
