import { PipelineError } from '../errors/index.js';
import { until } from './abort-race.js';
import { concatBytes } from './bytes.js';

/** Default cap on a buffered response body: 64 MiB. */
export const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024 * 1024;
/** How much of an error response is read for the error's body snippet. */
export const ERROR_BODY_BYTES = 8 * 1024;

/** Methods that change nothing on the server (RFC 9110 "safe"): their answer applied nothing. */
const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE']);

/** The request whose response is read: what the size error says about it. */
export interface AnsweredRequest {
  /** The URL as messages show it (no query string, no credentials). */
  readonly url: string;
  /** Upper case. */
  readonly method: string;
  /** The status the server answered with (below 400: the request was accepted). */
  readonly status: number;
}

/**
 * A response body over `maxResponseBytes`: not transient (the next attempt gets the same body). The
 * server accepted the request before its body was refused, so for a method that changes state the
 * message says the request may have been applied: sending it again as if it had failed may apply it twice.
 */
export function responseTooLarge(
  request: AnsweredRequest,
  limit: number,
  seen: number | undefined,
): PipelineError {
  const applied = SAFE_METHODS.has(request.method)
    ? ''
    : ` The server answered ${request.status} to the ${request.method}, so it may have been applied: do not send it again as if it had failed.`;
  return new PipelineError(
    `Response from ${request.url} is larger than maxResponseBytes (${limit} bytes${seen === undefined ? '' : `; content-length ${seen}`}); raise maxResponseBytes or pass bufferBody: false and stream it.${applied}`,
    { code: 'RESPONSE_TOO_LARGE', transient: false },
  );
}

/** Whether `error` is the one `responseTooLarge` makes. */
export function isResponseTooLarge(error: unknown): boolean {
  return error instanceof PipelineError && error.code === 'RESPONSE_TOO_LARGE';
}

/**
 * Reads a whole body into memory, refusing more than `maxBytes` as it reads: the bytes as decoded, so
 * an encoded body is capped by what it expands to. A body that goes on past its first chunk is refused
 * at once when its `content-length` is over the cap. The read is cut by the signal `fetch` was given
 * (the attempt's timeout).
 *
 * The stream's own reader, not `arrayBuffer()`: a body that arrives in one chunk (the usual page) is
 * kept as it came, without undici's copy and promise steps, and without reading a header (the first
 * read of a network response's headers costs a few µs). Together about 5% of a loopback request.
 */
export async function readBodyCapped(
  response: Response,
  maxBytes: number,
  answered: () => AnsweredRequest,
  untrusted?: UntrustedBody,
): Promise<Uint8Array<ArrayBuffer>> {
  const { body } = response;
  if (body === null) return new Uint8Array(0);
  const reader = readerOf(body);
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await until(reader.read(), untrusted?.cut);
      if (done) break;
      // What undici's own readers refuse too (only a custom `fetch` can hand out such a body).
      if (!(value instanceof Uint8Array)) {
        throw new TypeError(`Response from ${answered().url}: a body chunk is not a Uint8Array`);
      }
      total += value.byteLength;
      const declared = chunks.length === 1 ? declaredDecodedLength(response.headers) : 0;
      if (total > maxBytes || declared > maxBytes) {
        throw responseTooLarge(answered(), maxBytes, declared > maxBytes ? declared : undefined);
      }
      chunks.push(value);
    }
  } catch (err) {
    release(reader, err);
    throw err;
  }
  if (chunks.length !== 1) return concatBytes(chunks, total);
  // A custom `fetch` may keep (and later change) the buffer it handed out: only undici's are ours.
  return untrusted === undefined ? owned(chunks[0]!) : new Uint8Array(chunks[0]!);
}

/**
 * A body from a `fetch` that is not Node's own: each read is cut short by the attempt's abort (such a
 * body may not follow the signal), and a chunk is copied rather than kept.
 */
export interface UntrustedBody {
  /** Rejects with the attempt's abort reason. */
  readonly cut: Promise<never>;
}

/** What is read of a body: a web stream's reader, or the same two steps over a Node stream. */
type BodyReader<T> = Pick<ReadableStreamDefaultReader<T>, 'read' | 'cancel'>;

/** A Node stream (or an object that may be one): what node-fetch 2 gives as `body`. */
interface NodeBody {
  getReader?: unknown;
  destroy?: () => void;
  once?: (event: 'unpipe', listener: (source: NodeBody) => void) => void;
  [Symbol.asyncIterator]?: () => AsyncIterator<unknown>;
}

/**
 * The reader of a response body: a web stream's own, or, for a `fetch` whose `body` is a Node stream
 * (node-fetch 2) or another async iterable, one over its iterator, whose cancel destroys the stream
 * (its socket is let go).
 */
export function readerOf<T>(body: ReadableStream<T>): BodyReader<T> {
  const other = body as unknown as NodeBody;
  if (typeof other.getReader === 'function') return body.getReader();
  // Not iterable either: the call throws a TypeError saying so.
  const iterator = (other[Symbol.asyncIterator] as () => AsyncIterator<unknown>).call(body);
  return {
    read: () => iterator.next() as Promise<ReadableStreamReadResult<T>>,
    cancel: () => {
      discardBody(body);
      return Promise.resolve();
    },
  };
}

/**
 * Cancels the rest of a body that is given up on, so that its connection is released, without waiting
 * for the cancel to finish: a stream's cancel may never settle, and the attempt must end now.
 */
export function release(
  reader: Pick<ReadableStreamDefaultReader<unknown>, 'cancel'>,
  reason?: unknown,
): void {
  reader.cancel(reason).catch(() => {});
}

/**
 * The body's length as `content-length` declares it, when that is the length of the decoded bytes:
 * with a `content-encoding` it counts the encoded bytes, which may be more than the decoded ones
 * (incompressible data gzipped), so it says nothing about the cap. `NaN` when unknown.
 */
function declaredDecodedLength(headers: Headers): number {
  const encoding = headers.get('content-encoding');
  if (encoding !== null && encoding.trim().toLowerCase() !== 'identity') return Number.NaN;
  return Number(headers.get('content-length') ?? Number.NaN);
}

/**
 * A chunk as bytes of the response's own: kept when it is a plain `Uint8Array` over a whole buffer (what
 * undici hands out), else copied (a view into a larger or pooled buffer, a `Buffer`).
 */
function owned(chunk: Uint8Array): Uint8Array<ArrayBuffer> {
  const whole = chunk.byteOffset === 0 && chunk.byteLength === chunk.buffer.byteLength;
  return whole && chunk.constructor === Uint8Array && chunk.buffer instanceof ArrayBuffer
    ? (chunk as Uint8Array<ArrayBuffer>)
    : new Uint8Array(chunk);
}

/**
 * The start of an error response's body as text (at most `ERROR_BODY_BYTES`); `undefined` for binary
 * bodies. Never rejects: the status is what the error is about, so a body that is cut off, or that the
 * attempt's timeout or the caller's signal interrupts, gives the snippet read so far (the status would
 * otherwise be lost, and a 404 retried as a network error).
 */
export async function readErrorBody(
  response: Response,
  untrusted?: UntrustedBody,
): Promise<string | undefined> {
  const type = response.headers.get('content-type') ?? '';
  if (response.body === null || (type !== '' && !/text|json|xml|html|problem/i.test(type))) {
    if (response.body !== null) discardBody(response.body);
    return undefined;
  }
  const reader = readerOf(response.body);
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    while (total < ERROR_BODY_BYTES) {
      const { done, value } = await until(reader.read(), untrusted?.cut);
      // Only a custom `fetch` hands out other chunks (strings): the snippet stops there.
      if (done || !(value instanceof Uint8Array)) break;
      chunks.push(value);
      total += value.byteLength;
    }
  } catch {
    // Cut off or aborted: keep what arrived.
  }
  release(reader);
  if (total === 0) return undefined;
  return new TextDecoder().decode(concatBytes(chunks, Math.min(total, ERROR_BODY_BYTES)));
}

/**
 * Destroys a Node stream and, as a web stream's cancel reaches back through its pipes, what is piped
 * into it: node-fetch 2's body is a PassThrough fed by the response (through an inflater when
 * encoded), and destroying only the body leaves the response paused with its socket open for ever.
 * The source is known by the 'unpipe' the destroy makes it emit. Without a reason: no 'error'.
 */
function destroyWithSources(stream: NodeBody): void {
  stream.once?.('unpipe', destroyWithSources);
  stream.destroy?.();
}

/** Cancels a body nobody will read (see `release`: not waited for). */
export function discardBody(body: ReadableStream<unknown>): void {
  const other = body as unknown as NodeBody;
  // A Node stream (node-fetch 2) has no cancel.
  if (typeof other.getReader !== 'function') destroyWithSources(other);
  else body.cancel().catch(() => {});
}

/** Statuses whose response has no body by definition. */
export function hasNullBody(method: string, status: number): boolean {
  return method === 'HEAD' || status === 204 || status === 205 || status === 304;
}
