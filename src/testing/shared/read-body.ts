/**
 * Reading a request body in the stand-ins' HTTP servers.
 * @module
 */
import type { IncomingMessage } from 'node:http';

/** Reads a whole request body. */
export function readRequestBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
