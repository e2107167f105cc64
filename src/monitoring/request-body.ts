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
 */
export function unreadBodyStream(req: unknown, parsed: unknown): BodyStream | undefined {
  const stream = requestStream(req);
  if (stream?.readableEnded !== false) return undefined;
  const emptyParse =
    parsed === undefined ||
    (typeof parsed === 'object' &&
      parsed !== null &&
      Object.getPrototypeOf(parsed) === Object.prototype &&
      Object.keys(parsed).length === 0);
  return emptyParse && saysItHasBody(stream) ? stream : undefined;
}

/**
 * Whether a body was sent and read before the handler by something that did not hand it over
 * (`req.body` unset, the stream ended): the flags in it cannot be known, and ignored, a
 * `{"dry_run": true}` would run for real.
 */
export function bodyReadElsewhere(req: unknown, parsed: unknown): boolean {
  const stream = requestStream(req);
  // Only when a header says so: an HTTP/2 request without a length may have had no body at all.
  return parsed === undefined && stream?.readableEnded === true && saysItHasBody(stream, false);
}

function requestStream(req: unknown): BodyStream | undefined {
  if (typeof req !== 'object' || req === null) return undefined;
  const stream = req as Partial<BodyStream>;
  return typeof stream.on === 'function' && typeof stream.once === 'function'
    ? (stream as BodyStream)
    : undefined;
}

/**
 * Whether the request's headers say it has a body. `unsure`: what an HTTP/2 request without a length
 * counts as (it has no transfer-encoding, and the length is optional there: a streamed body may
 * come with neither, and a request without one ends at once when read).
 */
function saysItHasBody(stream: BodyStream, unsure = stream.httpVersionMajor === 2): boolean {
  const headers = stream.headers ?? {};
  const length = headers['content-length'];
  return headers['transfer-encoding'] !== undefined || (length !== undefined ? length !== '0' : unsure);
}
