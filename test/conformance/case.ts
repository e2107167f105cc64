/**
 * The vocabulary of the GoogleSQL conformance suite: a case is a query from the GoogleSQL reference
 * and the result BigQuery documents for it, written as the values the real `@google-cloud/bigquery`
 * client returns. Values the client wraps (DATE, NUMERIC, BYTES, …) are written as tagged objects so
 * that the case files stay plain data.
 */

/** A value as BigQuery returns it through the client, in the suite's notation. */
export type Expected =
  | null
  | string
  | number
  | bigint
  | boolean
  | Expected[]
  | { [field: string]: Expected }
  | Tagged;

/**
 * Values the client does not return as plain JSON. A plain integer number means INT64 (a bigint an
 * INT64 beyond 2^53, which the client rounds to the nearest Number), any other plain number FLOAT64; `$float` marks a FLOAT64 whose value is an integer (or NaN / ±Infinity).
 */
export type Tagged =
  | { $float: number | string }
  | { $numeric: string }
  | { $bignumeric: string }
  | { $date: string }
  | { $datetime: string }
  | { $time: string }
  | { $timestamp: string }
  | { $bytes: string }
  | { $json: string }
  | { $interval: string };

/** One documented example. */
export interface ConformanceCase {
  /** Unique id: the reference page, the function and a counter (`string_functions/concat/2`). */
  id: string;
  /** Where the example is documented (page and anchor of the GoogleSQL reference). */
  source: string;
  sql: string;
  /** The documented rows, column name → value. Absent when the documented result is an error. */
  rows?: Array<Record<string, Expected>>;
  /** The reference documents an error for this query. */
  error?: true;
  /** Left out of the run, with the reason (current time, randomness, a feature BigQuery lacks). */
  excluded?: string;
  /** Compare arrays inside the rows as multisets (the documented order is not guaranteed). */
  unorderedArrays?: true;
  /** Compare STRING values as multisets of the parts between this separator (STRING_AGG without ORDER BY). */
  unorderedStrings?: string;
}

/** FLOAT64 with an integer (or special) value. */
export const F = (v: number | 'NaN' | 'Infinity' | '-Infinity'): Tagged => ({ $float: v });
/**
 * FLOAT64 as the reference prints it, rounded: matches when the result rounds to the same
 * significant digits (`FP('0.016130')` accepts 0.01613008990009257).
 */
export const FP = (printed: string): Tagged => ({ $float: printed });
/** NUMERIC, written as its decimal text. */
export const N = (v: string): Tagged => ({ $numeric: v });
/** BIGNUMERIC, written as its decimal text. */
export const BN = (v: string): Tagged => ({ $bignumeric: v });
/** DATE `YYYY-MM-DD`. */
export const D = (v: string): Tagged => ({ $date: v });
/** DATETIME `YYYY-MM-DD HH:MM:SS[.ffffff]` (a `T` separator is accepted too). */
export const DT = (v: string): Tagged => ({ $datetime: v });
/** TIME `HH:MM:SS[.ffffff]`. */
export const T = (v: string): Tagged => ({ $time: v });
/** TIMESTAMP: an instant with an explicit offset or zone suffix (`2008-12-25 15:30:00+00`). */
export const TS = (v: string): Tagged => ({ $timestamp: v });
/** BYTES, written as its text (latin1) when printable; use {@link B64} for arbitrary bytes. */
export const BY = (text: string): Tagged => ({ $bytes: Buffer.from(text, 'latin1').toString('base64') });
/** BYTES written as base64. */
export const B64 = (base64: string): Tagged => ({ $bytes: base64 });
/** JSON, written as BigQuery serialises it. */
export const J = (v: string): Tagged => ({ $json: v });
/** INTERVAL in BigQuery's canonical form `Y-M D H:M:S[.F]`. */
export const I = (v: string): Tagged => ({ $interval: v });

/**
 * A case builder for one reference page: `c('concat', sql, rows)` numbers the examples of each
 * function in order.
 */
export function page(name: string): {
  c: (
    fn: string,
    sql: string,
    rows: Array<Record<string, Expected>>,
    extra?: Partial<ConformanceCase>,
  ) => ConformanceCase;
  err: (fn: string, sql: string) => ConformanceCase;
  skip: (fn: string, sql: string, reason: string) => ConformanceCase;
} {
  const counters = new Map<string, number>();
  const id = (fn: string) => {
    const n = (counters.get(fn) ?? 0) + 1;
    counters.set(fn, n);
    return `${name}/${fn}/${n}`;
  };
  const source = (fn: string) => `${name}#${fn}`;
  return {
    c: (fn, sql, rows, extra) => ({ id: id(fn), source: source(fn), sql, rows, ...extra }),
    err: (fn, sql) => ({ id: id(fn), source: source(fn), sql, error: true }),
    skip: (fn, sql, reason) => ({ id: id(fn), source: source(fn), sql, excluded: reason }),
  };
}
