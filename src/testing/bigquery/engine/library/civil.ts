/**
 * Civil time arithmetic on exact integers: days since 1970-01-01, microseconds since midnight or
 * since the epoch, and time zone offsets (IANA names through `Intl`, or fixed `+HH:MM` offsets).
 * @module
 */
import { SqlFunctionError } from './udf.js';

/** Microseconds in a day. */
export const DAY_MICROS = 86_400_000_000n;

/** A calendar date. */
export interface CivilDate {
  year: number;
  month: number;
  day: number;
}

/** A civil date and time of day. */
export interface CivilDateTime extends CivilDate {
  hour: number;
  minute: number;
  second: number;
  micros: number;
}

/**
 * Days since 1970-01-01 of a proleptic Gregorian date.
 *
 * @internal
 */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/**
 * The date of a day number.
 *
 * @internal
 */
export function civilFromDays(days: number): CivilDate {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

/** Whether a year is a leap year. */
export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** Days in a month. */
export function daysInMonth(year: number, month: number): number {
  return [31, isLeapYear(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
}

/** Day of the week of a day number: 0 = Sunday … 6 = Saturday. */
export function weekday(days: number): number {
  return (((days + 4) % 7) + 7) % 7;
}

/**
 * The civil date and time of microseconds since the epoch (no time zone).
 *
 * @internal
 */
export function civilFromMicros(micros: bigint): CivilDateTime {
  let days = micros / DAY_MICROS;
  let rest = micros % DAY_MICROS;
  if (rest < 0n) {
    rest += DAY_MICROS;
    days -= 1n;
  }
  const date = civilFromDays(Number(days));
  const sec = Number(rest / 1_000_000n);
  return {
    ...date,
    hour: Math.floor(sec / 3600),
    minute: Math.floor(sec / 60) % 60,
    second: sec % 60,
    micros: Number(rest % 1_000_000n),
  };
}

/** Microseconds since the epoch of a civil date and time. */
export function microsFromCivil(c: CivilDateTime): bigint {
  return (
    BigInt(daysFromCivil(c.year, c.month, c.day)) * DAY_MICROS +
    BigInt(((c.hour * 60 + c.minute) * 60 + c.second) * 1_000_000 + c.micros)
  );
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function fixedOffsetMinutes(zone: string): number | undefined {
  const m = /^(?:UTC|GMT|Z)?\s*([+-])(\d{1,2})(?::?(\d{2}))?$/i.exec(zone.trim());
  if (!m) return /^(UTC|GMT|Z|Etc\/UTC)$/i.test(zone.trim()) ? 0 : undefined;
  const minutes = Number(m[2]) * 60 + Number(m[3] ?? 0);
  if (Number(m[2]) > 14 || Number(m[3] ?? 0) > 59) return undefined;
  return m[1] === '-' ? -minutes : minutes;
}

function formatterOf(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone: zone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
        era: 'short',
      });
    } catch {
      throw new SqlFunctionError(`Invalid time zone: ${zone}`);
    }
    formatters.set(zone, f);
  }
  return f;
}

/**
 * The UTC offset (minutes) of a time zone at an instant.
 *
 * @internal
 */
export function zoneOffsetMinutes(zone: string, utcMicros: bigint): number {
  const fixed = fixedOffsetMinutes(zone);
  if (fixed !== undefined) return fixed;
  let ms = utcMicros / 1000n;
  if (utcMicros % 1000n < 0n) ms -= 1n;
  const seconds = ms / 1000n - (ms % 1000n < 0n ? 1n : 0n);
  const parts = formatterOf(zone).formatToParts(new Date(Number(seconds * 1000n)));
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value);
  let year = get('year');
  if (parts.find((p) => p.type === 'era')?.value === 'BC') year = 1 - year;
  const local = microsFromCivil({
    year,
    month: get('month'),
    day: get('day'),
    hour: get('hour'),
    minute: get('minute'),
    second: get('second'),
    micros: 0,
  });
  return Number((local - seconds * 1_000_000n) / 60_000_000n);
}

/**
 * The instant (UTC microseconds) of a civil time in a zone; for a time that a transition skips or
 * repeats, the earlier offset wins, as in BigQuery.
 *
 * @internal
 */
export function utcFromLocal(zone: string, localMicros: bigint): bigint {
  // The offsets a day before and a day after bracket any transition near this time.
  const before = zoneOffsetMinutes(zone, localMicros - DAY_MICROS);
  const after = zoneOffsetMinutes(zone, localMicros + DAY_MICROS);
  const pre = localMicros - BigInt(before) * 60_000_000n;
  if (before === after || zoneOffsetMinutes(zone, pre) === before) return pre;
  const post = localMicros - BigInt(after) * 60_000_000n;
  return zoneOffsetMinutes(zone, post) === after ? post : pre;
}

/**
 * Checks that a time zone name or offset is valid (throws `SqlFunctionError` if not).
 *
 * @internal
 */
export function checkZone(zone: string): void {
  if (fixedOffsetMinutes(zone) === undefined) formatterOf(zone);
}

/** `+HH:MM` / `-HH:MM` for an offset in minutes, or `+HH` when `short` and the minutes are zero. */
export function offsetText(minutes: number, short: boolean): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  const hh = String(Math.floor(abs / 60)).padStart(2, '0');
  const mm = String(abs % 60).padStart(2, '0');
  return short && mm === '00' ? `${sign}${hh}` : `${sign}${hh}:${mm}`;
}

/** Two-digit zero padding (or `width`). */
export function pad(n: number, width = 2): string {
  const s = String(Math.abs(n)).padStart(width, '0');
  return n < 0 ? `-${s}` : s;
}
