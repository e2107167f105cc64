/**
 * Examples of the GoogleSQL reference pages "Date functions", "Datetime functions", "Time functions",
 * "Timestamp functions" and "Format elements". The reference prints TIMESTAMP results in
 * America/Los_Angeles; they are written here as the instants they are. Where a result depends on the
 * default time zone, BigQuery's (UTC) applies.
 */
import { type ConformanceCase, D, DT, page, T, TS } from '../case.js';

const date = page('date_functions');
const datetime = page('datetime_functions');
const time = page('time_functions');
const timestamp = page('timestamp_functions');
const elements = page('format-elements');
const NOW = 'depends on the current time';

export const dateFunctionCases: ConformanceCase[] = [
  date.skip('current_date', 'SELECT CURRENT_DATE() AS the_date', NOW),
  date.skip('current_date', "SELECT CURRENT_DATE('America/Los_Angeles') AS the_date", NOW),
  date.skip('current_date', "SELECT CURRENT_DATE('-08') AS the_date", NOW),
  date.skip('current_date', 'SELECT CURRENT_DATE AS the_date', NOW),
  date.c(
    'date',
    `SELECT
  DATE(2016, 12, 25) AS date_ymd,
  DATE(DATETIME '2016-12-25 23:59:59') AS date_dt,
  DATE(TIMESTAMP '2016-12-25 05:30:00+07', 'America/Los_Angeles') AS date_tstz`,
    [{ date_ymd: D('2016-12-25'), date_dt: D('2016-12-25'), date_tstz: D('2016-12-24') }],
  ),
  date.c('date_add', "SELECT DATE_ADD(DATE '2008-12-25', INTERVAL 5 DAY) AS five_days_later", [
    { five_days_later: D('2008-12-30') },
  ]),
  date.c('date_diff', "SELECT DATE_DIFF(DATE '2010-07-07', DATE '2008-12-25', DAY) AS days_diff", [
    { days_diff: 559 },
  ]),
  date.c(
    'date_diff',
    `SELECT
  DATE_DIFF(DATE '2017-10-15', DATE '2017-10-14', DAY) AS days_diff,
  DATE_DIFF(DATE '2017-10-15', DATE '2017-10-14', WEEK) AS weeks_diff`,
    [{ days_diff: 1, weeks_diff: 1 }],
  ),
  date.c(
    'date_diff',
    `SELECT
  DATE_DIFF('2017-12-30', '2014-12-30', YEAR) AS year_diff,
  DATE_DIFF('2017-12-30', '2014-12-30', ISOYEAR) AS isoyear_diff`,
    [{ year_diff: 3, isoyear_diff: 2 }],
  ),
  date.c(
    'date_diff',
    `SELECT
  DATE_DIFF('2017-12-18', '2017-12-17', WEEK) AS week_diff,
  DATE_DIFF('2017-12-18', '2017-12-17', WEEK(MONDAY)) AS week_weekday_diff,
  DATE_DIFF('2017-12-18', '2017-12-17', ISOWEEK) AS isoweek_diff`,
    [{ week_diff: 0, week_weekday_diff: 1, isoweek_diff: 1 }],
  ),
  date.c('date_from_unix_date', 'SELECT DATE_FROM_UNIX_DATE(14238) AS date_from_epoch', [
    { date_from_epoch: D('2008-12-25') },
  ]),
  date.c('date_sub', "SELECT DATE_SUB(DATE '2008-12-25', INTERVAL 5 DAY) AS five_days_ago", [
    { five_days_ago: D('2008-12-20') },
  ]),
  date.c('date_trunc', "SELECT DATE_TRUNC(DATE '2008-12-25', MONTH) AS month", [{ month: D('2008-12-01') }]),
  date.c(
    'date_trunc',
    `SELECT date AS original, DATE_TRUNC(date, WEEK(MONDAY)) AS truncated
FROM (SELECT DATE('2017-11-05') AS date)`,
    [{ original: D('2017-11-05'), truncated: D('2017-10-30') }],
  ),
  date.c(
    'date_trunc',
    `SELECT
  DATE_TRUNC('2015-06-15', ISOYEAR) AS isoyear_boundary,
  EXTRACT(ISOYEAR FROM DATE '2015-06-15') AS isoyear_number`,
    [{ isoyear_boundary: D('2014-12-29'), isoyear_number: 2015 }],
  ),
  date.c('extract', "SELECT EXTRACT(DAY FROM DATE '2013-12-25') AS the_day", [{ the_day: 25 }]),
  date.c(
    'extract',
    `SELECT
  date,
  EXTRACT(ISOYEAR FROM date) AS isoyear,
  EXTRACT(ISOWEEK FROM date) AS isoweek,
  EXTRACT(YEAR FROM date) AS year,
  EXTRACT(WEEK FROM date) AS week
FROM UNNEST(GENERATE_DATE_ARRAY('2015-12-23', '2016-01-09')) AS date
ORDER BY date`,
    (
      [
        ['2015-12-23', 2015, 52, 2015, 51],
        ['2015-12-24', 2015, 52, 2015, 51],
        ['2015-12-25', 2015, 52, 2015, 51],
        ['2015-12-26', 2015, 52, 2015, 51],
        ['2015-12-27', 2015, 52, 2015, 52],
        ['2015-12-28', 2015, 53, 2015, 52],
        ['2015-12-29', 2015, 53, 2015, 52],
        ['2015-12-30', 2015, 53, 2015, 52],
        ['2015-12-31', 2015, 53, 2015, 52],
        ['2016-01-01', 2015, 53, 2016, 0],
        ['2016-01-02', 2015, 53, 2016, 0],
        ['2016-01-03', 2015, 53, 2016, 1],
        ['2016-01-04', 2016, 1, 2016, 1],
        ['2016-01-05', 2016, 1, 2016, 1],
        ['2016-01-06', 2016, 1, 2016, 1],
        ['2016-01-07', 2016, 1, 2016, 1],
        ['2016-01-08', 2016, 1, 2016, 1],
        ['2016-01-09', 2016, 1, 2016, 1],
      ] as const
    ).map(([d, isoyear, isoweek, year, week]) => ({ date: D(d), isoyear, isoweek, year, week })),
  ),
  date.c(
    'extract',
    `WITH table AS (SELECT DATE('2017-11-05') AS date)
SELECT
  date,
  EXTRACT(WEEK(SUNDAY) FROM date) AS week_sunday,
  EXTRACT(WEEK(MONDAY) FROM date) AS week_monday FROM table`,
    [{ date: D('2017-11-05'), week_sunday: 45, week_monday: 44 }],
  ),
  date.c('format_date', "SELECT FORMAT_DATE('%x', DATE '2008-12-25') AS US_format", [
    { US_format: '12/25/08' },
  ]),
  date.c('format_date', "SELECT FORMAT_DATE('%b-%d-%Y', DATE '2008-12-25') AS formatted", [
    { formatted: 'Dec-25-2008' },
  ]),
  date.c('format_date', "SELECT FORMAT_DATE('%b %Y', DATE '2008-12-25') AS formatted", [
    { formatted: 'Dec 2008' },
  ]),
  date.c('last_day', "SELECT LAST_DAY(DATE '2008-11-25', MONTH) AS last_day", [
    { last_day: D('2008-11-30') },
  ]),
  date.c('last_day', "SELECT LAST_DAY(DATE '2008-11-25') AS last_day", [{ last_day: D('2008-11-30') }]),
  date.c('last_day', "SELECT LAST_DAY(DATE '2008-11-25', YEAR) AS last_day", [{ last_day: D('2008-12-31') }]),
  date.c('last_day', "SELECT LAST_DAY(DATE '2008-11-10', WEEK(SUNDAY)) AS last_day", [
    { last_day: D('2008-11-15') },
  ]),
  date.c('last_day', "SELECT LAST_DAY(DATE '2008-11-10', WEEK(MONDAY)) AS last_day", [
    { last_day: D('2008-11-16') },
  ]),
  date.c('parse_date', "SELECT PARSE_DATE('%A %b %e %Y', 'Thursday Dec 25 2008')", [
    { f0_: D('2008-12-25') },
  ]),
  date.err('parse_date', "SELECT PARSE_DATE('%Y %A %b %e', 'Thursday Dec 25 2008')"),
  date.err('parse_date', "SELECT PARSE_DATE('%A %b %e', 'Thursday Dec 25 2008')"),
  date.c('parse_date', "SELECT PARSE_DATE('%F', '2000-12-30')", [{ f0_: D('2000-12-30') }]),
  date.c('parse_date', "SELECT PARSE_DATE('%x', '12/25/08') AS parsed", [{ parsed: D('2008-12-25') }]),
  date.c('parse_date', "SELECT PARSE_DATE('%Y%m%d', '20081225') AS parsed", [{ parsed: D('2008-12-25') }]),
  date.c('unix_date', "SELECT UNIX_DATE(DATE '2008-12-25') AS days_from_epoch", [{ days_from_epoch: 14238 }]),
];

export const datetimeFunctionCases: ConformanceCase[] = [
  datetime.skip('current_datetime', 'SELECT CURRENT_DATETIME() as now', NOW),
  datetime.c(
    'datetime',
    `SELECT
  DATETIME(2008, 12, 25, 05, 30, 00) as datetime_ymdhms,
  DATETIME(TIMESTAMP "2008-12-25 05:30:00+00", "America/Los_Angeles") as datetime_tstz`,
    [{ datetime_ymdhms: DT('2008-12-25 05:30:00'), datetime_tstz: DT('2008-12-24 21:30:00') }],
  ),
  datetime.c(
    'datetime_add',
    `SELECT
  DATETIME "2008-12-25 15:30:00" as original_date,
  DATETIME_ADD(DATETIME "2008-12-25 15:30:00", INTERVAL 10 MINUTE) as later`,
    [{ original_date: DT('2008-12-25 15:30:00'), later: DT('2008-12-25 15:40:00') }],
  ),
  datetime.c(
    'datetime_diff',
    `SELECT
  DATETIME "2010-07-07 10:20:00" as first_datetime,
  DATETIME "2008-12-25 15:30:00" as second_datetime,
  DATETIME_DIFF(DATETIME "2010-07-07 10:20:00",
    DATETIME "2008-12-25 15:30:00", DAY) as difference`,
    [
      {
        first_datetime: DT('2010-07-07 10:20:00'),
        second_datetime: DT('2008-12-25 15:30:00'),
        difference: 559,
      },
    ],
  ),
  datetime.c(
    'datetime_diff',
    `SELECT
  DATETIME_DIFF(DATETIME '2017-10-15 00:00:00',
    DATETIME '2017-10-14 00:00:00', DAY) as days_diff,
  DATETIME_DIFF(DATETIME '2017-10-15 00:00:00',
    DATETIME '2017-10-14 00:00:00', WEEK) as weeks_diff`,
    [{ days_diff: 1, weeks_diff: 1 }],
  ),
  datetime.c(
    'datetime_diff',
    `SELECT
  DATETIME_DIFF('2017-12-30 00:00:00',
    '2014-12-30 00:00:00', YEAR) AS year_diff,
  DATETIME_DIFF('2017-12-30 00:00:00',
    '2014-12-30 00:00:00', ISOYEAR) AS isoyear_diff`,
    [{ year_diff: 3, isoyear_diff: 2 }],
  ),
  datetime.c(
    'datetime_diff',
    `SELECT
  DATETIME_DIFF('2017-12-18', '2017-12-17', WEEK) AS week_diff,
  DATETIME_DIFF('2017-12-18', '2017-12-17', WEEK(MONDAY)) AS week_weekday_diff,
  DATETIME_DIFF('2017-12-18', '2017-12-17', ISOWEEK) AS isoweek_diff`,
    [{ week_diff: 0, week_weekday_diff: 1, isoweek_diff: 1 }],
  ),
  datetime.c(
    'datetime_sub',
    `SELECT
  DATETIME "2008-12-25 15:30:00" as original_date,
  DATETIME_SUB(DATETIME "2008-12-25 15:30:00", INTERVAL 10 MINUTE) as earlier`,
    [{ original_date: DT('2008-12-25 15:30:00'), earlier: DT('2008-12-25 15:20:00') }],
  ),
  datetime.c(
    'datetime_trunc',
    `SELECT
  DATETIME "2008-12-25 15:30:00" as original,
  DATETIME_TRUNC(DATETIME "2008-12-25 15:30:00", DAY) as truncated`,
    [{ original: DT('2008-12-25 15:30:00'), truncated: DT('2008-12-25 00:00:00') }],
  ),
  datetime.c(
    'datetime_trunc',
    `SELECT
 datetime AS original,
 DATETIME_TRUNC(datetime, WEEK(MONDAY)) AS truncated
FROM (SELECT DATETIME(TIMESTAMP "2017-11-05 00:00:00+00", "UTC") AS datetime)`,
    [{ original: DT('2017-11-05 00:00:00'), truncated: DT('2017-10-30 00:00:00') }],
  ),
  datetime.c(
    'datetime_trunc',
    `SELECT
  DATETIME_TRUNC('2015-06-15 00:00:00', ISOYEAR) AS isoyear_boundary,
  EXTRACT(ISOYEAR FROM DATETIME '2015-06-15 00:00:00') AS isoyear_number`,
    [{ isoyear_boundary: DT('2014-12-29 00:00:00'), isoyear_number: 2015 }],
  ),
  datetime.c('extract', 'SELECT EXTRACT(HOUR FROM DATETIME(2008, 12, 25, 15, 30, 00)) as hour', [
    { hour: 15 },
  ]),
  datetime.c(
    'extract',
    `WITH Datetimes AS (
  SELECT DATETIME '2005-01-03 12:34:56' AS datetime UNION ALL
  SELECT DATETIME '2007-12-31' UNION ALL
  SELECT DATETIME '2009-01-01' UNION ALL
  SELECT DATETIME '2009-12-31' UNION ALL
  SELECT DATETIME '2017-01-02' UNION ALL
  SELECT DATETIME '2017-05-26'
)
SELECT
  datetime,
  EXTRACT(ISOYEAR FROM datetime) AS isoyear,
  EXTRACT(ISOWEEK FROM datetime) AS isoweek,
  EXTRACT(YEAR FROM datetime) AS year,
  EXTRACT(WEEK FROM datetime) AS week
FROM Datetimes
ORDER BY datetime`,
    (
      [
        ['2005-01-03 12:34:56', 2005, 1, 2005, 1],
        ['2007-12-31 00:00:00', 2008, 1, 2007, 52],
        ['2009-01-01 00:00:00', 2009, 1, 2009, 0],
        ['2009-12-31 00:00:00', 2009, 53, 2009, 52],
        ['2017-01-02 00:00:00', 2017, 1, 2017, 1],
        ['2017-05-26 00:00:00', 2017, 21, 2017, 21],
      ] as const
    ).map(([d, isoyear, isoweek, year, week]) => ({ datetime: DT(d), isoyear, isoweek, year, week })),
  ),
  datetime.c(
    'extract',
    `WITH table AS (SELECT DATETIME(TIMESTAMP "2017-11-05 00:00:00+00", "UTC") AS datetime)
SELECT
  datetime,
  EXTRACT(WEEK(SUNDAY) FROM datetime) AS week_sunday,
  EXTRACT(WEEK(MONDAY) FROM datetime) AS week_monday
FROM table`,
    [{ datetime: DT('2017-11-05 00:00:00'), week_sunday: 45, week_monday: 44 }],
  ),
  datetime.c('format_datetime', 'SELECT FORMAT_DATETIME("%c", DATETIME "2008-12-25 15:30:00") AS formatted', [
    { formatted: 'Thu Dec 25 15:30:00 2008' },
  ]),
  datetime.c(
    'format_datetime',
    'SELECT FORMAT_DATETIME("%b-%d-%Y", DATETIME "2008-12-25 15:30:00") AS formatted',
    [{ formatted: 'Dec-25-2008' }],
  ),
  datetime.c(
    'format_datetime',
    'SELECT FORMAT_DATETIME("%b %Y", DATETIME "2008-12-25 15:30:00") AS formatted',
    [{ formatted: 'Dec 2008' }],
  ),
  datetime.c('last_day', "SELECT LAST_DAY(DATETIME '2008-11-25', MONTH) AS last_day", [
    { last_day: D('2008-11-30') },
  ]),
  datetime.c('last_day', "SELECT LAST_DAY(DATETIME '2008-11-25') AS last_day", [
    { last_day: D('2008-11-30') },
  ]),
  datetime.c('last_day', "SELECT LAST_DAY(DATETIME '2008-11-25 15:30:00', YEAR) AS last_day", [
    { last_day: D('2008-12-31') },
  ]),
  datetime.c('last_day', "SELECT LAST_DAY(DATETIME '2008-11-10 15:30:00', WEEK(SUNDAY)) AS last_day", [
    { last_day: D('2008-11-15') },
  ]),
  datetime.c('last_day', "SELECT LAST_DAY(DATETIME '2008-11-10 15:30:00', WEEK(MONDAY)) AS last_day", [
    { last_day: D('2008-11-16') },
  ]),
  datetime.c('parse_datetime', 'SELECT PARSE_DATETIME("%a %b %e %I:%M:%S %Y", "Thu Dec 25 07:30:00 2008")', [
    { f0_: DT('2008-12-25 07:30:00') },
  ]),
  datetime.err('parse_datetime', 'SELECT PARSE_DATETIME("%a %b %e %Y %I:%M:%S", "Thu Dec 25 07:30:00 2008")'),
  datetime.err('parse_datetime', 'SELECT PARSE_DATETIME("%a %b %e %I:%M:%S", "Thu Dec 25 07:30:00 2008")'),
  datetime.c('parse_datetime', 'SELECT PARSE_DATETIME("%c", "Thu Dec 25 07:30:00 2008")', [
    { f0_: DT('2008-12-25 07:30:00') },
  ]),
  datetime.c(
    'parse_datetime',
    "SELECT PARSE_DATETIME('%Y-%m-%d %H:%M:%S', '1998-10-18 13:45:55') AS datetime",
    [{ datetime: DT('1998-10-18 13:45:55') }],
  ),
  datetime.c(
    'parse_datetime',
    "SELECT PARSE_DATETIME('%m/%d/%Y %I:%M:%S %p', '8/30/2018 2:23:38 pm') AS datetime",
    [{ datetime: DT('2018-08-30 14:23:38') }],
  ),
  datetime.c(
    'parse_datetime',
    "SELECT PARSE_DATETIME('%A, %B %e, %Y','Wednesday, December 19, 2018') AS datetime",
    [{ datetime: DT('2018-12-19 00:00:00') }],
  ),
];

export const timeFunctionCases: ConformanceCase[] = [
  time.skip('current_time', 'SELECT CURRENT_TIME() as now', NOW),
  time.c('extract', 'SELECT EXTRACT(HOUR FROM TIME "15:30:00") as hour', [{ hour: 15 }]),
  time.c('format_time', 'SELECT FORMAT_TIME("%R", TIME "15:30:00") as formatted_time', [
    { formatted_time: '15:30' },
  ]),
  time.c('parse_time', 'SELECT PARSE_TIME("%I:%M:%S", "07:30:00")', [{ f0_: T('07:30:00') }]),
  time.err('parse_time', 'SELECT PARSE_TIME("%S:%I:%M", "07:30:00")'),
  time.err('parse_time', 'SELECT PARSE_TIME("%I:%M", "07:30:00")'),
  time.c('parse_time', 'SELECT PARSE_TIME("%T", "07:30:00")', [{ f0_: T('07:30:00') }]),
  time.c('parse_time', 'SELECT PARSE_TIME("%H", "15") as parsed_time', [{ parsed_time: T('15:00:00') }]),
  time.c('parse_time', "SELECT PARSE_TIME('%I:%M:%S %p', '2:23:38 pm') AS parsed_time", [
    { parsed_time: T('14:23:38') },
  ]),
  time.c(
    'time',
    `SELECT
  TIME(15, 30, 00) as time_hms,
  TIME(TIMESTAMP "2008-12-25 15:30:00+08", "America/Los_Angeles") as time_tstz`,
    [{ time_hms: T('15:30:00'), time_tstz: T('23:30:00') }],
  ),
  time.c('time', 'SELECT TIME(DATETIME "2008-12-25 15:30:00.000000") AS time_dt', [
    { time_dt: T('15:30:00') },
  ]),
  time.c(
    'time_add',
    `SELECT
  TIME "15:30:00" as original_time,
  TIME_ADD(TIME "15:30:00", INTERVAL 10 MINUTE) as later`,
    [{ original_time: T('15:30:00'), later: T('15:40:00') }],
  ),
  time.c(
    'time_diff',
    `SELECT
  TIME "15:30:00" as first_time,
  TIME "14:35:00" as second_time,
  TIME_DIFF(TIME "15:30:00", TIME "14:35:00", MINUTE) as difference`,
    [{ first_time: T('15:30:00'), second_time: T('14:35:00'), difference: 55 }],
  ),
  time.c(
    'time_sub',
    `SELECT
  TIME "15:30:00" as original_date,
  TIME_SUB(TIME "15:30:00", INTERVAL 10 MINUTE) as earlier`,
    [{ original_date: T('15:30:00'), earlier: T('15:20:00') }],
  ),
  time.c(
    'time_trunc',
    `SELECT
  TIME "15:30:00" as original,
  TIME_TRUNC(TIME "15:30:00", HOUR) as truncated`,
    [{ original: T('15:30:00'), truncated: T('15:00:00') }],
  ),
];

export const timestampFunctionCases: ConformanceCase[] = [
  timestamp.skip('current_timestamp', 'SELECT CURRENT_TIMESTAMP() AS now', NOW),
  timestamp.c(
    'extract',
    `SELECT
  EXTRACT(
    DAY
    FROM TIMESTAMP('2008-12-25 05:30:00+00') AT TIME ZONE 'UTC')
    AS the_day_utc,
  EXTRACT(
    DAY
    FROM TIMESTAMP('2008-12-25 05:30:00+00') AT TIME ZONE 'America/Los_Angeles')
    AS the_day_california`,
    [{ the_day_utc: 25, the_day_california: 24 }],
  ),
  ...(
    [
      ['2005-01-03 12:34:56+00', 2005, 1, 2005, 1],
      ['2007-12-31 12:00:00+00', 2008, 1, 2007, 52],
      ['2009-01-01 12:00:00+00', 2009, 1, 2009, 0],
      ['2009-12-31 12:00:00+00', 2009, 53, 2009, 52],
      ['2017-01-02 12:00:00+00', 2017, 1, 2017, 1],
      ['2017-05-26 12:00:00+00', 2017, 21, 2017, 21],
    ] as const
  ).map(([ts, isoyear, isoweek, year, week]) =>
    timestamp.c(
      'extract',
      `SELECT
  EXTRACT(ISOYEAR FROM TIMESTAMP("${ts}")) AS isoyear,
  EXTRACT(ISOWEEK FROM TIMESTAMP("${ts}")) AS isoweek,
  EXTRACT(YEAR FROM TIMESTAMP("${ts}")) AS year,
  EXTRACT(WEEK FROM TIMESTAMP("${ts}")) AS week`,
      [{ isoyear, isoweek, year, week }],
    ),
  ),
  // The reference computes this in America/Los_Angeles, where the instant is Sunday 2017-11-05 (44 in
  // Monday weeks); in BigQuery's UTC it is Monday 2017-11-06, week 45 either way.
  timestamp.c(
    'extract',
    `SELECT
  EXTRACT(WEEK(SUNDAY) FROM TIMESTAMP("2017-11-06 00:00:00+00")) AS week_sunday,
  EXTRACT(WEEK(MONDAY) FROM TIMESTAMP("2017-11-06 00:00:00+00")) AS week_monday`,
    [{ week_sunday: 45, week_monday: 45 }],
  ),
  timestamp.c(
    'format_timestamp',
    'SELECT FORMAT_TIMESTAMP("%c", TIMESTAMP "2050-12-25 15:30:55+00", "UTC") AS formatted',
    [{ formatted: 'Sun Dec 25 15:30:55 2050' }],
  ),
  timestamp.c(
    'format_timestamp',
    'SELECT FORMAT_TIMESTAMP("%b-%d-%Y", TIMESTAMP "2050-12-25 15:30:55+00") AS formatted',
    [{ formatted: 'Dec-25-2050' }],
  ),
  timestamp.c(
    'format_timestamp',
    'SELECT FORMAT_TIMESTAMP("%b %Y", TIMESTAMP "2050-12-25 15:30:55+00") AS formatted',
    [{ formatted: 'Dec 2050' }],
  ),
  timestamp.c(
    'format_timestamp',
    'SELECT FORMAT_TIMESTAMP("%Y-%m-%dT%H:%M:%SZ", TIMESTAMP "2050-12-25 15:30:55", "UTC") AS formatted',
    [{ formatted: '2050-12-25T15:30:55Z' }],
  ),
  timestamp.c(
    'parse_timestamp',
    'SELECT PARSE_TIMESTAMP("%a %b %e %I:%M:%S %Y", "Thu Dec 25 07:30:00 2008")',
    [{ f0_: TS('2008-12-25 07:30:00+00') }],
  ),
  timestamp.err(
    'parse_timestamp',
    'SELECT PARSE_TIMESTAMP("%a %b %e %Y %I:%M:%S", "Thu Dec 25 07:30:00 2008")',
  ),
  timestamp.err('parse_timestamp', 'SELECT PARSE_TIMESTAMP("%a %b %e %I:%M:%S", "Thu Dec 25 07:30:00 2008")'),
  timestamp.c('parse_timestamp', 'SELECT PARSE_TIMESTAMP("%c", "Thu Dec 25 07:30:00 2008") AS parsed', [
    { parsed: TS('2008-12-25 07:30:00+00') },
  ]),
  timestamp.c('string', 'SELECT STRING(TIMESTAMP "2008-12-25 15:30:00+00", "UTC") AS string', [
    { string: '2008-12-25 15:30:00+00' },
  ]),
  timestamp.c('timestamp', 'SELECT TIMESTAMP("2008-12-25 15:30:00+00") AS timestamp_str', [
    { timestamp_str: TS('2008-12-25 15:30:00+00') },
  ]),
  timestamp.c(
    'timestamp',
    'SELECT TIMESTAMP("2008-12-25 15:30:00", "America/Los_Angeles") AS timestamp_str',
    [{ timestamp_str: TS('2008-12-25 23:30:00+00') }],
  ),
  timestamp.c('timestamp', 'SELECT TIMESTAMP("2008-12-25 15:30:00 UTC") AS timestamp_str', [
    { timestamp_str: TS('2008-12-25 15:30:00+00') },
  ]),
  timestamp.c('timestamp', 'SELECT TIMESTAMP(DATETIME "2008-12-25 15:30:00") AS timestamp_datetime', [
    { timestamp_datetime: TS('2008-12-25 15:30:00+00') },
  ]),
  timestamp.c('timestamp', 'SELECT TIMESTAMP(DATE "2008-12-25") AS timestamp_date', [
    { timestamp_date: TS('2008-12-25 00:00:00+00') },
  ]),
  timestamp.c(
    'timestamp_add',
    `SELECT
  TIMESTAMP("2008-12-25 15:30:00+00") AS original,
  TIMESTAMP_ADD(TIMESTAMP "2008-12-25 15:30:00+00", INTERVAL 10 MINUTE) AS later`,
    [{ original: TS('2008-12-25 15:30:00+00'), later: TS('2008-12-25 15:40:00+00') }],
  ),
  timestamp.c(
    'timestamp_diff',
    `SELECT
  TIMESTAMP("2010-07-07 10:20:00+00") AS later_timestamp,
  TIMESTAMP("2008-12-25 15:30:00+00") AS earlier_timestamp,
  TIMESTAMP_DIFF(TIMESTAMP "2010-07-07 10:20:00+00", TIMESTAMP "2008-12-25 15:30:00+00", HOUR) AS hours`,
    [
      {
        later_timestamp: TS('2010-07-07 10:20:00+00'),
        earlier_timestamp: TS('2008-12-25 15:30:00+00'),
        hours: 13410,
      },
    ],
  ),
  timestamp.c(
    'timestamp_diff',
    'SELECT TIMESTAMP_DIFF(TIMESTAMP "2018-08-14", TIMESTAMP "2018-10-14", DAY) AS negative_diff',
    [{ negative_diff: -61 }],
  ),
  timestamp.c(
    'timestamp_diff',
    'SELECT TIMESTAMP_DIFF("2001-02-01 01:00:00", "2001-02-01 00:00:01", HOUR) AS diff',
    [{ diff: 0 }],
  ),
  timestamp.c(
    'timestamp_from_unix_micros',
    'SELECT TIMESTAMP_FROM_UNIX_MICROS(1230219000000000) AS timestamp_value',
    [{ timestamp_value: TS('2008-12-25 15:30:00+00') }],
  ),
  timestamp.c(
    'timestamp_from_unix_millis',
    'SELECT TIMESTAMP_FROM_UNIX_MILLIS(1230219000000) AS timestamp_value',
    [{ timestamp_value: TS('2008-12-25 15:30:00+00') }],
  ),
  timestamp.c(
    'timestamp_from_unix_seconds',
    'SELECT TIMESTAMP_FROM_UNIX_SECONDS(1230219000) AS timestamp_value',
    [{ timestamp_value: TS('2008-12-25 15:30:00+00') }],
  ),
  timestamp.c('timestamp_micros', 'SELECT TIMESTAMP_MICROS(1230219000000000) AS timestamp_value', [
    { timestamp_value: TS('2008-12-25 15:30:00+00') },
  ]),
  timestamp.c('timestamp_millis', 'SELECT TIMESTAMP_MILLIS(1230219000000) AS timestamp_value', [
    { timestamp_value: TS('2008-12-25 15:30:00+00') },
  ]),
  timestamp.c('timestamp_seconds', 'SELECT TIMESTAMP_SECONDS(1230219000) AS timestamp_value', [
    { timestamp_value: TS('2008-12-25 15:30:00+00') },
  ]),
  timestamp.c(
    'timestamp_sub',
    `SELECT
  TIMESTAMP("2008-12-25 15:30:00+00") AS original,
  TIMESTAMP_SUB(TIMESTAMP "2008-12-25 15:30:00+00", INTERVAL 10 MINUTE) AS earlier`,
    [{ original: TS('2008-12-25 15:30:00+00'), earlier: TS('2008-12-25 15:20:00+00') }],
  ),
  timestamp.c(
    'timestamp_trunc',
    `SELECT
  TIMESTAMP_TRUNC(TIMESTAMP "2008-12-25 15:30:00+00", DAY, "UTC") AS utc,
  TIMESTAMP_TRUNC(TIMESTAMP "2008-12-25 15:30:00+00", DAY, "America/Los_Angeles") AS la`,
    [{ utc: TS('2008-12-25 00:00:00+00'), la: TS('2008-12-25 08:00:00+00') }],
  ),
  timestamp.c(
    'timestamp_trunc',
    `SELECT
  timestamp_value AS timestamp_value,
  TIMESTAMP_TRUNC(timestamp_value, WEEK(MONDAY), "UTC") AS utc_truncated,
  TIMESTAMP_TRUNC(timestamp_value, WEEK(MONDAY), "Pacific/Auckland") AS nzdt_truncated
FROM (SELECT TIMESTAMP("2017-11-06 00:00:00+12") AS timestamp_value)`,
    [
      {
        timestamp_value: TS('2017-11-05 12:00:00+00'),
        utc_truncated: TS('2017-10-30 00:00:00+00'),
        nzdt_truncated: TS('2017-11-05 11:00:00+00'),
      },
    ],
  ),
  timestamp.c(
    'timestamp_trunc',
    `SELECT
  TIMESTAMP_TRUNC("2015-06-15 00:00:00+00", ISOYEAR) AS isoyear_boundary,
  EXTRACT(ISOYEAR FROM TIMESTAMP "2015-06-15 00:00:00+00") AS isoyear_number`,
    [{ isoyear_boundary: TS('2014-12-29 00:00:00+00'), isoyear_number: 2015 }],
  ),
  timestamp.c('unix_micros', 'SELECT UNIX_MICROS(TIMESTAMP "2008-12-25 15:30:00+00") AS micros', [
    { micros: 1230219000000000 },
  ]),
  timestamp.c('unix_micros', 'SELECT UNIX_MICROS(TIMESTAMP "1970-01-01 00:00:00.0000018+00") AS micros', [
    { micros: 1 },
  ]),
  timestamp.c('unix_millis', 'SELECT UNIX_MILLIS(TIMESTAMP "2008-12-25 15:30:00+00") AS millis', [
    { millis: 1230219000000 },
  ]),
  timestamp.c('unix_millis', 'SELECT UNIX_MILLIS(TIMESTAMP "1970-01-01 00:00:00.0018+00") AS millis', [
    { millis: 1 },
  ]),
  timestamp.c('unix_seconds', 'SELECT UNIX_SECONDS(TIMESTAMP "2008-12-25 15:30:00+00") AS seconds', [
    { seconds: 1230219000 },
  ]),
  timestamp.c('unix_seconds', 'SELECT UNIX_SECONDS(TIMESTAMP "1970-01-01 00:00:01.8+00") AS seconds', [
    { seconds: 1 },
  ]),
];

export const formatElementCases: ConformanceCase[] = [
  elements.c(
    'format_timestamp',
    'SELECT FORMAT_TIMESTAMP("%b %Y %Ez", TIMESTAMP "2008-12-25 15:30:00+00") AS formatted',
    [{ formatted: 'Dec 2008 +00:00' }],
  ),
  ...(
    [
      ['%A', 'Wednesday'],
      ['%a', 'Wed'],
      ['%B', 'January'],
      ['%b', 'Jan'],
      ['%C', '20'],
      ['%c', 'Wed Jan 20 21:47:00 2021'],
      ['%D', '01/20/21'],
      ['%d', '20'],
      ['%e', '20'],
      ['%F', '2021-01-20'],
      ['%G', '2021'],
      ['%g', '21'],
      ['%H', '21'],
      ['%h', 'Jan'],
      ['%I', '09'],
      ['%j', '020'],
      ['%k', '21'],
      ['%l', ' 9'],
      ['%M', '47'],
      ['%m', '01'],
      ['%P', 'pm'],
      ['%p', 'PM'],
      ['%Q', '1'],
      ['%R', '21:47'],
      ['%S', '00'],
      ['%s', '1611179220'],
      ['%T', '21:47:00'],
      ['%U', '03'],
      ['%u', '3'],
      ['%V', '03'],
      ['%W', '03'],
      ['%w', '3'],
      ['%X', '21:47:00'],
      ['%x', '01/20/21'],
      ['%Y', '2021'],
      ['%y', '21'],
      ['%Z', 'UTC'],
      ['%z', '+0000'],
      ['%%', '%'],
      ['%Ez', '+00:00'],
      ['%E3S', '00.000'],
      ['%E*S', '00'],
      ['%E4Y', '2021'],
    ] as const
  ).map(([element, formatted]) =>
    elements.c(
      'format_elements_for_date_and_time_parts',
      `SELECT FORMAT_TIMESTAMP('${element}', TIMESTAMP '2021-01-20 21:47:00+00') AS formatted`,
      [{ formatted }],
    ),
  ),
];
