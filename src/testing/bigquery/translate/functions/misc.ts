/**
 * Constructors, conditional expressions, aggregates and the remaining functions the stand-in runs.
 * @module
 */
import { isWord } from '../cursor.js';
import { quoteIdent } from '../duck-text.js';
import { type Call, call, type FunctionTable, udf } from './call.js';

/** `STRUCT(1 AS a, x)` → `struct_pack("a" := 1, "x" := x)`; unnamed fields are named as BigQuery names them. */
function struct(c: Call): string {
  const { tr } = c;
  // In DML a STRUCT is stored into a column, which GoogleSQL does by position (DuckDB: by field name,
  // unless the struct is unnamed).
  if (tr.dml) {
    const values = c.args.map(([s, e]) => {
      const as = tr.lastTopLevelAs(s, e);
      return tr.emit(s, as >= 0 ? as : e).trim();
    });
    return `row(${values.join(', ')})`;
  }
  const fields = c.args.map(([s, e], k) => {
    const as = tr.lastTopLevelAs(s, e);
    if (as >= 0) {
      const nameTok = tr.t[tr.next(as)]!;
      return `${quoteIdent(nameTok.value)} := ${tr.emit(s, as).trim()}`;
    }
    const lastTok = tr.t[tr.prev(e)];
    const name =
      isWord(lastTok) && tr.next(tr.prev(e) - 1) === tr.next(s - 1) ? lastTok!.value : `_field_${k + 1}`;
    return `${quoteIdent(name)} := ${tr.emit(s, e).trim()}`;
  });
  return `struct_pack(${fields.join(', ')})`;
}

/**
 * The remaining functions.
 *
 * @internal
 */
export const MISC_FUNCTIONS: FunctionTable = {
  STRUCT: { rewrite: struct },
  IF: {
    rewrite: (c) => {
      c.arity(3);
      return `(CASE WHEN ${c.arg(0)} THEN ${c.arg(1)} ELSE ${c.arg(2)} END)`;
    },
  },
  IFNULL: call('IFNULL'),
  COALESCE: call('COALESCE'),
  NULLIF: call('NULLIF'),
  GENERATE_UUID: { rewrite: () => 'CAST(gen_random_uuid() AS VARCHAR)' },
  MD5: udf('bq_md5'),
  SHA1: udf('bq_sha1'),
  SHA256: udf('bq_sha256'),
  SHA512: udf('bq_sha512'),
  NULLIFZERO: {
    rewrite: (c) => {
      c.arity(1);
      return `NULLIF(${c.arg(0)}, 0)`;
    },
  },
  ZEROIFNULL: {
    rewrite: (c) => {
      c.arity(1);
      return `COALESCE(${c.arg(0)}, 0)`;
    },
  },
};
