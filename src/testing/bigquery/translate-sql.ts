/**
 * GoogleSQL → DuckDB translation for the BigQuery stand-in.
 *
 * The translation works on tokens ({@link tokenizeSql}), so string literals, quoted identifiers and
 * comments are never rewritten, whatever they contain (`'a@b'`, `` '`x`' ``, `-- @p`).
 *
 * | GoogleSQL | DuckDB |
 * |---|---|
 * | `` `project.dataset.table` ``, `` `dataset.table` ``, `` `p`.`d`.`t` ``, `dataset.table`, `my-project.d.t` (table positions) | `"project.dataset"."table"` (one DuckDB schema per dataset) |
 * | unqualified `table` with a default dataset; CTE names | resolved / left alone |
 * | `@name`, `@`name`` | `$name` (bound with its BigQuery type) |
 * | `?` | `$__posN` |
 * | `x IN UNNEST(e)`, `x NOT IN UNNEST(e)` | `x IN (SELECT UNNEST(e))` |
 * | `FROM UNNEST(e) [AS] a [WITH OFFSET [AS] o]` | `FROM (SELECT UNNEST(e) AS a[, UNNEST(range(len(e))) AS o]) AS a` |
 * | `SAFE_CAST(x AS T)` | `TRY_CAST(x AS T')` |
 * | `CAST(x AS T)` | `CAST(x AS T')` with T' below |
 * | `INT64`/`INT`/`INTEGER`, `FLOAT64`, `NUMERIC(p,s)`, `BIGNUMERIC`, `BOOL`, `STRING(n)`, `BYTES`, `TIMESTAMP`, `DATETIME`, `DATE`, `TIME`, `JSON`, `GEOGRAPHY`, `ARRAY<T>`, `STRUCT<a T>` | `BIGINT`, `DOUBLE`, `DECIMAL(p,s)` (default 38,9), `DECIMAL(38,18)`, `BOOLEAN`, `VARCHAR`, `BLOB`, `TIMESTAMPTZ`, `TIMESTAMP`, `DATE`, `TIME`, `JSON`, `VARCHAR`, `T'[]`, `STRUCT("a" T')` |
 * | `TIMESTAMP 'lit'`, `DATETIME 'lit'`, `DATE 'lit'`, `JSON 'lit'`, `NUMERIC 'lit'` | typed casts |
 * | `'…'`, `"…"`, `'''…'''`, `r'…'`, `b'…'` | standard `'…'` literals (`''` escaping), `'\xHH'::BLOB` |
 * | `CURRENT_TIMESTAMP()`, `CURRENT_DATE()`, `CURRENT_DATETIME()`, `CURRENT_TIME()` | `current_timestamp`, `current_date`, … (session time zone UTC) |
 * | `DATE_ADD`/`DATE_SUB`/`TIMESTAMP_ADD`/`TIMESTAMP_SUB`/`DATETIME_ADD`/`DATETIME_SUB(x, INTERVAL n UNIT)` | `CAST((x) ± INTERVAL (n) UNIT AS T)` |
 * | `DATE_DIFF(a, b, UNIT)`, `TIMESTAMP_DIFF`, `DATETIME_DIFF` | `date_diff('unit', b, a)`, `date_sub('unit', b, a)` |
 * | `DATE_TRUNC`, `TIMESTAMP_TRUNC`, `DATETIME_TRUNC(x, UNIT)` | `date_trunc('unit', x)` (cast back) |
 * | `TIMESTAMP(x)`, `DATETIME(x)`, `STRING(x)`, `DATE(x)`, `DATE(y, m, d)` | casts, `make_date` |
 * | `UNIX_SECONDS/MILLIS/MICROS`, `TIMESTAMP_SECONDS/MILLIS/MICROS` | `epoch…`, `to_timestamp`, `make_timestamp` |
 * | `FORMAT_TIMESTAMP/FORMAT_DATE(fmt, x)`, `PARSE_TIMESTAMP/PARSE_DATE(fmt, s)` | `strftime(x, fmt)`, `strptime(s, fmt)` |
 * | `COUNTIF`, `LOGICAL_AND`, `LOGICAL_OR`, `REGEXP_CONTAINS`, `GENERATE_ARRAY`, `SPLIT`, `BYTE_LENGTH`, `CHAR_LENGTH` | `count_if`, `bool_and`, `bool_or`, `regexp_matches`, `generate_series`, `string_split`, `octet_length`, `length` |
 * | `IFNULL`, `IF`, `COALESCE`, `ARRAY_LENGTH`, `ARRAY_AGG`, `STRING_AGG`, `QUALIFY`, `ARRAY(SELECT …)`, `[1, 2]` | unchanged (DuckDB has them) |
 * | `SAFE_DIVIDE(a, b)`, `DIV(a, b)`, `GENERATE_UUID()`, `TO_JSON_STRING(x)` | `CASE WHEN b = 0 …`, `a // b`, `gen_random_uuid()`, `to_json(x)` |
 * | `STRUCT(1 AS a, x)`, `ARRAY<T>[…]` | `struct_pack(a := 1, x := x)`, `CAST([…] AS T'[])` |
 * | `SELECT * EXCEPT (a)` | `SELECT * EXCLUDE (a)` |
 * | `INSERT t …`, `DELETE t WHERE …`, `MERGE t USING …` | `INSERT INTO`, `DELETE FROM`, `MERGE INTO` |
 * | `UPDATE`/`DELETE` without `WHERE` | refused, as BigQuery does |
 * | `CREATE [OR REPLACE] TABLE [IF NOT EXISTS] t (cols) PARTITION BY … CLUSTER BY … OPTIONS(…) [AS query]` | DuckDB DDL; partitioning, clustering and options returned as metadata |
 * | `CREATE SCHEMA`, `DROP SCHEMA [CASCADE]`, `DROP TABLE`, `TRUNCATE TABLE`, `ALTER TABLE … ADD/DROP COLUMN` | the DuckDB equivalents |
 * | `#` comments | `--` comments |
 * | anything else that DuckDB does not know | DuckDB's error, reported as `invalidQuery` by the stand-in |
 *
 * Refused with {@link SqlTranslationError} (`invalidQuery`, naming the construct): `@@system`
 * variables, scripting (`DECLARE`, `SET`, `BEGIN`, `IF`, `LOOP`, …), `SAFE.` function prefixes,
 * `SELECT AS STRUCT/VALUE`, `CREATE VIEW/FUNCTION/PROCEDURE`, `CREATE TABLE … LIKE/COPY/CLONE`,
 * `CAST(… FORMAT …)`, `INTERVAL … TO …`, `WEEK(<weekday>)`, legacy SQL.
 *
 * The work is split by concern under ./translate/: token navigation (cursor.ts), table discovery
 * (scan-tables.ts), types (parse-type.ts), function rewrites (functions.ts), DDL (ddl.ts), parameters
 * (parameters.ts) and the statement translator that ties them together (statement.ts).
 *
 * @module
 */
import { SqlSyntaxError, type SqlToken, sqlPosition, tokenizeSql } from './tokenize-sql.js';
import { SqlTranslationError } from './translate/error.js';
import { StatementTranslator } from './translate/statement.js';
import type { TranslatedStatement, TranslateOptions } from './translate/types.js';

export { SqlTranslationError } from './translate/error.js';

/**
 * Translates GoogleSQL text (one statement, or several separated by `;`) to DuckDB SQL. Throws
 * {@link SqlTranslationError} for what it refuses and for lexical errors.
 *
 * @example
 * ```ts
 * const [stmt] = translateSql(
 *   "SELECT name FROM `p.ds.users` WHERE id IN UNNEST(@ids) AND note != 'mail@x'",
 *   { projectId: 'p' },
 * );
 * stmt?.sql; // `SELECT name FROM "p.ds"."users" WHERE id IN (SELECT UNNEST($ids)) AND note != 'mail@x'`
 * ```
 */
export function translateSql(sql: string, options: TranslateOptions): TranslatedStatement[] {
  let tokens: SqlToken[];
  try {
    tokens = tokenizeSql(sql);
  } catch (err) {
    if (err instanceof SqlSyntaxError) {
      throw new SqlTranslationError(`Syntax error: ${err.message} at [${sqlPosition(sql, err.offset)}]`);
    }
    throw err;
  }
  const statements: SqlToken[][] = [[]];
  for (const tok of tokens) {
    if (tok.kind === 'op' && tok.text === ';') statements.push([]);
    else statements[statements.length - 1]!.push(tok);
  }
  const out: TranslatedStatement[] = [];
  for (const stmtTokens of statements) {
    if (!stmtTokens.some((t) => t.kind !== 'ws' && t.kind !== 'comment')) continue;
    const startOffset = stmtTokens[0]!.start;
    const endTok = stmtTokens[stmtTokens.length - 1]!;
    const text = sql.slice(startOffset, endTok.start + endTok.text.length);
    const rebased = stmtTokens.map((t) => ({ ...t, start: t.start - startOffset }));
    const translated = new StatementTranslator(rebased, text, options).statement();
    out.push({ ...translated, sql: translated.sql.trim() });
  }
  if (out.length === 0) throw new SqlTranslationError('Syntax error: Unexpected end of script at [1:1]');
  return out;
}
