/**
 * CAST, SAFE_CAST and the conversion functions.
 * @module
 */
import type { BigQueryField } from '../../schema.js';
import { hasTypeParameters, parameterizedTypeName, typeParameters } from '../../type-parameters.js';
import { upper } from '../cursor.js';
import { duckScalarType, parseType } from '../parse-type.js';
import { type Call, type FunctionTable, udf } from './call.js';

const STRICT_CASTS: Record<string, string> = {
  INTEGER: 'bq_cast_int64',
  FLOAT: 'bq_cast_float64',
  BOOLEAN: 'bq_cast_bool',
};

/** Integer digits the stand-in stores for each decimal type (DuckDB DECIMAL(38, 9) / (38, 18)). */
const STORED_INTEGER_DIGITS: Record<string, number> = { NUMERIC: 29, BIGNUMERIC: 20 };

/**
 * `CAST(x AS STRING(L) / BYTES(L) / NUMERIC(P, S) / BIGNUMERIC(P, S))`: GoogleSQL's conversion, then
 * the parameters (a longer STRING or BYTES is an error; a decimal is rounded half away from zero to
 * S digits, an error when it has more than P - S integer digits). The result has the unparameterized
 * type, as in BigQuery. `undefined` for a type without parameters.
 */
function parameterizedCast(c: Call, field: BigQueryField, value: string, safe: boolean): string | undefined {
  if (field.mode === 'REPEATED' || field.type === 'RECORD') {
    if (hasTypeParameters(field)) c.unsupported(`${c.name} to a parameterized type inside ARRAY or STRUCT`);
    return undefined;
  }
  const params = typeParameters(field);
  if (!params) return undefined;
  const typeName = quoteSql(parameterizedTypeName(field.type, params));
  // SAFE_CAST: the conversion under try(), the parameters by the macros that answer NULL.
  const convert = (sql: string) => (safe ? `try(${sql})` : sql);
  const orNull = safe ? '_or_null' : '';
  const label = safe ? '' : `, ${typeName}`;
  if (field.type === 'STRING' || field.type === 'BYTES') {
    const [fn, check] =
      field.type === 'STRING' ? ['bq_string', 'bq_max_length'] : ['bq_bytes', 'bq_max_octets'];
    return `${check}${orNull}(${convert(`${fn}(${value})`)}, ${params.maxLength}${label})`;
  }
  const base = duckScalarType(field.type);
  const scale = params.scale ?? 0;
  const integerDigits = params.precision! - scale;
  const bound =
    integerDigits < STORED_INTEGER_DIGITS[field.type]!
      ? `CAST('1${'0'.repeat(integerDigits)}' AS DECIMAL(38, 0))`
      : 'NULL';
  return `CAST(bq_fit_decimal${orNull}(${convert(`CAST(${value} AS ${base})`)}, ${scale}, ${bound}${label}) AS ${base})`;
}

function quoteSql(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/** `CAST`/`SAFE_CAST(x AS T)` with T translated; `FORMAT` clauses are refused. */
function cast(c: Call, safe: boolean): string {
  const { tr } = c;
  const open = tr.next(c.at);
  const close = c.close;
  const as = tr.lastTopLevelAs(open + 1, close);
  if (as < 0) tr.fail(`Syntax error: Expected keyword AS in ${c.name}`, c.at);
  const type = parseType(tr, tr.next(as));
  if (tr.next(type.next - 1) !== close) {
    const extra = tr.t[tr.next(type.next - 1)]!;
    if (upper(extra) === 'FORMAT') tr.unsupported(`${c.name} ... FORMAT`, c.at);
    tr.fail(`Syntax error: Unexpected ${extra.text}`, tr.next(type.next - 1));
  }
  const value = tr.emit(open + 1, as).trim();
  const parameterized = parameterizedCast(c, type.field, value, safe);
  if (parameterized) return parameterized;
  // GoogleSQL's TIMESTAMP conversions (zone names, truncated fractions, DATE and DATETIME read in UTC).
  if (type.field.mode !== 'REPEATED' && type.field.type === 'TIMESTAMP') {
    return safe ? `try(bq_timestamp(${value}))` : `bq_timestamp(${value})`;
  }
  // GoogleSQL's text forms of values (CAST AS STRING) and UTF-8 (CAST AS BYTES) are not DuckDB's.
  if (type.field.mode !== 'REPEATED' && (type.field.type === 'STRING' || type.field.type === 'BYTES')) {
    const fn = type.field.type === 'STRING' ? 'bq_string' : 'bq_bytes';
    const arg =
      upper(tr.t[tr.next(open)]) === 'NULL' && tr.next(tr.next(open)) === as
        ? `CAST(NULL AS ${type.duck})`
        : value;
    return safe ? `try(${fn}(${arg}))` : `${fn}(${arg})`;
  }
  // INT64, FLOAT64 and BOOL: GoogleSQL's rounding and STRING parsing (engine/library/casts.ts).
  const strict = type.field.mode === 'REPEATED' ? undefined : STRICT_CASTS[type.field.type];
  if (
    strict &&
    type.duck ===
      duckScalarType(
        type.field.type === 'INTEGER' ? 'INT64' : type.field.type === 'FLOAT' ? 'FLOAT64' : 'BOOL',
      )
  ) {
    return safe ? `try(${strict}(${value}))` : `${strict}(${value})`;
  }
  // Strings DuckDB would read as intervals in its own formats.
  if (type.field.mode !== 'REPEATED' && type.field.type === 'INTERVAL')
    c.unsupported(`${c.name} to INTERVAL`);
  return `${safe ? 'TRY_CAST' : 'CAST'}(${value} AS ${type.duck})`;
}

/**
 * CAST and the conversion functions.
 *
 * @internal
 */
export const CONVERSION_FUNCTIONS: FunctionTable = {
  CAST: { rewrite: (c) => cast(c, false), safe: (c) => cast(c, true) },
  SAFE_CAST: { rewrite: (c) => cast(c, true) },
  PARSE_NUMERIC: udf('bq_parse_numeric'),
  PARSE_BIGNUMERIC: udf('bq_parse_bignumeric'),
  STRING: {
    rewrite: (c) => {
      c.arity(1, 2);
      return c.count === 2
        ? `bq_timestamp_string(${c.all()})`
        : `bq_string_of(${c.arg(0)}, typeof(${c.arg(0)}))`;
    },
  },
};
