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
 * Splits a `multipart/related` body (a Google upload: JSON metadata, then the media) into its parts,
 * each part's content as the bytes received (binary media stays as it was sent); `undefined` when the
 * content type has no boundary.
 */
export function splitMultipartBytes(
  body: Buffer,
  contentType: string,
): Array<{ headers: string; content: Buffer }> | undefined {
  const m = /boundary="?([^";]+)"?/i.exec(contentType);
  if (!m) return undefined;
  const delimiter = Buffer.from(`--${m[1]}`);
  const parts: Array<{ headers: string; content: Buffer }> = [];
  let at = body.indexOf(delimiter);
  while (at !== -1) {
    const start = at + delimiter.length;
    // `--boundary--` closes the body.
    if (body[start] === 0x2d && body[start + 1] === 0x2d) break;
    const next = body.indexOf(delimiter, start);
    let part = body.subarray(start, next === -1 ? body.length : next);
    if (part[0] === 0x0d && part[1] === 0x0a) part = part.subarray(2);
    else if (part[0] === 0x0a) part = part.subarray(1);
    // The line break before the next delimiter belongs to it, not to the content.
    if (part.at(-2) === 0x0d && part.at(-1) === 0x0a) part = part.subarray(0, -2);
    else if (part.at(-1) === 0x0a) part = part.subarray(0, -1);
    const split = part.indexOf('\r\n\r\n');
    parts.push({
      headers: split >= 0 ? part.subarray(0, split).toString('utf8') : '',
      content: split >= 0 ? part.subarray(split + 4) : part,
    });
    at = next;
  }
  return parts;
}

/** `splitMultipartBytes` with each part's content as UTF-8 text. */
export function splitMultipart(
  body: Buffer,
  contentType: string,
): Array<{ headers: string; content: string }> | undefined {
  return splitMultipartBytes(body, contentType)?.map((p) => ({
    headers: p.headers,
    content: p.content.toString('utf8'),
  }));
}
