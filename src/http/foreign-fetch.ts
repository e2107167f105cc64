import { PipelineError } from '../errors/index.js';

/**
 * Whether `fetchImpl` is node-fetch 2's `fetch`, or cross-fetch's over it: their statics (`isRedirect`
 * and `Promise`, or cross-fetch's `ponyfill`), which neither Node's `fetch` nor node-fetch 3 has.
 */
function isNodeFetch2(fetchImpl: unknown): boolean {
  const statics = fetchImpl as { isRedirect?: unknown; Promise?: unknown; ponyfill?: unknown };
  return (
    (typeof statics.isRedirect === 'function' && statics.Promise !== undefined) || statics.ponyfill === true
  );
}

/**
 * The refusal of a request body that `fetchImpl` cannot send, before anything is sent; `undefined` when
 * it can (or when it is not a `fetch` known to be unable). node-fetch 2 takes a `Blob` (or `File`) for
 * its own and fails on it after the request has started (`body.stream(...).pipe is not a function`,
 * leaving the request open), and sends a platform `FormData` as the text `[object FormData]`.
 */
export function unsendableBody(fetchImpl: unknown, body: unknown): PipelineError | undefined {
  if (typeof body !== 'object' || body === null || !isNodeFetch2(fetchImpl)) return undefined;
  const kind = (body as { [Symbol.toStringTag]?: unknown })[Symbol.toStringTag];
  if (kind !== 'Blob' && kind !== 'File' && kind !== 'FormData') return undefined;
  const form = kind === 'FormData';
  return new PipelineError(
    `resilientFetch init.body: node-fetch 2 (the fetch option) cannot send a ${kind} body${form ? ' (it sends "[object FormData]")' : ''}; pass ${form ? "form-data's FormData" : 'its bytes'} or use Node's fetch`,
    { code: 'UNSUPPORTED_REQUEST_BODY', transient: false },
  );
}
