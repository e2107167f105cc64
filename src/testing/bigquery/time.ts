/**
 * Exact (microsecond) timestamp and date parsing for the BigQuery stand-in. JavaScript `Date`
 * only has milliseconds, so these work on bigint microseconds.
 */

const TS =
  /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|UTC|[+-]\d{1,2}(?::?\d{2})?)?$/i;

/**
 * Microseconds since the epoch for the timestamp forms BigQuery accepts (`2024-01-02T03:04:05.123456Z`,
 * `2024-01-02 03:04:05 UTC`, `2024/01/02 03:04`, `…+02:00`, a bare date); `undefined` if unparseable.
 *
 * @internal
 */
export function parseTimestampMicros(text: string): bigint | undefined {
  const m = TS.exec(text.trim());
  if (!m) return undefined;
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', zone] = m;
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1 || day > 31 || Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) {
    return undefined;
  }
  const ms = Date.UTC(Number(y), month - 1, day, Number(h), Number(mi), Number(s));
  if (Number.isNaN(ms) || new Date(ms).getUTCDate() !== day) return undefined;
  let micros = BigInt(ms) * 1000n + BigInt((frac + '000000').slice(0, 6));
  if (zone && !/^(z|utc)$/i.test(zone)) {
    const zm = /^([+-])(\d{1,2}):?(\d{2})?$/.exec(zone)!;
    const offsetMin = Number(zm[2]) * 60 + Number(zm[3] ?? 0);
    micros -= BigInt((zm[1] === '-' ? -1 : 1) * offsetMin) * 60_000_000n;
  }
  return micros;
}

/**
 * Days since the epoch for `YYYY-MM-DD`; `undefined` if invalid.
 *
 * @internal
 */
export function parseDateDays(text: string): number | undefined {
  const m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(text.trim());
  if (!m) return undefined;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  // BigQuery's DATE starts at 0001-01-01; setUTCFullYear, because Date.UTC reads years 0-99 as 19xx.
  if (year < 1) return undefined;
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
    return undefined;
  }
  return date.getTime() / 86_400_000;
}

/**
 * `YYYY-MM-DD HH:MM:SS.ffffff+00` for microseconds since the epoch (a form DuckDB casts exactly).
 *
 * @internal
 */
export function microsToText(micros: bigint, zone = '+00'): string {
  let ms = micros / 1000n;
  let rest = micros % 1000n;
  if (rest < 0n) {
    rest += 1000n;
    ms -= 1n;
  }
  const iso = new Date(Number(ms)).toISOString(); // 1970-01-01T00:00:01.000Z
  return `${iso.slice(0, 10)} ${iso.slice(11, 23)}${rest.toString().padStart(3, '0')}${zone}`;
}

/**
 * Seconds since the epoch as a decimal string (BigQuery's float timestamp form).
 *
 * @internal
 */
export function microsToSecondsText(micros: bigint): string {
  const neg = micros < 0n;
  const abs = neg ? -micros : micros;
  const frac = (abs % 1_000_000n).toString().padStart(6, '0').replace(/0+$/, '');
  return `${neg ? '-' : ''}${abs / 1_000_000n}${frac ? `.${frac}` : ''}`;
}
