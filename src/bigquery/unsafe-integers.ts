import { PipelineError } from '../errors/index.js';
import { isInt64Field, isRecordField, type WireField } from './int64.js';

/** An INT64 value a JavaScript number cannot hold exactly: where it is and its decimal text. */
export interface UnsafeInteger {
  column: string;
  value: string;
}

/** 2^53 - 1 has 16 digits: a shorter integer text is always safe, so most values are never parsed. */
const SAFE_DIGITS = 15;

function isUnsafe(text: unknown): text is string {
  if (typeof text !== 'string') return false;
  const digits = text.charCodeAt(0) === 45 || text.charCodeAt(0) === 43 ? text.length - 1 : text.length;
  return digits > SAFE_DIGITS && !Number.isSafeInteger(Number(text));
}

function fieldsOf(value: unknown): WireField[] {
  return Array.isArray(value) ? (value as WireField[]) : [];
}

/** The first unsafe INT64 in one cell (`{ v }`) of `field`, searching arrays and structs. */
function inCell(field: WireField, cell: unknown, path: string): UnsafeInteger | undefined {
  const v = (cell as { v?: unknown } | null)?.v;
  if (v === null || v === undefined) return undefined;
  if (field.mode === 'REPEATED' && Array.isArray(v)) {
    const element: WireField = { ...field, mode: 'NULLABLE' };
    for (const item of v) {
      const found = inCell(element, item, path);
      if (found) return found;
    }
    return undefined;
  }
  if (isInt64Field(field)) return isUnsafe(v) ? { column: path, value: v } : undefined;
  if (isRecordField(field)) return inRow(fieldsOf(field.fields), v, `${path}.`);
  return undefined;
}

function inRow(fields: readonly WireField[], row: unknown, prefix: string): UnsafeInteger | undefined {
  const cells = (row as { f?: unknown } | null)?.f;
  if (!Array.isArray(cells)) return undefined;
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i] as WireField;
    if (!mayHoldInt64(field)) continue;
    const found = inCell(field, cells[i], `${prefix}${String(field.name)}`);
    if (found) return found;
  }
  return undefined;
}

/**
 * The first INT64 value of a results page (top-level columns, array elements, struct fields) that a
 * JavaScript number cannot hold: past `Number.MAX_SAFE_INTEGER`, `Number()` rounds it to another
 * integer, an id that silently names another row.
 *
 * @internal
 */
export function firstUnsafeInteger(fields: unknown, rows: readonly unknown[]): UnsafeInteger | undefined {
  const schema = fieldsOf(fields);
  if (!schema.some(mayHoldInt64)) return undefined;
  for (const row of rows) {
    const found = inRow(schema, row, '');
    if (found) return found;
  }
  return undefined;
}

/** Whether a field holds an INT64 anywhere, worked out once per field of a schema. */
const holdsInt64 = new WeakMap<WireField, boolean>();

function mayHoldInt64(field: WireField): boolean {
  let known = holdsInt64.get(field);
  if (known === undefined) {
    known = isInt64Field(field) || (isRecordField(field) && fieldsOf(field.fields).some(mayHoldInt64));
    if (typeof field === 'object' && field !== null) holdsInt64.set(field, known);
  }
  return known;
}

/**
 * The error of results holding an INT64 a number cannot hold, read without `wrapIntegers`: not
 * transient (the same rows come back the same way).
 *
 * @internal
 */
export function unsafeIntegerError(found: UnsafeInteger): PipelineError {
  return new PipelineError(
    `BigQuery results: column ${found.column} holds the INT64 ${found.value}, past Number.MAX_SAFE_INTEGER: as a JavaScript number it would be ${String(Number(found.value))}, another value. The statement ran; its rows are not returned rounded. Read them with { wrapIntegers: true } (INT64 as BigQueryInt, exact), or CAST the column to STRING`,
    { code: 'UNSAFE_INTEGER', transient: false },
  );
}
