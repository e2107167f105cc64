/**
 * GoogleSQL's reserved keywords, and the ones among them that may be called like functions.
 * @module
 */

/**
 * GoogleSQL reserved keywords (upper case): never a column name, never a function name unless listed
 * in `CALLABLE_KEYWORDS`.
 *
 * @internal
 */
export const RESERVED_KEYWORDS: ReadonlySet<string> = new Set([
  'ALL',
  'AND',
  'ANY',
  'ARRAY',
  'AS',
  'ASC',
  'ASSERT_ROWS_MODIFIED',
  'AT',
  'BETWEEN',
  'BY',
  'CASE',
  'CAST',
  'COLLATE',
  'CONTAINS',
  'CREATE',
  'CROSS',
  'CUBE',
  'CURRENT',
  'DEFAULT',
  'DEFINE',
  'DESC',
  'DISTINCT',
  'ELSE',
  'END',
  'ENUM',
  'ESCAPE',
  'EXCEPT',
  'EXCLUDE',
  'EXISTS',
  'EXTRACT',
  'FALSE',
  'FETCH',
  'FOLLOWING',
  'FOR',
  'FROM',
  'FULL',
  'GROUP',
  'GROUPING',
  'GROUPS',
  'HASH',
  'HAVING',
  'IF',
  'IGNORE',
  'IN',
  'INNER',
  'INTERSECT',
  'INTERVAL',
  'INTO',
  'IS',
  'JOIN',
  'LATERAL',
  'LEFT',
  'LIKE',
  'LIMIT',
  'LOOKUP',
  'MERGE',
  'NATURAL',
  'NEW',
  'NO',
  'NOT',
  'NULL',
  'NULLS',
  'OF',
  'ON',
  'OR',
  'ORDER',
  'OUTER',
  'OVER',
  'PARTITION',
  'PRECEDING',
  'PROTO',
  'QUALIFY',
  'RANGE',
  'RECURSIVE',
  'RESPECT',
  'RIGHT',
  'ROLLUP',
  'ROWS',
  'SELECT',
  'SET',
  'SOME',
  'STRUCT',
  'TABLESAMPLE',
  'THEN',
  'TO',
  'TREAT',
  'TRUE',
  'UNBOUNDED',
  'UNION',
  'UNNEST',
  'USING',
  'WHEN',
  'WHERE',
  'WINDOW',
  'WITH',
  'WITHIN',
]);

/**
 * Reserved keywords that are also function names when a `(` follows (`IF(…)`, `LEFT(…)`, `CAST(…)`).
 *
 * @internal
 */
export const CALLABLE_KEYWORDS: ReadonlySet<string> = new Set([
  'IF',
  'CAST',
  'EXTRACT',
  'ARRAY',
  'STRUCT',
  'EXISTS',
  'UNNEST',
  'LEFT',
  'RIGHT',
  'COLLATE',
  'GROUPING',
  'RANGE',
]);

/**
 * The parts an `INTERVAL n PART` literal takes (and `DATETIME_ADD` accepts).
 *
 * @internal
 */
export const INTERVAL_PARTS: ReadonlySet<string> = new Set([
  'MICROSECOND',
  'MILLISECOND',
  'SECOND',
  'MINUTE',
  'HOUR',
  'DAY',
  'WEEK',
  'MONTH',
  'QUARTER',
  'YEAR',
]);

/**
 * The date and time parts GoogleSQL names in `INTERVAL`, `EXTRACT`, `DATE_TRUNC` and friends.
 *
 * @internal
 */
export const DATE_PARTS: ReadonlySet<string> = new Set([
  ...INTERVAL_PARTS,
  'DAYOFWEEK',
  'DAYOFYEAR',
  'ISOWEEK',
  'ISOYEAR',
  'DATE',
  'DATETIME',
  'TIME',
]);

/**
 * Words DuckDB reserves that GoogleSQL lets users take as names (`WITH table AS (…)`, a column named
 * `position`): the translator quotes them. Words GoogleSQL statements use as keywords (`DROP TABLE`,
 * `VALUES`, `ADD COLUMN`) are handled where those statements are read.
 *
 * @internal
 */
export const DUCKDB_ONLY_RESERVED: ReadonlySet<string> = new Set([
  'ANALYSE',
  'ANALYZE',
  'ANTI',
  'ASOF',
  'ASYMMETRIC',
  'AUTHORIZATION',
  'BINARY',
  'BOTH',
  'CHAR',
  'CHARACTER',
  'COLLATION',
  'COLUMNS',
  'CONCURRENTLY',
  'DEFERRABLE',
  'DESCRIBE',
  'DO',
  'FREEZE',
  'GENERATED',
  'GLOB',
  'GROUPING_ID',
  'ILIKE',
  'INITIALLY',
  'INOUT',
  'ISNULL',
  'LAMBDA',
  'LEADING',
  'MAP',
  'NATIONAL',
  'NCHAR',
  'NONE',
  'NOTNULL',
  'ONLY',
  'OUT',
  'OVERLAPS',
  'OVERLAY',
  'PIVOT_LONGER',
  'PIVOT_WIDER',
  'PLACING',
  'POSITION',
  'POSITIONAL',
  'PRECISION',
  'REAL',
  'RETURNING',
  'ROW',
  'SEMI',
  'SETOF',
  'SHOW',
  'SIMILAR',
  'SUMMARIZE',
  'SYMMETRIC',
  'TABLE',
  'TRAILING',
  'UNPACK',
  'VARIADIC',
  'VERBOSE',
]);
