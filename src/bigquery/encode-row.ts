/**
 * A JSON value as sent to BigQuery.
 *
 * @example
 * ```ts
 * import type { JsonValue } from 'gcp-pipeline-resilience';
 * const v: JsonValue = { id: '9007199254740993', tags: ['a'], at: '2024-01-01T00:00:00.000Z' };
 * ```
 */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

// The client's own value classes (BigQueryDate, BigQueryInt, ...) carry their wire form in `.value`;
// matched by constructor name so no runtime import of the client is needed.
const CLIENT_VALUE_CLASSES = new Set([
  'BigQueryDate',
  'BigQueryDatetime',
  'BigQueryInt',
  'BigQueryTime',
  'BigQueryTimestamp',
  'BigQueryRange',
  'Geography',
]);

function encodeValue(value: unknown, path: string): JsonValue | undefined {
  if (value === null) return null;
  switch (typeof value) {
    case 'undefined':
      return undefined;
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      // JSON has no NaN or Infinity; BigQuery accepts them as strings for FLOAT64 columns.
      return Number.isFinite(value) ? value : String(value);
    case 'bigint':
      // INT64 beyond 2^53 survives only as a string.
      return value.toString();
    case 'function':
    case 'symbol':
      throw new TypeError(`Row field '${path}' is a ${typeof value}, which has no BigQuery representation`);
  }
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new TypeError(`Row field '${path}' is an invalid Date`);
    return value.toISOString();
  }
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (Array.isArray(value)) {
    return value.map((item, i) => {
      const encoded = encodeValue(item, `${path}[${i}]`);
      return encoded === undefined ? null : encoded;
    });
  }
  const obj = value as Record<string, unknown>;
  const ctor = (obj.constructor as { name?: string } | undefined)?.name;
  if (ctor !== undefined && CLIENT_VALUE_CLASSES.has(ctor) && 'value' in obj) {
    return encodeValue(obj.value, path);
  }
  if (typeof (obj as { toJSON?: unknown }).toJSON === 'function') {
    return encodeValue((obj as { toJSON(): unknown }).toJSON(), path);
  }
  const out: Record<string, JsonValue> = {};
  for (const key of Object.keys(obj)) {
    const encoded = encodeValue(obj[key], path ? `${path}.${key}` : key);
    if (encoded !== undefined) out[key] = encoded;
  }
  return out;
}

/**
 * Encodes one row into the JSON BigQuery's `insertAll` and NDJSON load jobs accept: `Date` becomes an
 * ISO-8601 string, `bigint` a decimal string, bytes base64, non-finite numbers the strings `NaN` /
 * `Infinity`, `undefined` fields are dropped, and the client's value classes (`BigQueryDate`, ...) their
 * `.value`. Functions and symbols are a `TypeError` naming the field.
 *
 * @example
 * ```ts
 * import { encodeRow } from 'gcp-pipeline-resilience';
 * encodeRow({ id: 1n, at: new Date(0), note: undefined });
 * // { id: '1', at: '1970-01-01T00:00:00.000Z' }
 * ```
 */
export function encodeRow(row: unknown): { [key: string]: JsonValue } {
  if (row === null || typeof row !== 'object' || Array.isArray(row)) {
    throw new TypeError(
      `A row must be a plain object, got ${row === null ? 'null' : Array.isArray(row) ? 'an array' : typeof row}`,
    );
  }
  return encodeValue(row, '') as { [key: string]: JsonValue };
}
