/**
 * The one rule for an INT64 value written by this package (insertRows, loadRows, writeRows): a
 * `bigint` or a decimal string goes exactly; a number only when it is a safe integer. Past
 * `Number.MAX_SAFE_INTEGER` a number is already rounded (`2 ** 53 + 3` is 9007199254740996) and JSON
 * writes the largest ones in exponent form (`1e+21`), so BigQuery would store a value the caller
 * may not have meant.
 * @module
 */

/** INT64's range. */
export const INT64_MIN = -(2n ** 63n);
export const INT64_MAX = 2n ** 63n - 1n;

/** Whether `value` is an integer number a double cannot be trusted to hold exactly. */
export function isUnsafeIntegerNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && !Number.isSafeInteger(value);
}

/**
 * What is wrong with an unsafe integer number (see `isUnsafeIntegerNumber`) for an INT64 column, and
 * the fix; the caller puts the row and the column in front.
 */
export function unsafeIntegerAdvice(value: number): string {
  const exact = BigInt(value);
  return `the number ${String(value)} is past Number.MAX_SAFE_INTEGER (2^53 - 1), so it may already be rounded from the integer you meant${exact < INT64_MIN || exact > INT64_MAX ? ", and it is outside INT64's range" : ''}; pass the value as a bigint (${exact}n) or a decimal string ('${exact}'), e.g. parsed from its source text, never through a number`;
}

/**
 * An INT64 value as a `bigint`, or what it is not (`'a safe integer …'`, `'an INT64'`, `'within the
 * INT64 range'`): a bigint, a safe integer number, or a decimal string (optional sign, surrounding
 * whitespace ignored).
 */
export function int64Of(value: unknown): bigint | { not: string } {
  let n: bigint;
  if (typeof value === 'bigint') n = value;
  else if (typeof value === 'number') {
    if (!Number.isSafeInteger(value))
      return {
        not: `a safe integer for INT64${Number.isInteger(value) ? ` (${unsafeIntegerAdvice(value)})` : ''}`,
      };
    n = BigInt(value);
  } else if (typeof value === 'string' && /^[+-]?\d+$/.test(value.trim())) n = BigInt(value.trim());
  else return { not: 'an INT64' };
  if (n < INT64_MIN || n > INT64_MAX) return { not: 'within the INT64 range' };
  return n;
}

/** A schema field as `tables.get` returns it (REST spelling: `INTEGER`, `RECORD`). */
export interface SchemaField {
  name?: unknown;
  type?: unknown;
  mode?: unknown;
  fields?: unknown;
}

/** A path in an encoded row: keys of objects, indexes of arrays. */
export type ValuePath = ReadonlyArray<string | number>;

/** An integer number past 2^53 found in row `row` of a write, at `path`. */
export interface UnsafeRowInteger {
  row: number;
  path: ValuePath;
  value: number;
}

/**
 * The integer numbers past 2^53 of a write's rows, one entry per column path (array indexes left
 * out, so a REPEATED field is one entry): the first found, and how many there are in all. Its size is
 * bounded by the table's columns, not by the rows.
 */
export type UnsafeIntegers = Map<string, { first: UnsafeRowInteger; count: number }>;

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
    if (!isUnsafeIntegerNumber(value)) return;
    const column = path.filter((step) => typeof step === 'string').join('\u0000');
    const seen = out.get(column);
    if (seen === undefined) out.set(column, { first: { row, path: [...path], value }, count: 1 });
    else seen.count++;
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      path.push(i);
      collectUnsafeIntegers(value[i], row, out, path);
      path.pop();
    }
    return;
  }
  for (const key of Object.keys(value)) {
    path.push(key);
    collectUnsafeIntegers((value as Record<string, unknown>)[key], row, out, path);
    path.pop();
  }
}

/**
 * Whether `path` names an INT64 column (or struct field, or element of a REPEATED INT64) of
 * `fields`. Names match ignoring case, as BigQuery's do; a path through a JSON column, or to a column
 * the table does not have, is not INT64 (BigQuery decides those).
 */
export function isInt64Path(fields: unknown, path: ValuePath): boolean {
  let level: unknown = fields;
  let field: SchemaField | undefined;
  for (const step of path) {
    if (typeof step === 'number') {
      // An element of a REPEATED field is the field's own type.
      if (field?.mode !== 'REPEATED') return false;
      continue;
    }
    if (!Array.isArray(level)) return false;
    const lower = step.toLowerCase();
    field = (level as SchemaField[]).find(
      (f) => typeof f.name === 'string' && f.name.toLowerCase() === lower,
    );
    if (field === undefined) return false;
    level = field.type === 'RECORD' || field.type === 'STRUCT' ? field.fields : undefined;
  }
  return field !== undefined && (field.type === 'INTEGER' || field.type === 'INT64');
}

/** `a.b[2].c`, as the row errors name a column. */
export function formatValuePath(path: ValuePath): string {
  let out = '';
  for (const step of path) out += typeof step === 'number' ? `[${step}]` : out === '' ? step : `.${step}`;
  return out;
}
