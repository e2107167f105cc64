/** The most a monitor request's body may hold: flags are a few dozen bytes. */
export const MAX_BODY_BYTES = 64 * 1024;

/** What the body reader needs of a request stream (Node's `IncomingMessage`, Express's `req`). */
interface BodyStream {
  on(event: 'data', listener: (chunk: Buffer | string) => void): unknown;
  once(event: 'end' | 'close', listener: () => void): unknown;
  once(event: 'error', listener: (error: unknown) => void): unknown;
  readonly readableEnded?: boolean;
  readonly headers?: Record<string, string | string[] | undefined>;
  readonly httpVersionMajor?: number;
}

/**
 * The request's body as text, or `undefined` when it is over `MAX_BODY_BYTES` (the rest is drained).
 * A stream closed before its end (the client went away) rejects.
 */
export function readBody(req: BodyStream): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk) => {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      size += bytes.length;
      if (size <= MAX_BODY_BYTES) chunks.push(bytes);
    });
    req.once('error', reject);
    req.once('end', () =>
      resolve(size > MAX_BODY_BYTES ? undefined : Buffer.concat(chunks).toString('utf8')),
    );
    req.once('close', () => reject(new Error('the request was closed before its body ended')));
  });
}

/**
 * The request stream whose body nobody has read, when the request says it has one: behind a bare
 * `node:http` server (no body parser) `req.body` is undefined, and Express 4 without a parser for the
 * body's content type leaves `{}`. Ignored, `{"dry_run": true}` would run for real and send alerts.
 * `'gone'`: a body its headers announce was read by something else (the stream ended, `req.body`
 * unset): its flags cannot be known. An HTTP/2 request may stream a body with neither
 * `content-length` nor `transfer-encoding` (one without a body ends at once when read), so one
 * without a length is read, and never taken for `'gone'`.
 */
export function unreadBodyStream(req: unknown, parsed: unknown): BodyStream | 'gone' | undefined {
  if (typeof req !== 'object' || req === null) return undefined;
  const stream = req as Partial<BodyStream>;
  if (typeof stream.on !== 'function' || typeof stream.once !== 'function') return undefined;
  const headers = stream.headers ?? {};
  const length = headers['content-length'];
  const announced = headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
  if (stream.readableEnded) return parsed === undefined && announced ? 'gone' : undefined;
  const emptyParse =
    parsed === undefined ||
    (typeof parsed === 'object' &&
      parsed !== null &&
      Object.getPrototypeOf(parsed) === Object.prototype &&
      Object.keys(parsed).length === 0);
  return stream.readableEnded === false &&
    emptyParse &&
    (announced || (length === undefined && stream.httpVersionMajor === 2))
    ? (stream as BodyStream)
    : undefined;
}
