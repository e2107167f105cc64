import { Readable } from 'node:stream';
import { urlForErrors } from '../errors/index.js';
import { abortReason } from '../retry/clock.js';
import { onAbort } from '../shared/abort-fanout.js';
import { concatBytes } from './bytes.js';
import { requestSecrets, withoutRequestSecrets } from './request-secrets.js';

/** Default cap on a stream request body buffered so that it can be sent again: 8 MiB. */
export const DEFAULT_MAX_REQUEST_BODY_BYTES = 8 * 1024 * 1024;

/** Methods that RFC 9110 defines as idempotent: sending them twice has the effect of sending them once. */
const IDEMPOTENT_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS', 'TRACE']);

/**
 * A request made replayable once, before the first attempt: every attempt sends the same URL, method,
 * headers and body.
 */
export interface PreparedRequest {
  readonly url: string;
  /** The URL's `host` (with the port when there is one). */
  readonly host: string;
  /** Upper case. */
  readonly method: string;
  /** An idempotent method, or a non-empty `Idempotency-Key` header: safe to send twice. */
  readonly idempotent: boolean;
  /** The caller's cancellation (`init.signal`, else the `Request`'s own signal). */
  readonly signal: AbortSignal | undefined;
  /** What every attempt passes to `fetch`, without `signal` (each attempt adds its own). */
  readonly init: RequestInit;
  /**
   * Redirects are followed here, not by `fetch` (the request lets `fetch` follow them): each hop is
   * governed by the limits and the breaker of the host it goes to, a header that may be a credential
   * stays behind when the origin changes, and the first answer tells a request that may not be sent
   * twice that it was received (see `redirects.ts`).
   */
  readonly followsRedirects: boolean;
}

function isStreamBody(body: unknown): body is ReadableStream<Uint8Array> | AsyncIterable<Uint8Array> {
  if (typeof body !== 'object' || body === null) return false;
  if (typeof ReadableStream === 'function' && body instanceof ReadableStream) return true;
  // Node streams and async generators: fetch accepts them, but they can be read only once.
  return Symbol.asyncIterator in body && !(body instanceof URLSearchParams) && !(body instanceof FormData);
}

/** One chunk at a time from a stream or an async iterable, and a way to stop it early. */
interface ChunkSource {
  next(): Promise<IteratorResult<Uint8Array | string, unknown>>;
  stop(reason: unknown): void;
}

function chunkSource(
  body: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>,
  what: string,
): ChunkSource {
  const web = typeof ReadableStream === 'function' && body instanceof ReadableStream;
  // `fetch` refuses a web or Node stream that was read from (or is locked); reading it here would
  // send what is left of it (nothing, for one read to its end) as if it were the whole body.
  // `Readable.isDisturbed` reads web streams too (its types name only Node's); a generator is never.
  if ((web && body.locked) || Readable.isDisturbed(body as unknown as Readable)) {
    throw new TypeError(`resilientFetch ${what}: stream already read or locked`);
  }
  if (web) {
    const reader = body.getReader();
    return {
      next: () => reader.read() as Promise<IteratorResult<Uint8Array, unknown>>,
      stop: (reason) => void reader.cancel(reason).catch(() => {}),
    };
  }
  const iterator = (body as AsyncIterable<Uint8Array | string>)[Symbol.asyncIterator]();
  return {
    next: () => iterator.next(),
    // Not awaited: an async generator suspended in an await finishes that await before it returns.
    stop: (reason) => void Promise.resolve(iterator.return?.(reason)).catch(() => {}),
  };
}

/** What a chunk is, for a message: its type, or its class. */
function describeChunk(chunk: unknown): string {
  if (chunk === null || typeof chunk !== 'object') return chunk === null ? 'null' : typeof chunk;
  return (chunk as object).constructor?.name ?? 'an object without a prototype';
}

/**
 * Reads a stream body into one buffer, refusing more than `maxBytes` as soon as it is passed (the rest
 * is never read). An abort of `signal` stops the read at once, cancels the stream with the signal's
 * reason and rejects with it, as the request itself would.
 */
async function bufferStream(
  body: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>,
  maxBytes: number,
  signal: AbortSignal | undefined,
  what: string,
): Promise<Uint8Array<ArrayBuffer>> {
  if (signal?.aborted) throw abortReason(signal);
  const source = chunkSource(body, what);
  let removeListener: (() => void) | undefined;
  const aborted =
    signal === undefined
      ? undefined
      : new Promise<never>((_, reject) => {
          removeListener = onAbort(signal, () => reject(abortReason(signal)));
        });
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await (aborted ? Promise.race([source.next(), aborted]) : source.next());
      if (done) break;
      const bytes = typeof value === 'string' ? new TextEncoder().encode(value) : value;
      if (!(bytes instanceof Uint8Array)) {
        throw new TypeError(
          `resilientFetch ${what}: a chunk of the stream body is not a Uint8Array or a string (got ${describeChunk(bytes)})`,
        );
      }
      total += bytes.byteLength;
      if (total > maxBytes) {
        throw new TypeError(
          `resilientFetch ${what}: a stream body is buffered so that a retry can send it again, and this one is over maxRequestBodyBytes (${maxBytes} bytes); pass a Blob, an ArrayBuffer or a string, or raise maxRequestBodyBytes`,
        );
      }
      chunks.push(bytes);
    }
  } catch (err) {
    source.stop(err);
    throw err;
  } finally {
    removeListener?.();
  }
  return concatBytes(chunks, total);
}

/**
 * Reads `fetch`'s two arguments into a `PreparedRequest`. Strings, `URLSearchParams`, `FormData`,
 * `Blob`s, `ArrayBuffer`s and typed arrays are sent again as they are; a `ReadableStream` or async
 * iterable body, and a `Request`'s body, are buffered here (up to `maxRequestBodyBytes`, else a
 * `TypeError` before anything is sent). A `Request` input gives its method, headers, body, redirect
 * mode and signal; `init` overrides them, as with `fetch` (`init.signal: null` drops the Request's
 * signal). Synchronous unless a body has to be buffered; throws the `TypeError` of a bad argument.
 */
export function prepareRequest(
  input: string | URL | Request,
  init: RequestInit | undefined,
  maxRequestBodyBytes: number,
): PreparedRequest | Promise<PreparedRequest> {
  const request = typeof Request === 'function' && input instanceof Request ? input : undefined;
  const url = request ? request.url : String(input);
  const host = hostOf(url);
  if (request === undefined && (init === undefined || isEmpty(init))) {
    return {
      url,
      host,
      method: 'GET',
      idempotent: true,
      signal: undefined,
      init: NO_INIT,
      followsRedirects: true,
    };
  }
  // Only what the caller gave goes to fetch: every key it has to read costs time on every attempt.
  const merged: RequestInit = {};
  let signal: AbortSignal | undefined = request?.signal;
  if (request) {
    if (request.bodyUsed) {
      throw new TypeError('resilientFetch input: the Request body was already read, so it cannot be sent');
    }
    merged.method = request.method;
    merged.headers = request.headers;
    merged.redirect = request.redirect;
    merged.keepalive = request.keepalive;
  }
  if (init !== undefined) {
    for (const key of Object.keys(init) as Array<keyof RequestInit>) {
      if (key === 'signal') {
        // As in fetch: an absent (undefined) signal keeps the Request's, null removes it.
        if (init.signal !== undefined) signal = init.signal ?? undefined;
      } else (merged as Record<string, unknown>)[key] = init[key];
    }
  }
  const method = merged.method === undefined ? 'GET' : merged.method.toUpperCase();
  if (merged.method !== undefined) merged.method = method;
  const requestBody = request !== undefined && request.body !== null && init?.body === undefined;
  if (!requestBody && !isStreamBody(merged.body)) return finish(url, host, method, signal, merged);
  return (async () => {
    if (requestBody) {
      merged.body = await bufferStream(
        request.body as ReadableStream<Uint8Array>,
        maxRequestBodyBytes,
        signal,
        'input (the Request body)',
      );
    } else {
      merged.body = await bufferStream(
        merged.body as ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>,
        maxRequestBodyBytes,
        signal,
        'init.body',
      );
      delete (merged as { duplex?: string }).duplex;
    }
    return finish(url, host, method, signal, merged);
  })();
}

/** Hosts of the URL prefixes seen lately (see `hostOf`); cleared when full. */
const hostsByAuthority = new Map<string, string>();
const MAX_AUTHORITIES = 512;

/**
 * The start of an http(s) URL up to the end of its authority (user info, host, port): the first `/`,
 * `\`, `?` or `#` after `//`, as the URL standard reads it. The host, and whether the URL parses at
 * all, depend only on this part (the parser never fails in a path, query or fragment). `undefined`
 * when the host is not inside it (an empty authority, as in `http:///host`, or a tab or newline).
 */
function authorityOf(url: string): string | undefined {
  let start: number;
  if (url.startsWith('https://')) start = 8;
  else if (url.startsWith('http://')) start = 7;
  else return undefined;
  for (let i = start; i < url.length; i++) {
    const c = url.charCodeAt(i);
    // Tab and newlines are dropped by the parser, and slashes right after `//` are skipped: either
    // way the host is further on, so such a URL is not keyed by this prefix.
    if (c === 9 || c === 10 || c === 13) return undefined;
    if (c === 47 || c === 92 || c === 63 || c === 35) return i === start ? undefined : url.slice(0, i);
  }
  return url;
}

/**
 * The URL's host (with its port when there is one), checked: an absolute URL without user info. A
 * scraper calls a few hosts many times, so the parse of each authority is remembered and the rest of
 * the URL is left to `fetch`, which parses it anyway.
 */
function hostOf(url: string): string {
  // A scraper often calls the same URL again: the same string needs no scan at all.
  if (url === lastUrl) return lastHost;
  const host = parseHost(url);
  lastUrl = url;
  lastHost = host;
  return host;
}

let lastUrl: string | undefined;
let lastHost = '';

function parseHost(url: string): string {
  const authority = authorityOf(url);
  const known = authority === undefined ? undefined : hostsByAuthority.get(authority);
  if (known !== undefined) return known;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TypeError(`resilientFetch input: not an absolute URL: ${urlForErrors(url)}`);
  }
  // fetch refuses these too, but with the whole URL (password included) in its message.
  if (parsed.username !== '' || parsed.password !== '') {
    throw new TypeError(
      `resilientFetch input: the URL carries a user name or password (${urlForErrors(url)}), which fetch refuses; send credentials in an Authorization header`,
    );
  }
  if (authority !== undefined) {
    if (hostsByAuthority.size >= MAX_AUTHORITIES) hostsByAuthority.clear();
    hostsByAuthority.set(authority, parsed.host);
  }
  return parsed.host;
}

/** The `init` of a plain GET: nothing for fetch to read. */
export const NO_INIT: RequestInit = /* @__PURE__ */ Object.freeze({});

function isEmpty(init: RequestInit): boolean {
  for (const _ in init) return false;
  return true;
}

/**
 * The request's `Idempotency-Key` (empty when none). A header value the platform refuses (a CR, LF
 * or NUL in a pasted key) throws its `TypeError`, which quotes the value: the request's own values
 * are taken out of it first, as out of what `fetch` throws.
 */
function idempotencyKeyOf(url: string, init: RequestInit): string {
  try {
    return new Headers(init.headers).get('idempotency-key') ?? '';
  } catch (err) {
    throw withoutRequestSecrets(err, requestSecrets(url, init));
  }
}

function finish(
  url: string,
  host: string,
  method: string,
  signal: AbortSignal | undefined,
  init: RequestInit,
): PreparedRequest {
  if (init.body !== undefined && init.body !== null && (method === 'GET' || method === 'HEAD')) {
    throw new TypeError(`resilientFetch init.body: a ${method} request cannot have a body`);
  }
  // An empty key names no operation, so the server has nothing to recognize a repeat by.
  const idempotent = IDEMPOTENT_METHODS.has(method) || idempotencyKeyOf(url, init) !== '';
  const followsRedirects = init.redirect === undefined || init.redirect === 'follow';
  return { url, host, method, idempotent, signal, init, followsRedirects };
}
