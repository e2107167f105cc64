/**
 * Mathematical functions. FLOAT64 functions with domain errors run on the stand-in's JavaScript
 * library; rounding, ABS and SIGN run on DuckDB, which keeps NUMERIC and FLOAT64 types as GoogleSQL
 * does. Where GoogleSQL's result type differs by argument type in a way DuckDB cannot follow (the
 * INT64 form of CEIL returns FLOAT64; SQRT of NUMERIC returns NUMERIC), an integer literal is cast to
 * FLOAT64 and any other argument of that type is refused at run time.
 * @module
 */
import { type Call, type FunctionEntry, type FunctionTable, udf } from './call.js';

const INTEGER_TEXT = /^\(?-?\s*\d+\)?$/;

/** Argument `k` as an INT64 operand: an integer literal becomes BIGINT (DuckDB's literals are 32-bit). */
export function int64Arg(c: Call, k: number): string {
  const text = c.arg(k);
  return INTEGER_TEXT.test(text) ? `CAST(${text} AS BIGINT)` : text;
}

/** Argument `k` where GoogleSQL converts INT64 to FLOAT64: literals are cast, other integers refused. */
function floatArg(c: Call, k: number): string {
  const text = c.arg(k);
  return INTEGER_TEXT.test(text) ? `CAST(${text} AS DOUBLE)` : `bq_not_integer(${text}, '${c.name}')`;
}

function rounding(duckFn: string): FunctionEntry {
  return {
    rewrite: (c) => {
      c.arity(1, 2);
      return `${duckFn}(${floatArg(c, 0)}${c.count === 2 ? `, CAST(${c.arg(1)} AS INTEGER)` : ''})`;
    },
  };
}

/** A FLOAT64 function of the library; NUMERIC arguments are refused when GoogleSQL would return NUMERIC. */
function float(fn: string, numericResult: boolean, min = 1, max = min): FunctionEntry {
  return {
    rewrite: (c) => {
      c.arity(min, max);
      const args = c.args.map((_, k) =>
        numericResult ? `bq_not_decimal(${c.arg(k)}, '${c.name}')` : c.arg(k),
      );
      return `${fn}(${args.join(', ')})`;
    },
  };
}

function safeArithmetic(op: string): FunctionEntry {
  return {
    rewrite: (c) => {
      c.arity(2);
      return `try(${int64Arg(c, 0)} ${op} ${int64Arg(c, 1)})`;
    },
  };
}

function extreme(pick: 'greatest' | 'least'): FunctionEntry {
  return {
    rewrite: (c) => {
      if (c.count === 0) c.fail(`${c.name} needs at least one argument`);
      const args = c.args.map((_, k) => c.arg(k));
      const anyNull = args.map((a) => `(${a}) IS NULL`).join(' OR ');
      const all = args.join(', ');
      // GoogleSQL: NULL if any argument is NULL, NaN if any is NaN (DuckDB ignores NULLs, and
      // its LEAST skips NaN, the largest value in its order).
      return `(CASE WHEN ${anyNull} THEN NULL WHEN isnan(TRY_CAST(greatest(${all}) AS DOUBLE)) THEN greatest(${all}) ELSE ${pick}(${all}) END)`;
    },
  };
}

/**
 * The mathematical functions.
 *
 * @internal
 */
export const MATH_FUNCTIONS: FunctionTable = {
  ABS: {
    rewrite: (c) => {
      c.arity(1);
      return `abs(${int64Arg(c, 0)})`;
    },
  },
  SIGN: {
    rewrite: (c) => {
      c.arity(1);
      const x = int64Arg(c, 0);
      // NaN first: DuckDB orders NaN above every number.
      return `(CASE WHEN isnan(TRY_CAST(${x} AS DOUBLE)) THEN ${x} WHEN ${x} > 0 THEN 1 WHEN ${x} < 0 THEN -1 WHEN ${x} = 0 THEN 0 ELSE ${x} END)`;
    },
  },
  CEIL: rounding('ceil'),
  CEILING: rounding('ceil'),
  FLOOR: rounding('floor'),
  TRUNC: rounding('trunc'),
  ROUND: {
    rewrite: (c) => {
      c.arity(1, 3);
      const digits = c.count > 1 ? `, CAST(${c.arg(1)} AS INTEGER)` : '';
      if (c.count < 3) return `round(${floatArg(c, 0)}${digits})`;
      const mode = c.stringLiteral(2);
      if (mode === 'ROUND_HALF_AWAY_FROM_ZERO') return `round(${c.arg(0)}${digits})`;
      if (mode !== 'ROUND_HALF_EVEN')
        c.fail(`ROUND rounding mode must be 'ROUND_HALF_EVEN' or 'ROUND_HALF_AWAY_FROM_ZERO'`);
      return `bq_round_half_even(${c.arg(0)}, ${c.arg(1)})`;
    },
  },
  ACOS: float('bq_acos', false),
  ACOSH: float('bq_acosh', false),
  ASIN: float('bq_asin', false),
  ASINH: float('bq_asinh', false),
  ATAN: float('bq_atan', false),
  ATAN2: float('bq_atan2', false, 2),
  ATANH: float('bq_atanh', false),
  COS: float('bq_cos', false),
  COSH: float('bq_cosh', false),
  SIN: float('bq_sin', false),
  SINH: float('bq_sinh', false),
  TAN: float('bq_tan', false),
  TANH: float('bq_tanh', false),
  COT: float('bq_cot', false),
  COTH: float('bq_coth', false),
  CSC: float('bq_csc', false),
  CSCH: float('bq_csch', false),
  SEC: float('bq_sec', false),
  SECH: float('bq_sech', false),
  // DuckDB's cbrt is the C library's, as BigQuery's is (CBRT(27) is 3.0000000000000004 in both).
  CBRT: {
    rewrite: (c) => {
      c.arity(1);
      return `cbrt(CAST(${c.arg(0)} AS DOUBLE))`;
    },
  },
  SQRT: float('bq_sqrt', true),
  EXP: float('bq_exp', true),
  LN: float('bq_ln', true),
  LOG: float('bq_ln', true, 1, 2),
  LOG10: float('bq_log10', true),
  POW: float('bq_pow', true, 2),
  POWER: float('bq_pow', true, 2),
  IEEE_DIVIDE: float('bq_ieee_divide', false, 2),
  IS_INF: {
    rewrite: (c) => {
      c.arity(1);
      return `isinf(CAST(${c.arg(0)} AS DOUBLE))`;
    },
  },
  IS_NAN: {
    rewrite: (c) => {
      c.arity(1);
      return `isnan(CAST(${c.arg(0)} AS DOUBLE))`;
    },
  },
  DIV: {
    rewrite: (c) => {
      c.arity(2);
      return `bq_int_div(${int64Arg(c, 0)}, ${int64Arg(c, 1)})`;
    },
  },
  MOD: {
    rewrite: (c) => {
      c.arity(2);
      return `bq_mod(${int64Arg(c, 0)}, ${int64Arg(c, 1)})`;
    },
  },
  GREATEST: extreme('greatest'),
  LEAST: extreme('least'),
  PI: { rewrite: () => 'pi()' },
  PI_NUMERIC: { rewrite: () => "CAST('3.141592654' AS DECIMAL(38,9))" },
  RAND: { rewrite: () => 'random()' },
  RANGE_BUCKET: {
    rewrite: (c) => {
      c.arity(2);
      // An empty array literal has no element type in DuckDB; give it one.
      const bounds = c.arg(1).replace(/\s/g, '') === '[]' ? 'CAST([] AS DOUBLE[])' : c.arg(1);
      return `bq_range_bucket(${c.isNull(0) ? 'CAST(NULL AS DOUBLE)' : c.arg(0)}, ${bounds})`;
    },
  },
  SAFE_ADD: safeArithmetic('+'),
  SAFE_SUBTRACT: safeArithmetic('-'),
  SAFE_MULTIPLY: safeArithmetic('*'),
  SAFE_NEGATE: {
    rewrite: (c) => {
      c.arity(1);
      return `try(-(${int64Arg(c, 0)}))`;
    },
  },
  SAFE_DIVIDE: {
    rewrite: (c) => {
      c.arity(2);
      return `(CASE WHEN (${c.arg(1)}) = 0 THEN NULL ELSE bq_div(${c.arg(0)}, ${c.arg(1)}) END)`;
    },
  },
  COSINE_DISTANCE: udf('bq_cosine_distance'),
  EUCLIDEAN_DISTANCE: udf('bq_euclidean_distance'),
};
