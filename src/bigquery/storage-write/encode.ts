/**
 * JSON rows → proto2 messages, by the table schema. Every value is checked and converted
 * explicitly: the client's own JSON path turns `'abc'` into 0 for INT64, `'false'` into true,
 * `'2026-01-02'` into DATE 0, reads millisecond numbers as microseconds and drops unknown columns,
 * all silently. Here a value that does not fit is a row problem naming the column.
 * @module
 */
import type { ErrorDetail } from '../../errors/index.js';
import { quoteValue, redactSecrets } from '../../errors/redact.js';
import { messageOf } from '../../shared/message-of.js';
import { checkRecordObject, encodeJsonValue } from '../encode-row.js';
import { int64Of } from '../int64.js';
import type { StorageField, WriteSchema } from './schema.js';

/** The outcome of encoding one row. */
export type EncodedRow = { bytes: Uint8Array } | { problems: ErrorDetail[] };

/** BigQuery's TIMESTAMP, DATE and DATETIME range: 0001-01-01 to 9999-12-31 (UTC), in microseconds and days. */
const MIN_MICROS = -62_135_596_800_000_000n;
const MAX_MICROS = 253_402_300_799_999_999n;
const MIN_DAY = -719_162;
const MAX_DAY = 2_932_896;
const RANGE = "within BigQuery's range (0001-01-01 to 9999-12-31)";
// GoogleSQL's canonical forms, as BigQuery reads them from insertAll: one-digit month, day and hour
// (`2026-1-2 3:04:05`), a DATETIME without its time, a TIMESTAMP with `/` between its date's parts.
const DATE = /^(\d{4})-(\d{1,2})-(\d{1,2})$/;
const DATETIME = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(\.\d{1,6})?)?)?$/;
const TIME = /^(\d{1,2}):(\d{2})(?::(\d{2})(\.\d{1,6})?)?$/;
const TIMESTAMP =
  /^(\d{4})([-/])(\d{1,2})\2(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|UTC|[+-]\d{1,2}(?::?\d{2})?)?$/i;
/** Seconds since the epoch as decimal text, which insertAll reads as a TIMESTAMP like the number. */
const EPOCH_SECONDS = /^[+-]?\d+(\.\d+)?$/;
const pad2 = (part: string | undefined): string => (part ?? '0').padStart(2, '0');
const NUMERIC = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

class Problem extends Error {
  readonly location: string;
  constructor(location: string, message: string) {
    super(message);
    this.location = location;
  }
}

function describe(value: unknown): string {
  if (typeof value === 'string') return quoteValue(value, 40);
  if (typeof value === 'bigint') return `${value}n`;
  if (value instanceof Date)
    return `Date(${Number.isNaN(value.getTime()) ? 'Invalid' : value.toISOString()})`;
  if (typeof value === 'object' && value !== null) return Array.isArray(value) ? 'an array' : 'an object';
  return String(value);
}

function daysOf(y: number, m: number, d: number, path: string, raw: unknown): number {
  // setUTCFullYear, not Date.UTC: Date.UTC reads years 0-99 as 1900-1999.
  const back = new Date(0);
  const ms = back.setUTCFullYear(y, m - 1, d);
  if (
    Number.isNaN(ms) ||
    back.getUTCFullYear() !== y ||
    back.getUTCMonth() !== m - 1 ||
    back.getUTCDate() !== d
  ) {
    throw new Problem(path, `${path}: ${describe(raw)} is not a calendar date`);
  }
  if (y < 1) throw new Problem(path, `${path}: ${describe(raw)} is not a date ${RANGE}`);
  return ms / 86_400_000;
}

/** The microseconds as INT64 text, or a problem when they fall outside BigQuery's range. */
function inRange(micros: bigint, value: unknown, path: string): string {
  if (micros < MIN_MICROS || micros > MAX_MICROS) {
    throw new Problem(path, `${path}: ${describe(value)} is not a TIMESTAMP ${RANGE}`);
  }
  return micros.toString();
}

function timestampMicros(value: unknown, path: string): string {
  if (value instanceof Date) {
    const ms = value.getTime();
    if (Number.isNaN(ms)) throw new Problem(path, `${path}: an invalid Date is not a TIMESTAMP`);
    return inRange(BigInt(ms) * 1000n, value, path);
  }
  // A number is seconds since the epoch, as insertAll reads it; so is its decimal text.
  if (typeof value === 'number' || (typeof value === 'string' && EPOCH_SECONDS.test(value.trim()))) {
    const seconds = Number(value);
    if (!Number.isFinite(seconds)) throw new Problem(path, `${path}: ${describe(value)} is not a TIMESTAMP`);
    // Through BigInt, never String(number): 1e26 would be the text "1e+26", which INT64 misreads.
    return inRange(BigInt(Math.round(seconds * 1_000_000)), value, path);
  }
  if (typeof value !== 'string')
    throw new Problem(
      path,
      `${path}: ${describe(value)} is not a TIMESTAMP (use a Date or an ISO 8601 string)`,
    );
  const m = TIMESTAMP.exec(value.trim());
  if (!m)
    throw new Problem(
      path,
      `${path}: ${describe(value)} is not a TIMESTAMP (use a Date or an ISO 8601 string)`,
    );
  const [, y, , mo, d, h = '0', mi = '0', s = '0', frac = '', zone] = m;
  const days = daysOf(Number(y), Number(mo), Number(d), path, value);
  if (Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) {
    throw new Problem(path, `${path}: ${describe(value)} is not a valid time of day`);
  }
  let micros =
    BigInt(days) * 86_400_000_000n +
    BigInt((Number(h) * 3600 + Number(mi) * 60 + Number(s)) * 1_000_000) +
    BigInt(`${frac}000000`.slice(0, 6));
  if (zone && !/^(z|utc)$/i.test(zone)) {
    const zm = /^([+-])(\d{1,2}):?(\d{2})?$/.exec(zone)!;
    const minutes = Number(zm[2]) * 60 + Number(zm[3] ?? 0);
    micros -= BigInt((zm[1] === '-' ? -1 : 1) * minutes) * 60_000_000n;
  }
  return inRange(micros, value, path);
}

function scalar(value: unknown, field: StorageField, path: string): unknown {
  const bad = (what: string) => new Problem(path, `${path}: ${describe(value)} is not ${what}`);
  switch (field.type) {
    case 'INT64': {
      // The same rule as insertRows and loadRows (int64.ts).
      const n = int64Of(value);
      if (typeof n !== 'bigint') throw bad(n.not);
      return n.toString();
    }
    case 'DOUBLE':
      if (typeof value === 'number') return value;
      // insertRows sends a bigint's digits, which BigQuery reads as the nearest double.
      if (typeof value === 'bigint') return Number(value);
      // Decimal text only: Number() also reads '0x10' as 16 and '0b1' as 1.
      if (typeof value === 'string' && NUMERIC.test(value.trim())) {
        // '1e400' reads as Infinity: another value than the one written. 'Infinity' is said below.
        const n = Number(value);
        if (!Number.isFinite(n)) throw bad('within the FLOAT64 range');
        return n;
      }
      if (typeof value === 'string' && /^[+-]?(nan|inf|infinity)$/i.test(value)) {
        return /nan/i.test(value) ? Number.NaN : value.startsWith('-') ? -Infinity : Infinity;
      }
      throw bad('a FLOAT64');
    case 'BOOL':
      if (typeof value === 'boolean') return value;
      if (typeof value === 'string' && /^(true|false)$/i.test(value)) return value.toLowerCase() === 'true';
      throw bad('a BOOL (true or false)');
    case 'STRING':
    case 'GEOGRAPHY':
      if (typeof value === 'string') {
        // UTF-8 cannot carry a lone surrogate: protobufjs would write bytes BigQuery stores as U+FFFD.
        if (LONE_SURROGATE.test(value)) throw bad('valid Unicode text (it holds a lone surrogate)');
        return value;
      }
      if (typeof value === 'number' || typeof value === 'bigint') return String(value);
      throw bad(`a ${field.type}`);
    case 'NUMERIC':
    case 'BIGNUMERIC':
      if (typeof value === 'bigint') return value.toString();
      if (typeof value === 'number' && Number.isFinite(value)) return String(value);
      if (typeof value === 'string' && NUMERIC.test(value.trim())) return value.trim();
      throw bad(`a ${field.type}`);
    case 'BYTES':
      if (value instanceof Uint8Array) return value;
      if (typeof value === 'string' && BASE64.test(value)) return Buffer.from(value, 'base64');
      throw bad('BYTES (a Buffer, a Uint8Array or a base64 string)');
    case 'JSON':
      if (typeof value === 'string') {
        if (LONE_SURROGATE.test(value)) throw bad('valid Unicode text (it holds a lone surrogate)');
        try {
          JSON.parse(value);
        } catch {
          throw bad('a JSON text');
        }
        return value;
      }
      {
        // As insertRows encodes a field: a Map, a Set or a class whose data JSON would not see is
        // refused (JSON.stringify wrote them as {}), a bigint is its digits, a Date its ISO text.
        let encoded: unknown;
        try {
          encoded = encodeJsonValue(value, path);
        } catch (error) {
          throw new Problem(path, `${path}: ${redactSecrets(messageOf(error))}`);
        }
        if (encoded === undefined) throw bad('JSON-serializable');
        return JSON.stringify(encoded);
      }
    case 'TIMESTAMP':
      return timestampMicros(value, path);
    case 'DATE': {
      if (value instanceof Date) {
        const ms = value.getTime();
        if (Number.isNaN(ms)) throw bad('a DATE');
        const day = Math.floor(ms / 86_400_000);
        if (day < MIN_DAY || day > MAX_DAY) throw bad(`a DATE ${RANGE}`);
        return day;
      }
      const m = typeof value === 'string' ? DATE.exec(value.trim()) : null;
      if (!m) throw bad("a DATE ('YYYY-MM-DD' or a Date)");
      return daysOf(Number(m[1]), Number(m[2]), Number(m[3]), path, value);
    }
    case 'DATETIME': {
      if (value instanceof Date) {
        if (Number.isNaN(value.getTime())) throw bad('a DATETIME');
        const year = value.getUTCFullYear();
        if (year < 1 || year > 9999) throw bad(`a DATETIME ${RANGE}`);
        return value.toISOString().replace('T', ' ').replace('Z', '');
      }
      const m = typeof value === 'string' ? DATETIME.exec(value.trim()) : null;
      if (!m) throw bad("a DATETIME ('YYYY-MM-DD[ HH:MM[:SS[.ffffff]]]')");
      const [, y, mo, d, h, mi, sec, frac = ''] = m;
      daysOf(Number(y), Number(mo), Number(d), path, value);
      if (Number(h ?? 0) > 23 || Number(mi ?? 0) > 59 || Number(sec ?? 0) > 59) throw bad('a valid DATETIME');
      return `${y}-${pad2(mo)}-${pad2(d)} ${pad2(h)}:${pad2(mi)}:${pad2(sec)}${frac}`;
    }
    case 'TIME': {
      const m = typeof value === 'string' ? TIME.exec(value.trim()) : null;
      if (!m || Number(m[1]) > 23 || Number(m[2]) > 59 || Number(m[3] ?? 0) > 59) {
        throw bad("a TIME ('HH:MM:SS[.ffffff]')");
      }
      return `${pad2(m[1])}:${m[2]}:${pad2(m[3])}${m[4] ?? ''}`;
    }
    case 'STRUCT':
      if (typeof value !== 'object' || value === null || Array.isArray(value) || value instanceof Date) {
        throw bad('a record (an object)');
      }
      return record(value as Record<string, unknown>, field.fields ?? [], `${path}.`, false);
    default:
      throw bad(`of a supported type (${field.type})`);
  }
}

const COLUMNS = new WeakMap<readonly StorageField[], ReadonlyMap<string, StorageField>>();

/**
 * The columns of a (nested) schema by lowercased name, computed once per schema rather than once
 * per row: BigQuery column names are case-insensitive (`Column1` and `column1` are one column).
 */
function columnsByName(fields: readonly StorageField[]): ReadonlyMap<string, StorageField> {
  let columns = COLUMNS.get(fields);
  if (!columns) {
    columns = new Map(fields.map((f) => [f.name.toLowerCase(), f]));
    COLUMNS.set(fields, columns);
  }
  return columns;
}

/**
 * A record as insertRows sends it (and JSON writes it): the result of its `toJSON` when it has one,
 * which must be an object; else the record itself.
 */
function viaToJSON(value: Record<string, unknown>, location: string): Record<string, unknown> {
  let json: unknown;
  try {
    const toJSON = value.toJSON;
    // A Date is refused as a record by its name, not as the text its toJSON gives.
    if (typeof toJSON !== 'function' || value instanceof Date) return value;
    json = toJSON.call(value, location);
  } catch (error) {
    throw new Problem(
      location,
      `${location || 'the row'}: its toJSON threw: ${redactSecrets(messageOf(error))}`,
    );
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json) || json instanceof Date) {
    throw new Problem(location, `${location || 'the row'}: its toJSON gave ${describe(json)}, not a record`);
  }
  return json as Record<string, unknown>;
}

function record(
  value: Record<string, unknown>,
  fields: readonly StorageField[],
  prefix: string,
  ignoreUnknownValues: boolean,
): Record<string, unknown> {
  const row = viaToJSON(value, prefix.slice(0, -1));
  try {
    checkRecordObject(row, prefix.slice(0, -1));
  } catch (error) {
    throw new Problem(prefix.slice(0, -1), redactSecrets(messageOf(error)));
  }
  const out: Record<string, unknown> = {};
  const columns = columnsByName(fields);
  const given = new Map<StorageField, { key: string; value: unknown }>();
  for (const key of Object.keys(row)) {
    const value = row[key];
    if (value === undefined) continue;
    const field = columns.get(key.toLowerCase());
    if (!field) {
      if (ignoreUnknownValues) continue;
      throw new Problem(`${prefix}${key}`, `${prefix}${key}: no such column in the table`);
    }
    const earlier = given.get(field);
    if (earlier) {
      // Never pick one of two values silently.
      throw new Problem(
        `${prefix}${field.name}`,
        `${prefix}${earlier.key} and ${prefix}${key}: two keys for the column ${prefix}${field.name} (column names are case-insensitive)`,
      );
    }
    given.set(field, { key, value });
  }
  for (const field of fields) {
    const path = `${prefix}${field.name}`;
    const value = given.get(field)?.value;
    const mode = field.mode ?? 'NULLABLE';
    if (value === undefined || value === null) {
      if (mode === 'REQUIRED' && !field.defaultValueExpression) {
        throw new Problem(path, `${path}: missing a value for a REQUIRED column`);
      }
      continue;
    }
    if (mode === 'REPEATED') {
      if (!Array.isArray(value))
        throw new Problem(path, `${path}: a REPEATED column takes an array, got ${describe(value)}`);
      // Array.from visits holes (as undefined); map would skip them and leave holes that
      // protobufjs writes as the text "undefined" (a STRING) or 0.
      out[field.name] = Array.from(value as unknown[], (item, i) => {
        if (item === null || item === undefined)
          throw new Problem(`${path}[${i}]`, `${path}[${i}]: null in a REPEATED column`);
        return scalar(item, field, `${path}[${i}]`);
      });
    } else if (Array.isArray(value)) {
      throw new Problem(path, `${path}: an array for a column that is not REPEATED`);
    } else out[field.name] = scalar(value, field, path);
  }
  return out;
}

/**
 * Checks, converts and encodes one JSON row. Columns are matched by name, ignoring case, as
 * BigQuery does; two keys for one column are a row problem.
 *
 * @internal
 */
export function encodeRow(schema: WriteSchema, row: unknown, ignoreUnknownValues: boolean): EncodedRow {
  if (typeof row !== 'object' || row === null || Array.isArray(row)) {
    return {
      problems: [
        { reason: 'invalid', message: `A row must be an object, got ${describe(row)}`, location: '' },
      ],
    };
  }
  try {
    const object = record(row as Record<string, unknown>, schema.fields, '', ignoreUnknownValues);
    return { bytes: schema.type.encode(schema.type.fromObject(object)).finish() };
  } catch (error) {
    if (error instanceof Problem)
      return { problems: [{ reason: 'invalid', message: error.message, location: error.location }] };
    return {
      problems: [{ reason: 'invalid', message: redactSecrets(messageOf(error)), location: '' }],
    };
  }
}
