/**
 * GoogleSQL's text forms of values: `CAST(x AS STRING)`, and FORMAT's `%t` (readable) and `%T`
 * (literal) forms, for every type the stand-in holds.
 * @module
 */
import type { DuckDBType } from '@duckdb/node-api';
import { civilFromDays, civilFromMicros, pad } from './civil.js';
import { type SqlArg, SqlFunctionError, type SqlValue, TypeId } from './udf.js';

/**
 * C's `%.{precision}g` for a finite double (exponent with at least two digits).
 *
 * @internal
 */
export function formatG(x: number, precision: number, keepPoint = false): string {
  if (x === 0)
    return keepPoint
      ? `${Object.is(x, -0) ? '-' : ''}0.${'0'.repeat(Math.max(0, precision - 1))}`
      : Object.is(x, -0)
        ? '-0'
        : '0';
  const p = Math.max(1, precision);
  const exp = Number(x.toExponential(p - 1).split('e')[1]);
  let out: string;
  if (exp < -4 || exp >= p) {
    const [mant, e] = x.toExponential(p - 1).split('e');
    const m = keepPoint ? mant! : stripFraction(mant!);
    const en = Number(e);
    out = `${m}e${en < 0 ? '-' : '+'}${String(Math.abs(en)).padStart(2, '0')}`;
  } else {
    const fixed = x.toFixed(Math.max(0, p - 1 - exp));
    out = keepPoint ? fixed : stripFraction(fixed);
  }
  return out;
}

function stripFraction(s: string): string {
  return s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s;
}

/**
 * The shortest of `%.15g` and `%.17g` that reads back as the same double: how GoogleSQL casts
 * FLOAT64 to STRING.
 *
 * @internal
 */
export function floatToString(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Number.POSITIVE_INFINITY) return 'inf';
  if (x === Number.NEGATIVE_INFINITY) return '-inf';
  const short = formatG(x, 15);
  return Number(short) === x ? short : formatG(x, 17);
}

/** A DECIMAL value's text without trailing fractional zeros. */
export function decimalToString(v: { value: bigint; scale: number }): string {
  const neg = v.value < 0n;
  const digits = (neg ? -v.value : v.value).toString().padStart(v.scale + 1, '0');
  const int = digits.slice(0, digits.length - v.scale);
  const frac = digits.slice(digits.length - v.scale).replace(/0+$/, '');
  return `${neg ? '-' : ''}${int}${frac ? `.${frac}` : ''}`;
}

/** `.ffffff` fractional seconds trimmed to 0, 3 or 6 digits, as BigQuery prints a TIMESTAMP's. */
export function fractionText(micros: number): string {
  if (micros === 0) return '';
  const six = String(micros).padStart(6, '0');
  return six.endsWith('000') ? `.${six.slice(0, 3)}` : `.${six}`;
}

/** `.ffffff` fractional seconds with all six digits, or none: BigQuery's DATETIME and TIME text. */
export function civilFractionText(micros: number): string {
  return micros === 0 ? '' : `.${String(micros).padStart(6, '0')}`;
}

/** `YYYY-MM-DD`. */
export function dateText(days: number): string {
  const d = civilFromDays(days);
  return `${pad(d.year, 4)}-${pad(d.month)}-${pad(d.day)}`;
}

/**
 * `YYYY-MM-DD HH:MM:SS[.ffffff]` of epoch microseconds (no zone): a DATETIME's text. `fraction`
 * writes the fractional seconds (`fractionText` for a TIMESTAMP's 0, 3 or 6 digits).
 */
export function datetimeText(
  micros: bigint,
  separator = ' ',
  fraction: (micros: number) => string = civilFractionText,
): string {
  const c = civilFromMicros(micros);
  return `${pad(c.year, 4)}-${pad(c.month)}-${pad(c.day)}${separator}${pad(c.hour)}:${pad(c.minute)}:${pad(c.second)}${fraction(c.micros)}`;
}

/** `HH:MM:SS[.ffffff]` of microseconds since midnight: a TIME's text. */
export function timeText(micros: bigint): string {
  const sec = Number(micros / 1_000_000n);
  return `${pad(Math.floor(sec / 3600))}:${pad(Math.floor(sec / 60) % 60)}:${pad(sec % 60)}${civilFractionText(Number(micros % 1_000_000n))}`;
}

/** BigQuery's canonical INTERVAL text `Y-M D H:M:S[.F]`. */
export function intervalText(v: { months: number; days: number; micros: bigint }): string {
  const ym = `${v.months < 0 ? '-' : ''}${Math.floor(Math.abs(v.months) / 12)}-${Math.abs(v.months) % 12}`;
  const neg = v.micros < 0n;
  const abs = neg ? -v.micros : v.micros;
  const sec = abs / 1_000_000n;
  const frac = (abs % 1_000_000n).toString().padStart(6, '0').replace(/0+$/, '');
  const hms = `${neg ? '-' : ''}${sec / 3600n}:${(sec / 60n) % 60n}:${sec % 60n}${frac ? `.${frac}` : ''}`;
  return `${ym} ${v.days} ${hms}`;
}

function utf8(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new SqlFunctionError('Invalid UTF-8 in BYTES cast to STRING');
  }
}

/**
 * `CAST(x AS STRING)` for a value of any scalar type.
 *
 * @internal
 */
export function castToString(arg: SqlArg): string | null {
  const { value, type } = arg;
  if (value === null) return null;
  switch (type.typeId) {
    case TypeId.VARCHAR:
      return value as string;
    case TypeId.BLOB:
      return utf8(value as Uint8Array);
    case TypeId.DOUBLE:
    case TypeId.FLOAT:
      return floatToString(value as number);
    case TypeId.DECIMAL:
      return decimalToString(value as { value: bigint; scale: number });
    case TypeId.BOOLEAN:
      return value ? 'true' : 'false';
    case TypeId.DATE:
      return dateText((value as { days: number }).days);
    case TypeId.TIMESTAMP:
      return datetimeText((value as { micros: bigint }).micros);
    case TypeId.TIMESTAMP_TZ:
      return `${datetimeText((value as { micros: bigint }).micros, ' ', fractionText)}+00`;
    case TypeId.TIME:
      return timeText((value as { micros: bigint }).micros);
    case TypeId.INTERVAL:
      return intervalText(value as { months: number; days: number; micros: bigint });
    case TypeId.LIST:
    case TypeId.ARRAY:
    case TypeId.STRUCT:
      throw new SqlFunctionError(`Invalid cast from ${type.toString()} to STRING`);
    default:
      return String(value);
  }
}

const QUOTE_ESCAPES: Record<string, string> = {
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\\': '\\\\',
  '"': '\\"',
  '\x07': '\\a',
  '\b': '\\b',
  '\f': '\\f',
  '\v': '\\v',
};

/** A GoogleSQL string literal (double quotes) for a string. */
export function quoteString(s: string): string {
  let out = '"';
  for (const ch of s) {
    const code = ch.codePointAt(0)!;
    out +=
      QUOTE_ESCAPES[ch] ?? (code < 0x20 || code === 0x7f ? `\\x${code.toString(16).padStart(2, '0')}` : ch);
  }
  return `${out}"`;
}

/** Bytes as GoogleSQL writes them inside `b"…"`: printable ASCII as is, the rest as `\xHH`. */
export function escapeBytes(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) {
    const ch = String.fromCharCode(b);
    if (QUOTE_ESCAPES[ch]) out += QUOTE_ESCAPES[ch];
    else if (b >= 0x20 && b < 0x7f) out += ch;
    else out += `\\x${b.toString(16).padStart(2, '0')}`;
  }
  return out;
}

function childType(type: DuckDBType): DuckDBType {
  return (type as unknown as { valueType: DuckDBType }).valueType;
}

/**
 * FORMAT's `%t` (readable, `literal = false`) or `%T` (a SQL literal) form of a value.
 *
 * @internal
 */
export function formatValue(arg: SqlArg, literal: boolean): string {
  const { value, type } = arg;
  if (value === null) return 'NULL';
  switch (type.typeId) {
    case TypeId.VARCHAR:
      return literal ? quoteString(value as string) : (value as string);
    case TypeId.BLOB:
      return literal ? `b"${escapeBytes(value as Uint8Array)}"` : escapeBytes(value as Uint8Array);
    case TypeId.DOUBLE:
    case TypeId.FLOAT: {
      const x = value as number;
      if (!Number.isFinite(x)) {
        const word = Number.isNaN(x) ? 'nan' : x > 0 ? 'inf' : '-inf';
        return literal ? `CAST("${word}" AS FLOAT64)` : Number.isNaN(x) ? 'NaN' : word;
      }
      const s = floatToString(x);
      return /[.e]/.test(s) ? s : `${s}.0`;
    }
    case TypeId.DECIMAL: {
      const s = decimalToString(value as { value: bigint; scale: number });
      const text = s.includes('.') ? s : `${s}.0`;
      return literal ? `NUMERIC "${text}"` : text;
    }
    case TypeId.DATE:
      return literal ? `DATE "${castToString(arg)}"` : castToString(arg)!;
    case TypeId.TIMESTAMP:
      return literal ? `DATETIME "${castToString(arg)}"` : castToString(arg)!;
    case TypeId.TIMESTAMP_TZ:
      return literal ? `TIMESTAMP "${castToString(arg)}"` : castToString(arg)!;
    case TypeId.TIME:
      return literal ? `TIME "${castToString(arg)}"` : castToString(arg)!;
    case TypeId.INTERVAL:
      return literal ? `INTERVAL "${castToString(arg)}" YEAR TO SECOND` : castToString(arg)!;
    case TypeId.LIST:
    case TypeId.ARRAY: {
      const inner = childType(type);
      return `[${(value as SqlValue[]).map((v) => formatValue({ type: inner, value: v }, literal)).join(', ')}]`;
    }
    case TypeId.STRUCT: {
      const t = type as unknown as { entryNames: string[]; entryTypes: DuckDBType[] };
      const obj = value as Record<string, SqlValue>;
      const parts = t.entryNames.map((n, i) =>
        formatValue({ type: t.entryTypes[i]!, value: obj[n] ?? null }, literal),
      );
      if (parts.length <= 1) return `STRUCT(${parts.join('')})`;
      return `(${parts.join(', ')})`;
    }
    default:
      return castToString(arg) ?? 'NULL';
  }
}
