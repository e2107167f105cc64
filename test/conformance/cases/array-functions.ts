/**
 * Examples of the GoogleSQL reference page "Array functions". A documented NULL ARRAY is `[]` here:
 * BigQuery returns no NULL arrays. A documented array with a NULL element is BigQuery's error, which
 * cannot return one. Unnamed STRUCT fields are named `_field_1`, `_field_2`, … as BigQuery names them.
 */
import { type ConformanceCase, D, F, page, TS } from '../case.js';

const { c, err } = page('array_functions');

export const arrayFunctionCases: ConformanceCase[] = [
  c(
    'array',
    'SELECT ARRAY (SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3) AS new_array',
    [{ new_array: [1, 2, 3] }],
    {
      unorderedArrays: true,
    },
  ),
  c(
    'array',
    'SELECT ARRAY (SELECT AS STRUCT 1, 2, 3 UNION ALL SELECT AS STRUCT 4, 5, 6) AS new_array',
    [
      {
        new_array: [
          { _field_1: 1, _field_2: 2, _field_3: 3 },
          { _field_1: 4, _field_2: 5, _field_3: 6 },
        ],
      },
    ],
    { unorderedArrays: true },
  ),
  c(
    'array',
    'SELECT ARRAY (SELECT AS STRUCT [1, 2, 3] UNION ALL SELECT AS STRUCT [4, 5, 6]) AS new_array',
    [{ new_array: [{ _field_1: [1, 2, 3] }, { _field_1: [4, 5, 6] }] }],
    { unorderedArrays: true },
  ),
  c('array_avg', 'SELECT ARRAY_AVG([0, 2, NULL, 4, 4, 5]) as avg', [{ avg: F(3) }]),
  c('array_concat', 'SELECT ARRAY_CONCAT([1, 2], [3, 4], [5, 6]) as count_to_six', [
    { count_to_six: [1, 2, 3, 4, 5, 6] },
  ]),
  c(
    'array_filter',
    'SELECT ARRAY_FILTER([1 ,2, 3], e -> e > 1) AS a1, ARRAY_FILTER([0, 2, 3], (e, i) -> e > i) AS a2',
    [{ a1: [2, 3], a2: [2, 3] }],
  ),
  c('array_first', "SELECT ARRAY_FIRST(['a','b','c','d']) as first_element", [{ first_element: 'a' }]),
  c('array_includes', 'SELECT ARRAY_INCLUDES([1, 2, 3], 0) AS a1, ARRAY_INCLUDES([1, 2, 3], 1) AS a2', [
    { a1: false, a2: true },
  ]),
  c(
    'array_includes',
    'SELECT ARRAY_INCLUDES([1, 2, 3], e -> e > 3) AS a1, ARRAY_INCLUDES([1, 2, 3], e -> e > 0) AS a2',
    [{ a1: false, a2: true }],
  ),
  c(
    'array_includes_all',
    'SELECT ARRAY_INCLUDES_ALL([1,2,3,4,5], [3,4,5]) AS a1, ARRAY_INCLUDES_ALL([1,2,3,4,5], [4,5,6]) AS a2',
    [{ a1: true, a2: false }],
  ),
  c(
    'array_includes_any',
    'SELECT ARRAY_INCLUDES_ANY([1,2,3], [3,4,5]) AS a1, ARRAY_INCLUDES_ANY([1,2,3], [4,5,6]) AS a2',
    [{ a1: true, a2: false }],
  ),
  ...(
    [
      ['[1, 2, 3]', true],
      ['[1, 1, 1]', false],
      ['[1, 2, NULL]', true],
      ['[1, 1, NULL]', false],
      ['[1, NULL, NULL]', false],
      ['[]', true],
      ['NULL', null],
    ] as const
  ).map(([a, r]) =>
    c('array_is_distinct', `SELECT ARRAY_IS_DISTINCT(${a}) AS is_distinct`, [{ is_distinct: r }]),
  ),
  c('array_last', "SELECT ARRAY_LAST(['a','b','c','d']) as last_element", [{ last_element: 'd' }]),
  c(
    'array_length',
    'SELECT ARRAY_LENGTH(["coffee", NULL, "milk" ]) AS size_a, ARRAY_LENGTH(["cake", "pie"]) AS size_b',
    [{ size_a: 3, size_b: 2 }],
  ),
  c('array_max', 'SELECT ARRAY_MAX([8, 37, NULL, 55, 4]) as max', [{ max: 55 }]),
  c('array_min', 'SELECT ARRAY_MIN([8, 37, NULL, 4, 55]) as min', [{ min: 4 }]),
  c('array_reverse', 'SELECT ARRAY_REVERSE([1, 2, 3]) AS reverse_arr', [{ reverse_arr: [3, 2, 1] }]),
  ...(
    [
      ['1, 3', ['b', 'c', 'd']],
      ['-1, 3', []],
      ['1, -3', ['b', 'c']],
      ['-1, -3', []],
      ['-3, -1', ['c', 'd', 'e']],
      ['3, 3', ['d']],
      ['-3, -3', ['c']],
      ['1, 30', ['b', 'c', 'd', 'e']],
      ['1, -30', []],
      ['-30, 30', ['a', 'b', 'c', 'd', 'e']],
      ['-30, -5', ['a']],
      ['5, 30', []],
      ['1, NULL', []],
    ] as const
  ).map(([args, result]) =>
    c('array_slice', `SELECT ARRAY_SLICE(['a', 'b', 'c', 'd', 'e'], ${args}) AS result`, [
      { result: [...result] },
    ]),
  ),
  err('array_slice', "SELECT ARRAY_SLICE(['a', 'b', NULL, 'd', 'e'], 1, 3) AS result"),
  c('array_sum', 'SELECT ARRAY_SUM([1, 2, 3, 4, 5, NULL, 4, 3, 2, 1]) as sum', [{ sum: 25 }]),
  c('array_to_string', "SELECT ARRAY_TO_STRING(['coffee', 'tea', 'milk', NULL], '--', 'MISSING') AS text", [
    { text: 'coffee--tea--milk--MISSING' },
  ]),
  c('array_to_string', "SELECT ARRAY_TO_STRING(['cake', 'pie', NULL], '--', 'MISSING') AS text", [
    { text: 'cake--pie--MISSING' },
  ]),
  c('array_to_string', "SELECT ARRAY_TO_STRING([b'prefix', b'middle', b'suffix', b'\\x00'], b'--') AS data", [
    { data: { $bytes: Buffer.from('prefix--middle--suffix--\x00', 'latin1').toString('base64') } },
  ]),
  c(
    'array_transform',
    'SELECT ARRAY_TRANSFORM([1, 4, 3], e -> e + 1) AS a1, ARRAY_TRANSFORM([1, 4, 3], (e, i) -> e + i) AS a2',
    [{ a1: [2, 5, 4], a2: [1, 5, 5] }],
  ),
  c('array_zip', "SELECT ARRAY_ZIP([1, 2], ['a', 'b']) AS results", [
    {
      results: [
        { _field_1: 1, _field_2: 'a' },
        { _field_1: 2, _field_2: 'b' },
      ],
    },
  ]),
  err('array_zip', "SELECT ARRAY_ZIP([1, 2], ['a', 'b', 'c', 'd']) AS results"),
  c(
    'flatten',
    `WITH t AS (
  SELECT
  [
    STRUCT(1 AS price, 2 AS quantity),
    STRUCT(10 AS price, 20 AS quantity)
  ] AS v
)
SELECT FLATTEN(v.price) AS all_prices
FROM t`,
    [{ all_prices: [1, 10] }],
  ),
  c('generate_array', 'SELECT GENERATE_ARRAY(1, 5) AS example_array', [{ example_array: [1, 2, 3, 4, 5] }]),
  c('generate_array', 'SELECT GENERATE_ARRAY(0, 10, 3) AS example_array', [{ example_array: [0, 3, 6, 9] }]),
  c('generate_array', 'SELECT GENERATE_ARRAY(10, 0, -3) AS example_array', [
    { example_array: [10, 7, 4, 1] },
  ]),
  c('generate_array', 'SELECT GENERATE_ARRAY(4, 4, 10) AS example_array', [{ example_array: [4] }]),
  c('generate_array', 'SELECT GENERATE_ARRAY(10, 0, 3) AS example_array', [{ example_array: [] }]),
  c('generate_array', 'SELECT GENERATE_ARRAY(5, NULL, 1) AS example_array', [{ example_array: [] }]),
  c('generate_array', 'SELECT GENERATE_ARRAY(start, 5) AS example_array FROM UNNEST([3, 4, 5]) AS start', [
    { example_array: [3, 4, 5] },
    { example_array: [4, 5] },
    { example_array: [5] },
  ]),
  c('generate_date_array', "SELECT GENERATE_DATE_ARRAY('2016-10-05', '2016-10-08') AS example", [
    { example: ['2016-10-05', '2016-10-06', '2016-10-07', '2016-10-08'].map(D) },
  ]),
  c(
    'generate_date_array',
    "SELECT GENERATE_DATE_ARRAY('2016-10-05', '2016-10-09', INTERVAL 2 DAY) AS example",
    [{ example: ['2016-10-05', '2016-10-07', '2016-10-09'].map(D) }],
  ),
  c(
    'generate_date_array',
    "SELECT GENERATE_DATE_ARRAY('2016-10-05', '2016-10-01', INTERVAL -3 DAY) AS example",
    [{ example: ['2016-10-05', '2016-10-02'].map(D) }],
  ),
  c(
    'generate_date_array',
    "SELECT GENERATE_DATE_ARRAY('2016-10-05', '2016-10-05', INTERVAL 8 DAY) AS example",
    [{ example: [D('2016-10-05')] }],
  ),
  c(
    'generate_date_array',
    "SELECT GENERATE_DATE_ARRAY('2016-10-05', '2016-10-01', INTERVAL 1 DAY) AS example",
    [{ example: [] }],
  ),
  c('generate_date_array', "SELECT GENERATE_DATE_ARRAY('2016-10-05', NULL) AS example", [{ example: [] }]),
  c(
    'generate_date_array',
    "SELECT GENERATE_DATE_ARRAY('2016-01-01', '2016-12-31', INTERVAL 2 MONTH) AS example",
    [
      {
        example: ['2016-01-01', '2016-03-01', '2016-05-01', '2016-07-01', '2016-09-01', '2016-11-01'].map(D),
      },
    ],
  ),
  c(
    'generate_date_array',
    `SELECT GENERATE_DATE_ARRAY(date_start, date_end, INTERVAL 1 WEEK) AS date_range
FROM (
  SELECT DATE '2016-01-01' AS date_start, DATE '2016-01-31' AS date_end
  UNION ALL SELECT DATE "2016-04-01", DATE "2016-04-30"
  UNION ALL SELECT DATE "2016-07-01", DATE "2016-07-31"
  UNION ALL SELECT DATE "2016-10-01", DATE "2016-10-31"
) AS items`,
    ['01', '04', '07', '10'].map((m) => ({
      date_range: ['01', '08', '15', '22', '29'].map((d) => D(`2016-${m}-${d}`)),
    })),
  ),
  c(
    'generate_timestamp_array',
    "SELECT GENERATE_TIMESTAMP_ARRAY('2016-10-05 00:00:00', '2016-10-07 00:00:00', INTERVAL 1 DAY) AS timestamp_array",
    [{ timestamp_array: ['05', '06', '07'].map((d) => TS(`2016-10-${d} 00:00:00+00`)) }],
  ),
  c(
    'generate_timestamp_array',
    "SELECT GENERATE_TIMESTAMP_ARRAY('2016-10-05 00:00:00', '2016-10-05 00:00:02', INTERVAL 1 SECOND) AS timestamp_array",
    [{ timestamp_array: ['00', '01', '02'].map((s) => TS(`2016-10-05 00:00:${s}+00`)) }],
  ),
  c(
    'generate_timestamp_array',
    "SELECT GENERATE_TIMESTAMP_ARRAY('2016-10-06 00:00:00', '2016-10-01 00:00:00', INTERVAL -2 DAY) AS timestamp_array",
    [{ timestamp_array: ['06', '04', '02'].map((d) => TS(`2016-10-${d} 00:00:00+00`)) }],
  ),
  c(
    'generate_timestamp_array',
    "SELECT GENERATE_TIMESTAMP_ARRAY('2016-10-05 00:00:00', '2016-10-05 00:00:00', INTERVAL 1 HOUR) AS timestamp_array",
    [{ timestamp_array: [TS('2016-10-05 00:00:00+00')] }],
  ),
  c(
    'generate_timestamp_array',
    "SELECT GENERATE_TIMESTAMP_ARRAY('2016-10-06 00:00:00', '2016-10-05 00:00:00', INTERVAL 1 HOUR) AS timestamp_array",
    [{ timestamp_array: [] }],
  ),
  c(
    'generate_timestamp_array',
    "SELECT GENERATE_TIMESTAMP_ARRAY('2016-10-05 00:00:00', NULL, INTERVAL 1 HOUR) AS timestamp_array",
    [{ timestamp_array: [] }],
  ),
  c(
    'generate_timestamp_array',
    `SELECT GENERATE_TIMESTAMP_ARRAY(start_timestamp, end_timestamp, INTERVAL 1 HOUR)
  AS timestamp_array
FROM
  (SELECT
    TIMESTAMP '2016-10-05 00:00:00' AS start_timestamp,
    TIMESTAMP '2016-10-05 02:00:00' AS end_timestamp
   UNION ALL
   SELECT
    TIMESTAMP '2016-10-05 12:00:00' AS start_timestamp,
    TIMESTAMP '2016-10-05 14:00:00' AS end_timestamp
   UNION ALL
   SELECT
    TIMESTAMP '2016-10-05 23:59:00' AS start_timestamp,
    TIMESTAMP '2016-10-06 01:59:00' AS end_timestamp)`,
    [
      { timestamp_array: ['00:00', '01:00', '02:00'].map((t) => TS(`2016-10-05 ${t}:00+00`)) },
      { timestamp_array: ['12:00', '13:00', '14:00'].map((t) => TS(`2016-10-05 ${t}:00+00`)) },
      {
        timestamp_array: [
          TS('2016-10-05 23:59:00+00'),
          TS('2016-10-06 00:59:00+00'),
          TS('2016-10-06 01:59:00+00'),
        ],
      },
    ],
  ),
];
