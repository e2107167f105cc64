/**
 * CAST, SAFE_CAST and the conversion functions.
 * @module
 */
import { upper } from '../cursor.js';
import { duckScalarType, parseType } from '../parse-type.js';
import { type Call, type FunctionTable, udf } from './call.js';

const STRICT_CASTS: Record<string, string> = {
  INTEGER: 'bq_cast_int64',
  FLOAT: 'bq_cast_float64',
  BOOLEAN: 'bq_cast_bool',
};

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
