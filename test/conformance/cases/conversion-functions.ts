/** Examples of the GoogleSQL reference page "Conversion functions". */
import { type ConformanceCase, I, N, page, TS } from '../case.js';

const { c, err, skip } = page('conversion_functions');

const parsed = (fn: string, input: string, result: string | undefined) =>
  result === undefined
    ? err(fn, `SELECT ${fn.toUpperCase()}("${input}") as parsed`)
    : c(fn, `SELECT ${fn.toUpperCase()}("${input}") as parsed`, [
        { parsed: fn === 'parse_numeric' ? N(result) : { $bignumeric: result } },
      ]);

export const conversionFunctionCases: ConformanceCase[] = [
  c('cast_as_integer', "SELECT '0x123' as hex_value, CAST('0x123' as INT64) as hex_to_int", [
    { hex_value: '0x123', hex_to_int: 291 },
  ]),
  c('cast_as_integer', "SELECT '-0x123' as hex_value, CAST('-0x123' as INT64) as hex_to_int", [
    { hex_value: '-0x123', hex_to_int: -291 },
  ]),
  c(
    'cast_as_interval',
    `SELECT input, CAST(input AS INTERVAL) AS output
FROM UNNEST([
  '1-2 3 10:20:30.456',
  '1-2',
  '10:20:30',
  'P1Y2M3D',
  'PT10H20M30,456S'
]) input`,
    [
      { input: '1-2 3 10:20:30.456', output: I('1-2 3 10:20:30.456') },
      { input: '1-2', output: I('1-2 0 0:0:0') },
      { input: '10:20:30', output: I('0-0 0 10:20:30') },
      { input: 'P1Y2M3D', output: I('1-2 3 0:0:0') },
      { input: 'PT10H20M30,456S', output: I('0-0 0 10:20:30.456') },
    ],
  ),
  skip(
    'cast_as_string',
    'SELECT CAST(CURRENT_DATE() AS STRING) AS current_date',
    'depends on the current time',
  ),
  skip(
    'cast_as_string',
    "SELECT CAST(CURRENT_DATE() AS STRING FORMAT 'DAY') AS current_day",
    'depends on the current time',
  ),
  c(
    'cast_as_string',
    `SELECT CAST(
  TIMESTAMP '2008-12-25 00:00:00+00:00'
  AS STRING FORMAT 'YYYY-MM-DD HH24:MI:SS TZH:TZM'
  AT TIME ZONE 'Asia/Kolkata') AS date_time_to_string`,
    [{ date_time_to_string: '2008-12-25 05:30:00 +05:30' }],
  ),
  c('cast_as_string', 'SELECT CAST(INTERVAL 3 DAY AS STRING) AS interval_to_string', [
    { interval_to_string: '0-0 3 0:0:0' },
  ]),
  c(
    'cast_as_string',
    'SELECT CAST(INTERVAL "1-2 3 4:5:6.789" YEAR TO SECOND AS STRING) AS interval_to_string',
    [{ interval_to_string: '1-2 3 4:5:6.789' }],
  ),
  c('cast_as_timestamp', 'SELECT CAST("2020-06-02 17:00:53.110+00:00" AS TIMESTAMP) AS as_timestamp', [
    { as_timestamp: TS('2020-06-02 17:00:53.110+00') },
  ]),
  c(
    'cast_as_timestamp',
    "SELECT CAST('06/02/2020 17:00:53.110' AS TIMESTAMP FORMAT 'MM/DD/YYYY HH24:MI:SS.FF3' AT TIME ZONE 'UTC') AS as_timestamp",
    [{ as_timestamp: TS('2020-06-02 17:00:53.110+00') }],
  ),
  c('cast_as_range', "SELECT CAST('[2020-01-01, 2020-01-02)' AS RANGE<DATE>) AS string_to_range", [
    { string_to_range: '[2020-01-01, 2020-01-02)' },
  ]),
  ...(
    [
      ['123.45', '123.45'],
      ['12.34E27', '12340000000000000000000000000'],
      ['1.0123456789', '1.012345679'],
      ['  -  12.34 ', '-12.34'],
      ['12.34e-1-', '-1.234'],
      ['  1,2,,3,.45 + ', '123.45'],
      ['.1234  ', '0.1234'],
      [',,,.1234  ', undefined],
      ['1  23.4 5  ', undefined],
      ['  e1 ', undefined],
      ['  - 12.3 - ', undefined],
      ['12.34E100 ', undefined],
      ['$12.34', undefined],
    ] as const
  ).map(([input, result]) => parsed('parse_numeric', input, result)),
  ...(
    [
      ['123.45', '123.45'],
      ['123.456E37', '123400000000000000000000000000000000000'],
      ['1.123456789012345678901234567890123456789', '1.12345678901234567890123456789012345679'],
      ['  -  12.34 ', '-12.34'],
      ['12.34e-1-', '-1.234'],
      ['  1,2,,3,.45 + ', '123.45'],
      ['.1234  ', '0.1234'],
      [',,,.1234  ', undefined],
      ['1  23.4 5  ', undefined],
      ['  e1 ', undefined],
      ['  - 12.3 - ', undefined],
      ['12.34E100 ', undefined],
      ['$12.34', undefined],
    ] as const
  ).map(([input, result]) => parsed('parse_bignumeric', input, result)),
  err('safe_cast', 'SELECT CAST("apple" AS INT64) AS not_a_number'),
  c('safe_cast', 'SELECT SAFE_CAST("apple" AS INT64) AS not_a_number', [{ not_a_number: null }]),
];
