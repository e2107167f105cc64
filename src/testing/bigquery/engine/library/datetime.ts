/**
 * GoogleSQL date and time functions in JavaScript: truncation, differences, EXTRACT, LAST_DAY and the
 * constructors that take a time zone, with BigQuery's rules (weeks start on Sunday unless
 * `WEEK(<weekday>)`, ISO weeks and years, DATE/DATETIME differences count boundaries, TIMESTAMP
 * differences count whole units, the default time zone is UTC).
 *
 * Values: DATE as days since 1970-01-01, DATETIME and TIMESTAMP as epoch microseconds (a DATETIME's
 * as if in UTC), TIME as microseconds since midnight. Date parts arrive as upper-case strings
 * (`'WEEK_MONDAY'` for `WEEK(MONDAY)`).
 * @module
 */
import type { DuckDBType } from '@duckdb/node-api';
import type { DuckModule } from '../../values.js';
import {
  type CivilDate,
  checkZone,
  civilFromDays,
  civilFromMicros,
  DAY_MICROS,
  daysFromCivil,
  daysInMonth,
  microsFromCivil,
  utcFromLocal,
  weekday,
  zoneOffsetMinutes,
} from './civil.js';
import { datetimeText, fractionText } from './text.js';
import { type ScalarSpec, type SqlArg, SqlFunctionError } from './udf.js';

type T = (d: DuckModule) => DuckDBType;
const DATE: T = (d) => d.DATE;
const DATETIME: T = (d) => d.TIMESTAMP;
const TIMESTAMP: T = (d) => d.TIMESTAMPTZ;
const TIME: T = (d) => d.TIME;
const S: T = (d) => d.VARCHAR;
const I: T = (d) => d.BIGINT;

/** 0001-01-01 00:00:00 and 9999-12-31 23:59:59.999999 UTC, BigQuery's TIMESTAMP range. */
const MIN_MICROS = -62_135_596_800_000_000n;
const MAX_MICROS = 253_402_300_799_999_999n;

const WEEKDAYS = ['SUNDAY', 'MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY'];

const days = (a: SqlArg | undefined): number => (a!.value as { days: number }).days;
const micros = (a: SqlArg | undefined): bigint => (a!.value as { micros: bigint }).micros;
const text = (a: SqlArg | undefined): string => a!.value as string;

/** Floor division of bigints. */
function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}

/** The first day (0 = Sunday) of the weeks a part means: WEEK → Sunday, WEEK_MONDAY → Monday, ISOWEEK → Monday. */
function weekStartOf(part: string): number | undefined {
  if (part === 'WEEK') return 0;
  if (part === 'ISOWEEK') return 1;
  if (part.startsWith('WEEK_')) {
    const k = WEEKDAYS.indexOf(part.slice(5));
    if (k < 0) throw new SqlFunctionError(`Invalid weekday in ${part}`);
    return k;
  }
  return undefined;
}

/** The Monday that starts ISO year `year`. */
function isoYearStart(year: number): number {
  const jan4 = daysFromCivil(year, 1, 4);
  return jan4 - ((weekday(jan4) + 6) % 7);
}

/** The ISO year of a day. */
function isoYear(d: number): number {
  const { year } = civilFromDays(d);
  if (d >= isoYearStart(year + 1)) return year + 1;
  if (d < isoYearStart(year)) return year - 1;
  return year;
}

/** The first day of the period `part` that contains day `d`. */
function truncDays(d: number, part: string): number {
  const c = civilFromDays(d);
  const start = weekStartOf(part);
  if (start !== undefined) return d - ((weekday(d) - start + 7) % 7);
  switch (part) {
    case 'DAY':
      return d;
    case 'MONTH':
      return daysFromCivil(c.year, c.month, 1);
    case 'QUARTER':
      return daysFromCivil(c.year, Math.floor((c.month - 1) / 3) * 3 + 1, 1);
    case 'YEAR':
      return daysFromCivil(c.year, 1, 1);
    case 'ISOYEAR':
      return isoYearStart(isoYear(d));
    default:
      throw new SqlFunctionError(`Unsupported date part ${part}`);
  }
}

const TIME_UNITS: Record<string, bigint> = {
  MICROSECOND: 1n,
  MILLISECOND: 1000n,
  SECOND: 1_000_000n,
  MINUTE: 60_000_000n,
  HOUR: 3_600_000_000n,
  DAY: DAY_MICROS,
};

/** Truncates epoch microseconds (a civil time) to `part`. */
function truncMicros(us: bigint, part: string): bigint {
  const unit = TIME_UNITS[part];
  if (unit !== undefined && part !== 'DAY') return floorDiv(us, unit) * unit;
  const d = Number(floorDiv(us, DAY_MICROS));
  return BigInt(truncDays(d, part)) * DAY_MICROS;
}

/** The local civil microseconds of an instant in a zone. */
function localMicros(utc: bigint, zone: string): bigint {
  return utc + BigInt(zoneOffsetMinutes(zone, utc)) * 60_000_000n;
}

function zoneOf(a: SqlArg | undefined): string {
  if (!a) return 'UTC';
  const zone = text(a);
  checkZone(zone);
  return zone;
}

/** Difference in boundaries of `part` between two days. */
function diffDays(end: number, start: number, part: string): bigint {
  const ws = weekStartOf(part);
  if (ws !== undefined) return BigInt((truncDays(end, part) - truncDays(start, part)) / 7);
  const a = civilFromDays(end);
  const b = civilFromDays(start);
  switch (part) {
    case 'DAY':
      return BigInt(end - start);
    case 'MONTH':
      return BigInt(a.year * 12 + a.month - (b.year * 12 + b.month));
    case 'QUARTER':
      return BigInt(
        a.year * 4 + Math.floor((a.month - 1) / 3) - (b.year * 4 + Math.floor((b.month - 1) / 3)),
      );
    case 'YEAR':
      return BigInt(a.year - b.year);
    case 'ISOYEAR':
      return BigInt(isoYear(end) - isoYear(start));
    default:
      throw new SqlFunctionError(`Unsupported date part ${part} for DATE_DIFF`);
  }
}

/** Difference in boundaries of `part` between two civil times (DATETIME_DIFF, TIME_DIFF). */
function diffCivil(end: bigint, start: bigint, part: string): bigint {
  const unit = TIME_UNITS[part];
  if (unit !== undefined && part !== 'DAY') return floorDiv(end, unit) - floorDiv(start, unit);
  return diffDays(Number(floorDiv(end, DAY_MICROS)), Number(floorDiv(start, DAY_MICROS)), part);
}

/** Week number of day `d` in its year, weeks starting on `start` (days before the first are week 0). */
function weekOfYear(d: number, start: number): number {
  const c = civilFromDays(d);
  const jan1 = daysFromCivil(c.year, 1, 1);
  const first = jan1 + ((start - weekday(jan1) + 7) % 7);
  return d < first ? 0 : Math.floor((d - first) / 7) + 1;
}

/** ISO week number of day `d`. */
function isoWeek(d: number): number {
  return Math.floor((d - isoYearStart(isoYear(d))) / 7) + 1;
}

/** EXTRACT of a date part from a day number. */
function extractDatePart(d: number, part: string): bigint {
  const c: CivilDate = civilFromDays(d);
  const ws = weekStartOf(part);
  if (part === 'ISOWEEK') return BigInt(isoWeek(d));
  if (ws !== undefined) return BigInt(weekOfYear(d, ws));
  switch (part) {
    case 'DAYOFWEEK':
      return BigInt(weekday(d) + 1);
    case 'DAY':
      return BigInt(c.day);
    case 'DAYOFYEAR':
      return BigInt(d - daysFromCivil(c.year, 1, 1) + 1);
    case 'MONTH':
      return BigInt(c.month);
    case 'QUARTER':
      return BigInt(Math.floor((c.month - 1) / 3) + 1);
    case 'YEAR':
      return BigInt(c.year);
    case 'ISOYEAR':
      return BigInt(isoYear(d));
    default:
      throw new SqlFunctionError(`Unsupported part ${part} in EXTRACT`);
  }
}

/** EXTRACT of any part from civil microseconds. */
function extractCivil(us: bigint, part: string): bigint {
  const c = civilFromMicros(us);
  switch (part) {
    case 'MICROSECOND':
      return BigInt(c.second * 1_000_000 + c.micros) % 1_000_000n;
    case 'MILLISECOND':
      return BigInt(Math.floor(c.micros / 1000));
    case 'SECOND':
      return BigInt(c.second);
    case 'MINUTE':
      return BigInt(c.minute);
    case 'HOUR':
      return BigInt(c.hour);
    default:
      return extractDatePart(Number(floorDiv(us, DAY_MICROS)), part);
  }
}

function lastDay(d: number, part: string): number {
  const c = civilFromDays(d);
  const ws = weekStartOf(part);
  if (ws !== undefined) return truncDays(d, part) + 6;
  switch (part) {
    case 'MONTH':
      return daysFromCivil(c.year, c.month, daysInMonth(c.year, c.month));
    case 'QUARTER': {
      const m = Math.floor((c.month - 1) / 3) * 3 + 3;
      return daysFromCivil(c.year, m, daysInMonth(c.year, m));
    }
    case 'YEAR':
      return daysFromCivil(c.year, 12, 31);
    case 'ISOYEAR':
      return isoYearStart(isoYear(d) + 1) - 1;
    default:
      throw new SqlFunctionError(`Unsupported date part ${part} for LAST_DAY`);
  }
}

const TIMESTAMP_TEXT =
  /^\s*(\d{1,4})-(\d{1,2})-(\d{1,2})(?:(?:[Tt]|\s+)(\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.(\d{1,12}))?)?)?\s*(?:([Zz])|([+-]\d{1,2}(?::?\d{2})?)|\s*([A-Za-z][A-Za-z0-9_/+-]*))?\s*$/;

/**
 * Parses a GoogleSQL timestamp string (`YYYY-[M]M-[D]D[( |T)[H]H:[M]M[:[S]S[.F]]][zone]`) in the zone
 * `zone` when the text names none; extra fractional digits are truncated.
 *
 * @internal
 */
export function parseTimestamp(s: string, zone: string): bigint {
  const m = TIMESTAMP_TEXT.exec(s);
  if (!m) throw new SqlFunctionError(`Invalid timestamp: '${s}'`);
  const [, y, mo, d, h = '0', mi = '0', sec = '0', frac = '', z, offset, name] = m;
  const c = {
    year: Number(y),
    month: Number(mo),
    day: Number(d),
    hour: Number(h),
    minute: Number(mi),
    second: Number(sec),
    micros: Number(`${frac}000000`.slice(0, 6)),
  };
  if (
    c.month < 1 ||
    c.month > 12 ||
    c.day < 1 ||
    c.day > daysInMonth(c.year, c.month) ||
    c.hour > 23 ||
    c.minute > 59 ||
    c.second > 59
  ) {
    throw new SqlFunctionError(`Invalid timestamp: '${s}'`);
  }
  const local = microsFromCivil(c);
  if (z) return local;
  if (offset) return utcFromLocal(offset, local);
  if (name) {
    checkZone(name);
    return utcFromLocal(name, local);
  }
  return utcFromLocal(zone, local);
}

function dateOfMicros(us: bigint): number {
  return Number(floorDiv(us, DAY_MICROS));
}

/**
 * The date and time functions.
 *
 * @internal
 */
export const datetimeFunctions: ScalarSpec[] = [
  // Truncation: DATE_TRUNC, DATETIME_TRUNC, TIMESTAMP_TRUNC, TIME_TRUNC follow their argument's type.
  { name: 'bq_trunc', params: [DATE, S], returns: DATE, fn: ([d, p]) => truncDays(days(d), text(p)) },
  {
    name: 'bq_trunc',
    params: [DATETIME, S],
    returns: DATETIME,
    fn: ([d, p]) => truncMicros(micros(d), text(p)),
  },
  {
    name: 'bq_trunc',
    params: [TIMESTAMP, S],
    returns: TIMESTAMP,
    fn: ([t, p]) => truncMicros(micros(t), text(p)),
  },
  {
    name: 'bq_trunc',
    params: [TIMESTAMP, S, S],
    returns: TIMESTAMP,
    fn: ([t, p, z]) => {
      const zone = zoneOf(z);
      return utcFromLocal(zone, truncMicros(localMicros(micros(t), zone), text(p)));
    },
  },
  {
    name: 'bq_trunc',
    params: [TIME, S],
    returns: TIME,
    fn: ([t, p]) => {
      const unit = TIME_UNITS[text(p)];
      if (unit === undefined || text(p) === 'DAY')
        throw new SqlFunctionError(`Unsupported time part ${text(p)} for TIME_TRUNC`);
      return floorDiv(micros(t), unit) * unit;
    },
  },
  // Differences.
  {
    name: 'bq_diff',
    params: [DATE, DATE, S],
    returns: I,
    fn: ([a, b, p]) => diffDays(days(a), days(b), text(p)),
  },
  {
    name: 'bq_diff',
    params: [DATETIME, DATETIME, S],
    returns: I,
    fn: ([a, b, p]) => diffCivil(micros(a), micros(b), text(p)),
  },
  {
    name: 'bq_diff',
    params: [TIME, TIME, S],
    returns: I,
    fn: ([a, b, p]) => diffCivil(micros(a), micros(b), text(p)),
  },
  {
    name: 'bq_diff',
    params: [TIMESTAMP, TIMESTAMP, S],
    returns: I,
    fn: ([a, b, p]) => {
      const unit = TIME_UNITS[text(p)];
      if (unit === undefined) throw new SqlFunctionError(`Unsupported part ${text(p)} for TIMESTAMP_DIFF`);
      return (micros(a) - micros(b)) / unit;
    },
  },
  // EXTRACT.
  { name: 'bq_extract', params: [DATE, S], returns: I, fn: ([d, p]) => extractDatePart(days(d), text(p)) },
  { name: 'bq_extract', params: [DATETIME, S], returns: I, fn: ([d, p]) => extractCivil(micros(d), text(p)) },
  { name: 'bq_extract', params: [TIME, S], returns: I, fn: ([t, p]) => extractCivil(micros(t), text(p)) },
  {
    name: 'bq_extract',
    params: [TIMESTAMP, S],
    returns: I,
    fn: ([t, p]) => extractCivil(micros(t), text(p)),
  },
  {
    name: 'bq_extract',
    params: [TIMESTAMP, S, S],
    returns: I,
    fn: ([t, p, z]) => extractCivil(localMicros(micros(t), zoneOf(z)), text(p)),
  },
  { name: 'bq_last_day', params: [DATE, S], returns: DATE, fn: ([d, p]) => lastDay(days(d), text(p)) },
  {
    name: 'bq_last_day',
    params: [DATETIME, S],
    returns: DATE,
    fn: ([d, p]) => lastDay(dateOfMicros(micros(d)), text(p)),
  },
  // Constructors and conversions that involve a time zone.
  { name: 'bq_date', params: [TIMESTAMP], returns: DATE, fn: ([t]) => dateOfMicros(micros(t)) },
  {
    name: 'bq_date',
    params: [TIMESTAMP, S],
    returns: DATE,
    fn: ([t, z]) => dateOfMicros(localMicros(micros(t), zoneOf(z))),
  },
  { name: 'bq_date', params: [DATETIME], returns: DATE, fn: ([d]) => dateOfMicros(micros(d)) },
  { name: 'bq_date', params: [DATE], returns: DATE, fn: ([d]) => days(d) },
  { name: 'bq_datetime', params: [TIMESTAMP], returns: DATETIME, fn: ([t]) => micros(t) },
  {
    name: 'bq_datetime',
    params: [TIMESTAMP, S],
    returns: DATETIME,
    fn: ([t, z]) => localMicros(micros(t), zoneOf(z)),
  },
  { name: 'bq_datetime', params: [DATETIME], returns: DATETIME, fn: ([d]) => micros(d) },
  { name: 'bq_datetime', params: [DATE], returns: DATETIME, fn: ([d]) => BigInt(days(d)) * DAY_MICROS },
  {
    name: 'bq_datetime',
    params: [DATE, TIME],
    returns: DATETIME,
    fn: ([d, t]) => BigInt(days(d)) * DAY_MICROS + micros(t),
  },
  {
    name: 'bq_time',
    params: [TIMESTAMP],
    returns: TIME,
    fn: ([t]) => micros(t) - floorDiv(micros(t), DAY_MICROS) * DAY_MICROS,
  },
  {
    name: 'bq_time',
    params: [TIMESTAMP, S],
    returns: TIME,
    fn: ([t, z]) => {
      const local = localMicros(micros(t), zoneOf(z));
      return local - floorDiv(local, DAY_MICROS) * DAY_MICROS;
    },
  },
  {
    name: 'bq_time',
    params: [DATETIME],
    returns: TIME,
    fn: ([d]) => micros(d) - floorDiv(micros(d), DAY_MICROS) * DAY_MICROS,
  },
  { name: 'bq_time', params: [TIME], returns: TIME, fn: ([t]) => micros(t) },
  { name: 'bq_timestamp', params: [S], returns: TIMESTAMP, fn: ([s]) => parseTimestamp(text(s), 'UTC') },
  {
    name: 'bq_timestamp',
    params: [S, S],
    returns: TIMESTAMP,
    fn: ([s, z]) => parseTimestamp(text(s), zoneOf(z)),
  },
  { name: 'bq_timestamp', params: [DATE], returns: TIMESTAMP, fn: ([d]) => BigInt(days(d)) * DAY_MICROS },
  {
    name: 'bq_timestamp',
    params: [DATE, S],
    returns: TIMESTAMP,
    fn: ([d, z]) => utcFromLocal(zoneOf(z), BigInt(days(d)) * DAY_MICROS),
  },
  { name: 'bq_timestamp', params: [DATETIME], returns: TIMESTAMP, fn: ([d]) => micros(d) },
  {
    name: 'bq_timestamp',
    params: [DATETIME, S],
    returns: TIMESTAMP,
    fn: ([d, z]) => utcFromLocal(zoneOf(z), micros(d)),
  },
  { name: 'bq_timestamp', params: [TIMESTAMP], returns: TIMESTAMP, fn: ([t]) => micros(t) },
  {
    name: 'bq_timestamp_string',
    params: [TIMESTAMP, S],
    returns: S,
    fn: ([t, z]) => {
      const zone = zoneOf(z);
      const offset = zoneOffsetMinutes(zone, micros(t));
      const sign = offset < 0 ? '-' : '+';
      const abs = Math.abs(offset);
      const hh = String(Math.floor(abs / 60)).padStart(2, '0');
      const mm = abs % 60 ? `:${String(abs % 60).padStart(2, '0')}` : '';
      return `${datetimeText(localMicros(micros(t), zone), ' ', fractionText)}${sign}${hh}${mm}`;
    },
  },
  ...(
    [
      ['bq_timestamp_seconds', 1_000_000n],
      ['bq_timestamp_millis', 1000n],
      ['bq_timestamp_micros', 1n],
    ] as const
  ).flatMap(([name, scale]): ScalarSpec[] => [
    {
      name,
      params: [I],
      returns: TIMESTAMP,
      fn: ([n]) => {
        const us = (n!.value as bigint) * scale;
        if (us < MIN_MICROS || us > MAX_MICROS)
          throw new SqlFunctionError(`Timestamp out of range: ${n!.value}`);
        return us;
      },
    },
    { name, params: [TIMESTAMP], returns: TIMESTAMP, fn: ([t]) => micros(t) },
  ]),
  { name: 'bq_unix_micros', params: [TIMESTAMP], returns: I, fn: ([t]) => micros(t) },
  { name: 'bq_unix_millis', params: [TIMESTAMP], returns: I, fn: ([t]) => floorDiv(micros(t), 1000n) },
  { name: 'bq_unix_seconds', params: [TIMESTAMP], returns: I, fn: ([t]) => floorDiv(micros(t), 1_000_000n) },
  { name: 'bq_unix_date', params: [DATE], returns: I, fn: ([d]) => BigInt(days(d)) },
  { name: 'bq_date_from_unix_date', params: [I], returns: DATE, fn: ([n]) => Number(n!.value as bigint) },
];
