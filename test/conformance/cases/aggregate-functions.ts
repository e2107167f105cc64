/**
 * Examples of the GoogleSQL reference pages "Conditional expressions", "Aggregate functions",
 * "Statistical aggregate functions", "Approximate aggregate functions", "Navigation functions",
 * "Numbering functions" and "Hash functions". The reference's TIMESTAMP literals without a zone
 * (`TIMESTAMP '2016-10-18 2:51:45'`) are read in America/Los_Angeles there; BigQuery reads them in
 * UTC, and the expected instants below are BigQuery's. Where the reference's result depends on how
 * ties are broken, the case is excluded; where BigQuery's rule that result arrays cannot contain NULL
 * applies, the documented result is BigQuery's error. ZetaSQL's `DOUBLE` is written `FLOAT64`, the
 * name BigQuery's reference uses.
 */
import { B64, type ConformanceCase, F, FP, page, TS } from '../case.js';

const cond = page('conditional_expressions');
const agg = page('aggregate_functions');
const stat = page('statistical_aggregate_functions');
const approx = page('approximate_aggregate_functions');
const nav = page('navigation_functions');
const num = page('numbering_functions');
const hash = page('hash_functions');

const hex = (h: string) => B64(Buffer.from(h, 'hex').toString('base64'));
const _NULL_IN_ARRAY = 'BigQuery cannot return an ARRAY with a NULL element';

export const conditionalCases: ConformanceCase[] = [
  cond.c(
    'case_expr',
    `WITH Numbers AS (
  SELECT 90 as A, 2 as B UNION ALL
  SELECT 50, 8 UNION ALL
  SELECT 60, 6 UNION ALL
  SELECT 50, 10
)
SELECT
  A,
  B,
  CASE A
    WHEN 90 THEN 'red'
    WHEN 50 THEN 'blue'
    ELSE 'green'
    END
    AS result
FROM Numbers`,
    [
      { A: 90, B: 2, result: 'red' },
      { A: 50, B: 8, result: 'blue' },
      { A: 60, B: 6, result: 'green' },
      { A: 50, B: 10, result: 'blue' },
    ],
  ),
  cond.c(
    'case',
    `WITH Numbers AS (
  SELECT 90 as A, 2 as B UNION ALL
  SELECT 50, 6 UNION ALL
  SELECT 20, 10
)
SELECT
  A,
  B,
  CASE
    WHEN A > 60 THEN 'red'
    WHEN B = 6 THEN 'blue'
    ELSE 'green'
    END
    AS result
FROM Numbers`,
    [
      { A: 90, B: 2, result: 'red' },
      { A: 50, B: 6, result: 'blue' },
      { A: 20, B: 10, result: 'green' },
    ],
  ),
  cond.c('coalesce', "SELECT COALESCE('A', 'B', 'C') as result", [{ result: 'A' }]),
  cond.c('coalesce', "SELECT COALESCE(NULL, 'B', 'C') as result", [{ result: 'B' }]),
  cond.c('if', "SELECT 10 AS A, 20 AS B, IF(10 < 20, 'true', 'false') AS result", [
    { A: 10, B: 20, result: 'true' },
  ]),
  cond.c('if', "SELECT 30 AS A, 20 AS B, IF(30 < 20, 'true', 'false') AS result", [
    { A: 30, B: 20, result: 'false' },
  ]),
  cond.c('ifnull', 'SELECT IFNULL(NULL, 0) as result', [{ result: 0 }]),
  cond.c('ifnull', 'SELECT IFNULL(10, 0) as result', [{ result: 10 }]),
  cond.c('nullif', 'SELECT NULLIF(0, 0) as result', [{ result: null }]),
  cond.c('nullif', 'SELECT NULLIF(10, 0) as result', [{ result: 10 }]),
  cond.c('nullifzero', 'SELECT NULLIFZERO(0) AS result', [{ result: null }]),
  cond.c('zeroifnull', 'SELECT ZEROIFNULL(NULL) AS result', [{ result: 0 }]),
];

const STORE = `WITH
  Store AS (
    SELECT 20 AS sold, "apples" AS fruit
    UNION ALL
    SELECT 30 AS sold, "pears" AS fruit
    UNION ALL
    SELECT 30 AS sold, "bananas" AS fruit
    UNION ALL
    SELECT 10 AS sold, "oranges" AS fruit
  )`;

export const aggregateCases: ConformanceCase[] = [
  agg.skip(
    'any_value',
    'SELECT ANY_VALUE(fruit) as any_value FROM UNNEST(["apple", "banana", "pear"]) as fruit',
    'ANY_VALUE returns an arbitrary row',
  ),
  agg.skip(
    'any_value',
    'SELECT fruit, ANY_VALUE(fruit) OVER (ORDER BY LENGTH(fruit) ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) AS any_value FROM UNNEST(["apple", "banana", "pear"]) as fruit',
    'ANY_VALUE returns an arbitrary row',
  ),
  agg.skip(
    'any_value',
    `${STORE}\nSELECT ANY_VALUE(fruit HAVING MAX sold) AS a_highest_selling_fruit FROM Store`,
    'two rows tie for the maximum; ANY_VALUE may return either',
  ),
  agg.c(
    'any_value',
    `${STORE}\nSELECT ANY_VALUE(fruit HAVING MIN sold) AS a_lowest_selling_fruit FROM Store`,
    [{ a_lowest_selling_fruit: 'oranges' }],
  ),
  agg.c(
    'array_agg',
    'SELECT ARRAY_AGG(x) AS array_agg FROM UNNEST([2, 1,-2, 3, -2, 1, 2]) AS x',
    [{ array_agg: [2, 1, -2, 3, -2, 1, 2] }],
    { unorderedArrays: true },
  ),
  agg.c(
    'array_agg',
    'SELECT ARRAY_AGG(DISTINCT x) AS array_agg FROM UNNEST([2, 1, -2, 3, -2, 1, 2]) AS x',
    [{ array_agg: [2, 1, -2, 3] }],
    { unorderedArrays: true },
  ),
  agg.c(
    'array_agg',
    'SELECT ARRAY_AGG(x IGNORE NULLS) AS array_agg FROM UNNEST([NULL, 1, -2, 3, -2, 1, NULL]) AS x',
    [{ array_agg: [1, -2, 3, -2, 1] }],
    { unorderedArrays: true },
  ),
  // 2 and -2 have the same key: the documented order is one of those BigQuery may return.
  agg.c(
    'array_agg',
    'SELECT ARRAY_AGG(x ORDER BY ABS(x)) AS array_agg FROM UNNEST([2, 1, -2, 3, -2, 1, 2]) AS x',
    [{ array_agg: [1, 1, 2, -2, -2, 2, 3] }],
    { unorderedArrays: true },
  ),
  agg.c('array_agg', 'SELECT ARRAY_AGG(x LIMIT 5) AS array_agg FROM UNNEST([2, 1, -2, 3, -2, 1, 2]) AS x', [
    { array_agg: [2, 1, -2, 3, -2] },
  ]),
  agg.c(
    'array_agg',
    `WITH vals AS
  (
    SELECT 1 x UNION ALL
    SELECT -2 x UNION ALL
    SELECT 3 x UNION ALL
    SELECT -2 x UNION ALL
    SELECT 1 x
  )
SELECT ARRAY_AGG(DISTINCT x ORDER BY x) as array_agg
FROM vals`,
    [{ array_agg: [-2, 1, 3] }],
  ),
  agg.c(
    'array_agg',
    `WITH vals AS
  (
    SELECT 1 x, 'a' y UNION ALL
    SELECT 1 x, 'b' y UNION ALL
    SELECT 2 x, 'a' y UNION ALL
    SELECT 2 x, 'c' y
  )
SELECT x, ARRAY_AGG(y) as array_agg
FROM vals
GROUP BY x`,
    [
      { x: 1, array_agg: ['a', 'b'] },
      { x: 2, array_agg: ['a', 'c'] },
    ],
    { unorderedArrays: true },
  ),
  agg.c(
    'array_agg',
    'SELECT x, ARRAY_AGG(x) OVER (ORDER BY ABS(x)) AS array_agg FROM UNNEST([2, 1, -2, 3, -2, 1, 2]) AS x',
    [
      { x: 1, array_agg: [1, 1] },
      { x: 1, array_agg: [1, 1] },
      { x: 2, array_agg: [1, 1, 2, -2, -2, 2] },
      { x: -2, array_agg: [1, 1, 2, -2, -2, 2] },
      { x: -2, array_agg: [1, 1, 2, -2, -2, 2] },
      { x: 2, array_agg: [1, 1, 2, -2, -2, 2] },
      { x: 3, array_agg: [1, 1, 2, -2, -2, 2, 3] },
    ],
    { unorderedArrays: true },
  ),
  agg.err(
    'array_concat_agg',
    `SELECT ARRAY_CONCAT_AGG(x) AS array_concat_agg FROM (
  SELECT [NULL, 1, 2, 3, 4] AS x
  UNION ALL SELECT NULL
  UNION ALL SELECT [5, 6]
  UNION ALL SELECT [7, 8, 9]
)`,
  ),
  agg.c(
    'array_concat_agg',
    `SELECT ARRAY_CONCAT_AGG(x ORDER BY ARRAY_LENGTH(x)) AS array_concat_agg FROM (
  SELECT [1, 2, 3, 4] AS x
  UNION ALL SELECT [5, 6]
  UNION ALL SELECT [7, 8, 9]
)`,
    [{ array_concat_agg: [5, 6, 7, 8, 9, 1, 2, 3, 4] }],
  ),
  agg.skip(
    'array_concat_agg',
    `SELECT ARRAY_CONCAT_AGG(x LIMIT 2) AS array_concat_agg FROM (
  SELECT [1, 2, 3, 4] AS x
  UNION ALL SELECT [5, 6]
  UNION ALL SELECT [7, 8, 9]
)`,
    'LIMIT without ORDER BY keeps an undefined subset (UNION ALL has no row order)',
  ),
  agg.c(
    'array_concat_agg',
    `SELECT ARRAY_CONCAT_AGG(x ORDER BY ARRAY_LENGTH(x) LIMIT 2) AS array_concat_agg FROM (
  SELECT [1, 2, 3, 4] AS x
  UNION ALL SELECT [5, 6]
  UNION ALL SELECT [7, 8, 9]
)`,
    [{ array_concat_agg: [5, 6, 7, 8, 9] }],
  ),
  agg.c('avg', 'SELECT AVG(x) as avg FROM UNNEST([0, 2, 4, 4, 5]) as x', [{ avg: F(3) }]),
  agg.c('avg', 'SELECT AVG(DISTINCT x) AS avg FROM UNNEST([0, 2, 4, 4, 5]) AS x', [{ avg: 2.75 }]),
  agg.c(
    'avg',
    'SELECT x, AVG(x) OVER (ORDER BY x ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) AS avg FROM UNNEST([0, 2, NULL, 4, 4, 5]) AS x',
    [
      { x: null, avg: null },
      { x: 0, avg: F(0) },
      { x: 2, avg: F(1) },
      { x: 4, avg: F(3) },
      { x: 4, avg: F(4) },
      { x: 5, avg: 4.5 },
    ],
  ),
  agg.c('bit_and', 'SELECT BIT_AND(x) as bit_and FROM UNNEST([0xF001, 0x00A1]) as x', [{ bit_and: 1 }]),
  agg.c('bit_or', 'SELECT BIT_OR(x) as bit_or FROM UNNEST([0xF001, 0x00A1]) as x', [{ bit_or: 61601 }]),
  agg.c('bit_xor', 'SELECT BIT_XOR(x) AS bit_xor FROM UNNEST([5678, 1234]) AS x', [{ bit_xor: 4860 }]),
  agg.c('bit_xor', 'SELECT BIT_XOR(x) AS bit_xor FROM UNNEST([1234, 5678, 1234]) AS x', [{ bit_xor: 5678 }]),
  agg.c('bit_xor', 'SELECT BIT_XOR(DISTINCT x) AS bit_xor FROM UNNEST([1234, 5678, 1234]) AS x', [
    { bit_xor: 4860 },
  ]),
  agg.c(
    'count',
    'SELECT COUNT(*) AS count_star, COUNT(DISTINCT x) AS count_dist_x FROM UNNEST([1, 4, 4, 5]) AS x',
    [{ count_star: 4, count_dist_x: 3 }],
  ),
  agg.c(
    'count',
    `SELECT
  x,
  COUNT(*) OVER (PARTITION BY MOD(x, 3)) AS count_star,
  COUNT(DISTINCT x) OVER (PARTITION BY MOD(x, 3)) AS count_dist_x
FROM UNNEST([1, 4, 4, 5]) AS x`,
    [
      { x: 1, count_star: 3, count_dist_x: 2 },
      { x: 4, count_star: 3, count_dist_x: 2 },
      { x: 4, count_star: 3, count_dist_x: 2 },
      { x: 5, count_star: 1, count_dist_x: 1 },
    ],
  ),
  agg.c(
    'count',
    `SELECT
  x,
  COUNT(*) OVER (PARTITION BY MOD(x, 3)) AS count_star,
  COUNT(x) OVER (PARTITION BY MOD(x, 3)) AS count_x
FROM UNNEST([1, 4, NULL, 4, 5]) AS x`,
    [
      { x: null, count_star: 1, count_x: 0 },
      { x: 1, count_star: 3, count_x: 3 },
      { x: 4, count_star: 3, count_x: 3 },
      { x: 4, count_star: 3, count_x: 3 },
      { x: 5, count_star: 1, count_x: 1 },
    ],
  ),
  agg.c(
    'count',
    'SELECT COUNT(DISTINCT IF(x > 0, x, NULL)) AS distinct_positive FROM UNNEST([1, -2, 4, 1, -5, 4, 1, 3, -6, 1]) AS x',
    [{ distinct_positive: 3 }],
  ),
  agg.c(
    'count',
    `WITH Events AS (
  SELECT DATE '2021-01-01' AS event_date, 'SUCCESS' AS event_type
  UNION ALL
  SELECT DATE '2021-01-02' AS event_date, 'SUCCESS' AS event_type
  UNION ALL
  SELECT DATE '2021-01-02' AS event_date, 'FAILURE' AS event_type
  UNION ALL
  SELECT DATE '2021-01-03' AS event_date, 'SUCCESS' AS event_type
  UNION ALL
  SELECT DATE '2021-01-04' AS event_date, 'FAILURE' AS event_type
  UNION ALL
  SELECT DATE '2021-01-04' AS event_date, 'FAILURE' AS event_type
)
SELECT
  COUNT(DISTINCT IF(event_type = 'FAILURE', event_date, NULL))
    AS distinct_dates_with_failures
FROM Events`,
    [{ distinct_dates_with_failures: 2 }],
  ),
  agg.c(
    'count',
    `WITH
  customers AS (
    SELECT 1934 AS id, 'a' AS team UNION ALL
    SELECT 2991, 'b' UNION ALL
    SELECT 3988, 'c'),
  vendors AS (
    SELECT 1934 AS id, 'd' AS team UNION ALL
    SELECT 2991, 'e' UNION ALL
    SELECT 4366, 'f')
SELECT
  COUNT(DISTINCT IF(id IN (SELECT id FROM customers), id, NULL)) AS result
FROM vendors`,
    [{ result: 2 }],
  ),
  agg.c(
    'countif',
    'SELECT COUNTIF(x<0) AS num_negative, COUNTIF(x>0) AS num_positive FROM UNNEST([5, -2, 3, 6, -10, -7, 4, 0]) AS x',
    [{ num_negative: 3, num_positive: 4 }],
  ),
  agg.c(
    'countif',
    `SELECT
  x,
  COUNTIF(x<0) OVER (ORDER BY ABS(x) ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING) AS num_negative
FROM UNNEST([5, -2, 3, 6, -10, NULL, -7, 4, 0]) AS x`,
    [
      { x: null, num_negative: 0 },
      { x: 0, num_negative: 1 },
      { x: -2, num_negative: 1 },
      { x: 3, num_negative: 1 },
      { x: 4, num_negative: 0 },
      { x: 5, num_negative: 0 },
      { x: 6, num_negative: 1 },
      { x: -7, num_negative: 2 },
      { x: -10, num_negative: 2 },
    ],
  ),
  agg.c('countif', 'SELECT COUNTIF(x > 0) AS n FROM UNNEST(CAST([] AS ARRAY<INT64>)) AS x', [{ n: 0 }]),
  agg.c(
    'grouping',
    `WITH
  Products AS (
    SELECT 'shirt' AS product_type, 't-shirt' AS product_name, 3 AS product_count UNION ALL
    SELECT 'shirt', 't-shirt', 8 UNION ALL
    SELECT 'shirt', 'polo', 25 UNION ALL
    SELECT 'pants', 'jeans', 6
  )
SELECT
  product_type,
  product_name,
  SUM(product_count) AS product_sum,
  GROUPING(product_type) AS product_type_agg,
  GROUPING(product_name) AS product_name_agg,
FROM Products
GROUP BY GROUPING SETS(product_type, product_name, ())
ORDER BY product_name, product_type`,
    [
      { product_type: null, product_name: null, product_sum: 42, product_type_agg: 1, product_name_agg: 1 },
      { product_type: 'pants', product_name: null, product_sum: 6, product_type_agg: 0, product_name_agg: 1 },
      {
        product_type: 'shirt',
        product_name: null,
        product_sum: 36,
        product_type_agg: 0,
        product_name_agg: 1,
      },
      { product_type: null, product_name: 'jeans', product_sum: 6, product_type_agg: 1, product_name_agg: 0 },
      { product_type: null, product_name: 'polo', product_sum: 25, product_type_agg: 1, product_name_agg: 0 },
      {
        product_type: null,
        product_name: 't-shirt',
        product_sum: 11,
        product_type_agg: 1,
        product_name_agg: 0,
      },
    ],
  ),
  agg.c('logical_and', 'SELECT LOGICAL_AND(x < 3) AS logical_and FROM UNNEST([1, 2, 4]) AS x', [
    { logical_and: false },
  ]),
  agg.c('logical_or', 'SELECT LOGICAL_OR(x < 3) AS logical_or FROM UNNEST([1, 2, 4]) AS x', [
    { logical_or: true },
  ]),
  agg.c('max', 'SELECT MAX(x) AS max FROM UNNEST([8, 37, 55, 4]) AS x', [{ max: 55 }]),
  agg.c(
    'max',
    'SELECT x, MAX(x) OVER (PARTITION BY MOD(x, 2)) AS max FROM UNNEST([8, NULL, 37, 55, NULL, 4]) AS x',
    [
      { x: null, max: null },
      { x: null, max: null },
      { x: 8, max: 8 },
      { x: 4, max: 8 },
      { x: 37, max: 55 },
      { x: 55, max: 55 },
    ],
  ),
  agg.c('min', 'SELECT MIN(x) AS min FROM UNNEST([8, 37, 4, 55]) AS x', [{ min: 4 }]),
  agg.c(
    'min',
    'SELECT x, MIN(x) OVER (PARTITION BY MOD(x, 2)) AS min FROM UNNEST([8, NULL, 37, 4, NULL, 55]) AS x',
    [
      { x: null, min: null },
      { x: null, min: null },
      { x: 8, min: 4 },
      { x: 4, min: 4 },
      { x: 37, min: 37 },
      { x: 55, min: 37 },
    ],
  ),
  // Without ORDER BY the order of the parts is not defined: the parts are compared as a multiset.
  agg.c(
    'string_agg',
    'SELECT STRING_AGG(fruit) AS string_agg FROM UNNEST(["apple", NULL, "pear", "banana", "pear"]) AS fruit',
    [{ string_agg: 'apple,pear,banana,pear' }],
    { unorderedStrings: ',' },
  ),
  agg.c(
    'string_agg',
    'SELECT STRING_AGG(fruit, " & ") AS string_agg FROM UNNEST(["apple", "pear", "banana", "pear"]) AS fruit',
    [{ string_agg: 'apple & pear & banana & pear' }],
    { unorderedStrings: ' & ' },
  ),
  agg.c(
    'string_agg',
    'SELECT STRING_AGG(DISTINCT fruit, " & ") AS string_agg FROM UNNEST(["apple", "pear", "banana", "pear"]) AS fruit',
    [{ string_agg: 'apple & pear & banana' }],
    { unorderedStrings: ' & ' },
  ),
  agg.c(
    'string_agg',
    'SELECT STRING_AGG(fruit, " & " LIMIT 2) AS string_agg FROM UNNEST(["apple", "pear", "banana", "pear"]) AS fruit',
    [{ string_agg: 'apple & pear' }],
  ),
  agg.c(
    'string_agg',
    'SELECT STRING_AGG(fruit, " & " ORDER BY LENGTH(fruit)) AS string_agg FROM UNNEST(["apple", "pear", "banana", "pear"]) AS fruit',
    [{ string_agg: 'pear & pear & apple & banana' }],
  ),
  agg.c(
    'string_agg',
    'SELECT STRING_AGG(DISTINCT fruit, " & " ORDER BY fruit DESC LIMIT 2) AS string_agg FROM UNNEST(["apple", "pear", "banana", "pear"]) AS fruit',
    [{ string_agg: 'pear & banana' }],
  ),
  agg.c(
    'string_agg',
    'SELECT fruit, STRING_AGG(fruit, " & ") OVER (ORDER BY LENGTH(fruit)) AS string_agg FROM UNNEST(["apple", NULL, "pear", "banana", "pear"]) AS fruit',
    [
      { fruit: null, string_agg: null },
      { fruit: 'pear', string_agg: 'pear & pear' },
      { fruit: 'pear', string_agg: 'pear & pear' },
      { fruit: 'apple', string_agg: 'pear & pear & apple' },
      { fruit: 'banana', string_agg: 'pear & pear & apple & banana' },
    ],
  ),
  agg.c('sum', 'SELECT SUM(x) AS sum FROM UNNEST([1, 2, 3, 4, 5, 4, 3, 2, 1]) AS x', [{ sum: 25 }]),
  agg.c('sum', 'SELECT SUM(DISTINCT x) AS sum FROM UNNEST([1, 2, 3, 4, 5, 4, 3, 2, 1]) AS x', [{ sum: 15 }]),
  agg.c(
    'sum',
    'SELECT x, SUM(x) OVER (PARTITION BY MOD(x, 3)) AS sum FROM UNNEST([1, 2, 3, 4, 5, 4, 3, 2, 1]) AS x',
    [3, 3, 1, 4, 4, 1, 2, 5, 2].map((x) => ({ x, sum: [6, 10, 9][x % 3]! })),
  ),
  agg.c(
    'sum',
    'SELECT x, SUM(DISTINCT x) OVER (PARTITION BY MOD(x, 3)) AS sum FROM UNNEST([1, 2, 3, 4, 5, 4, 3, 2, 1]) AS x',
    [3, 3, 1, 4, 4, 1, 2, 5, 2].map((x) => ({ x, sum: [3, 5, 7][x % 3]! })),
  ),
  agg.c('sum', 'SELECT SUM(x) AS sum FROM UNNEST(CAST([] AS ARRAY<INT64>)) AS x', [{ sum: null }]),
];

const XY = (rows: string) => `UNNEST([${rows}])`;

export const statisticalCases: ConformanceCase[] = [
  stat.c(
    'corr',
    `SELECT CORR(y, x) AS results FROM ${XY('STRUCT(1.0 AS y, 5.0 AS x), (3.0, 9.0), (4.0, 7.0)')}`,
    [{ results: FP('0.6546536707079772') }],
  ),
  stat.c(
    'corr',
    `SELECT CORR(y, x) AS results FROM ${XY('STRUCT(1.0 AS y, 5.0 AS x), (3.0, 9.0), (4.0, NULL)')}`,
    [{ results: F(1) }],
  ),
  stat.c('corr', `SELECT CORR(y, x) AS results FROM ${XY('STRUCT(1.0 AS y, NULL AS x), (9.0, 3.0)')}`, [
    { results: null },
  ]),
  stat.c('corr', `SELECT CORR(y, x) AS results FROM ${XY('STRUCT(1.0 AS y, NULL AS x), (9.0, NULL)')}`, [
    { results: null },
  ]),
  stat.c(
    'corr',
    `SELECT CORR(y, x) AS results FROM ${XY("STRUCT(1.0 AS y, 5.0 AS x), (3.0, 9.0), (4.0, 7.0), (5.0, 1.0), (7.0, CAST('Infinity' as FLOAT64))")}`,
    [{ results: F('NaN') }],
  ),
  stat.c(
    'corr',
    'SELECT CORR(x, y) AS results FROM (SELECT 0 AS x, 0 AS y UNION ALL SELECT 0 AS x, 0 AS y)',
    [{ results: F('NaN') }],
  ),
  stat.c(
    'covar_pop',
    `SELECT COVAR_POP(y, x) AS results FROM ${XY('STRUCT(1.0 AS y, 1.0 AS x), (2.0, 6.0), (9.0, 3.0), (2.0, 6.0), (9.0, 3.0)')}`,
    [{ results: FP('-1.6800000000000002') }],
  ),
  stat.c(
    'covar_pop',
    `SELECT COVAR_POP(y, x) AS results FROM ${XY('STRUCT(1.0 AS y, NULL AS x), (9.0, 3.0)')}`,
    [{ results: F(0) }],
  ),
  stat.c(
    'covar_pop',
    `SELECT COVAR_POP(y, x) AS results FROM ${XY('STRUCT(1.0 AS y, NULL AS x), (9.0, NULL)')}`,
    [{ results: null }],
  ),
  stat.c(
    'covar_pop',
    `SELECT COVAR_POP(y, x) AS results FROM ${XY('STRUCT(1.0 AS y, 1.0 AS x), (2.0, 6.0), (9.0, 3.0), (2.0, 6.0), (NULL, 3.0)')}`,
    [{ results: F(-1) }],
  ),
  stat.c(
    'covar_pop',
    `SELECT COVAR_POP(y, x) AS results FROM ${XY("STRUCT(1.0 AS y, 1.0 AS x), (2.0, 6.0), (9.0, 3.0), (2.0, 6.0), (CAST('Infinity' as FLOAT64), 3.0)")}`,
    [{ results: F('NaN') }],
  ),
  stat.c(
    'covar_samp',
    `SELECT COVAR_SAMP(y, x) AS results FROM ${XY('STRUCT(1.0 AS y, 1.0 AS x), (2.0, 6.0), (9.0, 3.0), (2.0, 6.0), (9.0, 3.0)')}`,
    [{ results: FP('-2.1') }],
  ),
  stat.c(
    'covar_samp',
    `SELECT COVAR_SAMP(y, x) AS results FROM ${XY('STRUCT(1.0 AS y, 1.0 AS x), (2.0, 6.0), (9.0, 3.0), (2.0, 6.0), (NULL, 3.0)')}`,
    [{ results: FP('-1.3333333333333333') }],
  ),
  stat.c(
    'covar_samp',
    `SELECT COVAR_SAMP(y, x) AS results FROM ${XY('STRUCT(1.0 AS y, NULL AS x), (9.0, 3.0)')}`,
    [{ results: null }],
  ),
  stat.c(
    'covar_samp',
    `SELECT COVAR_SAMP(y, x) AS results FROM ${XY('STRUCT(1.0 AS y, NULL AS x), (9.0, NULL)')}`,
    [{ results: null }],
  ),
  stat.c(
    'covar_samp',
    `SELECT COVAR_SAMP(y, x) AS results FROM ${XY("STRUCT(1.0 AS y, 1.0 AS x), (2.0, 6.0), (9.0, 3.0), (2.0, 6.0), (CAST('Infinity' as FLOAT64), 3.0)")}`,
    [{ results: F('NaN') }],
  ),
  ...(
    [
      ['STDDEV_POP', '10, 14, 18', FP('3.265986323710904')],
      ['STDDEV_POP', '10, 14, NULL', F(2)],
      ['STDDEV_POP', '10, NULL', F(0)],
      ['STDDEV_POP', 'NULL', null],
      ['STDDEV_POP', "10, 14, CAST('Infinity' as FLOAT64)", F('NaN')],
      ['STDDEV_SAMP', '10, 14, 18', F(4)],
      ['STDDEV_SAMP', '10, 14, NULL', FP('2.8284271247461903')],
      ['STDDEV_SAMP', '10, NULL', null],
      ['STDDEV_SAMP', 'NULL', null],
      ['STDDEV_SAMP', "10, 14, CAST('Infinity' as FLOAT64)", F('NaN')],
      ['VAR_POP', '10, 14, 18', FP('10.666666666666666')],
      ['VAR_POP', '10, 14, NULL', F(4)],
      ['VAR_POP', '10, NULL', F(0)],
      ['VAR_POP', 'NULL', null],
      ['VAR_POP', "10, 14, CAST('Infinity' as FLOAT64)", F('NaN')],
      ['VAR_SAMP', '10, 14, 18', F(16)],
      ['VAR_SAMP', '10, 14, NULL', F(8)],
      ['VAR_SAMP', '10, NULL', null],
      ['VAR_SAMP', 'NULL', null],
      ['VAR_SAMP', "10, 14, CAST('Infinity' as FLOAT64)", F('NaN')],
    ] as const
  ).map(([fn, values, results]) =>
    stat.c(fn.toLowerCase(), `SELECT ${fn}(x) AS results FROM UNNEST([${values}]) AS x`, [{ results }]),
  ),
];

export const approximateCases: ConformanceCase[] = [
  approx.c(
    'approx_count_distinct',
    'SELECT APPROX_COUNT_DISTINCT(x) as approx_distinct FROM UNNEST([0, 1, 1, 2, 3, 5]) as x',
    [{ approx_distinct: 5 }],
  ),
  approx.c(
    'approx_quantiles',
    'SELECT APPROX_QUANTILES(x, 2) AS approx_quantiles FROM UNNEST([1, 1, 1, 4, 5, 6, 7, 8, 9, 10]) AS x',
    [{ approx_quantiles: [1, 5, 10] }],
  ),
  approx.c(
    'approx_quantiles',
    'SELECT APPROX_QUANTILES(x, 100)[OFFSET(90)] AS percentile_90 FROM UNNEST([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]) AS x',
    [{ percentile_90: 9 }],
  ),
  approx.c(
    'approx_quantiles',
    'SELECT APPROX_QUANTILES(DISTINCT x, 2) AS approx_quantiles FROM UNNEST([1, 1, 1, 4, 5, 6, 7, 8, 9, 10]) AS x',
    [{ approx_quantiles: [1, 6, 10] }],
  ),
  approx.err(
    'approx_quantiles',
    'SELECT APPROX_QUANTILES(x, 2 RESPECT NULLS) AS approx_quantiles FROM UNNEST([NULL, NULL, 1, 1, 1, 4, 5, 6, 7, 8, 9, 10]) AS x',
  ),
  approx.err(
    'approx_quantiles',
    'SELECT APPROX_QUANTILES(DISTINCT x, 2 RESPECT NULLS) AS approx_quantiles FROM UNNEST([NULL, NULL, 1, 1, 1, 4, 5, 6, 7, 8, 9, 10]) AS x',
  ),
  approx.c(
    'approx_top_count',
    'SELECT APPROX_TOP_COUNT(x, 2) as approx_top_count FROM UNNEST(["apple", "apple", "pear", "pear", "pear", "banana"]) as x',
    [
      {
        approx_top_count: [
          { value: 'pear', count: 3 },
          { value: 'apple', count: 2 },
        ],
      },
    ],
  ),
  approx.c(
    'approx_top_count',
    'SELECT APPROX_TOP_COUNT(x, 2) as approx_top_count FROM UNNEST([NULL, "pear", "pear", "pear", "apple", NULL]) as x',
    [
      {
        approx_top_count: [
          { value: 'pear', count: 3 },
          { value: null, count: 2 },
        ],
      },
    ],
  ),
  approx.c(
    'approx_top_sum',
    `SELECT APPROX_TOP_SUM(x, weight, 2) AS approx_top_sum FROM
UNNEST([
  STRUCT("apple" AS x, 3 AS weight),
  ("pear", 2),
  ("apple", 0),
  ("banana", 5),
  ("pear", 4)
])`,
    [
      {
        approx_top_sum: [
          { value: 'pear', sum: 6 },
          { value: 'banana', sum: 5 },
        ],
      },
    ],
  ),
  approx.c(
    'approx_top_sum',
    'SELECT APPROX_TOP_SUM(x, weight, 2) AS approx_top_sum FROM UNNEST([STRUCT("apple" AS x, NULL AS weight), ("pear", 0), ("pear", NULL)])',
    [
      {
        approx_top_sum: [
          { value: 'pear', sum: 0 },
          { value: 'apple', sum: null },
        ],
      },
    ],
  ),
  approx.c(
    'approx_top_sum',
    'SELECT APPROX_TOP_SUM(x, weight, 2) AS approx_top_sum FROM UNNEST([STRUCT("apple" AS x, 0 AS weight), (NULL, 2)])',
    [
      {
        approx_top_sum: [
          { value: null, sum: 2 },
          { value: 'apple', sum: 0 },
        ],
      },
    ],
  ),
  approx.c(
    'approx_top_sum',
    'SELECT APPROX_TOP_SUM(x, weight, 2) AS approx_top_sum FROM UNNEST([STRUCT("apple" AS x, 0 AS weight), (NULL, NULL)])',
    [
      {
        approx_top_sum: [
          { value: 'apple', sum: 0 },
          { value: null, sum: null },
        ],
      },
    ],
  ),
];

const FINISHERS = `WITH finishers AS
 (SELECT 'Sophia Liu' as name,
  TIMESTAMP '2016-10-18 2:51:45' as finish_time,
  'F30-34' as division
  UNION ALL SELECT 'Lisa Stelzner', TIMESTAMP '2016-10-18 2:54:11', 'F35-39'
  UNION ALL SELECT 'Nikki Leith', TIMESTAMP '2016-10-18 2:59:01', 'F30-34'
  UNION ALL SELECT 'Lauren Matthews', TIMESTAMP '2016-10-18 3:01:17', 'F35-39'
  UNION ALL SELECT 'Desiree Berry', TIMESTAMP '2016-10-18 3:05:42', 'F35-39'
  UNION ALL SELECT 'Suzy Slane', TIMESTAMP '2016-10-18 3:06:24', 'F35-39'
  UNION ALL SELECT 'Jen Edwards', TIMESTAMP '2016-10-18 3:06:36', 'F30-34'
  UNION ALL SELECT 'Meghan Lederer', TIMESTAMP '2016-10-18 3:07:41', 'F30-34'
  UNION ALL SELECT 'Carly Forte', TIMESTAMP '2016-10-18 3:08:58', 'F25-29'
  UNION ALL SELECT 'Lauren Reasoner', TIMESTAMP '2016-10-18 3:10:14', 'F30-34')`;

/** name, finish time (UTC), division, in finishing order within each division. */
const RUNNERS: Array<[string, string, string]> = [
  ['Carly Forte', '03:08:58', 'F25-29'],
  ['Sophia Liu', '02:51:45', 'F30-34'],
  ['Nikki Leith', '02:59:01', 'F30-34'],
  ['Jen Edwards', '03:06:36', 'F30-34'],
  ['Meghan Lederer', '03:07:41', 'F30-34'],
  ['Lauren Reasoner', '03:10:14', 'F30-34'],
  ['Lisa Stelzner', '02:54:11', 'F35-39'],
  ['Lauren Matthews', '03:01:17', 'F35-39'],
  ['Desiree Berry', '03:05:42', 'F35-39'],
  ['Suzy Slane', '03:06:24', 'F35-39'],
];
const inDivision = (d: string) => RUNNERS.filter((r) => r[2] === d);
const seconds = (t: string) => t.split(':').reduce((s, p) => s * 60 + Number(p), 0);
const ts = (t: string) => TS(`2016-10-18 ${t}+00`);

export const navigationCases: ConformanceCase[] = [
  nav.c(
    'first_value',
    `${FINISHERS}
SELECT name,
  FORMAT_TIMESTAMP('%X', finish_time) AS finish_time,
  division,
  FORMAT_TIMESTAMP('%X', fastest_time) AS fastest_time,
  TIMESTAMP_DIFF(finish_time, fastest_time, SECOND) AS delta_in_seconds
FROM (
  SELECT name,
  finish_time,
  division,
  FIRST_VALUE(finish_time)
    OVER (PARTITION BY division ORDER BY finish_time ASC
    ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS fastest_time
  FROM finishers)`,
    RUNNERS.map(([name, t, division]) => {
      const first = inDivision(division)[0]![1];
      return {
        name,
        finish_time: t,
        division,
        fastest_time: first,
        delta_in_seconds: seconds(t) - seconds(first),
      };
    }),
  ),
  ...(
    [
      ['LAG(name)', 'preceding_runner', -1, null],
      ['LAG(name, 2)', 'two_runners_ahead', -2, null],
      ["LAG(name, 2, 'Nobody')", 'two_runners_ahead', -2, 'Nobody'],
      ['LEAD(name)', 'followed_by', 1, null],
      ['LEAD(name, 2)', 'two_runners_back', 2, null],
      ["LEAD(name, 2, 'Nobody')", 'two_runners_back', 2, 'Nobody'],
    ] as const
  ).map(([call, alias, shift, fallback]) =>
    nav.c(
      call.split('(')[0]!.toLowerCase(),
      `${FINISHERS}
SELECT name,
  finish_time,
  division,
  ${call}
    OVER (PARTITION BY division ORDER BY finish_time ASC) AS ${alias}
FROM finishers`,
      RUNNERS.map(([name, t, division]) => {
        const group = inDivision(division);
        const other = group[group.findIndex((r) => r[0] === name) + shift];
        return { name, finish_time: ts(t), division, [alias]: other ? other[0] : fallback };
      }),
    ),
  ),
  nav.c(
    'last_value',
    `${FINISHERS}
SELECT name,
  FORMAT_TIMESTAMP('%X', finish_time) AS finish_time,
  division,
  FORMAT_TIMESTAMP('%X', slowest_time) AS slowest_time,
  TIMESTAMP_DIFF(slowest_time, finish_time, SECOND) AS delta_in_seconds
FROM (
  SELECT name,
  finish_time,
  division,
  LAST_VALUE(finish_time)
    OVER (PARTITION BY division ORDER BY finish_time ASC
    ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS slowest_time
  FROM finishers)`,
    RUNNERS.map(([name, t, division]) => {
      const last = inDivision(division).at(-1)![1];
      return {
        name,
        finish_time: t,
        division,
        slowest_time: last,
        delta_in_seconds: seconds(last) - seconds(t),
      };
    }),
  ),
  nav.c(
    'nth_value',
    `${FINISHERS}
SELECT name,
  FORMAT_TIMESTAMP('%X', finish_time) AS finish_time,
  division,
  FORMAT_TIMESTAMP('%X', fastest_time) AS fastest_time,
  FORMAT_TIMESTAMP('%X', second_fastest) AS second_fastest
FROM (
  SELECT name,
  finish_time,
  division,finishers,
  FIRST_VALUE(finish_time)
    OVER w1 AS fastest_time,
  NTH_VALUE(finish_time, 2)
    OVER w1 as second_fastest
  FROM finishers
  WINDOW w1 AS (
    PARTITION BY division ORDER BY finish_time ASC
    ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING))`,
    RUNNERS.map(([name, t, division]) => {
      const group = inDivision(division);
      return {
        name,
        finish_time: t,
        division,
        fastest_time: group[0]![1],
        second_fastest: group[1]?.[1] ?? null,
      };
    }),
  ),
  nav.c(
    'percentile_cont',
    `SELECT
  PERCENTILE_CONT(x, 0) OVER() AS min,
  PERCENTILE_CONT(x, 0.01) OVER() AS percentile1,
  PERCENTILE_CONT(x, 0.5) OVER() AS median,
  PERCENTILE_CONT(x, 0.9) OVER() AS percentile90,
  PERCENTILE_CONT(x, 1) OVER() AS max
FROM UNNEST([0, 3, NULL, 1, 2]) AS x LIMIT 1`,
    [{ min: F(0), percentile1: 0.03, median: 1.5, percentile90: 2.7, max: F(3) }],
  ),
  nav.c(
    'percentile_cont',
    `SELECT
  PERCENTILE_CONT(x, 0 RESPECT NULLS) OVER() AS min,
  PERCENTILE_CONT(x, 0.01 RESPECT NULLS) OVER() AS percentile1,
  PERCENTILE_CONT(x, 0.5 RESPECT NULLS) OVER() AS median,
  PERCENTILE_CONT(x, 0.9 RESPECT NULLS) OVER() AS percentile90,
  PERCENTILE_CONT(x, 1 RESPECT NULLS) OVER() AS max
FROM UNNEST([0, 3, NULL, 1, 2]) AS x LIMIT 1`,
    [{ min: null, percentile1: F(0), median: F(1), percentile90: 2.6, max: F(3) }],
  ),
  nav.c(
    'percentile_disc',
    `SELECT
  x,
  PERCENTILE_DISC(x, 0) OVER() AS min,
  PERCENTILE_DISC(x, 0.5) OVER() AS median,
  PERCENTILE_DISC(x, 1) OVER() AS max
FROM UNNEST(['c', NULL, 'b', 'a']) AS x`,
    ['c', null, 'b', 'a'].map((x) => ({ x, min: 'a', median: 'b', max: 'c' })),
  ),
  nav.c(
    'percentile_disc',
    `SELECT
  x,
  PERCENTILE_DISC(x, 0 RESPECT NULLS) OVER() AS min,
  PERCENTILE_DISC(x, 0.5 RESPECT NULLS) OVER() AS median,
  PERCENTILE_DISC(x, 1 RESPECT NULLS) OVER() AS max
FROM UNNEST(['c', NULL, 'b', 'a']) AS x`,
    ['c', null, 'b', 'a'].map((x) => ({ x, min: null, median: 'a', max: 'c' })),
  ),
];

const RUNNERS_8 = `WITH finishers AS
 (SELECT 'Sophia Liu' as name,
  TIMESTAMP '2016-10-18 2:51:45' as finish_time,
  'F30-34' as division
  UNION ALL SELECT 'Lisa Stelzner', TIMESTAMP '2016-10-18 2:54:11', 'F35-39'
  UNION ALL SELECT 'Nikki Leith', TIMESTAMP '2016-10-18 2:59:01', 'F30-34'
  UNION ALL SELECT 'Lauren Matthews', TIMESTAMP '2016-10-18 3:01:17', 'F35-39'
  UNION ALL SELECT 'Desiree Berry', TIMESTAMP '2016-10-18 3:05:42', 'F35-39'
  UNION ALL SELECT 'Suzy Slane', TIMESTAMP '2016-10-18 3:06:24', 'F35-39'
  UNION ALL SELECT 'Jen Edwards', TIMESTAMP '2016-10-18 3:06:36', 'F30-34'
  UNION ALL SELECT 'Meghan Lederer', TIMESTAMP '2016-10-18 2:59:01', 'F30-34')`;
const NUMBERS = `WITH Numbers AS
 (SELECT 1 as x
  UNION ALL SELECT 2
  UNION ALL SELECT 2
  UNION ALL SELECT 5
  UNION ALL SELECT 8
  UNION ALL SELECT 10
  UNION ALL SELECT 10
)`;
const ranked = (fn: string) => `${RUNNERS_8}
SELECT name,
  finish_time,
  division,
  ${fn} OVER (PARTITION BY division ORDER BY finish_time ASC) AS finish_rank
FROM finishers`;
/** name, UTC time, division, then RANK, DENSE_RANK, PERCENT_RANK, CUME_DIST. */
const RANKED: Array<[string, string, string, number, number, number, number]> = [
  ['Sophia Liu', '02:51:45', 'F30-34', 1, 1, 0, 0.25],
  ['Meghan Lederer', '02:59:01', 'F30-34', 2, 2, 1 / 3, 0.75],
  ['Nikki Leith', '02:59:01', 'F30-34', 2, 2, 1 / 3, 0.75],
  ['Jen Edwards', '03:06:36', 'F30-34', 4, 3, 1, 1],
  ['Lisa Stelzner', '02:54:11', 'F35-39', 1, 1, 0, 0.25],
  ['Lauren Matthews', '03:01:17', 'F35-39', 2, 2, 1 / 3, 0.5],
  ['Desiree Berry', '03:05:42', 'F35-39', 3, 3, 2 / 3, 0.75],
  ['Suzy Slane', '03:06:24', 'F35-39', 4, 4, 1, 1],
];
const float = (v: number) => (Number.isInteger(v) ? F(v) : v);

export const numberingCases: ConformanceCase[] = [
  num.c(
    'cume_dist',
    ranked('CUME_DIST()'),
    RANKED.map(([name, t, division, , , , cume]) => ({
      name,
      finish_time: ts(t),
      division,
      finish_rank: float(cume),
    })),
  ),
  num.c('dense_rank', `${NUMBERS}\nSELECT x, DENSE_RANK() OVER (ORDER BY x ASC) AS dense_rank FROM Numbers`, [
    ...[1, 2, 2, 5, 8, 10, 10].map((x, k) => ({ x, dense_rank: [1, 2, 2, 3, 4, 5, 5][k]! })),
  ]),
  num.c(
    'dense_rank',
    ranked('DENSE_RANK()'),
    RANKED.map(([name, t, division, , dense]) => ({
      name,
      finish_time: ts(t),
      division,
      finish_rank: dense,
    })),
  ),
  num.skip(
    'is_first',
    `${NUMBERS}\nSELECT x, IS_FIRST(2) OVER (ORDER BY x) AS is_first FROM Numbers`,
    'IS_FIRST is documented for ZetaSQL, not for BigQuery',
  ),
  num.skip(
    'is_last',
    `${NUMBERS}\nSELECT x, IS_LAST(2) OVER (ORDER BY x) AS is_last FROM Numbers`,
    'IS_LAST is documented for ZetaSQL, not for BigQuery',
  ),
  num.skip(
    'ntile',
    ranked('NTILE(3)'),
    'two runners tie on finish_time and NTILE splits them between buckets in an undefined order',
  ),
  num.c(
    'percent_rank',
    ranked('PERCENT_RANK()'),
    RANKED.map(([name, t, division, , , pct]) => ({
      name,
      finish_time: ts(t),
      division,
      finish_rank: float(pct),
    })),
  ),
  num.c('rank', `${NUMBERS}\nSELECT x, RANK() OVER (ORDER BY x ASC) AS rank FROM Numbers`, [
    ...[1, 2, 2, 5, 8, 10, 10].map((x, k) => ({ x, rank: [1, 2, 2, 4, 5, 6, 6][k]! })),
  ]),
  num.c(
    'rank',
    ranked('RANK()'),
    RANKED.map(([name, t, division, rank]) => ({ name, finish_time: ts(t), division, finish_rank: rank })),
  ),
  num.c('row_number', `${NUMBERS}\nSELECT x, ROW_NUMBER() OVER (ORDER BY x) AS row_num FROM Numbers`, [
    ...[1, 2, 2, 5, 8, 10, 10].map((x, k) => ({ x, row_num: k + 1 })),
  ]),
  num.skip(
    'row_number',
    ranked('ROW_NUMBER()'),
    'two runners tie on finish_time and ROW_NUMBER numbers them in an undefined order',
  ),
];

export const hashCases: ConformanceCase[] = [
  hash.c(
    'farm_fingerprint',
    `WITH example AS (
  SELECT 1 AS x, "foo" AS y, true AS z UNION ALL
  SELECT 2 AS x, "apple" AS y, false AS z UNION ALL
  SELECT 3 AS x, "" AS y, true AS z
)
SELECT
  *,
  FARM_FINGERPRINT(CONCAT(CAST(x AS STRING), y, CAST(z AS STRING)))
    AS row_fingerprint
FROM example`,
    [
      { x: 1, y: 'foo', z: true, row_fingerprint: -1541654101129638711n },
      { x: 2, y: 'apple', z: false, row_fingerprint: 2794438866806483259n },
      { x: 3, y: '', z: true, row_fingerprint: -4880158226897771312n },
    ],
  ),
  hash.c('md5', 'SELECT MD5("Hello World") as md5', [{ md5: hex('b10a8db164e0754105b7a99be72e3fe5') }]),
  hash.c('sha1', 'SELECT SHA1("Hello World") as sha1', [
    { sha1: hex('0a4d55a8d778e5022fab701977c5d840bbc486d0') },
  ]),
  hash.c('sha256', 'SELECT SHA256("Hello World") as sha256', [
    { sha256: hex('a591a6d40bf420404a011733cfb7b190d62c65bf0bcda32b57b277d9ad9f146e') },
  ]),
  hash.c('sha512', 'SELECT SHA512("Hello World") as sha512', [
    {
      sha512: hex(
        '2c74fd17edafd80e8447b0d46741ee243b7eb74dd2149a0ab1b9246fb30382f27e853d8585719e0e67cbda0daa8f51671064615d645ae27acb15bfb1447f459b',
      ),
    },
  ]),
];
