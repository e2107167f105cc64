/**
 * GoogleSQL types: parsing `ARRAY<…>`, `STRUCT<…>` and parameterised scalars, and the one table that
 * maps each GoogleSQL scalar type to its DuckDB type and its BigQuery schema type.
 * @module
 */
import type { BigQueryField } from '../schema.js';
import { normalizeTypeParameters } from '../type-parameters.js';
import { isWord, type TokenCursor, upper } from './cursor.js';
import { quoteIdent } from './duck-text.js';
import { optionsAt } from './options.js';

/**
 * A parsed type: its DuckDB spelling, the BigQuery field it declares, and the token after it.
 *
 * @internal
 */
export interface ParsedType {
  duck: string;
  field: BigQueryField;
  next: number;
}

/** Scalar type names (and their aliases) → DuckDB type and BigQuery schema type, without parameters. */
const SCALARS: Record<string, { duck: string; type: string }> = {
  INT64: { duck: 'BIGINT', type: 'INTEGER' },
  INT: { duck: 'BIGINT', type: 'INTEGER' },
  INTEGER: { duck: 'BIGINT', type: 'INTEGER' },
  BIGINT: { duck: 'BIGINT', type: 'INTEGER' },
  SMALLINT: { duck: 'BIGINT', type: 'INTEGER' },
  TINYINT: { duck: 'BIGINT', type: 'INTEGER' },
  BYTEINT: { duck: 'BIGINT', type: 'INTEGER' },
  FLOAT64: { duck: 'DOUBLE', type: 'FLOAT' },
  FLOAT: { duck: 'DOUBLE', type: 'FLOAT' },
  NUMERIC: { duck: 'DECIMAL(38,9)', type: 'NUMERIC' },
  DECIMAL: { duck: 'DECIMAL(38,9)', type: 'NUMERIC' },
  BIGNUMERIC: { duck: 'DECIMAL(38,18)', type: 'BIGNUMERIC' },
  BIGDECIMAL: { duck: 'DECIMAL(38,18)', type: 'BIGNUMERIC' },
  BOOL: { duck: 'BOOLEAN', type: 'BOOLEAN' },
  BOOLEAN: { duck: 'BOOLEAN', type: 'BOOLEAN' },
  STRING: { duck: 'VARCHAR', type: 'STRING' },
  BYTES: { duck: 'BLOB', type: 'BYTES' },
  TIMESTAMP: { duck: 'TIMESTAMPTZ', type: 'TIMESTAMP' },
  DATETIME: { duck: 'TIMESTAMP', type: 'DATETIME' },
  DATE: { duck: 'DATE', type: 'DATE' },
  TIME: { duck: 'TIME', type: 'TIME' },
  JSON: { duck: 'JSON', type: 'JSON' },
  GEOGRAPHY: { duck: 'VARCHAR', type: 'GEOGRAPHY' },
  INTERVAL: { duck: 'INTERVAL', type: 'INTERVAL' },
};

/**
 * The DuckDB type of a GoogleSQL scalar type name (upper case, no parameters); used by typed
 * literals, conversion functions and the date/time functions that cast their result back.
 *
 * @internal
 */
export function duckScalarType(name: string): string {
  const scalar = SCALARS[name];
  if (!scalar) throw new Error(`No DuckDB type for ${name}`);
  return scalar.duck;
}

/**
 * Parses a GoogleSQL type at token `i`.
 *
 * @internal
 */
export function parseType(c: TokenCursor, i: number): ParsedType {
  const tok = c.t[i];
  if (!isWord(tok)) c.fail(`Syntax error: Expected a type but got ${tok?.text ?? 'end of input'}`, i);
  const word = tok!.value.toUpperCase();
  if (word === 'ARRAY') return parseArray(c, i);
  if (word === 'STRUCT') return parseStruct(c, i);
  let next = i + 1;
  let params: string[] = [];
  const open = c.next(i);
  if (c.isOp(open, '(')) {
    const close = c.matching(open);
    params = c.splitArgs(open + 1, close).map(([s, e]) => c.sourceText(s, e));
    next = close + 1;
  }
  const scalar = SCALARS[word];
  if (!scalar) c.unsupported(`type ${tok!.text}`, i);
  // Parameters are kept on the field; the column is stored as the unparameterized type and every
  // write path applies them (type-parameters.ts), so results are typed as BigQuery types them.
  const field: BigQueryField = { name: '', type: scalar.type, mode: 'NULLABLE' };
  if (params.length) {
    const numbers = params.map((p) => p.trim());
    if (!numbers.every((p) => /^\d+$/.test(p)))
      c.fail(`Type parameters of ${word} must be integer literals`, i);
    if (scalar.type === 'STRING' || scalar.type === 'BYTES') {
      if (numbers.length !== 1) c.fail(`${word} takes one parameter (its maximum length)`, i);
      field.maxLength = numbers[0];
    } else if (scalar.type === 'NUMERIC' || scalar.type === 'BIGNUMERIC') {
      if (numbers.length > 2) c.fail(`${word} takes at most two parameters (precision, scale)`, i);
      field.precision = numbers[0];
      if (numbers.length === 2) field.scale = numbers[1];
    } else {
      c.fail(`Type ${word} does not take parameters`, i);
    }
    try {
      Object.assign(field, normalizeTypeParameters({ ...field, name: word }, scalar.type), { name: '' });
    } catch (err) {
      const message = (err as Error).message;
      if (message.startsWith('Unsupported by the BigQuery stand-in'))
        c.unsupported(message.replace(/^.*?: /, '').replace(/ \(field [^)]*\)$/, ''), i);
      c.fail(message.replace(`Field ${word}: `, `${word}: `), i);
    }
  }
  return { duck: scalar.duck, field, next };
}

function parseArray(c: TokenCursor, i: number): ParsedType {
  const lt = c.next(i);
  if (!c.isOp(lt, '<')) c.fail('Syntax error: Expected "<" after ARRAY', i);
  const inner = parseType(c, c.next(lt));
  const gt = c.next(inner.next - 1);
  if (!c.isOp(gt, '>')) c.fail('Syntax error: Expected ">"', gt);
  if (inner.field.mode === 'REPEATED') c.fail('Arrays of arrays are not supported', i);
  return { duck: `${inner.duck}[]`, field: { ...inner.field, mode: 'REPEATED' }, next: gt + 1 };
}

function parseStruct(c: TokenCursor, i: number): ParsedType {
  const lt = c.next(i);
  if (!c.isOp(lt, '<')) c.fail('Syntax error: Expected "<" after STRUCT', i);
  const fields: BigQueryField[] = [];
  const ducks: string[] = [];
  let j = c.next(lt);
  for (;;) {
    const nameTok = c.t[j];
    if (!isWord(nameTok)) c.fail('Syntax error: Expected a field name in STRUCT<...>', j);
    const inner = parseType(c, c.next(j));
    const field: BigQueryField = { ...inner.field, name: nameTok!.value };
    let sep = c.next(inner.next - 1);
    // Field attributes: `NOT NULL` (a REQUIRED field) and `OPTIONS(description = …)`.
    for (;;) {
      if (upper(c.t[sep]) === 'NOT' && c.upperNext(sep) === 'NULL') {
        if (field.mode === 'REPEATED') c.fail('NOT NULL cannot be applied to ARRAY fields', sep);
        field.mode = 'REQUIRED';
        sep = c.next(c.next(sep));
        continue;
      }
      const opts = optionsAt(c, sep);
      if (!opts) break;
      if (typeof opts.options.description === 'string') field.description = opts.options.description;
      sep = c.next(opts.next - 1);
    }
    fields.push(field);
    ducks.push(`${quoteIdent(nameTok!.value)} ${inner.duck}`);
    if (c.isOp(sep, ',')) {
      j = c.next(sep);
      continue;
    }
    if (!c.isOp(sep, '>')) c.fail('Syntax error: Expected ">"', sep);
    return {
      duck: `STRUCT(${ducks.join(', ')})`,
      field: { name: '', type: 'RECORD', mode: 'NULLABLE', fields },
      next: sep + 1,
    };
  }
}
