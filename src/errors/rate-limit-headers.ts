import { parseRetryAfter, readHeader } from './retry-after.js';

/** Header values longer than this are not parsed: no real wait time needs more, and it bounds the work. */
const MAX_VALUE_LENGTH = 64;
/** `X-RateLimit-Reset` values above this are epoch seconds (any date after 2001), below it delta seconds. */
const EPOCH_SECONDS_FLOOR = 1_000_000_000;

const DECIMAL = /^\d{1,12}(\.\d{1,6})?$/;

function header(headers: unknown, name: string): string | undefined {
  const value = readHeader(headers, name)?.trim();
  return value === undefined || value === '' || value.length > MAX_VALUE_LENGTH ? undefined : value;
}

function seconds(value: string | undefined): number | undefined {
  return value !== undefined && DECIMAL.test(value) ? Number(value) : undefined;
}

/**
 * How long a response asks the client to wait, in ms from `nowMs`, from the first of:
 * `Retry-After` (delta seconds or an HTTP date; the longest of several); when `rateLimited`, also the rate-limit headers in use
 * today: `RateLimit-Reset` (IETF draft, delta seconds), `RateLimit` (`reset=30` or `t=30`),
 * `X-RateLimit-Reset-After` (seconds) and `X-RateLimit-Reset` (epoch seconds when it looks like a date
 * after 2001, else delta seconds). `undefined` when none is present and well-formed.
 *
 * A reset header says when the window refills, which only matters to a request that was refused for
 * the rate limit; that is why they are read only when `rateLimited`.
 *
 * @param headers a `Headers`, a `Map` or a plain object (any case)
 * @param nowMs the current time in epoch ms (for dates)
 * @param rateLimited whether the response was refused for a rate limit (429, or a rate-limit 403)
 *
 * @example
 * ```ts
 * import { waitFromHeaders } from 'gcp-pipeline-resilience';
 *
 * waitFromHeaders(new Headers({ 'retry-after': '2' }), Date.now(), false); // 2000
 * waitFromHeaders(new Headers({ 'x-ratelimit-reset': '1767225630' }), 1767225600_000, true); // 30000
 * ```
 */
export function waitFromHeaders(headers: unknown, nowMs: number, rateLimited: boolean): number | undefined {
  // Not length-capped as the others are: a Retry-After of 400 digits asks for a very long wait, and
  // ignoring it would retry after the backoff, sooner than asked. Bounded by the server's header size.
  const retryAfter = readHeader(headers, 'retry-after');
  if (retryAfter !== undefined) {
    const ms = parseRetryAfter(retryAfter, nowMs);
    if (ms !== undefined) return ms;
  }
  if (!rateLimited) return undefined;
  const reset = seconds(header(headers, 'ratelimit-reset'));
  if (reset !== undefined) return Math.round(reset * 1000);
  const structured = header(headers, 'ratelimit');
  if (structured !== undefined) {
    const match = /(?:^|[;,\s])(?:reset|t)=(\d{1,12})(?![\w.])/.exec(structured);
    if (match) return Number(match[1]) * 1000;
  }
  const after = seconds(header(headers, 'x-ratelimit-reset-after'));
  if (after !== undefined) return Math.round(after * 1000);
  const xReset = seconds(header(headers, 'x-ratelimit-reset'));
  if (xReset !== undefined) {
    return xReset >= EPOCH_SECONDS_FLOOR
      ? Math.max(0, Math.round(xReset * 1000 - nowMs))
      : Math.round(xReset * 1000);
  }
  return undefined;
}

/**
 * Whether the response's headers say the caller's rate-limit quota is used up
 * (`X-RateLimit-Remaining: 0` or `RateLimit-Remaining: 0`), as APIs that answer 403 for a rate limit
 * (GitHub) do.
 */
export function quotaExhausted(headers: unknown): boolean {
  const remaining = header(headers, 'x-ratelimit-remaining') ?? header(headers, 'ratelimit-remaining');
  return remaining === '0';
}
