import { describe, expect, it } from 'vitest';
import { tokenizeSql } from '../../../../src/testing/bigquery/tokenize-sql.js';
import { SqlTranslationError, translateSql } from '../../../../src/testing/bigquery/translate-sql.js';

const P = { projectId: 'p' };
const one = (sql: string, options = P) => {
  const out = translateSql(sql, options);
  expect(out).toHaveLength(1);
  return out[0]!;
};
const sqlOf = (sql: string, options = P) => one(sql, options).sql;
const refusal = (sql: string, options = P): SqlTranslationError => {
  try {
    translateSql(sql, options);
  } catch (err) {
    expect(err).toBeInstanceOf(SqlTranslationError);
    return err as SqlTranslationError;
  }
  throw new Error(`expected a refusal of ${sql}`);
};

describe('tokenizeSql', () => {
  it('keeps @, ?, backticks and comment markers inside literals as literal text', () => {
    const tokens = tokenizeSql(
      "SELECT 'a@b ? `c` -- d', \"x@y\", '''tri'ple''', r'\\d@', b'\\x00' -- @c\n/* @d */ # @e",
    );
    expect(tokens.filter((t) => t.kind === 'param' || t.kind === 'positional')).toEqual([]);
    expect(tokens.filter((t) => t.kind === 'string').map((t) => t.value)).toEqual([
      'a@b ? `c` -- d',
      'x@y',
      "tri'ple",
      '\\d@',
    ]);
    expect(tokens.filter((t) => t.kind === 'bytes').map((t) => t.value)).toEqual(['\x00']);
    expect(tokens.filter((t) => t.kind === 'comment')).toHaveLength(3);
  });

  it('decodes escapes in quoted strings and identifiers', () => {
    const [s, , q] = tokenizeSql("'it\\'s\\n' `we\\`ird`");
    expect(s!.value).toBe("it's\n");
    expect(q).toMatchObject({ kind: 'quoted', value: 'we`ird' });
  });

  it('reads @named, @`quoted` and @@system tokens', () => {
    const kinds = tokenizeSql('@a @`b c` @@row_count ?').filter((t) => t.kind !== 'ws');
    expect(kinds.map((t) => [t.kind, t.value])).toEqual([
      ['param', 'a'],
      ['param', 'b c'],
      ['sysvar', 'row_count'],
      ['positional', '?'],
    ]);
  });
});

describe('translateSql: names', () => {
  it.each([
    ['SELECT * FROM `p2.ds.t`', 'SELECT * FROM "p2.ds"."t"'],
    ['SELECT * FROM `ds.t`', 'SELECT * FROM "p.ds"."t"'],
    ['SELECT * FROM `p2`.`ds`.`t`', 'SELECT * FROM "p2.ds"."t"'],
    ['SELECT * FROM ds.t', 'SELECT * FROM "p.ds"."t"'],
    ['SELECT * FROM my-project.ds.t', 'SELECT * FROM "my-project.ds"."t"'],
    ['SELECT * FROM `my-project.ds`.t AS x', 'SELECT * FROM "my-project.ds"."t" AS x'],
  ])('%s', (input, output) => {
    expect(sqlOf(input)).toBe(output);
  });

  it('resolves every table position: comma lists, joins, subqueries, DML targets', () => {
    const stmt = one(
      'SELECT * FROM ds.a, ds.b JOIN ds.c ON b.id = c.id, ds.d WHERE x IN (SELECT y FROM `ds.e`)',
    );
    expect(stmt.tables.map((t) => `${t.tableId}:${t.role}`)).toEqual([
      'a:read',
      'b:read',
      'c:read',
      'd:read',
      'e:read',
    ]);
    expect(
      one('INSERT INTO ds.t (a) SELECT a FROM ds.s').tables.map((t) => `${t.tableId}:${t.role}`),
    ).toEqual(['t:insert', 's:read']);
    expect(one('DELETE FROM ds.t WHERE TRUE').tables[0]!.role).toBe('modify');
  });

  it('leaves column paths, struct fields and CTE names alone', () => {
    expect(sqlOf('WITH c AS (SELECT 1 AS x) SELECT c.x, t.`rec`.a FROM c JOIN ds.t AS t ON TRUE')).toBe(
      'WITH c AS (SELECT 1 AS x) SELECT c.x, t."rec".a FROM "c" JOIN "p.ds"."t" AS t ON TRUE',
    );
  });

  it('uses the default dataset for unqualified tables and refuses them without one', () => {
    expect(sqlOf('SELECT * FROM t', { projectId: 'p', defaultDataset: { datasetId: 'ds' } } as never)).toBe(
      'SELECT * FROM "p.ds"."t"',
    );
    const err = refusal('SELECT * FROM t');
    expect(err.reason).toBe('invalid');
    expect(err.message).toBe(
      'Table name "t" missing dataset while no default dataset is set in the request.',
    );
  });
});

describe('translateSql: literals and comments are never rewritten', () => {
  it('keeps @ and backticks inside strings, and comments, while rewriting the code around them', () => {
    const stmt = one(
      'SELECT \'@not_param `ds.t`\' AS a, "x@y" AS b, @real AS c -- @c `ds.t`\n# @hash\nFROM ds.t',
    );
    expect(stmt.sql).toBe(
      'SELECT \'@not_param `ds.t`\' AS a, \'x@y\' AS b, $real AS c /* @c `ds.t` */\n/* @hash */\nFROM "p.ds"."t"',
    );
    expect(stmt.namedParameters).toEqual(['real']);
    expect(stmt.tables).toHaveLength(1);
  });

  it('re-quotes strings for DuckDB (doubled quotes, no backslash escapes) and bytes as BLOB', () => {
    expect(sqlOf("SELECT 'it\\'s' AS a, r'a\\b' AS b, '''x'y''' AS c, b'\\x01A' AS d")).toBe(
      "SELECT 'it''s' AS a, 'a\\b' AS b, 'x''y' AS c, '\\x01A'::BLOB AS d",
    );
  });
});

describe('translateSql: parameters', () => {
  it('maps @named to $named and ? to numbered names', () => {
    const named = one('SELECT * FROM ds.t WHERE a = @a AND b = @B AND c = @a');
    expect(named.sql).toBe('SELECT * FROM "p.ds"."t" WHERE a = $a AND b = $B AND c = $a');
    expect(named.namedParameters).toEqual(['a', 'B']);
    const positional = one('SELECT ? AS a, ? AS b');
    expect(positional.sql).toBe('SELECT $__pos1 AS a, $__pos2 AS b');
    expect(positional.positionalCount).toBe(2);
  });

  it('rewrites IN UNNEST(@arr) and NOT IN UNNEST', () => {
    expect(sqlOf('SELECT id FROM ds.t WHERE id IN UNNEST(@ids) AND k NOT IN UNNEST([1, 2])')).toBe(
      'SELECT id FROM "p.ds"."t" WHERE id IN (SELECT UNNEST($ids)) AND k NOT IN (SELECT UNNEST([1, 2]))',
    );
  });

  it('rewrites FROM UNNEST with an alias and WITH OFFSET', () => {
    expect(sqlOf('SELECT x FROM UNNEST(@a) AS x')).toBe(
      'SELECT x FROM (SELECT UNNEST($a, max_depth := 2) AS "x") AS "x"',
    );
    expect(sqlOf('SELECT x, o FROM UNNEST([3, 4]) x WITH OFFSET AS o')).toBe(
      'SELECT x, o FROM (SELECT UNNEST([3, 4], max_depth := 2) AS "x", UNNEST(range(len([3, 4]))) AS "o") AS "x"',
    );
  });
});

describe('translateSql: functions and types', () => {
  it.each([
    ['SELECT SAFE_CAST(x AS INT64) AS v', 'SELECT try(bq_cast_int64(x)) AS v'],
    [
      'SELECT CAST(x AS FLOAT64) AS a, CAST(y AS NUMERIC) AS b, CAST(z AS BIGNUMERIC) AS c',
      'SELECT bq_cast_float64(x) AS a, CAST(y AS DECIMAL(38,9)) AS b, CAST(z AS DECIMAL(38,18)) AS c',
    ],
    [
      'SELECT CAST(x AS BOOL) AS a, CAST(y AS STRING) AS b, CAST(z AS BYTES) AS c',
      'SELECT bq_cast_bool(x) AS a, bq_string(y) AS b, bq_bytes(z) AS c',
    ],
    [
      'SELECT CAST(x AS TIMESTAMP) AS a, CAST(y AS DATETIME) AS b, CAST(z AS DATE) AS c',
      'SELECT bq_timestamp(x) AS a, CAST(y AS TIMESTAMP) AS b, CAST(z AS DATE) AS c',
    ],
    [
      'SELECT CAST(x AS ARRAY<STRUCT<a INT64, b ARRAY<STRING>>>) AS v',
      'SELECT CAST(x AS STRUCT("a" BIGINT, "b" VARCHAR[])[]) AS v',
    ],
    [
      'SELECT DATE_SUB(CURRENT_DATE(), INTERVAL 3 DAY) AS v',
      'SELECT CAST((current_date) - INTERVAL 3 DAY AS DATE) AS v',
    ],
    [
      "SELECT DATE_SUB('2026-01-15', INTERVAL 90 DAY) AS v",
      "SELECT CAST((CAST('2026-01-15' AS DATE)) - INTERVAL 90 DAY AS DATE) AS v",
    ],
    ['SELECT DATE_ADD(d, INTERVAL @n MONTH) AS v', 'SELECT CAST((d) + INTERVAL ($n) MONTH AS DATE) AS v'],
    [
      'SELECT TIMESTAMP_DIFF(a, b, SECOND) AS s, DATE_DIFF(a, b, WEEK(MONDAY)) AS w',
      "SELECT bq_diff(a, b, 'SECOND') AS s, bq_diff(a, b, 'WEEK_MONDAY') AS w",
    ],
    [
      'SELECT TIMESTAMP_TRUNC(ts, HOUR, "Europe/Paris") AS h, DATE_TRUNC(d, ISOYEAR) AS y',
      "SELECT bq_trunc(ts, 'HOUR', 'Europe/Paris') AS h, bq_trunc(d, 'ISOYEAR') AS y",
    ],
    [
      "SELECT EXTRACT(DAYOFWEEK FROM ts AT TIME ZONE 'UTC') AS v",
      "SELECT bq_extract(ts, 'DAYOFWEEK', 'UTC') AS v",
    ],
    [
      'SELECT COUNTIF(x > 1) AS a, IFNULL(a, 0) AS b, LOGICAL_AND(b) AS c',
      'SELECT count(CASE WHEN x > 1 THEN 1 END) AS a, IFNULL(a, 0) AS b, bool_and(b) AS c',
    ],
    ['SELECT REGEXP_CONTAINS(s, r"^a") AS v', "SELECT regexp_matches(s, '^a') AS v"],
    [
      "SELECT TIMESTAMP '2024-01-01 00:00:00 UTC' AS v",
      "SELECT bq_timestamp('2024-01-01 00:00:00 UTC') AS v",
    ],
    [
      'SELECT FORMAT_TIMESTAMP("%Y", ts) AS a, PARSE_DATE("%Y-%m-%d", s) AS b',
      "SELECT bq_format_time('%Y', ts) AS a, bq_parse_date('%Y-%m-%d', s) AS b",
    ],
    [
      "SELECT STRUCT(1 AS a, 'x' AS b) AS s, ARRAY<INT64>[1, 2] AS a",
      'SELECT struct_pack("a" := 1, "b" := \'x\') AS s, CAST([1, 2] AS BIGINT[]) AS a',
    ],
    ['SELECT * EXCEPT (a, b) FROM ds.t', 'SELECT * EXCLUDE (a, b) FROM "p.ds"."t"'],
    ['SELECT SAFE.SUBSTR(s, 1) AS v', 'SELECT try(bq_substr(s, 1)) AS v'],
    [
      'SELECT a[OFFSET(1)] AS x, a[SAFE_ORDINAL(2)] AS y',
      'SELECT (bq_offset(a,1)) AS x, (bq_safe_ordinal(a,2)) AS y',
    ],
  ])('%s', (input, output) => {
    expect(sqlOf(input)).toBe(output);
  });

  it('names anonymous columns f0_, f1_, … as BigQuery does, counting only the anonymous ones', () => {
    expect(sqlOf('SELECT 1, x, t.y, 2 AS two, x + 1 FROM ds.t')).toBe(
      'SELECT 1 AS "f0_", x, t.y, 2 AS two, x + 1 AS "f1_" FROM "p.ds"."t"',
    );
  });

  it('types literals as GoogleSQL does: FLOAT64 for 1.5, INT64 in arithmetic, hexadecimal integers', () => {
    expect(sqlOf('SELECT 1.5 AS a, 2147483647 + 1 AS b, 0x1F AS c')).toBe(
      "SELECT CAST('1.5' AS DOUBLE) AS a, CAST(2147483647 AS BIGINT) + CAST(1 AS BIGINT) AS b, CAST(31 AS BIGINT) AS c",
    );
  });

  it('rewrites the operators whose DuckDB meaning differs, around their whole operands', () => {
    expect(sqlOf('SELECT a / (b - c) * 2 AS x, a ^ b AS y, s LIKE @p AS z FROM ds.t')).toBe(
      'SELECT bq_div(a , (bq_sub(b , c))) * CAST(2 AS BIGINT) AS x, xor(a , b) AS y, s LIKE $p ESCAPE \'\\\' AS z FROM "p.ds"."t"',
    );
  });
});

describe('translateSql: statements', () => {
  it('adds INTO / FROM where GoogleSQL lets them out and types DML statements', () => {
    expect(one("INSERT ds.t (a) VALUES ('x')")).toMatchObject({
      sql: 'INSERT INTO "p.ds"."t" (a) VALUES (\'x\')',
      statementType: 'INSERT',
    });
    expect(one('DELETE ds.t WHERE a = 1')).toMatchObject({
      sql: 'DELETE FROM "p.ds"."t" WHERE a = 1',
      statementType: 'DELETE',
    });
    expect(one('UPDATE ds.t SET a = 1 WHERE b')).toMatchObject({ statementType: 'UPDATE' });
    const merge = one('MERGE ds.t T USING ds.s S ON T.id = S.id WHEN MATCHED THEN DELETE');
    expect(merge.sql).toBe(
      'MERGE INTO "p.ds"."t" T USING "p.ds"."s" S ON T.id = S.id WHEN MATCHED THEN DELETE',
    );
    expect(merge.tables.map((t) => `${t.tableId}:${t.role}`)).toEqual(['t:modify', 's:read']);
  });

  it('refuses UPDATE and DELETE without WHERE, as BigQuery does', () => {
    expect(refusal('UPDATE ds.t SET a = 1').message).toBe('UPDATE must have a WHERE clause at [1:1]');
    expect(refusal('DELETE FROM ds.t').message).toBe('DELETE must have a WHERE clause at [1:1]');
  });

  it('translates CREATE TABLE and returns partitioning, clustering, options and the BigQuery schema', () => {
    const stmt = one(
      `CREATE TABLE IF NOT EXISTS ds.ev (id INT64 NOT NULL, ts TIMESTAMP OPTIONS(description = 'when'),
         tags ARRAY<STRING>, rec STRUCT<a INT64, b STRING>, amount NUMERIC DEFAULT 0)
       PARTITION BY TIMESTAMP_TRUNC(ts, HOUR) CLUSTER BY id, tags
       OPTIONS (description = 'events', require_partition_filter = TRUE, partition_expiration_days = 7)`,
    );
    expect(stmt.statementType).toBe('CREATE_TABLE');
    expect(stmt.sql).toBe(
      'CREATE TABLE IF NOT EXISTS "p.ds"."ev" ("id" BIGINT NOT NULL, "ts" TIMESTAMPTZ, "tags" VARCHAR[], "rec" STRUCT("a" BIGINT, "b" VARCHAR), "amount" DECIMAL(38,9) DEFAULT 0)',
    );
    expect(stmt.create).toMatchObject({
      ifNotExists: true,
      orReplace: false,
      timePartitioning: { type: 'HOUR', field: 'ts' },
      partitionExpression: 'TIMESTAMP_TRUNC(ts, HOUR)',
      clustering: { fields: ['id', 'tags'] },
      options: { description: 'events', require_partition_filter: true, partition_expiration_days: 7 },
    });
    expect(stmt.create!.columns).toEqual([
      { name: 'id', type: 'INTEGER', mode: 'REQUIRED' },
      { name: 'ts', type: 'TIMESTAMP', mode: 'NULLABLE', description: 'when' },
      { name: 'tags', type: 'STRING', mode: 'REPEATED' },
      {
        name: 'rec',
        type: 'RECORD',
        mode: 'NULLABLE',
        fields: [
          { name: 'a', type: 'INTEGER', mode: 'NULLABLE' },
          { name: 'b', type: 'STRING', mode: 'NULLABLE' },
        ],
      },
      { name: 'amount', type: 'NUMERIC', mode: 'NULLABLE' },
    ]);
  });

  it('handles CREATE OR REPLACE TABLE ... AS SELECT, DATE(col) and RANGE_BUCKET partitioning', () => {
    const ctas = one('CREATE OR REPLACE TABLE ds.c PARTITION BY DATE(ts) AS SELECT * FROM ds.t');
    expect(ctas.statementType).toBe('CREATE_TABLE_AS_SELECT');
    expect(ctas.sql).toBe('CREATE OR REPLACE TABLE "p.ds"."c" AS SELECT * FROM "p.ds"."t"');
    expect(ctas.create).toMatchObject({ orReplace: true, timePartitioning: { type: 'DAY', field: 'ts' } });
    const range = one(
      'CREATE TABLE ds.r (id INT64) PARTITION BY RANGE_BUCKET(id, GENERATE_ARRAY(0, 100, 10))',
    );
    expect(range.create?.rangePartitioning).toEqual({
      field: 'id',
      range: { start: '0', end: '100', interval: '10' },
    });
  });

  it('translates schema, drop, truncate and alter statements', () => {
    expect(one('CREATE SCHEMA IF NOT EXISTS ds2')).toMatchObject({
      sql: 'CREATE SCHEMA IF NOT EXISTS "p.ds2"',
      statementType: 'CREATE_SCHEMA',
      schema: { projectId: 'p', datasetId: 'ds2', ifNotExists: true },
    });
    expect(one('DROP SCHEMA other.ds2 CASCADE').sql).toBe('DROP SCHEMA "other.ds2" CASCADE');
    expect(one('DROP TABLE IF EXISTS ds.t')).toMatchObject({
      sql: 'DROP TABLE IF EXISTS "p.ds"."t"',
      statementType: 'DROP_TABLE',
    });
    expect(one('TRUNCATE TABLE ds.t').statementType).toBe('TRUNCATE_TABLE');
    expect(one('ALTER TABLE ds.t ADD COLUMN IF NOT EXISTS n INT64, DROP COLUMN IF EXISTS m')).toMatchObject({
      sql: '',
      statementType: 'ALTER_TABLE',
      alter: [
        { kind: 'addColumn', field: { name: 'n', type: 'INTEGER' }, duckType: 'BIGINT', ifNotExists: true },
        { kind: 'dropColumn', column: 'm', ifExists: true },
      ],
    });
    expect(one("ALTER TABLE ds.t ALTER COLUMN c SET OPTIONS (description = 'd')").alter).toEqual([
      { kind: 'columnOptions', column: 'c', options: { description: 'd' }, ifExists: false },
    ]);
  });

  it('translates views, search indexes and CREATE TABLE LIKE', () => {
    expect(one('CREATE OR REPLACE VIEW ds.v AS SELECT 1 AS x')).toMatchObject({
      sql: 'CREATE OR REPLACE VIEW "p.ds"."v" AS SELECT 1 AS x',
      statementType: 'CREATE_VIEW',
      view: { query: 'SELECT 1 AS x', materialized: false },
    });
    expect(one('CREATE MATERIALIZED VIEW ds.mv AS SELECT 1 AS x').statementType).toBe(
      'CREATE_MATERIALIZED_VIEW',
    );
    expect(one('DROP VIEW IF EXISTS ds.v')).toMatchObject({
      sql: 'DROP VIEW IF EXISTS "p.ds"."v"',
      ifExists: true,
    });
    expect(one('CREATE SEARCH INDEX i ON ds.t(ALL COLUMNS)')).toMatchObject({
      sql: '',
      statementType: 'CREATE_SEARCH_INDEX',
      tables: [{ tableId: 't', role: 'alter' }],
    });
    expect(one('CREATE TABLE ds.c LIKE ds.t').create?.source).toEqual({
      projectId: 'p',
      datasetId: 'ds',
      tableId: 't',
      rows: false,
    });
    expect(one('SELECT * FROM ds.INFORMATION_SCHEMA.TABLES').metadata).toEqual([
      { projectId: 'p', datasetId: 'ds', view: 'TABLES', duckName: 'temp.main."bq_meta:p.ds.TABLES"' },
    ]);
  });

  it('splits scripts at semicolons outside literals', () => {
    const out = translateSql("CREATE SCHEMA s; INSERT s.t (a) VALUES (';');", P);
    expect(out.map((s) => s.statementType)).toEqual(['CREATE_SCHEMA', 'INSERT']);
    expect(out[1]!.sql).toBe('INSERT INTO "p.s"."t" (a) VALUES (\';\')');
  });
});

describe('translateSql: refusals name the construct', () => {
  it.each([
    ['SELECT @@row_count', 'system variable @@row_count'],
    ['DECLARE x INT64', 'scripting statement DECLARE'],
    ['SELECT NET.HOST(s)', 'function NET.HOST'],
    ['SELECT FOO(1)', 'function FOO'],
    ['SELECT AS VALUE 1', 'SELECT AS VALUE'],
    ['CREATE SNAPSHOT TABLE ds.s CLONE ds.t', 'CREATE SNAPSHOT'],
    ['CREATE TEMP TABLE t (a INT64)', 'CREATE TEMP TABLE'],
    ['CREATE TEMP FUNCTION f(x INT64) AS (x + 1); SELECT f(1)', 'CREATE TEMP FUNCTION'],
    ['CREATE OR REPLACE TEMPORARY FUNCTION f(x INT64) AS (x)', 'CREATE TEMP FUNCTION'],
    ['CREATE TABLE FUNCTION ds.tf() AS SELECT 1 AS n', 'CREATE TABLE FUNCTION'],
    ['CREATE OR REPLACE FUNCTION ds.f(x INT64) AS (x + 1)', 'CREATE FUNCTION'],
    ['CREATE OR REPLACE PROCEDURE ds.p() BEGIN SELECT 1; END', 'CREATE PROCEDURE'],
    ['SELECT * FROM ds.INFORMATION_SCHEMA.JOBS', 'INFORMATION_SCHEMA.JOBS'],
    ["SELECT CAST(s AS DATE FORMAT 'YYYY')", 'CAST ... FORMAT'],
    ['SELECT CAST(x AS GEOMETRY)', 'type GEOMETRY'],
    ["SELECT INTERVAL '1-2' YEAR TO MONTH", 'INTERVAL ... YEAR TO ...'],
  ])('%s', (input, construct) => {
    const err = refusal(input);
    expect(err.reason).toBe('invalidQuery');
    expect(err.message).toContain(`Unsupported by the BigQuery stand-in: ${construct}`);
  });

  it('refuses a set operator without ALL or DISTINCT, as GoogleSQL does', () => {
    expect(refusal('SELECT 1 UNION SELECT 2').message).toBe(
      'Syntax error: Expected keyword ALL or keyword DISTINCT but got keyword SELECT at [1:16]',
    );
    expect(refusal('SELECT a FROM ds.t EXCEPT (SELECT 1)').message).toContain(
      'Expected keyword ALL or keyword DISTINCT but got "("',
    );
    expect(refusal('SELECT 1 INTERSECT').message).toContain('but got end of input');
    expect(sqlOf('SELECT 1 UNION DISTINCT SELECT 2 INTERSECT ALL SELECT 1')).toContain('UNION DISTINCT');
    expect(sqlOf('SELECT * EXCEPT (a) FROM ds.t')).toContain('* EXCLUDE');
  });

  it('reports lexical errors with a position', () => {
    expect(refusal("SELECT 'open").message).toBe('Syntax error: Unclosed string literal at [1:8]');
    expect(refusal('SELECT 1;\n  SELECT `x').message).toBe(
      'Syntax error: Unclosed identifier literal at [2:10]',
    );
  });
});
