import { PipelineError } from '../errors/index.js';
import { concatBytes } from './bytes.js';

/** Default cap on a buffered response body: 64 MiB. */
export const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024 * 1024;
/** How much of an error response is read for the error's body snippet. */
export const ERROR_BODY_BYTES = 8 * 1024;

/** A response body over `maxResponseBytes`: not transient (the next attempt gets the same body). */
export function responseTooLarge(url: string, limit: number, seen: number | undefined): PipelineError {
  return new PipelineError(
    `Response from ${url} is larger than maxResponseBytes (${limit} bytes${seen === undefined ? '' : `; content-length ${seen}`}); raise maxResponseBytes or pass bufferBody: false and stream it`,
    { code: 'RESPONSE_TOO_LARGE', transient: false },
  );
}

/**
 * Whether `arrayBuffer()` may read the body whole: its `content-length` is within `maxBytes` and it is
 * not encoded (undici refuses a body longer than it declares, but decompresses an encoded one past
 * its declared length). The usual case, checked without an async step; `readBodyCapped` does the rest.
 */
export function declaredWithin(response: Response, maxBytes: number): boolean {
  const { headers } = response;
  const length = headers.get('content-length');
  return length !== null && Number(length) <= maxBytes && headers.get('content-encoding') === null;
}

/**
 * Reads a whole body into memory, refusing more than `maxBytes`: at once when `content-length` says
 * so, else while reading. The read is cut by the signal `fetch` was given (the attempt's timeout).
 */
export async function readBodyCapped(
  response: Response,
  maxBytes: number,
  urlForMessages: () => string,
): Promise<Uint8Array<ArrayBuffer>> {
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  if (declared > maxBytes) {
    await response.body?.cancel().catch(() => {});
    throw responseTooLarge(urlForMessages(), maxBytes, declared);
  }
  if (response.body === null) return new Uint8Array(0);
  // A declared length within the cap: undici already refuses a body longer than it says.
  if (Number.isFinite(declared) && !response.headers.has('content-encoding')) {
    return new Uint8Array(await response.arrayBuffer());
  }
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => {});
      throw responseTooLarge(urlForMessages(), maxBytes, undefined);
    }
    chunks.push(value);
  }
  return concatBytes(chunks, total);
}

/**
 * The start of an error response's body as text (at most `ERROR_BODY_BYTES`); `undefined` for binary
 * bodies. Never rejects: the status is what the error is about, so a body that is cut off, or that the
 * attempt's timeout or the caller's signal interrupts, gives the snippet read so far (the status would
 * otherwise be lost, and a 404 retried as a network error).
 */
export async function readErrorBody(response: Response): Promise<string | undefined> {
  const type = response.headers.get('content-type') ?? '';
  if (response.body === null || (type !== '' && !/text|json|xml|html|problem/i.test(type))) {
    await response.body?.cancel().catch(() => {});
    return undefined;
  }
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    while (total < ERROR_BODY_BYTES) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      total += value.byteLength;
    }
  } catch {
    // Cut off or aborted: keep what arrived.
  }
  await reader.cancel().catch(() => {});
  if (total === 0) return undefined;
  return new TextDecoder().decode(concatBytes(chunks, Math.min(total, ERROR_BODY_BYTES)));
}

/** Statuses whose response has no body by definition. */
export function hasNullBody(method: string, status: number): boolean {
  return method === 'HEAD' || status === 204 || status === 205 || status === 304;
}
