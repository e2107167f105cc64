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

/**
 * Splits a `multipart/related` body (a Google upload: JSON metadata, then the media) into its parts;
 * `undefined` when the content type has no boundary.
 */
export function splitMultipart(
  body: Buffer,
  contentType: string,
): Array<{ headers: string; content: string }> | undefined {
  const m = /boundary="?([^";]+)"?/i.exec(contentType);
  if (!m) return undefined;
  const text = body.toString('utf8');
  const delimiter = `--${m[1]}`;
  return text
    .split(delimiter)
    .slice(1)
    .filter((p) => !p.startsWith('--'))
    .map((p) => {
      const part = p.replace(/^\r?\n/, '');
      const split = part.indexOf('\r\n\r\n');
      const headers = split >= 0 ? part.slice(0, split) : '';
      const content = (split >= 0 ? part.slice(split + 4) : part).replace(/\r?\n$/, '');
      return { headers, content };
    });
}
