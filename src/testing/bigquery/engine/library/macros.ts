/**
 * SQL macros for GoogleSQL operators DuckDB reads differently. A macro is inlined where it is
 * called, and `typeof(…)` is resolved when DuckDB binds the query, so the checks cost nothing for the
 * types they do not concern.
 * @module
 */

/**
 * The `CREATE MACRO` statements the engine runs on a new database.
 *
 * @internal
 */
export const MACROS: readonly string[] = [
  // CAST to INT64 / FLOAT64 / BOOL: FLOAT64 rounds half away from zero (DuckDB: to even), STRING
  // is parsed as GoogleSQL parses it (casts.ts).
  `CREATE MACRO bq_cast_int64(x) AS CASE
     WHEN typeof(x) IN ('DOUBLE', 'FLOAT') THEN CAST(round(TRY_CAST(x AS DOUBLE)) AS BIGINT)
     WHEN typeof(x) = 'VARCHAR' THEN bq_string_to_int64(CAST(x AS VARCHAR))
     ELSE CAST(x AS BIGINT) END`,
  `CREATE MACRO bq_cast_float64(x) AS CASE
     WHEN typeof(x) = 'VARCHAR' THEN bq_string_to_float64(CAST(x AS VARCHAR))
     ELSE CAST(x AS DOUBLE) END`,
  `CREATE MACRO bq_cast_bool(x) AS CASE
     WHEN typeof(x) = 'VARCHAR' THEN bq_string_to_bool(CAST(x AS VARCHAR))
     ELSE CAST(x AS BOOLEAN) END`,
  // Division: by zero is an error in GoogleSQL (DuckDB returns NULL); NUMERIC / NUMERIC is NUMERIC
  // in GoogleSQL (DuckDB: DOUBLE), which the stand-in does not compute, so it refuses it.
  `CREATE MACRO bq_div(a, b) AS CASE
     WHEN typeof(a) LIKE 'DECIMAL%' OR typeof(b) LIKE 'DECIMAL%'
       THEN error('Unsupported by the BigQuery stand-in: division of NUMERIC values')
     WHEN b = 0 THEN error('division by zero: ' || CAST(a AS VARCHAR) || ' / ' || CAST(b AS VARCHAR))
     ELSE a / b END`,
  // DATE - DATE is an INTERVAL in GoogleSQL (DuckDB: a number of days).
  `CREATE MACRO bq_sub(a, b) AS CASE
     WHEN typeof(a) = 'DATE' AND typeof(b) = 'DATE'
       THEN error('Unsupported by the BigQuery stand-in: DATE - DATE (an INTERVAL in BigQuery)')
     ELSE a - b END`,
  // Shifts by 64 bits or more give 0 in GoogleSQL (DuckDB: an error); a negative count is an error.
  `CREATE MACRO bq_shift_left(a, n) AS CASE
     WHEN n < 0 THEN error('Bitwise shift by a negative count')
     WHEN n >= 64 THEN CAST(0 AS BIGINT) ELSE CAST(a AS BIGINT) << n END`,
  `CREATE MACRO bq_shift_right(a, n) AS CASE
     WHEN n < 0 THEN error('Bitwise shift by a negative count')
     WHEN n >= 64 THEN CAST(0 AS BIGINT) ELSE CAST(a AS BIGINT) >> n END`,
  // Array subscripts: OFFSET is 0-based, ORDINAL 1-based; out of range is an error, or NULL with SAFE_.
  // DuckDB would also index strings and JSON text: a STRING subscript is an error in GoogleSQL, and a
  // JSON array subscript is refused.
  `CREATE MACRO bq_subscriptable(a) AS CASE
     WHEN typeof(a) = 'JSON' THEN error('Unsupported by the BigQuery stand-in: JSON array subscript')
     WHEN typeof(a) = 'VARCHAR' THEN error('Element access using [] is not supported on values of type STRING')
     ELSE a END`,
  `CREATE MACRO bq_offset(a, i) AS CASE
     WHEN i < 0 OR i >= len(bq_subscriptable(a)) THEN error('Array index ' || CAST(i AS VARCHAR) || ' is out of bounds')
     ELSE a[i + 1] END`,
  'CREATE MACRO bq_safe_offset(a, i) AS CASE WHEN i < 0 OR i >= len(bq_subscriptable(a)) THEN NULL ELSE a[i + 1] END',
  `CREATE MACRO bq_ordinal(a, i) AS CASE
     WHEN i < 1 OR i > len(bq_subscriptable(a)) THEN error('Array index ' || CAST(i AS VARCHAR) || ' is out of bounds')
     ELSE a[i] END`,
  'CREATE MACRO bq_safe_ordinal(a, i) AS CASE WHEN i < 1 OR i > len(bq_subscriptable(a)) THEN NULL ELSE a[i] END',
  // Integer division and remainder: by zero is an error; DIV of NUMERIC values is refused.
  `CREATE MACRO bq_int_div(a, b) AS CASE
     WHEN typeof(a) LIKE 'DECIMAL%' OR typeof(b) LIKE 'DECIMAL%'
       THEN error('Unsupported by the BigQuery stand-in: DIV of NUMERIC values')
     WHEN b = 0 THEN error('division by zero: ' || CAST(a AS VARCHAR) || ' / ' || CAST(b AS VARCHAR))
     ELSE a // b END`,
  `CREATE MACRO bq_mod(a, b) AS CASE
     WHEN b = 0 THEN error('division by zero: MOD(' || CAST(a AS VARCHAR) || ', ' || CAST(b AS VARCHAR) || ')')
     ELSE a % b END`,
  // Functions whose INT64 form returns FLOAT64 in GoogleSQL (CEIL, ROUND, …) while DuckDB keeps the
  // integer type: a value whose type only DuckDB knows is refused rather than returned mistyped.
  `CREATE MACRO bq_not_integer(x, fn) AS CASE
     WHEN typeof(x) IN ('TINYINT', 'SMALLINT', 'INTEGER', 'BIGINT', 'HUGEINT')
       THEN error('Unsupported by the BigQuery stand-in: ' || fn || ' of an INT64 value; CAST it to FLOAT64')
     ELSE x END`,
  // Functions whose NUMERIC form returns NUMERIC in GoogleSQL (SQRT, POW, LN, …) while the stand-in
  // computes them in FLOAT64.
  `CREATE MACRO bq_not_decimal(x, fn) AS CASE
     WHEN typeof(x) LIKE 'DECIMAL%'
       THEN error('Unsupported by the BigQuery stand-in: ' || fn || ' of a NUMERIC value')
     ELSE x END`,
  // STRING_AGG with LIMIT: the joined list, NULL when it is empty.
  'CREATE MACRO bq_join(l, sep) AS CASE WHEN len(l) = 0 THEN NULL ELSE array_to_string(l, sep) END',
  // APPROX_QUANTILES over a sorted list: n + 1 boundaries, exact (a valid approximation).
  `CREATE MACRO bq_quantiles(l, n) AS CASE WHEN len(l) = 0 THEN NULL
     ELSE list_transform(range(n + 1), i -> l[CAST(floor(i * (len(l) - 1) / n) AS BIGINT) + 1]) END`,
  // PERCENTILE_DISC: the first value whose cumulative distribution reaches p (NULLs first when respected).
  `CREATE MACRO bq_percentile_disc(l, p, respect) AS (
     CASE WHEN respect THEN list_sort(l, 'ASC', 'NULLS FIRST') ELSE list_sort(list_filter(l, v -> v IS NOT NULL)) END
   )[greatest(1, CAST(ceil(p * CASE WHEN respect THEN len(l) ELSE len(list_filter(l, v -> v IS NOT NULL)) END) AS BIGINT))]`,
  // ARRAY_FIRST / ARRAY_LAST of an empty array are errors.
  `CREATE MACRO bq_array_first(a) AS CASE WHEN len(a) = 0
     THEN error('ARRAY_FIRST cannot get the first element of an empty array') ELSE a[1] END`,
  `CREATE MACRO bq_array_last(a) AS CASE WHEN len(a) = 0
     THEN error('ARRAY_LAST cannot get the last element of an empty array') ELSE a[len(a)] END`,
  // ARRAY_IS_DISTINCT: NULL counts as one value.
  `CREATE MACRO bq_array_is_distinct(a) AS
     len(list_distinct(a)) + least(1, len(list_filter(a, v -> v IS NULL))) = len(a)`,
  // ARRAY_SLICE: 0-based inclusive offsets, negative ones counted from the end, clamped to the array.
  `CREATE MACRO bq_array_slice(a, s, e) AS CASE WHEN s IS NULL OR e IS NULL THEN NULL ELSE list_slice(a,
     greatest(CASE WHEN s < 0 THEN len(a) + s ELSE s END, 0) + 1,
     least(CASE WHEN e < 0 THEN len(a) + e ELSE e END, len(a) - 1) + 1) END`,
  // GENERATE_ARRAY: a step of 0 is an error; NULL in, NULL out.
  `CREATE MACRO bq_generate_array(a, b, step) AS CASE WHEN step = 0
     THEN error('Sequence step cannot be 0.') ELSE generate_series(a, b, step) END`,
  // CAST to STRING(L) / BYTES(L): a longer value is an error (GoogleSQL does not truncate).
  `CREATE MACRO bq_max_length(v, l, t) AS CASE WHEN length(v) > l
     THEN error(t || ' has maximum length ' || l || ' but got a value with length ' || length(v))
     ELSE v END`,
  `CREATE MACRO bq_max_octets(v, l, t) AS CASE WHEN octet_length(v) > l
     THEN error(t || ' has maximum length ' || l || ' but got a value with length ' || octet_length(v))
     ELSE v END`,
  // SAFE_CAST: NULL instead of the error (DuckDB's try() refuses error(), which it deems volatile).
  `CREATE MACRO bq_max_length_or_null(v, l) AS CASE WHEN length(v) > l THEN NULL ELSE v END`,
  `CREATE MACRO bq_max_octets_or_null(v, l) AS CASE WHEN octet_length(v) > l THEN NULL ELSE v END`,
  `CREATE MACRO bq_fit_decimal_or_null(x, s, bound) AS CASE WHEN abs(round(x, s)) >= bound
     THEN NULL ELSE round(x, s) END`,
  // CAST to NUMERIC(P, S) / BIGNUMERIC(P, S): rounded half away from zero to S digits, an error when
  // it then reaches \`bound\` (10^(P-S); NULL when the stored type is narrower anyway).
  `CREATE MACRO bq_fit_decimal(x, s, bound, t) AS CASE WHEN abs(round(x, s)) >= bound
     THEN error(t || ' does not fit value ' || CAST(x AS VARCHAR)
       || ': it has more integer digits than its precision minus its scale allows')
     ELSE round(x, s) END`,
];
