/**
 * FORMAT_DATE / FORMAT_DATETIME / FORMAT_TIME / FORMAT_TIMESTAMP and their PARSE_ twins, with
 * GoogleSQL's format elements (`%Y`, `%E4Y`, `%e`, `%k`, `%c`, `%x`, `%Ez`, `%E*S`, …), English
 * names, a parse that must consume the whole input and defaults of 1970-01-01 00:00:00 for the
 * fields the format does not set.
 * @module
 */
import type { DuckDBType } from '@duckdb/node-api';
import type { DuckModule } from '../../values.js';
import {
  checkZone,
  civilFromDays,
  DAY_MICROS,
  daysFromCivil,
  daysInMonth,
  offsetText,
  utcFromLocal,
  weekday,
  zoneOffsetMinutes,
} from './civil.js';
import { type ScalarSpec, type SqlArg, SqlFunctionError } from './udf.js';

type T = (d: DuckModule) => DuckDBType;
const S: T = (d) => d.VARCHAR;

const DAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTH_NAMES = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/** What a value to format holds. */
interface Parts {
  days: number;
  /** Microseconds since local midnight. */
  time: bigint;
  /** Offset of the time zone in minutes (TIMESTAMP only). */
  offset?: number;
  zone?: string;
  /** Epoch seconds of the instant (TIMESTAMP), or of the civil time read as UTC. */
  epochMicros: bigint;
}

function z2(n: number): string {
  return String(n).padStart(2, '0');
}

function isoYearStart(year: number): number {
  const jan4 = daysFromCivil(year, 1, 4);
  return jan4 - ((weekday(jan4) + 6) % 7);
}

function isoYearOf(d: number): number {
  const { year } = civilFromDays(d);
  if (d >= isoYearStart(year + 1)) return year + 1;
  if (d < isoYearStart(year)) return year - 1;
  return year;
}

/** Week of the year, weeks starting on `start` (0 = Sunday); days before the first such day are week 0. */
function weekOfYear(d: number, start: number): number {
  const { year } = civilFromDays(d);
  const jan1 = daysFromCivil(year, 1, 1);
  const first = jan1 + ((start - weekday(jan1) + 7) % 7);
  return d < first ? 0 : Math.floor((d - first) / 7) + 1;
}

function yearText(y: number): string {
  return y < 0 ? `-${String(-y)}` : String(y);
}

/** Expands one format element (after `%`) at `fmt[i]`; returns the text and the index after it. */
function formatElement(fmt: string, i: number, p: Parts): { text: string; next: number } {
  const c = civilFromDays(p.days);
  const sec = Number(p.time / 1_000_000n);
  const hour = Math.floor(sec / 3600);
  const minute = Math.floor(sec / 60) % 60;
  const second = sec % 60;
  const frac = Number(p.time % 1_000_000n);
  const h12 = hour % 12 === 0 ? 12 : hour % 12;
  const ch = fmt[i]!;
  const one = (text: string) => ({ text, next: i + 1 });
  switch (ch) {
    case 'A':
      return one(DAY_NAMES[weekday(p.days)]!);
    case 'a':
      return one(DAY_NAMES[weekday(p.days)]!.slice(0, 3));
    case 'B':
      return one(MONTH_NAMES[c.month - 1]!);
    case 'b':
    case 'h':
      return one(MONTH_NAMES[c.month - 1]!.slice(0, 3));
    case 'C':
      return one(z2(Math.floor(c.year / 100)));
    case 'c':
      return one(expand('%a %b %e %H:%M:%S %Y', p));
    case 'D':
    case 'x':
      return one(expand('%m/%d/%y', p));
    case 'd':
      return one(z2(c.day));
    case 'e':
      return one(String(c.day).padStart(2, ' '));
    case 'F':
      return one(expand('%Y-%m-%d', p));
    case 'G':
      return one(yearText(isoYearOf(p.days)));
    case 'g':
      return one(z2(((isoYearOf(p.days) % 100) + 100) % 100));
    case 'H':
      return one(z2(hour));
    case 'I':
      return one(z2(h12));
    case 'J':
      return one(String(p.days - isoYearStart(isoYearOf(p.days)) + 1).padStart(3, '0'));
    case 'j':
      return one(String(p.days - daysFromCivil(c.year, 1, 1) + 1).padStart(3, '0'));
    case 'k':
      return one(String(hour).padStart(2, ' '));
    case 'l':
      return one(String(h12).padStart(2, ' '));
    case 'M':
      return one(z2(minute));
    case 'm':
      return one(z2(c.month));
    case 'n':
      return one('\n');
    case 'P':
      return one(hour < 12 ? 'am' : 'pm');
    case 'p':
      return one(hour < 12 ? 'AM' : 'PM');
    case 'Q':
      return one(String(Math.floor((c.month - 1) / 3) + 1));
    case 'R':
      return one(expand('%H:%M', p));
    case 'S':
      return one(z2(second));
    case 's':
      return one(String(p.epochMicros / 1_000_000n - (p.epochMicros % 1_000_000n < 0n ? 1n : 0n)));
    case 'T':
    case 'X':
      return one(expand('%H:%M:%S', p));
    case 't':
      return one('\t');
    case 'U':
      return one(z2(weekOfYear(p.days, 0)));
    case 'u':
      return one(String(weekday(p.days) === 0 ? 7 : weekday(p.days)));
    case 'V':
      return one(z2(Math.floor((p.days - isoYearStart(isoYearOf(p.days))) / 7) + 1));
    case 'W':
      return one(z2(weekOfYear(p.days, 1)));
    case 'w':
      return one(String(weekday(p.days)));
    case 'Y':
      return one(yearText(c.year));
    case 'y':
      return one(z2(((c.year % 100) + 100) % 100));
    case 'Z':
      if (p.zone === undefined) throw new SqlFunctionError('%Z applies to TIMESTAMP values');
      if (p.offset === 0 && /^(UTC|Etc\/UTC|Z|\+00(:00)?|GMT)$/i.test(p.zone)) return one('UTC');
      throw new SqlFunctionError(`Unsupported by the BigQuery stand-in: %Z for the time zone ${p.zone}`);
    case 'z':
      if (p.offset === undefined) throw new SqlFunctionError('%z applies to TIMESTAMP values');
      return one(offsetText(p.offset, false).replace(':', ''));
    case '%':
      return one('%');
    case 'E': {
      const rest = fmt.slice(i + 1);
      if (rest.startsWith('z')) {
        if (p.offset === undefined) throw new SqlFunctionError('%Ez applies to TIMESTAMP values');
        return { text: offsetText(p.offset, false), next: i + 2 };
      }
      if (rest.startsWith('*S')) {
        const f = String(frac).padStart(6, '0').replace(/0+$/, '');
        return { text: `${z2(second)}${f ? `.${f}` : ''}`, next: i + 3 };
      }
      const digits = /^(\d+)S/.exec(rest);
      if (digits) {
        const n = Math.min(Number(digits[1]), 12);
        const f = `${String(frac).padStart(6, '0')}000000`.slice(0, n);
        return { text: `${z2(second)}${n > 0 ? `.${f}` : ''}`, next: i + 1 + digits[0].length };
      }
      if (rest.startsWith('4Y')) return { text: String(c.year).padStart(4, '0'), next: i + 3 };
      if (/^[cCxXyY]/.test(rest)) return formatElement(fmt, i + 1, p);
      return { text: '%E', next: i + 1 };
    }
    case 'O':
      if (/^[deHImMSuUVwWy]/.test(fmt[i + 1] ?? '')) return formatElement(fmt, i + 1, p);
      return { text: '%O', next: i + 1 };
    default:
      return { text: `%${ch}`, next: i + 1 };
  }
}

function expand(fmt: string, p: Parts): string {
  let out = '';
  for (let i = 0; i < fmt.length; i++) {
    if (fmt[i] !== '%' || i === fmt.length - 1) {
      out += fmt[i];
      continue;
    }
    const r = formatElement(fmt, i + 1, p);
    out += r.text;
    i = r.next - 1;
  }
  return out;
}

function splitMicros(us: bigint): { days: number; time: bigint } {
  let d = us / DAY_MICROS;
  let t = us % DAY_MICROS;
  if (t < 0n) {
    t += DAY_MICROS;
    d -= 1n;
  }
  return { days: Number(d), time: t };
}

function zoneArg(a: SqlArg | undefined): string {
  if (!a) return 'UTC';
  const zone = a.value as string;
  checkZone(zone);
  return zone;
}

const micros = (a: SqlArg | undefined): bigint => (a!.value as { micros: bigint }).micros;

// ---------------------------------------------------------------- parsing

interface Parsed {
  year?: number;
  century?: number;
  yy?: number;
  month?: number;
  day?: number;
  dayOfYear?: number;
  hour?: number;
  hour12?: number;
  pm?: boolean;
  minute?: number;
  second?: number;
  micros?: number;
  epochSeconds?: bigint;
  offsetMinutes?: number;
  zone?: string;
}

class ParseFailure extends SqlFunctionError {}

function fail(fmt: string, s: string): never {
  throw new ParseFailure(`Failed to parse input string "${s}" with format "${fmt}"`);
}

/** Parses `s` with `fmt` into the fields it sets. */
function parseFields(fmt: string, s: string): Parsed {
  const out: Parsed = {};
  let pos = 0;
  const skipSpace = () => {
    while (pos < s.length && /\s/.test(s[pos]!)) pos++;
  };
  const num = (min: number, max: number, signed = false): number => {
    const m = new RegExp(`^${signed ? '[+-]?' : ''}\\d{${min},${max}}`).exec(s.slice(pos));
    if (!m) fail(fmt, s);
    pos += m[0].length;
    return Number(m[0]);
  };
  const name = (names: string[]): number => {
    const rest = s.slice(pos).toLowerCase();
    for (const [k, n] of names.entries()) {
      if (rest.startsWith(n.toLowerCase())) {
        pos += n.length;
        return k;
      }
    }
    for (const [k, n] of names.entries()) {
      if (rest.startsWith(n.slice(0, 3).toLowerCase())) {
        pos += 3;
        return k;
      }
    }
    fail(fmt, s);
  };
  const element = (f: string, i: number): number => {
    const ch = f[i]!;
    switch (ch) {
      case 'Y':
        out.year = num(1, 4, true);
        return i + 1;
      case 'C':
        out.century = num(1, 2);
        return i + 1;
      case 'y':
        out.yy = num(1, 2);
        return i + 1;
      case 'G':
        num(1, 5, true);
        return i + 1;
      case 'g':
      case 'U':
      case 'W':
      case 'V':
        num(1, 2);
        return i + 1;
      case 'u':
      case 'w':
      case 'Q':
        num(1, 1);
        return i + 1;
      case 'm':
        out.month = num(1, 2);
        return i + 1;
      case 'd':
      case 'e':
        skipSpace();
        out.day = num(1, 2);
        return i + 1;
      case 'j':
        out.dayOfYear = num(1, 3);
        return i + 1;
      case 'H':
      case 'k':
        skipSpace();
        out.hour = num(1, 2);
        return i + 1;
      case 'I':
      case 'l':
        skipSpace();
        out.hour12 = num(1, 2);
        return i + 1;
      case 'M':
        out.minute = num(1, 2);
        return i + 1;
      case 'S':
        out.second = num(1, 2);
        return i + 1;
      case 'p':
      case 'P': {
        const m = /^(am|pm)/i.exec(s.slice(pos));
        if (!m) fail(fmt, s);
        out.pm = m[1]!.toLowerCase() === 'pm';
        pos += 2;
        return i + 1;
      }
      case 'B':
      case 'b':
      case 'h':
        out.month = name(MONTH_NAMES) + 1;
        return i + 1;
      case 'A':
      case 'a':
        name(DAY_NAMES);
        return i + 1;
      case 's':
        out.epochSeconds = BigInt(num(1, 20, true));
        return i + 1;
      case 'z': {
        const m = /^([+-])(\d{2}):?(\d{2})/.exec(s.slice(pos)) ?? /^()(Z)()/.exec(s.slice(pos));
        if (!m) fail(fmt, s);
        pos += m[0].length;
        out.offsetMinutes = m[2] === 'Z' ? 0 : (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
        return i + 1;
      }
      case 'Z': {
        const m = /^[A-Za-z][A-Za-z0-9_/+-]*/.exec(s.slice(pos));
        if (!m) fail(fmt, s);
        checkZone(m[0]);
        out.zone = m[0];
        pos += m[0].length;
        return i + 1;
      }
      case 'F':
        parseInto('%Y-%m-%d');
        return i + 1;
      case 'D':
      case 'x':
        parseInto('%m/%d/%y');
        return i + 1;
      case 'T':
      case 'X':
        parseInto('%H:%M:%S');
        return i + 1;
      case 'R':
        parseInto('%H:%M');
        return i + 1;
      case 'c':
        parseInto('%a %b %e %H:%M:%S %Y');
        return i + 1;
      case 'n':
      case 't':
        skipSpace();
        return i + 1;
      case '%':
        if (s[pos] !== '%') fail(fmt, s);
        pos++;
        return i + 1;
      case 'E': {
        const rest = f.slice(i + 1);
        if (rest.startsWith('z')) return element(f, i + 1);
        const sec = /^(\*|\d+)S/.exec(rest);
        if (sec) {
          out.second = num(1, 2);
          const m = /^\.(\d+)/.exec(s.slice(pos));
          if (m) {
            pos += m[0].length;
            out.micros = Number(`${m[1]}000000`.slice(0, 6));
          }
          return i + 1 + sec[0].length;
        }
        if (rest.startsWith('4Y')) {
          out.year = num(4, 4);
          return i + 3;
        }
        if (/^[cCxXyY]/.test(rest)) return element(f, i + 1);
        fail(fmt, s);
        break;
      }
      case 'O':
        return element(f, i + 1);
      default:
        fail(fmt, s);
    }
  };
  const parseInto = (f: string) => {
    for (let i = 0; i < f.length; ) {
      const ch = f[i]!;
      if (ch === '%' && i + 1 < f.length) {
        i = element(f, i + 1);
      } else if (/\s/.test(ch)) {
        skipSpace();
        i++;
      } else {
        if (s[pos] !== ch) fail(fmt, s);
        pos++;
        i++;
      }
    }
  };
  skipSpace();
  parseInto(fmt);
  skipSpace();
  if (pos !== s.length) fail(fmt, s);
  return out;
}

/** The civil date (days) and time (micros since midnight) the parsed fields describe. */
function civilOf(p: Parsed, fmt: string, s: string): { days: number; time: bigint } {
  let year = p.year ?? 1970;
  if (p.year === undefined && (p.yy !== undefined || p.century !== undefined)) {
    const yy = p.yy ?? 0;
    year = p.century !== undefined ? p.century * 100 + yy : yy < 69 ? 2000 + yy : 1900 + yy;
  }
  let hour = p.hour ?? 0;
  if (p.hour12 !== undefined) {
    if (p.hour12 < 1 || p.hour12 > 12) fail(fmt, s);
    hour = (p.hour12 % 12) + (p.pm ? 12 : 0);
  } else if (p.pm !== undefined && p.hour !== undefined) {
    hour = (p.hour % 12) + (p.pm ? 12 : 0);
  }
  const month = p.month ?? 1;
  const day = p.day ?? 1;
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) fail(fmt, s);
  if (hour > 23 || (p.minute ?? 0) > 59 || (p.second ?? 0) > 60) fail(fmt, s);
  let days = daysFromCivil(year, month, day);
  if (p.dayOfYear !== undefined) days = daysFromCivil(year, 1, 1) + p.dayOfYear - 1;
  const time = BigInt(((hour * 60 + (p.minute ?? 0)) * 60 + (p.second ?? 0)) * 1_000_000 + (p.micros ?? 0));
  return { days, time };
}

/**
 * The FORMAT_ and PARSE_ functions for dates and times.
 *
 * @internal
 */
export const timeFormatFunctions: ScalarSpec[] = [
  {
    name: 'bq_format_time',
    params: [S, (d) => d.DATE],
    returns: S,
    fn: ([f, d]) => {
      const days = (d!.value as { days: number }).days;
      return expand(f!.value as string, { days, time: 0n, epochMicros: BigInt(days) * DAY_MICROS });
    },
  },
  {
    name: 'bq_format_time',
    params: [S, (d) => d.TIMESTAMP],
    returns: S,
    fn: ([f, d]) => expand(f!.value as string, { ...splitMicros(micros(d)), epochMicros: micros(d) }),
  },
  {
    name: 'bq_format_time',
    params: [S, (d) => d.TIME],
    returns: S,
    fn: ([f, t]) => expand(f!.value as string, { days: 0, time: micros(t), epochMicros: micros(t) }),
  },
  ...[1, 2].map(
    (n): ScalarSpec => ({
      name: 'bq_format_time',
      params: n === 1 ? [S, (d) => d.TIMESTAMPTZ] : [S, (d) => d.TIMESTAMPTZ, S],
      returns: S,
      fn: ([f, t, z]) => {
        const zone = zoneArg(z);
        const offset = zoneOffsetMinutes(zone, micros(t));
        const local = micros(t) + BigInt(offset) * 60_000_000n;
        return expand(f!.value as string, { ...splitMicros(local), offset, zone, epochMicros: micros(t) });
      },
    }),
  ),
  {
    name: 'bq_parse_date',
    params: [S, S],
    returns: (d) => d.DATE,
    fn: ([f, s]) => {
      const p = parseFields(f!.value as string, s!.value as string);
      return civilOf(p, f!.value as string, s!.value as string).days;
    },
  },
  {
    name: 'bq_parse_datetime',
    params: [S, S],
    returns: (d) => d.TIMESTAMP,
    fn: ([f, s]) => {
      const p = parseFields(f!.value as string, s!.value as string);
      const c = civilOf(p, f!.value as string, s!.value as string);
      return BigInt(c.days) * DAY_MICROS + c.time;
    },
  },
  {
    name: 'bq_parse_time',
    params: [S, S],
    returns: (d) => d.TIME,
    fn: ([f, s]) => {
      const p = parseFields(f!.value as string, s!.value as string);
      return civilOf(p, f!.value as string, s!.value as string).time;
    },
  },
  ...[2, 3].map(
    (n): ScalarSpec => ({
      name: 'bq_parse_timestamp',
      params: n === 2 ? [S, S] : [S, S, S],
      returns: (d) => d.TIMESTAMPTZ,
      fn: ([f, s, z]) => {
        const fmt = f!.value as string;
        const text = s!.value as string;
        const p = parseFields(fmt, text);
        if (p.epochSeconds !== undefined) return p.epochSeconds * 1_000_000n;
        const c = civilOf(p, fmt, text);
        const local = BigInt(c.days) * DAY_MICROS + c.time;
        if (p.offsetMinutes !== undefined) return local - BigInt(p.offsetMinutes) * 60_000_000n;
        return utcFromLocal(p.zone ?? zoneArg(z), local);
      },
    }),
  ),
];
