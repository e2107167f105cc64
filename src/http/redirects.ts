import { HttpError, urlForErrors } from '../errors/index.js';
import { statusText } from '../errors/status-table.js';
import type { FetchFunction } from './options.js';
import { isDescriptiveHeader } from './request-secrets.js';
import { discardBody } from './response-body.js';
import { describeAs } from './response-view.js';

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
 * The refusal of a redirect that would send the request's body to another origin: the status that
 * asked for it (a permanent `HttpError`, code `REDIRECTION`), the URL that answered and the origin
 * only of the one it named (its path and query are the other server's business, and may hold a token).
 */
function bodyRedirectRefused(response: Response, from: URL, to: URL, method: string): HttpError {
  const { status } = response;
  const url = urlForErrors(from.href);
  const reason = statusText(status);
  return new HttpError(
    `HTTP ${status}${reason && ` ${reason}`} from ${method} ${url}: not followed, it would send the body to ${to.origin}; use the final URL or followCrossOriginBodyRedirects: true`,
    { status, url, method, statusText: reason, transient: false },
  );
}

/**
 * `response`, when it is a server's answer; else what to throw: a network-error `Response` (status 0,
 * from a polyfill or a test double) as `fetch` rejects a dropped connection, anything that is not a
 * `Response` as what it is. A hand-written double with a status but no `headers` or `body` (null
 * or a stream) is no `Response` either: it would fail later, inside the call, on what it lacks.
 */
export function checkedAnswer(response: Response): Response {
  const answer = response as Partial<Response> | undefined;
  const status = answer?.status;
  if (
    typeof status === 'number' &&
    status > 0 &&
    typeof answer?.headers?.get === 'function' &&
    answer.body !== undefined
  )
    return response;
  throw status === 0
    ? refused('network error (a Response of status 0)')
    : new TypeError(`the fetch option resolved to ${typeof response}, not a Response`);
}

/** Whether a response with this status may be a redirect to follow (it still needs a `Location`). */
export function isRedirectStatus(status: number): boolean {
  return REDIRECT_STATUSES.has(status);
}

/**
 * Follows the redirects of `first`, the answer to `url` sent with `init` (`redirect: 'manual'`),
 * here rather than in `fetch`, for two reasons. Credentials: `fetch` drops only `Authorization`,
 * `Cookie` and `Proxy-Authorization` when a redirect leaves the origin, and would hand an `X-Api-Key`
 * (or any header of an API's own naming) to whichever host the redirect names; here every header but
 * the descriptive ones (`accept`, `content-type`, `user-agent`, ...) stays behind when the origin
 * changes. Per-host limits: `beforeHop` is awaited before each hop is sent, with the URL it goes to,
 * so that the hop is governed by that host's limits and breaker. Otherwise as `fetch` follows: 20
 * redirects at most, 303 (and 301/302 after a POST) becomes a GET without the body, and the response
 * says `redirected`. No hop is sent once `init.signal` has aborted. A hop that would send the body
 * to another origin (a 307/308, or a 301/302 of a method other than POST) is refused with a
 * permanent `HttpError` unless `bodyToOtherOrigins`: the caller posted its data to one server.
 */
export async function followRedirects(
  fetchImpl: FetchFunction,
  url: string,
  init: RequestInit,
  first: Response,
  beforeHop?: (next: URL) => Promise<void> | undefined,
  bodyToOtherOrigins = false,
): Promise<Response> {
  let current = new URL(url);
  let hop = init;
  let response = first;
  for (let redirects = 0; ; redirects++) {
    const location = REDIRECT_STATUSES.has(response.status) ? response.headers.get('location') : null;
    if (location === null) {
      // Its clones too: the platform's clone() would not see a property laid over the response.
      if (redirects > 0) describeAs(response, { redirected: true });
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
      if (!toGet && hop.body !== undefined && hop.body !== null && !bodyToOtherOrigins) {
        throw bodyRedirectRefused(response, current, next, method);
      }
      const names: string[] = [];
      headers.forEach((_, name) => {
        if (!isDescriptiveHeader(name)) names.push(name);
      });
      for (const name of names) headers.delete(name);
    }
    hop = toGet ? { ...hop, method: 'GET', body: null, headers } : { ...hop, headers };
    current = next;
    const waiting = beforeHop?.(next);
    if (waiting !== undefined) {
      await waiting;
      // The wait may have outlasted the attempt: a `fetch` that ignores its signal would still send.
      const signal: AbortSignal | undefined | null = init.signal;
      if (signal?.aborted === true) throw signal.reason;
    }
    response = checkedAnswer(await fetchImpl(current.href, hop));
  }
}
