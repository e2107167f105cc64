/**
 * The stand-in's fidelity rules through the real client: each answer it used to get wrong is now
 * BigQuery's answer or a clean 400 naming the construct; NULL arrays arrive as `[]`; nothing reaches
 * the network or the file system.
 */
import type { BigQuery } from '@google-cloud/bigquery';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BigQueryStandIn, startBigQueryStandIn } from '../../../../src/testing/bigquery/index.js';

type Field = { name: string; type: string; mode?: string };
type ApiError = { code?: number; message: string; errors?: Array<{ reason?: string }> };

describe('BigQuery stand-in fidelity rules, through the real client', () => {
  let s: BigQueryStandIn;
  let bq: BigQuery;

  beforeAll(async () => {
    s = await startBigQueryStandIn({ projectId: 'fidelity' });
    bq = s.client({ autoRetry: false, maxRetries: 0 });
    await bq.createDataset('ds');
  });
  afterAll(() => s.close());

  async function query(sql: string): Promise<{ rows: Array<Record<string, unknown>>; fields: Field[] }> {
    const [rows, , response] = (await bq.query({ query: sql, useLegacySql: false })) as unknown as [
      Array<Record<string, unknown>>,
      unknown,
      { schema?: { fields?: Field[] } },
    ];
    return { rows, fields: response.schema?.fields ?? [] };
  }

  async function one(sql: string): Promise<Record<string, unknown>> {
    const { rows } = await query(sql);
    expect(rows).toHaveLength(1);
    return rows[0]!;
  }

  async function refusal(sql: string): Promise<ApiError> {
    try {
      await query(sql);
    } catch (err) {
      const e = err as ApiError;
      expect(e.code).toBe(400);
      expect(e.errors?.[0]?.reason).toBe('invalidQuery');
      return e;
    }
    throw new Error(`expected a 400 for ${sql}`);
  }

  describe('answers that were wrong', () => {
    it('FORMAT formats its arguments', async () => {
      expect(await one("SELECT FORMAT('%d items at %.2f', 3, 1.5) AS f")).toEqual({ f: '3 items at 1.50' });
    });

    it('PARSE_DATE fills missing parts from 1970-01-01', async () => {
      const row = await one("SELECT PARSE_DATE('%m/%d', '03/04') AS d");
      expect(row.d).toEqual(bq.date('1970-03-04'));
    });

    it('JSON_VALUE returns the scalar without quotes', async () => {
      expect(await one(`SELECT JSON_VALUE('{"name": "Jakob"}', '$.name') AS v`)).toEqual({ v: 'Jakob' });
    });

    it('NULLs sort first ascending and last descending, also in window ORDER BY', async () => {
      const asc = await query('SELECT x FROM UNNEST([2, NULL, 1]) AS x ORDER BY x');
      expect(asc.rows.map((r) => r.x)).toEqual([null, 1, 2]);
      const desc = await query('SELECT x FROM UNNEST([2, NULL, 1]) AS x ORDER BY x DESC');
      expect(desc.rows.map((r) => r.x)).toEqual([2, 1, null]);
      const window = await query(
        'SELECT x, ROW_NUMBER() OVER (ORDER BY x) AS n FROM UNNEST([2, NULL, 1]) AS x ORDER BY n',
      );
      expect(window.rows).toEqual([
        { x: null, n: 1 },
        { x: 1, n: 2 },
        { x: 2, n: 3 },
      ]);
    });

    it('^ is bitwise XOR', async () => {
      expect(await one('SELECT 5 ^ 3 AS x')).toEqual({ x: 6 });
    });

    it('CONCAT with a NULL argument is NULL', async () => {
      expect(await one("SELECT CONCAT('a', NULL) AS c")).toEqual({ c: null });
    });

    it('COUNTIF over no rows is 0', async () => {
      expect(await one('SELECT COUNTIF(x > 0) AS n FROM UNNEST(CAST([] AS ARRAY<INT64>)) AS x')).toEqual({
        n: 0,
      });
    });

    it('MD5 and SHA256 return BYTES', async () => {
      const { rows, fields } = await query("SELECT MD5('a') AS m, SHA256('a') AS s");
      expect(fields.map((f) => f.type)).toEqual(['BYTES', 'BYTES']);
      expect((rows[0]!.m as Buffer).toString('hex')).toBe('0cc175b9c0f1b6a831c399e269772661');
    });

    it('REGEXP_EXTRACT returns the capture group', async () => {
      expect(await one("SELECT REGEXP_EXTRACT('abc123', r'[a-z]+(\\d+)') AS r")).toEqual({ r: '123' });
    });

    it('TO_HEX is lower case', async () => {
      expect(await one("SELECT TO_HEX(b'\\xab\\xcd') AS h")).toEqual({ h: 'abcd' });
    });

    it('WEEK truncates to Sunday, WEEK(MONDAY) to Monday', async () => {
      const row = await one(
        "SELECT DATE_TRUNC(DATE '2024-01-10', WEEK) AS w, DATE_TRUNC(DATE '2024-01-10', WEEK(MONDAY)) AS m",
      );
      expect(row).toEqual({ w: bq.date('2024-01-07'), m: bq.date('2024-01-08') });
    });

    it('DATETIME_DIFF counts boundaries crossed', async () => {
      const row = await one(
        "SELECT DATETIME_DIFF(DATETIME '2024-01-01 00:00:01', DATETIME '2023-12-31 23:59:59', DAY) AS d",
      );
      expect(row).toEqual({ d: 1 });
    });

    it('JOIN ... USING puts the USING columns first', async () => {
      const { fields } = await query(
        "WITH a AS (SELECT 'x' AS v, 1 AS k), b AS (SELECT 'y' AS w, 1 AS k) SELECT * FROM a FULL JOIN b USING (k)",
      );
      expect(fields.map((f) => f.name)).toEqual(['k', 'v', 'w']);
    });

    it('UNPIVOT puts the value column before the name column', async () => {
      const { rows, fields } = await query(
        "WITH t AS (SELECT 'Kale' AS product, 51 AS Q1, 23 AS Q2) SELECT * FROM t UNPIVOT(sales FOR quarter IN (Q1, Q2))",
      );
      expect(fields.map((f) => f.name)).toEqual(['product', 'sales', 'quarter']);
      expect(rows).toHaveLength(2);
    });

    it('DATE - DATE is refused (an INTERVAL in BigQuery)', async () => {
      const e = await refusal("SELECT DATE '2024-01-02' - DATE '2024-01-01' AS d");
      expect(e.message).toContain('DATE - DATE');
    });

    it('unnamed columns are f0_, f1_, …', async () => {
      const { fields } = await query("SELECT 1, 'a', 2 AS b, 3");
      expect(fields.map((f) => f.name)).toEqual(['f0_', 'f1_', 'b', 'f2_']);
    });

    it('duplicate output column names are an error', async () => {
      const e = await refusal('SELECT 1 AS a, 2 AS a');
      expect(e.message).toContain('Duplicate column names');
    });

    it('UNION without ALL or DISTINCT is a syntax error, as in BigQuery', async () => {
      const e = await refusal('SELECT 1 AS x UNION SELECT 2');
      expect(e.message).toContain('Expected keyword ALL or keyword DISTINCT');
      const { rows } = await query('SELECT 1 AS x UNION DISTINCT SELECT 1 ORDER BY x');
      expect(rows).toEqual([{ x: 1 }]);
    });

    it('a DATE, DATETIME or TIMESTAMP past year 9999 is an error, not a year-10000 value', async () => {
      for (const sql of [
        "SELECT DATE_ADD(DATE '9999-12-31', INTERVAL 1 DAY) AS d",
        "SELECT DATETIME_ADD(DATETIME '9999-12-31 23:59:59', INTERVAL 1 SECOND) AS d",
        "SELECT TIMESTAMP_ADD(TIMESTAMP '9999-12-31 23:59:59.999999+00', INTERVAL 1 MICROSECOND) AS t",
        "SELECT [DATE_SUB(DATE '0001-01-01', INTERVAL 1 DAY)] AS a",
      ]) {
        expect((await refusal(sql)).message).toContain('out of range (years 1 to 9999)');
      }
      const edge = await one("SELECT DATE '9999-12-31' AS hi, DATE '0001-01-01' AS lo");
      expect(edge).toEqual({ hi: bq.date('9999-12-31'), lo: bq.date('0001-01-01') });
    });

    it('a literal 1.5 is FLOAT64', async () => {
      const { rows, fields } = await query('SELECT 1.5 AS f, 1.5 * 2 AS g');
      expect(fields.map((f) => f.type)).toEqual(['FLOAT', 'FLOAT']);
      expect(rows[0]).toEqual({ f: 1.5, g: 3 });
    });

    it('an unknown function is refused by name', async () => {
      const e = await refusal('SELECT ST_GEOGPOINT(1, 2) AS g');
      expect(e.message).toContain('Unsupported by the BigQuery stand-in: function ST_GEOGPOINT');
    });
  });

  describe('no NULL arrays', () => {
    it('sends [] where DuckDB has a NULL array', async () => {
      const { rows, fields } = await query(
        "SELECT GENERATE_ARRAY(5, NULL, 1) AS a, SPLIT(NULL) AS b, REGEXP_EXTRACT_ALL(NULL, 'a') AS c",
      );
      expect(rows[0]).toEqual({ a: [], b: [], c: [] });
      expect(fields.map((f) => `${f.type} ${f.mode}`)).toEqual([
        'INTEGER REPEATED',
        'STRING REPEATED',
        'STRING REPEATED',
      ]);
    });

    it('refuses an array with a NULL element, as BigQuery does', async () => {
      const e = await refusal('SELECT [1, NULL, 2] AS a');
      expect(e.message).toContain('Array cannot have a null element');
    });
  });

  describe('never the network, never the file system', () => {
    it('refuses what would load an extension or read a file', async () => {
      expect((await refusal("SELECT NET.HOST('https://example.com/a')")).message).toContain(
        'function NET.HOST',
      );
      expect((await refusal("SELECT * FROM 'https://example.com/data.csv'")).message).toContain(
        'a table named by a string literal',
      );
      const tvf = await bq
        .query("SELECT * FROM read_csv_auto('https://example.com/x.csv')")
        .catch((e: ApiError) => e);
      expect((tvf as ApiError).code).toBeGreaterThanOrEqual(400);
      expect((await refusal('INSTALL httpfs')).message).toContain('INSTALL');
      expect((await refusal("SELECT getenv('HOME') AS h")).message).toContain('function GETENV');
    });

    it('runs DuckDB with extension autoload and autoinstall off', async () => {
      const duck = await import('@duckdb/node-api');
      const { Engine } = await import('../../../../src/testing/bigquery/engine.js');
      const engine = await Engine.create(duck, { location: 'US' });
      try {
        const settings = await (
          engine as unknown as { conn: { runAndReadAll(sql: string): Promise<{ getRows(): unknown[][] }> } }
        ).conn.runAndReadAll(
          "SELECT current_setting('autoload_known_extensions'), current_setting('autoinstall_known_extensions'), current_setting('enable_external_access')",
        );
        expect(settings.getRows()[0]).toEqual([false, false, false]);
      } finally {
        await engine.close();
      }
    });
  });
});
