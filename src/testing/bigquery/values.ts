/**
 * Value conversions for the BigQuery stand-in: query parameters → DuckDB bindings, DuckDB values →
 * the REST wire format, insertAll/NDJSON rows → checked column texts.
 */
import type * as Duck from '@duckdb/node-api';
import type { DuckDBType, DuckDBValue } from '@duckdb/node-api';
import { canonicalJson } from './engine/library/json-value.js';
import { datetimeText, intervalText, timeText } from './engine/library/text.js';
import { isGeographyText } from './geography.js';
import { StandInHttpError } from './http-errors.js';
import type { BigQueryField } from './schema.js';
import { legacyTypeName } from './schema.js';
import { microsToSecondsText, microsToText, parseDateDays, parseTimestampMicros } from './time.js';
import { applyTypeParameters, roundDecimalText, typeParameters } from './type-parameters.js';

/**
 * The `@duckdb/node-api` module, loaded lazily by the stand-in.
 *
 * @internal
 */
export type DuckModule = typeof Duck;

/**
 * A BigQuery `QueryParameterType`.
 *
 * @internal
 */
export interface QueryParameterType {
  type: string;
  arrayType?: QueryParameterType;
  structTypes?: Array<{ name?: string; type: QueryParameterType }>;
}

/**
 * A BigQuery `QueryParameterValue`.
 *
 * @internal
 */
export interface QueryParameterValue {
  value?: unknown;
  arrayValues?: QueryParameterValue[];
  structValues?: Record<string, QueryParameterValue>;
}

/**
 * A BigQuery `QueryParameter`.
 *
 * @internal
 */
export interface QueryParameter {
  name?: string;
  parameterType: QueryParameterType;
  parameterValue?: QueryParameterValue;
}

function badParam(name: string, type: string, value: unknown): StandInHttpError {
  return new StandInHttpError(
    400,
    'invalid',
    `Invalid query parameter value for ${name} of type ${type}: ${JSON.stringify(value)}`,
  );
}

/**
 * The DuckDB type of a BigQuery parameter type.
 *
 * @internal
 */
export function paramDuckType(duck: DuckModule, t: QueryParameterType): DuckDBType {
  switch (t.type.toUpperCase()) {
    case 'INT64':
    case 'INTEGER':
      return duck.BIGINT;
    case 'FLOAT64':
    case 'FLOAT':
      return duck.DOUBLE;
    case 'NUMERIC':
      return duck.DECIMAL(38, 9);
    case 'BIGNUMERIC':
      return duck.DECIMAL(38, 18);
    case 'BOOL':
    case 'BOOLEAN':
      return duck.BOOLEAN;
    case 'STRING':
    case 'GEOGRAPHY':
      return duck.VARCHAR;
    case 'JSON':
      return duck.VARCHAR;
    case 'BYTES':
      return duck.BLOB;
    case 'TIMESTAMP':
      return duck.TIMESTAMPTZ;
    case 'DATETIME':
      return duck.TIMESTAMP;
    case 'DATE':
      return duck.DATE;
    case 'TIME':
      return duck.TIME;
    case 'ARRAY':
      if (!t.arrayType) throw new StandInHttpError(400, 'invalid', 'ARRAY parameter without arrayType');
      return duck.LIST(paramDuckType(duck, t.arrayType));
    case 'STRUCT': {
      const entries: Record<string, DuckDBType> = {};
      (t.structTypes ?? []).forEach((s, i) => {
        entries[s.name ?? `_field_${i + 1}`] = paramDuckType(duck, s.type);
      });
      return duck.STRUCT(entries);
    }
    default:
      throw new StandInHttpError(
        400,
        'invalidQuery',
        `Unsupported by the BigQuery stand-in: parameter type ${t.type}`,
      );
  }
}

function decimalOf(duck: DuckModule, text: string, scale: number, name: string, type: string): DuckDBValue {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text.trim());
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) throw badParam(name, type, text);
  let digits = `${m[2]}${m[3] ?? ''}`;
  let exp = Number(m[4] ?? 0) - (m[3] ?? '').length + scale;
  if (exp >= 0) digits += '0'.repeat(exp);
  else {
    digits = digits.slice(0, digits.length + exp) || '0';
    exp = 0;
  }
  const value = BigInt(digits) * (m[1] === '-' ? -1n : 1n);
  return duck.decimalValue(value, 38, scale);
}

/**
 * The DuckDB value of a BigQuery parameter value (typed by `t`). Throws a 400 `invalid` for a value
 * that does not fit its type.
 *
 * @internal
 */
export function paramDuckValue(
  duck: DuckModule,
  t: QueryParameterType,
  v: QueryParameterValue | undefined,
  name: string,
): DuckDBValue {
  const type = t.type.toUpperCase();
  if (type === 'ARRAY') {
    if (!v || (v.arrayValues === undefined && (v.value === null || v.value === undefined))) {
      return duck.listValue([]);
    }
    return duck.listValue(
      (v.arrayValues ?? []).map((item) => paramDuckValue(duck, t.arrayType!, item, name)),
    );
  }
  if (type === 'STRUCT') {
    if (!v?.structValues) return null;
    const entries: Record<string, DuckDBValue> = {};
    (t.structTypes ?? []).forEach((s, i) => {
      const key = s.name ?? `_field_${i + 1}`;
      entries[key] = paramDuckValue(duck, s.type, v.structValues?.[key], name);
    });
    return duck.structValue(entries);
  }
  const raw = v?.value;
  if (raw === null || raw === undefined) return null;
  const text = String(raw);
  switch (type) {
    case 'INT64':
    case 'INTEGER': {
      // In range, checked here: DuckDB's own overflow error would be an invalidQuery naming DuckDB.
      const digits = int64Text(raw, text);
      if (digits === undefined) throw badParam(name, type, raw);
      return BigInt(digits);
    }
    case 'FLOAT64':
    case 'FLOAT': {
      const n = Number(text);
      if (Number.isNaN(n) && text !== 'NaN') throw badParam(name, type, raw);
      return n;
    }
    case 'NUMERIC':
      return decimalOf(duck, text, 9, name, type);
    case 'BIGNUMERIC':
      return decimalOf(duck, text, 18, name, type);
    case 'BOOL':
    case 'BOOLEAN':
      if (!/^(true|false)$/i.test(text)) throw badParam(name, type, raw);
      return text.toLowerCase() === 'true';
    case 'STRING':
      return text;
    case 'GEOGRAPHY':
      if (!isGeographyText(raw)) throw badParam(name, type, raw);
      return text;
    case 'JSON':
      return typeof raw === 'string' ? raw : JSON.stringify(raw);
    case 'BYTES': {
      if (typeof raw === 'object' && raw !== null && Array.isArray((raw as { data?: unknown }).data)) {
        return duck.blobValue(Uint8Array.from((raw as { data: number[] }).data));
      }
      // Buffer.from skips what is not base64: 'not base64!' became six other bytes. insertAll's rule.
      if (!BASE64_TEXT.test(text)) throw badParam(name, type, raw);
      return duck.blobValue(Buffer.from(text, 'base64'));
    }
    case 'TIMESTAMP': {
      const micros = parseTimestampMicros(text);
      if (micros === undefined) throw badParam(name, type, raw);
      return new duck.DuckDBTimestampTZValue(micros);
    }
    case 'DATETIME': {
      const micros = parseTimestampMicros(text);
      if (micros === undefined) throw badParam(name, type, raw);
      return new duck.DuckDBTimestampValue(micros);
    }
    case 'DATE': {
      const days = parseDateDays(text);
      if (days === undefined) throw badParam(name, type, raw);
      return duck.dateValue(days);
    }
    case 'TIME': {
      const m = /^(\d{1,2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?$/.exec(text);
      // 00:00:00 to 23:59:59.999999, as BigQuery's TIME holds ('99:99:99' became 100:40:39).
      if (!m || Number(m[1]) > 23 || Number(m[2]) > 59 || Number(m[3]) > 59) throw badParam(name, type, raw);
      const micros =
        ((BigInt(m[1]!) * 60n + BigInt(m[2]!)) * 60n + BigInt(m[3]!)) * 1_000_000n +
        BigInt(((m[4] ?? '') + '000000').slice(0, 6));
      return duck.timeValue(micros);
    }
    default:
      throw new StandInHttpError(
        400,
        'invalidQuery',
        `Unsupported by the BigQuery stand-in: parameter type ${t.type}`,
      );
  }
}

function decimalText(text: string): string {
  return text.includes('.') ? text.replace(/0+$/, '').replace(/\.$/, '') : text;
}

/**
 * Converts DuckDB values to BigQuery's REST cell values (`{ v }` objects inside rows).
 *
 * @internal
 */
export class WireCodec {
  private readonly duck: DuckModule;
  constructor(duck: DuckModule) {
    this.duck = duck;
  }

  /** One value; `useInt64Timestamp` chooses int64 microseconds (else float seconds) for TIMESTAMP. */
  cell(value: DuckDBValue, useInt64Timestamp: boolean): unknown {
    const d = this.duck;
    if (value === null || value === undefined) return null;
    if (typeof value === 'bigint') return value.toString();
    if (typeof value === 'number') {
      if (Number.isNaN(value)) return 'NaN';
      if (value === Number.POSITIVE_INFINITY) return 'Infinity';
      if (value === Number.NEGATIVE_INFINITY) return '-Infinity';
      // String(-0) is "0": the sign of a FLOAT64 zero is kept, as the parameter that carried it is.
      if (Object.is(value, -0)) return '-0';
      return String(value);
    }
    if (typeof value === 'boolean') return value ? 'true' : 'false';
    if (typeof value === 'string') return value;
    if (value instanceof d.DuckDBTimestampTZValue) {
      return useInt64Timestamp ? value.micros.toString() : microsToSecondsText(value.micros);
    }
    if (value instanceof d.DuckDBTimestampValue) {
      return datetimeText(value.micros, 'T');
    }
    if (value instanceof d.DuckDBDateValue) return value.toString();
    if (value instanceof d.DuckDBTimeValue) return timeText(value.micros);
    if (value instanceof d.DuckDBDecimalValue) return decimalText(value.toString());
    if (value instanceof d.DuckDBBlobValue) return Buffer.from(value.bytes).toString('base64');
    if (value instanceof d.DuckDBIntervalValue) return intervalText(value);
    if (value instanceof d.DuckDBListValue || value instanceof d.DuckDBArrayValue) {
      return value.items.map((item) => ({ v: this.cell(item, useInt64Timestamp) }));
    }
    if (value instanceof d.DuckDBStructValue) {
      return { f: Object.values(value.entries).map((item) => ({ v: this.cell(item, useInt64Timestamp) })) };
    }
    return String(value);
  }

  /** One row: `{ f: [{ v }, …] }`. */
  row(values: readonly DuckDBValue[], useInt64Timestamp: boolean): { f: Array<{ v: unknown }> } {
    return { f: values.map((v) => ({ v: this.cell(v, useInt64Timestamp) })) };
  }

  /**
   * A plain JavaScript value for assertions in tests: INT64 as a number when it is a safe integer
   * (else a bigint), NUMERIC as a string, TIMESTAMP/DATETIME as `Date`, DATE and TIME as strings,
   * BYTES as `Buffer`, arrays and records as arrays and objects.
   */
  plain(value: DuckDBValue): unknown {
    const d = this.duck;
    if (value === null || value === undefined) return null;
    if (typeof value === 'bigint') {
      return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER)
        ? Number(value)
        : value;
    }
    if (typeof value !== 'object') return value;
    if (value instanceof d.DuckDBTimestampTZValue || value instanceof d.DuckDBTimestampValue) {
      return new Date(Number(value.micros / 1000n));
    }
    if (value instanceof d.DuckDBDateValue) return value.toString();
    if (value instanceof d.DuckDBTimeValue) return timeText(value.micros);
    if (value instanceof d.DuckDBDecimalValue) return decimalText(value.toString());
    if (value instanceof d.DuckDBBlobValue) return Buffer.from(value.bytes);
    if (value instanceof d.DuckDBListValue || value instanceof d.DuckDBArrayValue) {
      return value.items.map((item) => this.plain(item));
    }
    if (value instanceof d.DuckDBStructValue) {
      return Object.fromEntries(Object.entries(value.entries).map(([k, v]) => [k, this.plain(v)]));
    }
    return String(value);
  }
}

/**
 * A row-level problem, in insertAll's `ErrorProto` form.
 *
 * @internal
 */
export interface RowProblem {
  reason: string;
  message: string;
  location: string;
}

/**
 * Integer digits a NUMERIC / BIGNUMERIC column holds: 29 for NUMERIC as in BigQuery; 20 for
 * BIGNUMERIC, the stand-in's DECIMAL(38, 18) (BigQuery holds 38: wider values are refused here).
 */
const MAX_INTEGER_DIGITS = { NUMERIC: 29, BIGNUMERIC: 20 } as const;

/** How many digits a decimal text has before its point, exponent applied and leading zeros dropped. */
function integerDigits(text: string): number {
  const [mantissa = '', exponent = '0'] = text.replace(/^[+-]/, '').toLowerCase().split('e');
  const [whole = '', fraction = ''] = mantissa.split('.');
  const digits = `${whole}${fraction}`.replace(/^0+/, '');
  if (digits === '') return 0;
  const leadingZeros = `${whole}${fraction}`.length - digits.length;
  return whole.length - leadingZeros + Number(exponent);
}

/**
 * Checks a JSON row against a table schema the way insertAll does and returns, per top-level
 * field, a JSON value DuckDB can cast to the column type (or the problems found).
 *
 * @internal
 */
export function checkRow(
  row: unknown,
  schema: readonly BigQueryField[],
  ignoreUnknownValues: boolean,
): { values: unknown[]; problems: RowProblem[] } {
  const problems: RowProblem[] = [];
  if (typeof row !== 'object' || row === null || Array.isArray(row)) {
    return {
      values: [],
      problems: [{ reason: 'invalid', message: 'Row is not a JSON object.', location: '' }],
    };
  }
  const values = checkRecord(row as Record<string, unknown>, schema, ignoreUnknownValues, '', problems);
  return { values, problems };
}

/** A record's fields by exact name and by lower-case name, built once per schema version. */
interface FieldIndex {
  exact: Set<string>;
  byLower: Map<string, BigQueryField>;
}
const fieldIndexes = new WeakMap<readonly BigQueryField[], FieldIndex>();

function fieldIndexOf(fields: readonly BigQueryField[]): FieldIndex {
  let index = fieldIndexes.get(fields);
  if (!index || index.exact.size !== fields.length || fields.some((f) => !index?.exact.has(f.name))) {
    index = {
      exact: new Set(fields.map((f) => f.name)),
      byLower: new Map(fields.map((f) => [f.name.toLowerCase(), f])),
    };
    fieldIndexes.set(fields, index);
  }
  return index;
}

function checkRecord(
  obj: Record<string, unknown>,
  fields: readonly BigQueryField[],
  ignoreUnknown: boolean,
  prefix: string,
  problems: RowProblem[],
): unknown[] {
  const index = fieldIndexOf(fields);
  // Field names match case-insensitively; a row whose keys all match exactly (the usual case) is
  // read directly, any other through a lower-cased copy of its keys.
  let exact = true;
  for (const key of Object.keys(obj)) {
    if (index.exact.has(key)) continue;
    exact = false;
    if (!ignoreUnknown && !index.byLower.has(key.toLowerCase())) {
      problems.push({
        reason: 'invalid',
        message: `no such field: ${prefix}${key}.`,
        location: `${prefix}${key}`,
      });
    }
  }
  if (exact) {
    return fields.map((f) =>
      checkField(
        Object.hasOwn(obj, f.name) ? obj[f.name] : undefined,
        f,
        ignoreUnknown,
        `${prefix}${f.name}`,
        problems,
      ),
    );
  }
  const lower = new Map(Object.entries(obj).map(([k, v]) => [k.toLowerCase(), v]));
  return fields.map((f) =>
    checkField(lower.get(f.name.toLowerCase()), f, ignoreUnknown, `${prefix}${f.name}`, problems),
  );
}

/** Records a value the field's type cannot hold, with BigQuery's wording. */
function badValue(problems: RowProblem[], what: string, value: unknown, path: string): null {
  problems.push({
    reason: 'invalid',
    message: `Cannot convert value to ${what} (bad value): ${typeof value === 'object' ? JSON.stringify(value) : String(value)}`,
    location: path,
  });
  return null;
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** BYTES as text: base64 (standard or URL-safe); `Buffer.from` would skip anything else, silently. */
const BASE64_TEXT = /^[A-Za-z0-9+/=\s_-]*$/;

/** An INT64 in range, as text; undefined for anything else. */
function int64Text(value: unknown, text: string): string | undefined {
  // A number is read as the digits JSON sends for it (beyond 2^53, rounded ones).
  if (typeof value === 'number' && !Number.isInteger(value)) return undefined;
  const t = text.trim();
  if (!/^[+-]?\d+$/.test(t)) return undefined;
  const n = BigInt(t);
  return n < INT64_MIN || n > INT64_MAX ? undefined : t;
}

/**
 * An unparameterized NUMERIC rounded half away from zero to its 9 fractional digits, as BigQuery
 * writes it; a BIGNUMERIC with more fractional digits than the stand-in's 18 is refused (BigQuery
 * keeps 38), never rounded silently.
 */
function storedDecimal(
  problems: RowProblem[],
  type: 'NUMERIC' | 'BIGNUMERIC',
  text: string,
  path: string,
): string | null {
  const scale = type === 'NUMERIC' ? 9 : 18;
  const rounded = roundDecimalText(text, scale, 'ROUND_HALF_AWAY_FROM_ZERO').text;
  if (
    type === 'BIGNUMERIC' &&
    roundDecimalText(text, 38, 'ROUND_HALF_AWAY_FROM_ZERO').text.replace(/0+$/, '') !==
      rounded.replace(/0+$/, '')
  ) {
    problems.push({
      reason: 'invalid',
      message: `Unsupported by the BigQuery stand-in: BIGNUMERIC value with more than ${scale} fractional digits: ${text}`,
      location: path,
    });
    return null;
  }
  return rounded;
}

/** A value checked for its type, with the field's type parameters applied (NUMERIC rounded). */
function withParameters(
  problems: RowProblem[],
  type: string,
  field: BigQueryField,
  value: string,
  path: string,
): string | null {
  const params = typeParameters(field);
  if (!params) return value;
  const applied = applyTypeParameters(type, params, value, path);
  if ('value' in applied) return applied.value;
  problems.push({ reason: 'invalid', message: applied.problem, location: path });
  return null;
}

function checkField(
  value: unknown,
  field: BigQueryField,
  ignoreUnknown: boolean,
  path: string,
  problems: RowProblem[],
): unknown {
  if (value === undefined || value === null) {
    if (field.mode === 'REQUIRED') {
      problems.push({ reason: 'invalid', message: `Missing required field: ${path}.`, location: path });
    }
    return field.mode === 'REPEATED' ? [] : null;
  }
  if (field.mode === 'REPEATED') {
    if (!Array.isArray(value)) {
      problems.push({
        reason: 'invalid',
        message: `Array specified for non-repeated field: ${path}.`,
        location: path,
      });
      return null;
    }
    const scalar = { ...field, mode: 'NULLABLE' as const };
    return value.map((item) => {
      if (item === null) {
        problems.push({ reason: 'invalid', message: `Null value in array field: ${path}.`, location: path });
        return null;
      }
      return checkField(item, scalar, ignoreUnknown, path, problems);
    });
  }
  if (Array.isArray(value)) {
    problems.push({
      reason: 'invalid',
      message: `Array specified for non-repeated field: ${path}.`,
      location: path,
    });
    return null;
  }
  const type = legacyTypeName(field.type);
  if (type === 'RECORD') {
    if (typeof value !== 'object') {
      problems.push({ reason: 'invalid', message: `This field: ${path} is not a record.`, location: path });
      return null;
    }
    const inner = checkRecord(
      value as Record<string, unknown>,
      field.fields ?? [],
      ignoreUnknown,
      `${path}.`,
      problems,
    );
    return Object.fromEntries((field.fields ?? []).map((f, i) => [f.name, inner[i]]));
  }
  if (typeof value === 'object' && type !== 'JSON') {
    problems.push({ reason: 'invalid', message: `This field: ${path} is not a record.`, location: path });
    return null;
  }
  const text = String(value);
  switch (type) {
    case 'INTEGER':
      return int64Text(value, text) ?? badValue(problems, 'integer', value, path);
    case 'FLOAT':
      if (
        typeof value === 'boolean' ||
        (Number.isNaN(Number(text)) && !/^[+-]?(nan|inf|infinity)$/i.test(text))
      ) {
        return badValue(problems, 'floating point', value, path);
      }
      return typeof value === 'number' ? value : text;
    case 'NUMERIC':
    case 'BIGNUMERIC':
      if (typeof value === 'boolean' || !/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text.trim())) {
        return badValue(problems, 'numeric', value, path);
      }
      // Checked here, not left to the store: a value the table cannot hold must be a row error,
      // never a failed store after the append was acknowledged or its offset reserved.
      if (integerDigits(text.trim()) > MAX_INTEGER_DIGITS[type])
        return badValue(problems, `${type} (out of range)`, value, path);
      if (!typeParameters(field)) return storedDecimal(problems, type, text.trim(), path);
      return withParameters(problems, type, field, text.trim(), path);
    case 'BOOLEAN':
      if (typeof value === 'boolean') return value;
      if (/^(true|1)$/i.test(text)) return true;
      if (/^(false|0)$/i.test(text)) return false;
      return badValue(problems, 'boolean', value, path);
    case 'TIMESTAMP':
    case 'DATETIME': {
      let micros: bigint | undefined;
      if (typeof value === 'number') micros = BigInt(Math.round(value * 1_000_000));
      else if (/^[+-]?\d+(\.\d+)?$/.test(text.trim()) && type === 'TIMESTAMP') {
        micros = BigInt(Math.round(Number(text) * 1_000_000));
      } else if (
        type === 'DATETIME' &&
        !/^\d{4}-\d{1,2}-\d{1,2}(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?)?$/.test(text.trim())
      ) {
        // BigQuery's DATETIME form, which has no time zone: an offset or zone is refused, not converted.
        micros = undefined;
      } else micros = parseTimestampMicros(text);
      if (micros === undefined)
        return badValue(problems, type === 'TIMESTAMP' ? 'timestamp' : 'datetime', value, path);
      return microsToText(micros, type === 'TIMESTAMP' ? '+00' : '');
    }
    case 'DATE':
      if (parseDateDays(text) === undefined) return badValue(problems, 'date', value, path);
      return text.trim();
    case 'TIME': {
      // 00:00:00 to 23:59:59.999999, as BigQuery's TIME holds.
      const m = /^(\d{1,2}):(\d{2})(:(\d{2})(\.\d{1,6})?)?$/.exec(text);
      if (!m || Number(m[1]) > 23 || Number(m[2]) > 59 || Number(m[4] ?? 0) > 59)
        return badValue(problems, 'time', value, path);
      return text;
    }
    case 'BYTES':
      if (!BASE64_TEXT.test(text)) return badValue(problems, 'bytes', value, path);
      return withParameters(problems, type, field, Buffer.from(text, 'base64').toString('base64'), path);
    case 'JSON':
      try {
        // Stored as BigQuery stores it: compact, keys sorted, numbers normalized.
        return canonicalJson(typeof value === 'string' ? value : JSON.stringify(value), 'round');
      } catch {
        return badValue(problems, 'JSON', value, path);
      }
    case 'STRING':
      return withParameters(problems, type, field, text, path);
    case 'GEOGRAPHY':
      return isGeographyText(value) ? text : badValue(problems, 'geography', value, path);
    default:
      return text;
  }
}
