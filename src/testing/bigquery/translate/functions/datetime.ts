/**
 * Date, time, datetime and timestamp functions. Truncation, differences, EXTRACT, LAST_DAY,
 * FORMAT_/PARSE_ and the time-zone constructors run on the stand-in's JavaScript library (one name
 * per function, overloaded by argument type, as GoogleSQL's are); adding and subtracting intervals
 * runs on DuckDB. String literals and parameters where GoogleSQL coerces them (`DATE_SUB('2026-01-15',
 * INTERVAL 90 DAY)`) are cast to the function's type.
 * @module
 */
import { upper } from '../cursor.js';
import { INTERVAL_PARTS } from '../keywords.js';
import { duckScalarType } from '../parse-type.js';
import type { Call, FunctionEntry, FunctionTable } from './call.js';

const WEEKDAYS = new Set(['SUNDAY', 'MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY']);

/**
 * The date part argument `k` as the library spells it: `'DAY'`, `'WEEK_MONDAY'` for `WEEK(MONDAY)`.
 *
 * @internal
 */
export function datePart(c: Call, k: number): string {
  const at = c.first(k);
  const tok = c.tr.t[at];
  if (tok?.kind !== 'ident') c.fail(`${c.name} expects a date part as argument ${k + 1}`);
  const word = tok.text.toUpperCase();
  const open = c.tr.next(at);
  if (c.tr.isOp(open, '(')) {
    const day = c.tr.upperNext(open);
    if (word !== 'WEEK' || !WEEKDAYS.has(day)) c.fail(`Invalid date part ${word}(${day})`);
    return `'WEEK_${day}'`;
  }
  return `'${word}'`;
}

/** Argument `k`, cast to `type` when it is a string literal or a parameter (GoogleSQL coerces those). */
function coerced(c: Call, k: number, type: string): string {
  const tok = c.tr.t[c.first(k)];
  const coercible =
    c.single(k) && (tok?.kind === 'string' || tok?.kind === 'param' || tok?.kind === 'positional');
  return coercible ? `CAST(${c.arg(k)} AS ${type})` : c.arg(k);
}

const DUCK = {
  DATE: 'DATE',
  DATETIME: duckScalarType('DATETIME'),
  TIMESTAMP: duckScalarType('TIMESTAMP'),
  TIME: 'TIME',
} as const;

type Kind = keyof typeof DUCK;

/** The units each `…_ADD`/`…_SUB` function accepts. */
const ADD_UNITS: Record<Kind, ReadonlySet<string>> = {
  DATE: new Set(['DAY', 'WEEK', 'MONTH', 'QUARTER', 'YEAR']),
  DATETIME: INTERVAL_PARTS,
  TIMESTAMP: new Set(['MICROSECOND', 'MILLISECOND', 'SECOND', 'MINUTE', 'HOUR', 'DAY']),
  TIME: new Set(['MICROSECOND', 'MILLISECOND', 'SECOND', 'MINUTE', 'HOUR']),
};

function addSub(kind: Kind, op: '+' | '-'): FunctionEntry {
  return {
    rewrite: (c) => {
      c.arity(2);
      const end = c.args[1]![1];
      if (upper(c.tr.t[c.first(1)]) !== 'INTERVAL')
        c.fail(`${c.name} expects an INTERVAL as its second argument`);
      const unit = upper(c.tr.t[c.tr.prev(end)]);
      if (!ADD_UNITS[kind].has(unit)) c.fail(`${c.name} does not support the ${unit} date part`);
      return `CAST((${coerced(c, 0, DUCK[kind])}) ${op} ${c.arg(1)} AS ${DUCK[kind]})`;
    },
  };
}

function trunc(kind: Kind): FunctionEntry {
  return {
    rewrite: (c) => {
      c.arity(2, kind === 'TIMESTAMP' || kind === 'DATE' || kind === 'DATETIME' ? 3 : 2);
      const zone = c.count === 3 ? `, ${c.arg(2)}` : '';
      return `bq_trunc(${coerced(c, 0, DUCK[kind])}, ${datePart(c, 1)}${zone})`;
    },
  };
}

function diff(kind: Kind): FunctionEntry {
  return {
    rewrite: (c) => {
      c.arity(3);
      return `bq_diff(${coerced(c, 0, DUCK[kind])}, ${coerced(c, 1, DUCK[kind])}, ${datePart(c, 2)})`;
    },
  };
}

function formatTime(kind: Kind): FunctionEntry {
  return {
    rewrite: (c) => {
      c.arity(2, kind === 'TIMESTAMP' ? 3 : 2);
      const zone = c.count === 3 ? `, ${c.arg(2)}` : '';
      return `bq_format_time(${c.arg(0)}, ${coerced(c, 1, DUCK[kind])}${zone})`;
    },
  };
}

function parseTime(fn: string, max = 2): FunctionEntry {
  return {
    rewrite: (c) => {
      c.arity(2, max);
      return `${fn}(${c.all()})`;
    },
  };
}

/** `EXTRACT(part FROM value [AT TIME ZONE zone])`. */
function extract(c: Call): string {
  const { tr } = c;
  const open = tr.next(c.at);
  const partIdx = tr.next(open);
  const partTok = tr.t[partIdx];
  if (partTok?.kind !== 'ident') c.fail('EXTRACT expects a date part');
  let part = partTok.text.toUpperCase();
  let fromIdx = tr.next(partIdx);
  if (tr.isOp(fromIdx, '(')) {
    const day = tr.upperNext(fromIdx);
    if (part !== 'WEEK' || !WEEKDAYS.has(day)) c.fail(`Invalid date part ${part}(${day})`);
    part = `WEEK_${day}`;
    fromIdx = tr.next(tr.matching(fromIdx));
  }
  if (upper(tr.t[fromIdx]) !== 'FROM') c.fail('Syntax error: Expected keyword FROM in EXTRACT');
  let end = c.close;
  let zone = '';
  for (let k = tr.next(fromIdx); k < c.close; k = tr.next(k)) {
    if (tr.isOp(k, '(') || tr.isOp(k, '[')) k = tr.matching(k);
    else if (upper(tr.t[k]) === 'AT' && tr.upperNext(k) === 'TIME' && tr.upperNext(tr.next(k)) === 'ZONE') {
      end = k;
      zone = `, ${tr.emit(tr.next(tr.next(tr.next(k))), c.close).trim()}`;
      break;
    }
  }
  const value = tr.emit(tr.next(fromIdx), end).trim();
  if (part === 'DATE') return `bq_date(${value}${zone})`;
  if (part === 'DATETIME') return `bq_datetime(${value}${zone})`;
  if (part === 'TIME') return `bq_time(${value}${zone})`;
  return `bq_extract(${value}, '${part}'${zone})`;
}

/** A string literal alone: cast to `type` (DATE('2017-11-05')); otherwise the library function. */
function constructorOf(c: Call, fn: string, type: string): string {
  if (c.count === 1 && c.stringLiteral(0) !== undefined) return `CAST(${c.arg(0)} AS ${type})`;
  return `${fn}(${c.all()})`;
}

/**
 * `CURRENT_TIMESTAMP` and friends, written with or without `()`: the session time zone is UTC, so
 * DuckDB's values match BigQuery's.
 *
 * @internal
 */
export const CURRENT_FUNCTIONS: Readonly<Record<string, string>> = {
  CURRENT_TIMESTAMP: 'current_timestamp',
  CURRENT_DATE: 'current_date',
  CURRENT_DATETIME: 'CAST(current_timestamp AS TIMESTAMP)',
  CURRENT_TIME: 'CAST(current_time AS TIME)',
};

function current(word: string, zoned?: string): FunctionEntry {
  return {
    rewrite: (c) => {
      c.arity(0, zoned ? 1 : 0);
      return c.count === 0 ? CURRENT_FUNCTIONS[word]! : `${zoned}(current_timestamp, ${c.arg(0)})`;
    },
  };
}

function unary(fn: string): FunctionEntry {
  return {
    rewrite: (c) => {
      c.arity(1);
      return `${fn}(${c.arg(0)})`;
    },
  };
}

/**
 * The date and time functions.
 *
 * @internal
 */
export const DATETIME_FUNCTIONS: FunctionTable = {
  CURRENT_TIMESTAMP: current('CURRENT_TIMESTAMP'),
  CURRENT_DATE: current('CURRENT_DATE', 'bq_date'),
  CURRENT_DATETIME: current('CURRENT_DATETIME', 'bq_datetime'),
  CURRENT_TIME: current('CURRENT_TIME', 'bq_time'),
  DATE_ADD: addSub('DATE', '+'),
  DATE_SUB: addSub('DATE', '-'),
  DATETIME_ADD: addSub('DATETIME', '+'),
  DATETIME_SUB: addSub('DATETIME', '-'),
  TIMESTAMP_ADD: addSub('TIMESTAMP', '+'),
  TIMESTAMP_SUB: addSub('TIMESTAMP', '-'),
  TIME_ADD: addSub('TIME', '+'),
  TIME_SUB: addSub('TIME', '-'),
  DATE_DIFF: diff('DATE'),
  DATETIME_DIFF: diff('DATETIME'),
  TIMESTAMP_DIFF: diff('TIMESTAMP'),
  TIME_DIFF: diff('TIME'),
  DATE_TRUNC: trunc('DATE'),
  DATETIME_TRUNC: trunc('DATETIME'),
  TIMESTAMP_TRUNC: trunc('TIMESTAMP'),
  TIME_TRUNC: trunc('TIME'),
  EXTRACT: { rewrite: extract },
  LAST_DAY: {
    rewrite: (c) => {
      c.arity(1, 2);
      return `bq_last_day(${coerced(c, 0, 'DATE')}, ${c.count === 2 ? datePart(c, 1) : "'MONTH'"})`;
    },
  },
  DATE: {
    rewrite: (c) => {
      c.arity(1, 3);
      return c.count === 3 ? `make_date(${c.all()})` : constructorOf(c, 'bq_date', 'DATE');
    },
  },
  DATETIME: {
    rewrite: (c) => {
      if (c.count === 6) return `make_timestamp(${c.all()})`;
      c.arity(1, 2);
      return constructorOf(c, 'bq_datetime', DUCK.DATETIME);
    },
  },
  TIME: {
    rewrite: (c) => {
      if (c.count === 3) return `make_time(${c.all()})`;
      c.arity(1, 2);
      return constructorOf(c, 'bq_time', 'TIME');
    },
  },
  TIMESTAMP: {
    rewrite: (c) => {
      c.arity(1, 2);
      return `bq_timestamp(${c.all()})`;
    },
  },
  FORMAT_DATE: formatTime('DATE'),
  FORMAT_DATETIME: formatTime('DATETIME'),
  FORMAT_TIME: formatTime('TIME'),
  FORMAT_TIMESTAMP: formatTime('TIMESTAMP'),
  PARSE_DATE: parseTime('bq_parse_date'),
  PARSE_DATETIME: parseTime('bq_parse_datetime'),
  PARSE_TIME: parseTime('bq_parse_time'),
  PARSE_TIMESTAMP: parseTime('bq_parse_timestamp', 3),
  UNIX_SECONDS: unary('bq_unix_seconds'),
  UNIX_MILLIS: unary('bq_unix_millis'),
  UNIX_MICROS: unary('bq_unix_micros'),
  UNIX_DATE: unary('bq_unix_date'),
  DATE_FROM_UNIX_DATE: unary('bq_date_from_unix_date'),
  TIMESTAMP_SECONDS: unary('bq_timestamp_seconds'),
  TIMESTAMP_MILLIS: unary('bq_timestamp_millis'),
  TIMESTAMP_MICROS: unary('bq_timestamp_micros'),
  TIMESTAMP_FROM_UNIX_SECONDS: unary('bq_timestamp_seconds'),
  TIMESTAMP_FROM_UNIX_MILLIS: unary('bq_timestamp_millis'),
  TIMESTAMP_FROM_UNIX_MICROS: unary('bq_timestamp_micros'),
  GENERATE_DATE_ARRAY: {
    rewrite: (c) => {
      c.arity(2, 3);
      const step = c.count === 3 ? c.arg(2) : 'INTERVAL 1 DAY';
      return `CAST(generate_series(${coerced(c, 0, 'DATE')}, ${coerced(c, 1, 'DATE')}, ${step}) AS DATE[])`;
    },
  },
  GENERATE_TIMESTAMP_ARRAY: {
    rewrite: (c) => {
      c.arity(3);
      return `generate_series(${coerced(c, 0, DUCK.TIMESTAMP)}, ${coerced(c, 1, DUCK.TIMESTAMP)}, ${c.arg(2)})`;
    },
  },
};
