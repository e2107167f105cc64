/**
 * Constructors, conditional expressions, aggregates and the remaining functions the stand-in runs.
 * @module
 */
import { isWord } from '../cursor.js';
import { quoteIdent } from '../duck-text.js';
import { type Call, call, type FunctionTable } from './call.js';

/** `STRUCT(1 AS a, x)` → `struct_pack("a" := 1, "x" := x)`; unnamed fields are named as BigQuery names them. */
function struct(c: Call): string {
  const { tr } = c;
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
 * @example
 * ```ts
 * MISC_FUNCTIONS.COUNTIF?.rewrite(call); // 'count(CASE WHEN (x) THEN 1 END)'
 * ```
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
  COUNT: call('count'),
  COUNTIF: {
    rewrite: (c) => {
      c.arity(1);
      return `count(CASE WHEN ${c.arg(0)} THEN 1 END)`;
    },
  },
  SUM: call('sum'),
  MIN: call('min'),
  MAX: call('max'),
  AVG: call('avg'),
  LOGICAL_AND: call('bool_and'),
  LOGICAL_OR: call('bool_or'),
  ARRAY_LENGTH: call('len'),
  ARRAY_AGG: call('array_agg'),
  STRING_AGG: call('string_agg'),
  ROW_NUMBER: call('row_number'),
  RANK: call('rank'),
  DENSE_RANK: call('dense_rank'),
  GENERATE_ARRAY: call('generate_series'),
};
