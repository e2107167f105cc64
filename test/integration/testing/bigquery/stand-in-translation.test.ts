import { beforeAll, describe, expect, it } from 'vitest';
import type { BigQueryStandIn } from '../../../../src/testing/bigquery/index.js';
import { useStandIn } from './stand-in-fixture.js';

const fixture = useStandIn();
let s: BigQueryStandIn;
beforeAll(() => {
  ({ s } = fixture);
});

describe('BigQuery stand-in driven by the real @google-cloud/bigquery client', () => {
  describe('translated GoogleSQL runs on DuckDB with BigQuery results', () => {
    it.each([
      ["SELECT DATE_SUB(DATE '2024-03-01', INTERVAL 1 DAY) AS v", '2024-02-29'],
      ["SELECT DATE_ADD(DATE '2024-01-31', INTERVAL 1 MONTH) AS v", '2024-02-29'],
      [
        "SELECT TIMESTAMP_SUB(TIMESTAMP '2024-01-01 00:00:00 UTC', INTERVAL 90 MINUTE) AS v",
        new Date('2023-12-31T22:30:00Z'),
      ],
      [
        "SELECT TIMESTAMP_ADD(TIMESTAMP '2024-01-01 00:00:00+02', INTERVAL 1 HOUR) AS v",
        new Date('2023-12-31T23:00:00Z'),
      ],
      [
        "SELECT TIMESTAMP_DIFF(TIMESTAMP '2024-01-02 00:00:00 UTC', TIMESTAMP '2024-01-01 12:00:00 UTC', HOUR) AS v",
        12,
      ],
      ["SELECT DATE_DIFF(DATE '2024-03-01', DATE '2024-02-01', DAY) AS v", 29],
      ["SELECT DATE_TRUNC(DATE '2024-03-17', MONTH) AS v", '2024-03-01'],
      ["SELECT SAFE_CAST('x1' AS INT64) AS v", null],
      ["SELECT CAST('7' AS INT64) + 1 AS v", 8],
      ['SELECT SAFE_DIVIDE(1, 0) AS v', null],
      ['SELECT DIV(7, 2) AS v', 3],
      ['SELECT COUNTIF(x > 1) AS v FROM UNNEST([1, 2, 3]) AS x', 2],
      ['SELECT IFNULL(NULL, 5) AS v', 5],
      ['SELECT ARRAY_LENGTH([1, 2, 3]) AS v', 3],
      ['SELECT SUM(x * o) AS v FROM UNNEST([10, 20, 30]) AS x WITH OFFSET AS o', 80],
      ["SELECT STRUCT(1 AS a, 'x' AS b) AS v", { a: 1, b: 'x' }],
      ['SELECT ARRAY<INT64>[1, 2] AS v', [1, 2]],
      ["SELECT FORMAT_TIMESTAMP('%Y-%m', TIMESTAMP '2024-05-06 00:00:00 UTC') AS v", '2024-05'],
      ["SELECT UNIX_MICROS(TIMESTAMP '1970-01-01 00:00:01 UTC') AS v", 1_000_000],
      ['SELECT TIMESTAMP_MICROS(1500000) AS v', new Date(1500)],
      ["SELECT REGEXP_CONTAINS('abc', r'^a') AS v", true],
      ['SELECT CAST(1.5 AS NUMERIC) * 2 AS v', '3'],
      ['SELECT LOGICAL_AND(x) AS v FROM UNNEST([TRUE, FALSE]) AS x', false],
      ["SELECT * EXCEPT (a) FROM (SELECT 1 AS a, 'kept' AS v)", 'kept'],
      ['SELECT CURRENT_DATE() = DATE(CURRENT_TIMESTAMP()) AS v', true],
    ])('%s', async (sql, expected) => {
      const [row] = await s.run(sql);
      expect(row?.v).toEqual(expected);
    });
  });
});
