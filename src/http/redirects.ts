import type { FetchFunction } from './options.js';
import { isDescriptiveHeader } from './request-secrets.js';
import { discardBody } from './response-body.js';

const REDIRECT_STATUSES: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);
/** As `fetch`: the 21st redirect fails. */
const MAX_REDIRECTS = 20;
/** Headers that describe a body, dropped with the body when a redirect turns the request into a GET. */
const BODY_HEADERS = [
  'content-type',
  'content-encoding',
  'content-language',
  'content-location',
  'content-length',
];

/** A refusal worded as undici's `fetch` words it, so that it is classified the same (not transient). */
function refused(reason: string): TypeError {
  return new TypeError('fetch failed', { cause: new Error(reason) });
}

/**
 * `fetch` with redirects followed here rather than by `fetch`, for a request that carries a header
 * that may be a credential: `fetch` drops only `Authorization`, `Cookie` and `Proxy-Authorization`
 * when a redirect leaves the origin, and would hand an `X-Api-Key` (or any header of an API's own
 * naming) to whichever host the redirect names. Here every header but the descriptive ones
 * (`accept`, `content-type`, `user-agent`, ...) stays behind when the origin changes. Otherwise as
 * `fetch` follows: 20 redirects at most, 303 (and 301/302 after a POST) becomes a GET without the
 * body, and the response says `redirected`. No hop is sent once `init.signal` has aborted.
 * `onAnswer` is called on every answer: from the first on, the request was received, whatever follows.
 */
export async function fetchFollowingRedirects(
  fetchImpl: FetchFunction,
  url: string,
  init: RequestInit,
  onAnswer?: () => void,
): Promise<Response> {
  let current = new URL(url);
  let hop: RequestInit = { ...init, redirect: 'manual' };
  for (let redirects = 0; ; redirects++) {
    const response = await fetchImpl(current.href, hop);
    // The request reached a server: a later hop that cannot connect does not make it unsent.
    onAnswer?.();
    const location = REDIRECT_STATUSES.has(response.status) ? response.headers.get('location') : null;
    if (location === null) {
      if (redirects > 0) Object.defineProperty(response, 'redirected', { value: true });
      return response;
    }
    if (response.body !== null) discardBody(response.body);
    // A `fetch` that ignores its signal may answer after the attempt gave up: its redirect must not
    // be followed behind the retry's back (a 307 would send the POST again).
    if (init.signal?.aborted === true) throw init.signal.reason;
    if (redirects >= MAX_REDIRECTS) throw refused('redirect count exceeded');
    let next: URL;
    try {
      next = new URL(location, current);
    } catch {
      throw refused('invalid redirect location');
    }
    if (next.protocol !== 'http:' && next.protocol !== 'https:') {
      throw refused('URL scheme must be a HTTP(S) scheme');
    }
    const headers = new Headers(hop.headers);
    const method = (hop.method ?? 'GET').toUpperCase();
    const toGet =
      response.status === 303
        ? method !== 'GET' && method !== 'HEAD'
        : response.status !== 307 && response.status !== 308 && method === 'POST';
    if (toGet) for (const name of BODY_HEADERS) headers.delete(name);
    if (next.origin !== current.origin) {
      const names: string[] = [];
      headers.forEach((_, name) => {
        if (!isDescriptiveHeader(name)) names.push(name);
      });
      for (const name of names) headers.delete(name);
    }
    hop = toGet ? { ...hop, method: 'GET', body: null, headers } : { ...hop, headers };
    current = next;
  }
}
