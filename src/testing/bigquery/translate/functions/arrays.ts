/**
 * Array functions, mostly on DuckDB's list functions with GoogleSQL's edge rules (empty arrays,
 * NULL arguments, 0-based offsets) written out.
 * @module
 */
import { type Call, type FunctionEntry, type FunctionTable, udf } from './call.js';

function unary(macro: string): FunctionEntry {
  return {
    rewrite: (c) => {
      c.arity(1);
      return `${macro}(${c.arg(0)})`;
    },
  };
}

/** A one-parameter lambda `e -> …` (GoogleSQL's two-parameter form counts from 0, DuckDB's from 1). */
function lambda(c: Call, k: number): string {
  const text = c.arg(k);
  if (!/^\s*[A-Za-z_]\w*\s*->/.test(text)) c.unsupported(`${c.name} with an (element, index) lambda`);
  return text;
}

/**
 * The array functions.
 *
 * @internal
 */
export const ARRAY_FUNCTIONS: FunctionTable = {
  ARRAY_LENGTH: unary('len'),
  ARRAY_REVERSE: unary('list_reverse'),
  ARRAY_AVG: unary('list_avg'),
  ARRAY_SUM: unary('list_sum'),
  ARRAY_MIN: unary('list_min'),
  ARRAY_MAX: unary('list_max'),
  ARRAY_FIRST: unary('bq_array_first'),
  ARRAY_LAST: unary('bq_array_last'),
  ARRAY_IS_DISTINCT: unary('bq_array_is_distinct'),
  ARRAY_CONCAT: {
    rewrite: (c) => {
      if (c.count === 0) c.fail('ARRAY_CONCAT needs at least one array');
      return `(${c.args.map((_, k) => c.arg(k)).join(' || ')})`;
    },
  },
  ARRAY_SLICE: {
    rewrite: (c) => {
      c.arity(3);
      return `bq_array_slice(${c.all()})`;
    },
  },
  ARRAY_TO_STRING: udf('bq_array_to_string'),
  ARRAY_INCLUDES: {
    rewrite: (c) => {
      c.arity(2);
      if (/->/.test(c.arg(1))) return `(len(list_filter(${c.arg(0)}, ${lambda(c, 1)})) > 0)`;
      return `list_contains(${c.arg(0)}, ${c.arg(1)})`;
    },
  },
  ARRAY_INCLUDES_ALL: {
    rewrite: (c) => {
      c.arity(2);
      return `list_has_all(${c.all()})`;
    },
  },
  ARRAY_INCLUDES_ANY: {
    rewrite: (c) => {
      c.arity(2);
      return `list_has_any(${c.all()})`;
    },
  },
  ARRAY_FILTER: {
    rewrite: (c) => {
      c.arity(2);
      return `list_filter(${c.arg(0)}, ${lambda(c, 1)})`;
    },
  },
  ARRAY_TRANSFORM: {
    rewrite: (c) => {
      c.arity(2);
      return `list_transform(${c.arg(0)}, ${lambda(c, 1)})`;
    },
  },
  GENERATE_ARRAY: {
    rewrite: (c) => {
      c.arity(2, 3);
      return `bq_generate_array(${c.all()}${c.count === 2 ? ', 1' : ''})`;
    },
  },
};
