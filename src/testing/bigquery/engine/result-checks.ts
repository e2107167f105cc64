/**
 * What BigQuery enforces on a query's result that DuckDB does not: unique column names, no NULL
 * arrays (a NULL ARRAY is returned as `[]`), no NULL array elements (an error), the INT64 range, the
 * DATE / DATETIME / TIMESTAMP range (years 1 to 9999), JSON in canonical form.
 * @module
 */
import type { DuckDBValue } from '@duckdb/node-api';
import { StandInHttpError } from '../http-errors.js';
import type { BigQueryField } from '../schema.js';
import type { DuckModule } from '../values.js';
import { canonicalJson } from './library/json-value.js';

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** Days from 1970-01-01 to 0001-01-01 and to 9999-12-31, BigQuery's DATE range. */
const DATE_MIN_DAYS = -719_162;
const DATE_MAX_DAYS = 2_932_896;
/** Microseconds from 1970-01-01 to 0001-01-01T00:00:00 and to 9999-12-31T23:59:59.999999. */
const MICROS_MIN = -62_135_596_800_000_000n;
const MICROS_MAX = 253_402_300_799_999_999n;

/**
 * Whether a DATE, DATETIME or TIMESTAMP value lies outside BigQuery's range. DuckDB's dates go past
 * year 9999 (and to ±infinity), so `DATE_ADD(DATE '9999-12-31', INTERVAL 1 DAY)` would otherwise come
 * back as `10000-01-01` where BigQuery raises an error.
 */
function outOfCivilRange(type: string, value: DuckDBValue): boolean {
  if (type === 'DATE') {
    const days = (value as { days?: number }).days;
    return (
      typeof days === 'number' && (!Number.isFinite(days) || days < DATE_MIN_DAYS || days > DATE_MAX_DAYS)
    );
  }
  const micros = (value as { micros?: bigint }).micros;
  return typeof micros === 'bigint' && (micros < MICROS_MIN || micros > MICROS_MAX);
}

const CIVIL_TYPES = new Set(['DATE', 'DATETIME', 'TIMESTAMP']);

function invalid(message: string): StandInHttpError {
  return new StandInHttpError(400, 'invalidQuery', message);
}

/**
 * Throws BigQuery's error for duplicate result column names (compared case-insensitively).
 *
 * @internal
 */
export function checkColumnNames(schema: readonly BigQueryField[]): void {
  const seen = new Set<string>();
  const duplicates = new Set<string>();
  for (const f of schema) {
    const key = f.name.toLowerCase();
    if (seen.has(key)) duplicates.add(f.name);
    seen.add(key);
  }
  if (duplicates.size > 0) {
    throw invalid(
      `Duplicate column names in the result are not supported. Found duplicate(s): ${[...duplicates].join(', ')}`,
    );
  }
}

function normalizeValue(duck: DuckModule, field: BigQueryField, value: DuckDBValue): DuckDBValue {
  if (field.mode === 'REPEATED') {
    if (value === null || value === undefined) return duck.listValue([]);
    const items = (value as { items: DuckDBValue[] }).items;
    const scalar: BigQueryField = { ...field, mode: 'NULLABLE' };
    return duck.listValue(
      items.map((item) => {
        if (item === null || item === undefined) {
          throw invalid(`Array cannot have a null element; error in writing field ${field.name}`);
        }
        return normalizeValue(duck, scalar, item);
      }),
    );
  }
  if (value === null || value === undefined) return null;
  if (field.type === 'RECORD' && field.fields) {
    const entries = (value as { entries: Record<string, DuckDBValue> }).entries;
    const out: Record<string, DuckDBValue> = {};
    for (const f of field.fields) out[f.name] = normalizeValue(duck, f, entries[f.name] ?? null);
    return duck.structValue(out);
  }
  // JSON is returned in BigQuery's canonical form, whichever DuckDB function produced it.
  if (field.type === 'JSON' && typeof value === 'string') return canonicalJson(value, 'round');
  if (field.type === 'INTEGER' && typeof value === 'bigint' && (value < INT64_MIN || value > INT64_MAX)) {
    throw invalid(`int64 overflow: ${value}`);
  }
  if (CIVIL_TYPES.has(field.type) && outOfCivilRange(field.type, value)) {
    throw invalid(
      `${field.type} value out of range (years 1 to 9999) in field ${field.name}: ${String(value)}`,
    );
  }
  return value;
}

/**
 * DuckDB's client reads a STRUCT into a plain object by assignment, so a field named `__proto__`
 * is lost there (and the fields after it shift when the row is written out): refused, never wrong.
 *
 * @internal
 */
export function checkStructFieldNames(fields: readonly BigQueryField[], nested = false): void {
  for (const f of fields) {
    if (nested && f.name === '__proto__') {
      throw new StandInHttpError(
        400,
        'invalid',
        'Unsupported by the BigQuery stand-in: a STRUCT field named __proto__ (a top-level column may have the name)',
      );
    }
    if (f.fields) checkStructFieldNames(f.fields, true);
  }
}

function needsWalk(field: BigQueryField): boolean {
  return (
    field.mode === 'REPEATED' ||
    field.type === 'RECORD' ||
    field.type === 'INTEGER' ||
    field.type === 'JSON' ||
    CIVIL_TYPES.has(field.type)
  );
}

/**
 * The rows as BigQuery would return them: NULL arrays become `[]`; a NULL element inside an array,
 * an INT64 out of range, or a DATE / DATETIME / TIMESTAMP outside years 1 to 9999, is BigQuery's error.
 *
 * @internal
 */
export function normalizeRows(
  duck: DuckModule,
  schema: readonly BigQueryField[],
  rows: DuckDBValue[][],
): DuckDBValue[][] {
  const walk = schema.map(needsWalk);
  if (!walk.some(Boolean)) return rows;
  checkStructFieldNames(schema);
  return rows.map((row) => row.map((v, k) => (walk[k] ? normalizeValue(duck, schema[k]!, v) : v)));
}
