import { MAX_RETRY_AFTER_MS, parseRetryAfter, readHeader } from './retry-after.js';

/** Header values longer than this are not parsed: no real wait time needs more, and it bounds the work. */
const MAX_VALUE_LENGTH = 64;
/** Reset values from here on are epoch seconds (any date after 2001): no API asks for a 31-year wait. */
const EPOCH_SECONDS_FLOOR = 1_000_000_000;
/** Reset values from here on are epoch milliseconds (any date after 2001). */
const EPOCH_MS_FLOOR = 1_000_000_000_000;

const DECIMAL = /^\d{1,13}(\.\d{1,6})?$/;

/** A wait in ms, never negative, at most `MAX_RETRY_AFTER_MS` (what `Retry-After` is capped to). */
function bounded(ms: number): number {
  return Math.min(MAX_RETRY_AFTER_MS, Math.max(0, Math.round(ms)));
}

/**
 * The wait a reset value asks for: the header names say "seconds until the reset" or "the reset's
 * epoch time" depending on the API, so the size of the value decides: epoch milliseconds, epoch
 * seconds, else delta seconds.
 */
function untilReset(value: number, nowMs: number): number {
  if (value >= EPOCH_MS_FLOOR) return bounded(value - nowMs);
  if (value >= EPOCH_SECONDS_FLOOR) return bounded(value * 1000 - nowMs);
  return bounded(value * 1000);
}

function header(headers: unknown, name: string): string | undefined {
  const value = readHeader(headers, name)?.trim();
  return value === undefined || value === '' || value.length > MAX_VALUE_LENGTH ? undefined : value;
}

/**
 * A plain decimal, or the largest of several (a header sent twice, which `Headers` joins with commas:
 * the later reset is the one that holds).
 */
function seconds(value: string | undefined): number | undefined {
  let largest: number | undefined;
  for (const piece of value?.split(',') ?? []) {
    const trimmed = piece.trim();
    if (DECIMAL.test(trimmed)) largest = Math.max(largest ?? 0, Number(trimmed));
  }
  return largest;
}

/**
 * How long a response asks the client to wait, in ms from `nowMs`, from the first of:
 * `Retry-After` (delta seconds or an HTTP date; the longest of several); when `rateLimited`, also the rate-limit headers in use
 * today: `RateLimit-Reset` (IETF draft), `RateLimit` (`reset=30` or `t=30`), `X-RateLimit-Reset-After`
 * (delta seconds) and `X-RateLimit-Reset`. APIs send the reset headers as delta seconds or as an epoch
 * time, so a value that reads as a date after 2001 is one (epoch milliseconds from 10^12, epoch
 * seconds from 10^9), and anything smaller is delta seconds. Every wait is at most 2^31 - 1 ms, as
 * `Retry-After`'s. `undefined` when none is present and well-formed.
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
  if (reset !== undefined) return untilReset(reset, nowMs);
  const structured = header(headers, 'ratelimit');
  if (structured !== undefined) {
    const match = /(?:^|[;,\s])(?:reset|t)=(\d{1,13})(?![\w.])/.exec(structured);
    if (match) return untilReset(Number(match[1]), nowMs);
  }
  const after = seconds(header(headers, 'x-ratelimit-reset-after'));
  if (after !== undefined) return bounded(after * 1000);
  const xReset = seconds(header(headers, 'x-ratelimit-reset'));
  if (xReset !== undefined) return untilReset(xReset, nowMs);
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
