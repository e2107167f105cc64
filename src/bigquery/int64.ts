/**
 * The one rule for an INT64 value written by this package (insertRows, loadRows, writeRows): a
 * `bigint` or a decimal string goes exactly; a number only when it is a safe integer. Past
 * `Number.MAX_SAFE_INTEGER` a number may already be rounded (`2 ** 53 + 3` is 9007199254740996) and
 * JSON writes its shortest text, not its value (`2 ** 60` as 1152921504606847000, `1e21` as
 * `1e+21`), so BigQuery would store a value the caller did not mean.
 * @module
 */

/** INT64's range. */
export const INT64_MIN = -(2n ** 63n);
export const INT64_MAX = 2n ** 63n - 1n;

/**
 * What is wrong with an integer number past 2^53 for an INT64 column, and the fix; the caller puts
 * the row and the column in front.
 */
export function unsafeIntegerAdvice(value: number): string {
  const exact = BigInt(value);
  return `the number ${value} is past Number.MAX_SAFE_INTEGER, so it may be rounded${exact < INT64_MIN || exact > INT64_MAX ? " (and outside INT64's range)" : ''}: pass a bigint (${exact}n) or a decimal string ('${exact}'), never a number`;
}

/**
 * An INT64 value as a `bigint`, or what it is not: a bigint, a safe integer number, or a decimal
 * string (optional sign, surrounding whitespace ignored), within INT64's range.
 */
export function int64Of(value: unknown): bigint | { not: string } {
  let n: bigint;
  const text = typeof value === 'string' ? value.trim() : '';
  if (typeof value === 'bigint') n = value;
  else if (typeof value === 'number') {
    if (!Number.isSafeInteger(value))
      return {
        not: `a safe integer for INT64${Number.isInteger(value) ? ` (${unsafeIntegerAdvice(value)})` : ''}`,
      };
    n = BigInt(value);
  } else if (/^[+-]?\d+$/.test(text)) n = BigInt(text);
  else return { not: 'an INT64' };
  return n < INT64_MIN || n > INT64_MAX ? { not: 'within the INT64 range' } : n;
}

/** A path in an encoded row: keys of objects, indexes of arrays. */
export type ValuePath = ReadonlyArray<string | number>;

/**
 * The integer numbers past 2^53 of a write's rows, one entry per column path (array indexes left
 * out, so a REPEATED field is one entry): the first found (its row, path and value) and how many
 * there are in all. Its size is bounded by the table's columns, not by the rows.
 */
export type UnsafeIntegers = Map<string, { row: number; path: ValuePath; value: number; count: number }>;

/**
 * Adds the integer numbers past 2^53 of one encoded row (plain objects, arrays, scalars) to `out`.
 * A row without any costs one visit per value.
 */
export function collectUnsafeIntegers(
  value: unknown,
  row: number,
  out: UnsafeIntegers,
  path: Array<string | number> = [],
): void {
  if (typeof value === 'number') {
    if (!Number.isInteger(value) || Number.isSafeInteger(value)) return;
    const column = path.filter((step) => typeof step === 'string').join('\0');
    const seen = out.get(column);
    if (seen) seen.count++;
    else out.set(column, { row, path: [...path], value, count: 1 });
  } else if (typeof value === 'object' && value !== null) {
    const array = Array.isArray(value);
    for (const key of Object.keys(value)) {
      path.push(array ? Number(key) : key);
      collectUnsafeIntegers((value as Record<string, unknown>)[key], row, out, path);
      path.pop();
    }
  }
}

/** A schema field as the REST API sends it (`tables.get`, a results page), read with care. */
export interface WireField {
  name?: unknown;
  type?: unknown;
  mode?: unknown;
  fields?: unknown;
}

/** An INT64 field: BigQuery spells types in upper case, and REST sends `INTEGER`. */
export function isInt64Field(field: WireField | undefined): boolean {
  return field?.type === 'INTEGER' || field?.type === 'INT64';
}

/** A STRUCT field (REST sends `RECORD`). */
export function isRecordField(field: WireField | undefined): boolean {
  return field?.type === 'RECORD' || field?.type === 'STRUCT';
}

/**
 * Whether `path` names an INT64 column (or struct field, or element of a REPEATED INT64) of
 * `fields`. Names match ignoring case, as BigQuery's do; a path through a JSON column, or to a column
 * the table does not have, is not INT64 (BigQuery decides those).
 */
export function isInt64Path(fields: unknown, path: ValuePath): boolean {
  let field: WireField | undefined;
  for (const step of path) {
    if (typeof step === 'number') {
      // An element of a REPEATED field is the field's own type.
      if (field?.mode !== 'REPEATED') return false;
      continue;
    }
    const level = field ? (isRecordField(field) ? field.fields : 0) : fields;
    field = Array.isArray(level)
      ? (level as WireField[]).find((f) => String(f.name).toLowerCase() === step.toLowerCase())
      : undefined;
    if (!field) return false;
  }
  return isInt64Field(field);
}
