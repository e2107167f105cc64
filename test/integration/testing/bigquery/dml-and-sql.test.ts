/**
 * DML and the GoogleSQL analytics pipelines use most, through the real client: MERGE with every
 * clause, INSERT forms, UPDATE … FROM, arrays, coercions, and the functions analytics pipelines use most.
 */
import type { BigQuery } from '@google-cloud/bigquery';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BigQueryStandIn, startBigQueryStandIn } from '../../../../src/testing/bigquery/index.js';

describe('BigQuery stand-in DML and pipeline SQL, through the real client', () => {
  let s: BigQueryStandIn;
  let bq: BigQuery;

  beforeAll(async () => {
    s = await startBigQueryStandIn({ projectId: 'sql' });
    bq = s.client({ autoRetry: false, maxRetries: 0 });
    await bq.createDataset('ds');
    await run('CREATE TABLE ds.players (id INT64 NOT NULL, name STRING, team STRING, points INT64)');
    await run('CREATE TABLE ds.stats (id INT64, stat STRUCT<game STRING, pts INT64>, tags ARRAY<STRING>)');
  });
  afterAll(() => s.close());

  async function run(sql: string): Promise<Array<Record<string, unknown>>> {
    const [rows] = await bq.query({ query: sql, useLegacySql: false });
    return rows as Array<Record<string, unknown>>;
  }

  async function one(sql: string): Promise<Record<string, unknown>> {
    const rows = await run(sql);
    expect(rows).toHaveLength(1);
    return rows[0]!;
  }

  describe('DML', () => {
    it('INSERT without a column list, multi-row VALUES, INSERT … SELECT', async () => {
      await run(
        `INSERT ds.players VALUES (1, 'ann', 'hawks', 10), (2, 'bob', 'bulls', 20), (3, 'cy', NULL, NULL)`,
      );
      await run(`INSERT INTO ds.players (id, name) SELECT 4, 'dee'`);
      expect(await run('SELECT id, name FROM ds.players ORDER BY id')).toEqual([
        { id: 1, name: 'ann' },
        { id: 2, name: 'bob' },
        { id: 3, name: 'cy' },
        { id: 4, name: 'dee' },
      ]);
    });

    it('stores STRUCT values by position, as GoogleSQL does', async () => {
      await run(`INSERT INTO ds.stats VALUES
        (1, STRUCT('g1', 30), ['a']),
        (2, ('g2', 12), []),
        (3, STRUCT('g3' AS x, 7 AS y), NULL)`);
      expect(await run('SELECT id, stat, tags FROM ds.stats ORDER BY id')).toEqual([
        { id: 1, stat: { game: 'g1', pts: 30 }, tags: ['a'] },
        { id: 2, stat: { game: 'g2', pts: 12 }, tags: [] },
        { id: 3, stat: { game: 'g3', pts: 7 }, tags: [] },
      ]);
    });

    it('UPDATE … FROM', async () => {
      await run(`UPDATE ds.players p SET points = s.stat.pts
        FROM ds.stats s WHERE s.id = p.id`);
      expect(await run('SELECT id, points FROM ds.players ORDER BY id')).toEqual([
        { id: 1, points: 30 },
        { id: 2, points: 12 },
        { id: 3, points: 7 },
        { id: 4, points: null },
      ]);
    });

    it('MERGE with every clause', async () => {
      await run(`MERGE ds.players T
        USING (SELECT 1 AS id, 'ann' AS name, 'hawks' AS team UNION ALL
               SELECT 2, 'bob', 'gone' UNION ALL
               SELECT 9, 'new', 'nets') S
        ON T.id = S.id
        WHEN MATCHED AND S.team = 'gone' THEN DELETE
        WHEN MATCHED THEN UPDATE SET team = CONCAT(S.team, '!')
        WHEN NOT MATCHED BY TARGET THEN INSERT (id, name, team) VALUES (S.id, S.name, S.team)
        WHEN NOT MATCHED BY SOURCE AND T.points IS NULL THEN DELETE
        WHEN NOT MATCHED BY SOURCE THEN UPDATE SET points = 0`);
      expect(await run('SELECT id, name, team, points FROM ds.players ORDER BY id')).toEqual([
        { id: 1, name: 'ann', team: 'hawks!', points: 30 },
        { id: 3, name: 'cy', team: null, points: 0 },
        { id: 9, name: 'new', team: 'nets', points: null },
      ]);
      await run('MERGE ds.players T USING (SELECT 9 AS id) S ON T.id = S.id WHEN MATCHED THEN DELETE');
      await run(`MERGE ds.players USING (SELECT 10 AS a, 'zed' AS b, 'jazz' AS c, 5 AS d) S ON FALSE
        WHEN NOT MATCHED THEN INSERT ROW`);
      expect(await run('SELECT id, name, points FROM ds.players ORDER BY id')).toEqual([
        { id: 1, name: 'ann', points: 30 },
        { id: 3, name: 'cy', points: 0 },
        { id: 10, name: 'zed', points: 5 },
      ]);
    });
  });

  describe('a target row matched by several source rows', () => {
    const refusal = async (sql: string, params?: Record<string, unknown>) => {
      const err = await bq.query({ query: sql, useLegacySql: false, params }).then(
        () => undefined,
        (e: { code?: number; message?: string }) => e,
      );
      expect(err?.code).toBe(400);
      expect(err?.message).toContain('UPDATE/MERGE must match at most one source row for each target row');
    };

    it('is refused in UPDATE … FROM and MERGE, as BigQuery does, and nothing changes', async () => {
      await run('CREATE TABLE ds.mm (id INT64, v STRING)');
      await run(`INSERT ds.mm VALUES (1, 'a'), (2, 'b')`);
      const twice = `(SELECT 1 AS id, 'x' AS v UNION ALL SELECT 1, 'y')`;
      await refusal(`UPDATE ds.mm SET v = s.v FROM ${twice} s WHERE mm.id = s.id`);
      await refusal(`UPDATE ds.mm AS m SET v = s.v FROM ${twice} s WHERE m.id = s.id AND m.id = @id`, {
        id: 1,
      });
      await refusal(`MERGE ds.mm T USING ${twice} S ON T.id = S.id WHEN MATCHED THEN UPDATE SET v = S.v`);
      await refusal(
        `MERGE INTO \`ds.mm\` USING ${twice} S ON mm.id = S.id AND S.id = @id
        WHEN NOT MATCHED THEN INSERT ROW WHEN MATCHED AND S.v <> 'z' THEN DELETE`,
        { id: 1 },
      );
      expect(await run('SELECT id, v FROM ds.mm ORDER BY id')).toEqual([
        { id: 1, v: 'a' },
        { id: 2, v: 'b' },
      ]);
    });

    it('is accepted when no clause would change the row, or each row matches once', async () => {
      await run('CREATE TABLE ds.mm2 (id INT64, v STRING)');
      await run(`INSERT ds.mm2 VALUES (1, 'a'), (2, 'b')`);
      // Only one of the two source rows meets the clause's condition, so only one changes the row.
      await run(`MERGE ds.mm2 T USING (SELECT 1 AS id, 'x' AS v UNION ALL SELECT 1, 'y') S ON T.id = S.id
        WHEN MATCHED AND S.v = 'never' THEN UPDATE SET v = S.v
        WHEN MATCHED AND S.v = 'y' THEN UPDATE SET v = 'once'`);
      await run(`UPDATE ds.mm2 m SET v = s.v FROM (SELECT 1 AS id, 'x' AS v UNION ALL SELECT 2, 'y') s
        WHERE m.id = s.id`);
      expect(await run('SELECT id, v FROM ds.mm2 ORDER BY id')).toEqual([
        { id: 1, v: 'x' },
        { id: 2, v: 'y' },
      ]);
    });
  });

  describe('arrays', () => {
    it('subscripts: OFFSET, SAFE_OFFSET, ORDINAL, SAFE_ORDINAL, plain', async () => {
      expect(
        await one(
          'SELECT a[OFFSET(0)] AS o, a[SAFE_OFFSET(9)] AS so, a[ORDINAL(1)] AS r, a[SAFE_ORDINAL(9)] AS sr, a[1] AS p FROM (SELECT [10, 20] AS a)',
        ),
      ).toEqual({ o: 10, so: null, r: 10, sr: null, p: 20 });
      await expect(run('SELECT [1][OFFSET(5)] AS x')).rejects.toMatchObject({ code: 400 });
    });

    it('ARRAY_AGG with IGNORE NULLS, ORDER BY and LIMIT; STRING_AGG with ORDER BY', async () => {
      expect(
        await one(`SELECT ARRAY_AGG(x IGNORE NULLS ORDER BY x DESC LIMIT 2) AS top,
          STRING_AGG(CAST(x AS STRING), ',' ORDER BY x) AS s FROM UNNEST([3, NULL, 1, 2]) AS x`),
      ).toEqual({ top: [3, 2], s: '1,2,3' });
    });

    it('GENERATE_ARRAY, GENERATE_DATE_ARRAY, GENERATE_TIMESTAMP_ARRAY', async () => {
      const row = await one(`SELECT GENERATE_ARRAY(1, 7, 3) AS a,
        GENERATE_DATE_ARRAY('2024-01-30', '2024-03-01', INTERVAL 1 MONTH) AS d,
        GENERATE_TIMESTAMP_ARRAY('2024-01-01 00:00:00', '2024-01-01 01:00:00', INTERVAL 30 MINUTE) AS t`);
      expect(row.a).toEqual([1, 4, 7]);
      expect(row.d).toEqual([bq.date('2024-01-30'), bq.date('2024-02-29')]);
      expect((row.t as Array<{ value: string }>).map((v) => v.value)).toEqual([
        '2024-01-01T00:00:00.000Z',
        '2024-01-01T00:30:00.000Z',
        '2024-01-01T01:00:00.000Z',
      ]);
    });

    it('UNNEST of STRUCTs exposes their fields as columns; ARRAY<STRUCT> literals', async () => {
      expect(
        await run("SELECT name, pts FROM UNNEST([STRUCT('a' AS name, 1 AS pts), ('b', 2)]) ORDER BY pts"),
      ).toEqual([
        { name: 'a', pts: 1 },
        { name: 'b', pts: 2 },
      ]);
      expect(await one("SELECT ARRAY<STRUCT<k STRING, v INT64>>[('x', 1), ('y', 2)] AS kv")).toEqual({
        kv: [
          { k: 'x', v: 1 },
          { k: 'y', v: 2 },
        ],
      });
    });
  });

  describe('types and coercion', () => {
    it('coerces string literals to DATE, DATETIME and TIMESTAMP where BigQuery does', async () => {
      const row = await one(`SELECT DATE_SUB('2026-01-15', INTERVAL 90 DAY) AS d,
        DATETIME_ADD('2024-01-01 10:00:00', INTERVAL 1 HOUR) AS dt,
        TIMESTAMP_DIFF('2024-01-02 00:00:00+00', '2024-01-01 00:00:00+00', HOUR) AS h`);
      expect(row.d).toEqual(bq.date('2025-10-17'));
      expect(row.dt).toEqual(bq.datetime('2024-01-01T11:00:00'));
      expect(row.h).toBe(24);
    });

    it('hex literals, IS [NOT] DISTINCT FROM, WEEK(<weekday>), LAST_DAY(d, part)', async () => {
      expect(
        await one(`SELECT 0x1F AS h, NULL IS DISTINCT FROM 1 AS a, NULL IS NOT DISTINCT FROM NULL AS b,
          DATE_TRUNC(DATE '2024-01-10', WEEK(WEDNESDAY)) AS w,
          EXTRACT(WEEK(MONDAY) FROM DATE '2024-01-10') AS wn,
          LAST_DAY(DATE '2024-02-10', MONTH) AS m, LAST_DAY(DATE '2024-02-10', YEAR) AS y`),
      ).toEqual({
        h: 31,
        a: true,
        b: true,
        w: bq.date('2024-01-10'),
        wn: 2,
        m: bq.date('2024-02-29'),
        y: bq.date('2024-12-31'),
      });
    });
  });

  describe('functions', () => {
    it('APPROX_QUANTILES, PERCENTILE_CONT / PERCENTILE_DISC over a window', async () => {
      const rows = await run(`SELECT x,
          PERCENTILE_CONT(x, 0.5) OVER () AS med,
          PERCENTILE_DISC(x, 0.5) OVER () AS disc,
          (SELECT APPROX_QUANTILES(y, 2) FROM UNNEST([1, 2, 3, 4, 5]) AS y) AS q
        FROM UNNEST([1, 2, 3, 4]) AS x ORDER BY x LIMIT 1`);
      expect(rows).toEqual([{ x: 1, med: 2.5, disc: 2, q: [1, 3, 5] }]);
    });

    it('SAFE. prefix, SAFE_DIVIDE, IFNULL', async () => {
      expect(
        await one(
          "SELECT SAFE.PARSE_DATE('%Y-%m-%d', 'nope') AS d, SAFE_DIVIDE(1, 0) AS q, IFNULL(NULL, 'x') AS i",
        ),
      ).toEqual({ d: null, q: null, i: 'x' });
    });

    it('FORMAT_* / PARSE_* format elements and time zones', async () => {
      expect(
        await one(`SELECT FORMAT_DATE('%E4Y|%e|%x', DATE '2024-03-05') AS d,
          FORMAT_TIME('%k|%H:%M', TIME '07:08:09') AS t,
          FORMAT_DATETIME('%c', DATETIME '2024-03-05 07:08:09') AS c,
          FORMAT_TIMESTAMP('%Y-%m-%d %H:%M %Ez', TIMESTAMP '2024-03-01 12:00:00+00', 'America/New_York') AS z,
          PARSE_TIME('%H:%M', '10:20') AS pt,
          PARSE_TIMESTAMP('%Y-%m-%d %H:%M', '2024-03-01 07:00', 'America/New_York') AS ts`),
      ).toEqual({
        d: '2024| 5|03/05/24',
        t: ' 7|07:08',
        c: 'Tue Mar  5 07:08:09 2024',
        z: '2024-03-01 07:00 -05:00',
        pt: bq.time('10:20:00'),
        ts: bq.timestamp('2024-03-01T12:00:00.000Z'),
      });
    });

    it('the JSON family', async () => {
      const doc = `'{"a": {"b": [1, 2, {"c": "x"}]}, "d": "e"}'`;
      expect(
        await one(`SELECT JSON_EXTRACT(${doc}, '$.a.b[2]') AS e, JSON_EXTRACT_SCALAR(${doc}, '$.d') AS es,
          JSON_QUERY(${doc}, '$.a.b[0]') AS q, JSON_VALUE(${doc}, '$.a.b[2].c') AS v,
          JSON_EXTRACT_ARRAY(${doc}, '$.a.b') AS ea, JSON_VALUE_ARRAY('[1, "x"]') AS va,
          JSON_QUERY_ARRAY(${doc}, '$.a.b') AS qa, JSON_EXTRACT_STRING_ARRAY('["p", "q"]') AS sa`),
      ).toEqual({
        e: '{"c":"x"}',
        es: 'e',
        q: '1',
        v: 'x',
        ea: ['1', '2', '{"c":"x"}'],
        va: ['1', 'x'],
        qa: ['1', '2', '{"c":"x"}'],
        sa: ['p', 'q'],
      });
    });

    it('REGEXP_*', async () => {
      expect(
        await one(`SELECT REGEXP_CONTAINS('abc', r'b') AS c, REGEXP_REPLACE('a1b2', r'\\d', 'X') AS r,
          REGEXP_EXTRACT_ALL('a1b22', r'\\d+') AS a, REGEXP_INSTR('abc', 'c') AS i`),
      ).toEqual({ c: true, r: 'aXbX', a: ['1', '22'], i: 3 });
    });

    it('QUALIFY, PIVOT and UNPIVOT', async () => {
      expect(
        await run(`SELECT x, y FROM UNNEST([STRUCT(1 AS x, 'a' AS y), (1, 'b'), (2, 'c')])
          WHERE TRUE QUALIFY ROW_NUMBER() OVER (PARTITION BY x ORDER BY y DESC) = 1 ORDER BY x`),
      ).toEqual([
        { x: 1, y: 'b' },
        { x: 2, y: 'c' },
      ]);
      expect(
        await run(`SELECT * FROM (SELECT 'k' AS p, 'Q1' AS q, 5 AS v UNION ALL SELECT 'k', 'Q2', 7)
          PIVOT(SUM(v) AS total FOR q IN ('Q1', 'Q2'))`),
      ).toEqual([{ p: 'k', total_Q1: 5, total_Q2: 7 }]);
      expect(
        await run(`SELECT * FROM (SELECT 'k' AS p, 5 AS Q1, 7 AS Q2)
          UNPIVOT(v FOR q IN (Q1, Q2)) ORDER BY q`),
      ).toEqual([
        { p: 'k', v: 5, q: 'Q1' },
        { p: 'k', v: 7, q: 'Q2' },
      ]);
    });
  });
});
