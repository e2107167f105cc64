import * as z from 'zod';
import { KNOWN_SPORTS } from '../config/sports.js';
import { deferredSchema } from './deferred-schema.js';

/**
 * zod's own date expression (month lengths and leap years), reused for `target_date` below. Read when
 * used, not at import: Node's build loads zod on first use (src/shared/zod-on-demand.ts).
 */
const calendarDateRegex = (): RegExp => z.regexes.date;

/** The issue message of every date field, so a dead-lettered message says exactly what was wrong. */
const CALENDAR_DATE_MESSAGE = 'must be a real calendar date (YYYY-MM-DD)';

/**
 * A `YYYY-MM-DD` string that names a day that exists: `2026-13-45` and `2026-02-30` fail, `2024-02-29`
 * passes and `2025-02-29` fails: a well-shaped date that does not exist is refused.
 *
 * The check is zod's `z.iso.date()`, whose regular expression knows month lengths and leap years, so
 * the exported JSON Schema carries the same rule as a `pattern` (plus `format: "date"`).
 *
 * @example
 * ```ts
 * import { calendarDate } from 'gcp-pipeline-resilience';
 * calendarDate.parse('2026-01-24'); // '2026-01-24'
 * calendarDate.safeParse('2026-02-30').success; // false
 * ```
 */
export const calendarDate = deferredSchema(() => z.iso.date({ error: CALENDAR_DATE_MESSAGE }));

/**
 * True when `value` is a `YYYY-MM-DD` string naming a real calendar day (same rule as {@link calendarDate}).
 *
 * @example
 * ```ts
 * import { isCalendarDate } from 'gcp-pipeline-resilience';
 * isCalendarDate('2024-02-29'); // true
 * isCalendarDate('2023-02-29'); // false
 * ```
 */
export function isCalendarDate(value: unknown): value is string {
  return typeof value === 'string' && calendarDateRegex().test(value);
}

/**
 * The grading target: the words `today` or `yesterday`, or a real calendar date; `'tomorrow'` and
 * `'2026-02-30'` fail.
 * One regular expression (rather than a union) keeps the issue to one precise line and the JSON Schema
 * to one `pattern`.
 *
 * @example
 * ```ts
 * import { relativeOrCalendarDate } from 'gcp-pipeline-resilience';
 * relativeOrCalendarDate.parse('yesterday'); // 'yesterday'
 * relativeOrCalendarDate.safeParse('tomorrow').success; // false
 * ```
 */
export const relativeOrCalendarDate = deferredSchema(() =>
  z
    .string({ error: "must be 'today', 'yesterday' or a real calendar date (YYYY-MM-DD)" })
    .regex(new RegExp(`^(?:today|yesterday|${calendarDateRegex().source.slice(1, -1)})$`), {
      error: "must be 'today', 'yesterday' or a real calendar date (YYYY-MM-DD)",
    }),
);

/**
 * A count that cannot be negative. Whole numbers only: `3.5` fails, and so does a numeric string (JSON
 * producers send numbers).
 *
 * @example
 * ```ts
 * import { nonNegativeCount } from 'gcp-pipeline-resilience';
 * nonNegativeCount.parse(42); // 42
 * nonNegativeCount.safeParse(-1).success; // false: "must be >= 0"
 * ```
 */
export const nonNegativeCount = deferredSchema(() =>
  z.int({ error: countError }).min(0, { error: 'must be >= 0' }),
);

/**
 * The issue message of a count: an integer past `Number.MAX_SAFE_INTEGER` is reported as too large (it
 * is an integer, but JSON numbers beyond 2^53 - 1 arrive rounded), one below the safe range as
 * negative, anything else that is not a whole number as `must be an integer`.
 */
function countError(issue: { code: string }): string {
  if (issue.code === 'too_big')
    return `must be at most ${Number.MAX_SAFE_INTEGER} (a larger integer cannot be carried exactly in JSON)`;
  if (issue.code === 'too_small') return 'must be >= 0';
  return 'must be an integer';
}

/**
 * An optional field: the key may be absent, `undefined` or `null`, and the parsed value is `null` when
 * it was not given, so a consumer tests one value. Only optional fields accept `null`; a `null` on a
 * field with a default (`status`, `record_count`) is rejected, since it would silently become the
 * default.
 *
 * @internal
 */
export function optional<T extends z.ZodType>(schema: T) {
  return schema.nullable().default(null);
}

const BOOLEAN_WORDS = ['true', 'false', '1', '0', 'yes', 'no', 'on', 'off', 't', 'f', 'y', 'n'] as const;
const TRUE_WORDS: ReadonlySet<string> = new Set(['true', '1', 'yes', 'on', 't', 'y']);

/** Case-insensitive without the `i` flag, which a JSON Schema `pattern` cannot carry. */
const booleanWordPattern = new RegExp(
  `^(?:${BOOLEAN_WORDS.map((word) => [...word].map((c) => (/[a-z]/.test(c) ? `[${c}${c.toUpperCase()}]` : c)).join('')).join('|')})$`,
);

/**
 * A boolean for the HTTP request models, which are filled from query strings as often as from JSON
 * bodies: accepts `true`/`false`, the numbers `0`/`1`, and the usual query-string spellings
 * (`'true'`, `'false'`, `'1'`, `'0'`, `'yes'`, `'no'`, `'on'`, `'off'`, `'t'`, `'f'`, `'y'`, `'n'`, in
 * any case). Anything else (`'maybe'`, `2`) fails. The Pub/Sub messages use a plain strict boolean.
 *
 * @example
 * ```ts
 * import { queryBoolean } from 'gcp-pipeline-resilience';
 * queryBoolean.parse('TRUE'); // true
 * queryBoolean.parse(0); // false
 * queryBoolean.safeParse('maybe').success; // false
 * ```
 */
export const queryBoolean = deferredSchema(() =>
  z.union(
    [
      z.boolean(),
      z.literal([0, 1]).transform((value) => value === 1),
      z
        .string()
        .regex(booleanWordPattern)
        .transform((value) => TRUE_WORDS.has(value.toLowerCase())),
    ],
    { error: "must be a boolean (true/false, 1/0, 'yes'/'no', 'on'/'off')" },
  ),
);

/**
 * The zod `error` option of a field: `Required` when the key is missing, `message` for anything else,
 * so issues read `processor_name: Required` rather than zod's generic "expected string, received undefined".
 *
 * @internal
 */
export function fieldError(message: string): (issue: { input?: unknown }) => string {
  return (issue) => (issue.input === undefined ? 'Required' : message);
}

/**
 * A required, non-empty string (`processor_name`, `scraper_name`, `gcs_path`, `execution_id`). A
 * consumer treats an empty name as missing and would drop the message; failing validation instead
 * sends it to the dead-letter topic, where it can be seen.
 *
 * @internal
 */
export const requiredText = deferredSchema(() =>
  z.string({ error: fieldError('must be a string') }).min(1, { error: 'must not be empty' }),
);

/**
 * A required calendar date whose missing key reads `Required` (see {@link calendarDate}).
 *
 * @internal
 */
export const requiredDate = deferredSchema(() => z.iso.date({ error: fieldError(CALENDAR_DATE_MESSAGE) }));

/**
 * The four statuses of a phase completion (`Literal["success","partial","failed","skipped"]`).
 *
 * @example
 * ```ts
 * import { PhaseStatus } from 'gcp-pipeline-resilience';
 * PhaseStatus.parse('partial'); // 'partial'
 * ```
 */
export const PhaseStatus = deferredSchema(() =>
  z.enum(['success', 'partial', 'failed', 'skipped'], {
    error: fieldError("must be one of 'success', 'partial', 'failed', 'skipped'"),
  }),
);
/** One of `'success' | 'partial' | 'failed' | 'skipped'`. @example `const s: PhaseStatus = 'skipped';` */
export type PhaseStatus = z.infer<typeof PhaseStatus>;

/**
 * The three statuses of a scraper run (`Literal["success","partial","failed"]`: no `skipped`).
 *
 * @example
 * ```ts
 * import { ScraperStatus } from 'gcp-pipeline-resilience';
 * ScraperStatus.safeParse('skipped').success; // false
 * ```
 */
export const ScraperStatus = deferredSchema(() =>
  z.enum(['success', 'partial', 'failed'], {
    error: fieldError("must be one of 'success', 'partial', 'failed'"),
  }),
);
/** One of `'success' | 'partial' | 'failed'`. @example `const s: ScraperStatus = 'failed';` */
export type ScraperStatus = z.infer<typeof ScraperStatus>;

/**
 * The sports the pipeline knows ({@link KNOWN_SPORTS}, the list the sport config reads).
 *
 * @example
 * ```ts
 * import { Sport } from 'gcp-pipeline-resilience';
 * Sport.parse('mlb'); // 'mlb'
 * ```
 */
export const Sport = deferredSchema(() =>
  z.enum(KNOWN_SPORTS, {
    error: fieldError(`must be one of ${KNOWN_SPORTS.map((sport) => `'${sport}'`).join(', ')}`),
  }),
);
/** `'nba' | 'mlb'`. @example `const s: Sport = 'nba';` */
export type Sport = z.infer<typeof Sport>;
