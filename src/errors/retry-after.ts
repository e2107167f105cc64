/**
 * The longest delay a server can ask for that we keep: 2^31 - 1 ms (about 24.8 days), the largest
 * delay `setTimeout` honors. A bigger ask (a 400-digit `Retry-After`, a date in the year 9999) is
 * capped to it rather than becoming `Infinity`; the retry loop gives up on any ask above `maxDelayMs`.
 */
export const MAX_RETRY_AFTER_MS = 2_147_483_647;

function capped(ms: number): number | undefined {
  if (Number.isNaN(ms)) return undefined;
  return Math.min(MAX_RETRY_AFTER_MS, Math.max(0, Math.round(ms)));
}

const DELTA_SECONDS = /^\d+(\.\d+)?$/;

/**
 * The three forms of an HTTP date (RFC 9110): IMF-fixdate `Sun, 06 Nov 1994 08:49:37 GMT`, RFC 850
 * `Sunday, 06-Nov-94 08:49:37 GMT` and asctime `Sun Nov  6 08:49:37 1994`, all GMT. `Date.parse` alone
 * would read a zoneless date in the machine's time zone and accept almost anything that starts with
 * a day name ("Tuesday 2026").
 */
const HTTP_DATE =
  /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]{0,6}(?:, \d{1,2}[ -][A-Za-z]{3}[ -]\d{2,4} \d\d:\d\d:\d\d (?:GMT|UTC)| [A-Za-z]{3} {1,2}\d{1,2} \d\d:\d\d:\d\d \d{4})$/i;

function parseOne(value: string, nowMs: number): number | undefined {
  if (DELTA_SECONDS.test(value)) return capped(Number(value) * 1000);
  if (!HTTP_DATE.test(value)) return undefined;
  // asctime has no zone written: it is GMT by definition.
  const at = Date.parse(/\d$/.test(value) ? `${value} GMT` : value);
  return Number.isNaN(at) ? undefined : capped(at - nowMs);
}

/**
 * Parses an HTTP `Retry-After` value: delta seconds (`"120"`, also `"1.5"` leniently) or an HTTP date.
 * Returns milliseconds from `nowMs` (never negative, at most 2^31 - 1), or `undefined` when the value
 * is not either form. Several values (a response with more than one `Retry-After`, which `Headers`
 * joins with commas) give the longest wait among those that are one of the two forms.
 *
 * @param value the header value
 * @param nowMs the current time in epoch milliseconds, used for the HTTP-date form
 *
 * @example
 * ```ts
 * import { parseRetryAfter } from 'gcp-pipeline-resilience';
 *
 * parseRetryAfter('120', 0); // 120000
 * parseRetryAfter('Wed, 21 Oct 2015 07:28:00 GMT', Date.parse('Wed, 21 Oct 2015 07:27:30 GMT')); // 30000
 * parseRetryAfter('5, 30', 0); // 30000
 * ```
 */
export function parseRetryAfter(value: string, nowMs: number): number | undefined {
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  if (trimmed === '') return undefined;
  const single = parseOne(trimmed, nowMs);
  if (single !== undefined || !trimmed.includes(',')) return single;
  // A list: a comma also follows the day name of a date ("Sun, 01 Mar 2026 ..."), so a piece that is a
  // day name alone is joined with the next one.
  const pieces = trimmed.split(',').map((piece) => piece.trim());
  let longest: number | undefined;
  for (let i = 0; i < pieces.length; i++) {
    let piece = pieces[i]!;
    if (/^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]{0,6}$/i.test(piece) && i + 1 < pieces.length)
      piece = `${piece}, ${pieces[++i]!}`;
    // A piece that is not a wait (a proxy's garbage next to the API's value) asks for nothing.
    const ms = parseOne(piece, nowMs);
    if (ms !== undefined) longest = Math.max(longest ?? 0, ms);
  }
  return longest;
}

/**
 * Reads one header from a plain object (any case) or from a `Headers`/`Map`-like object with `get`.
 * Never throws: a `get` or a getter that throws counts as "no such header".
 */
export function readHeader(headers: unknown, name: string): string | undefined {
  if (typeof headers !== 'object' || headers === null) return undefined;
  try {
    const getter = (headers as { get?: unknown }).get;
    if (typeof getter === 'function') {
      const value: unknown = getter.call(headers, name) ?? getter.call(headers, name.toLowerCase());
      return headerString(value);
    }
    const wanted = name.toLowerCase();
    for (const key of Object.keys(headers)) {
      if (key.toLowerCase() === wanted) return headerString((headers as Record<string, unknown>)[key]);
    }
  } catch {
    // A hostile headers object: treat the header as absent.
  }
  return undefined;
}

function headerString(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  if (Array.isArray(value) && typeof value[0] === 'string') return value[0];
  return undefined;
}

/**
 * Converts a protobuf `Duration` as the Google clients hand it over into milliseconds: `{seconds, nanos}`
 * where `seconds` is a number, a string, a bigint or a protobufjs `Long`; or the JSON form `"2.5s"`.
 * Capped at 2^31 - 1 ms; `undefined` for anything else, including a `Long` whose `toNumber` throws.
 */
export function durationToMs(duration: unknown): number | undefined {
  try {
    if (typeof duration === 'string') {
      const match = /^(\d{1,20}(?:\.\d{1,9})?)s$/.exec(duration.trim());
      return match ? capped(Number(match[1]) * 1000) : undefined;
    }
    if (typeof duration !== 'object' || duration === null) return undefined;
    const { seconds, nanos } = duration as { seconds?: unknown; nanos?: unknown };
    const s = longToNumber(seconds);
    const n = typeof nanos === 'number' && Number.isFinite(nanos) ? nanos : 0;
    if (s === undefined && typeof nanos !== 'number') return undefined;
    return capped((s ?? 0) * 1000 + n / 1e6);
  } catch {
    return undefined;
  }
}

function longToNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'string' && /^\d{1,20}$/.test(value)) return Number(value);
  if (typeof value === 'object' && value !== null) {
    const toNumber = (value as { toNumber?: unknown }).toNumber;
    if (typeof toNumber === 'function') {
      const n: unknown = toNumber.call(value);
      if (typeof n === 'number' && Number.isFinite(n)) return n;
    }
    const { low, high } = value as { low?: unknown; high?: unknown };
    if (typeof low === 'number' && typeof high === 'number') return high * 2 ** 32 + (low >>> 0);
  }
  return undefined;
}
