/**
 * GoogleSQL → DuckDB translation for the BigQuery stand-in.
 *
 * The translation works on tokens (`tokenizeSql`), so string literals, quoted identifiers and
 * comments are never rewritten, whatever they contain (`'a@b'`, `` '`x`' ``, `-- @p`). Its rule is
 * never a wrong answer: what it cannot translate exactly is refused with
 * {@link SqlTranslationError} (`invalidQuery`, naming the construct).
 *
 * | GoogleSQL | DuckDB |
 * |---|---|
 * | `` `project.dataset.table` ``, `` `dataset.table` ``, `` `p`.`d`.`t` ``, `dataset.table`, `my-project.d.t` (table positions) | `"project.dataset"."table"` (one DuckDB schema per dataset) |
 * | unqualified `table` with a default dataset; CTE names | resolved / left alone |
 * | `ds.INFORMATION_SCHEMA.TABLES`, `` `region-us`.INFORMATION_SCHEMA.… ``, `ds.__TABLES__` | a temporary table the engine fills from its catalog |
 * | `@name`, `?` | `$name`, `$__posN` (bound with their BigQuery types) |
 * | `x IN UNNEST(e)` | `x IN (SELECT UNNEST(e))` |
 * | `FROM UNNEST(e) [AS] a [WITH OFFSET [AS] o]` | a subquery exposing STRUCT fields as columns |
 * | functions | an allowlist (`translate/functions/`): DuckDB's function where it is exact, else the stand-in's GoogleSQL library (`engine/library/`, `bq_…`); any other function is refused |
 * | `SAFE.f(…)` | `try(…)` |
 * | `CAST`, `SAFE_CAST` | GoogleSQL's rounding and parsing for INT64, FLOAT64, BOOL, STRING, BYTES, TIMESTAMP; `CAST … FORMAT` and CAST to INTERVAL refused |
 * | `a / b`, `a - b`, `a ^ b`, `a << n`, `x LIKE p`, `a[OFFSET(i)]`, `json['k']` | macros with GoogleSQL's errors and types (`bq_div`, …), `xor`, `LIKE p ESCAPE '\'` |
 * | `1.5`, `1e3`, `0x1F`, `TIMESTAMP '…'`, `JSON '…'`, `NUMERIC '…'` | FLOAT64, INT64, GoogleSQL-parsed typed literals |
 * | unnamed select items; `SELECT AS STRUCT` | `AS "f0_"`, `AS "f1_"`, …; `struct_pack(…)` |
 * | `SELECT *` over `JOIN … USING`; `PIVOT`; `UNPIVOT`; `… UNION ALL … ORDER BY expr` | USING columns first; GoogleSQL column names; value column before name column; a wrapped set operation |
 * | `STRUCT(…)` in `INSERT`/`UPDATE`/`MERGE`; `MERGE … INSERT ROW` | `row(…)` (stored by position); `INSERT BY POSITION` |
 * | `INSERT t …`, `DELETE t WHERE …`, `MERGE t USING …`; `UPDATE`/`DELETE` without `WHERE` | `INSERT INTO`, `DELETE FROM`, `MERGE INTO`; refused, as BigQuery does |
 * | `CREATE [OR REPLACE] TABLE … PARTITION BY … CLUSTER BY … OPTIONS(…) [AS query]`, `… LIKE / COPY / CLONE` | DuckDB DDL, with partitioning, clustering and options as metadata; LIKE / COPY written by the engine |
 * | `CREATE [OR REPLACE] [MATERIALIZED] VIEW`, `DROP [MATERIALIZED] VIEW` | DuckDB views, recorded as `VIEW` / `MATERIALIZED_VIEW` |
 * | `ALTER TABLE` actions, `ALTER VIEW / SCHEMA … SET OPTIONS`, `CREATE / DROP SEARCH INDEX` | actions the engine applies (`engine/alter-table.ts`); no-ops |
 * | `CREATE SCHEMA`, `DROP SCHEMA [CASCADE]`, `DROP TABLE`, `TRUNCATE TABLE` | the DuckDB equivalents |
 * | comments | block comments |
 *
 * Refused: `@@system` variables, scripting (`DECLARE`, `SET`, `BEGIN`, `IF`, `LOOP`, …), `SELECT AS
 * VALUE`, `CREATE FUNCTION/PROCEDURE`, temporary tables, `CAST(… FORMAT …)`, `INTERVAL … TO …`,
 * `RANGE`, dotted functions other than `SAFE.` (`NET.`, `KEYS.`, …), tables named by string literals,
 * legacy SQL, and every function outside the allowlist.
 *
 * The work is split by concern under ./translate/ (see docs/decisions/bigquery-stand-in.md, "File
 * layout").
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
 * import { translateSql } from 'gcp-pipeline-resilience/testing';
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
