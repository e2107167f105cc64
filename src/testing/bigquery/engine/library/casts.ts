/**
 * CAST from STRING as GoogleSQL parses: INT64 in decimal or `0x` hex with an optional sign, FLOAT64
 * in decimal or exponent form or `inf` / `nan`, BOOL from `true` / `false` only, surrounding
 * whitespace allowed. DuckDB's casts accept more (`'1.5'` → 2, `'1e3'`, `'1_000'`, `'1'` → TRUE),
 * which BigQuery refuses. The macros in macros.ts pick these for STRING arguments.
 * @module
 */
import { type ScalarSpec, SqlFunctionError } from './udf.js';

const INT = /^\s*([+-]?)(?:0[xX]([0-9a-fA-F]+)|(\d+))\s*$/;
const FLOAT = /^\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\s*$/;
const SPECIAL = /^\s*([+-]?)(inf|infinity|nan)\s*$/i;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/**
 * A STRING as INT64, or GoogleSQL's error.
 *
 * @internal
 */
export function parseInt64(text: string): bigint {
  const m = INT.exec(text);
  if (!m) throw new SqlFunctionError(`Bad int64 value: ${text}`);
  const magnitude = m[2] !== undefined ? BigInt(`0x${m[2]}`) : BigInt(m[3]!);
  const value = m[1] === '-' ? -magnitude : magnitude;
  if (value < INT64_MIN || value > INT64_MAX) throw new SqlFunctionError(`Bad int64 value: ${text}`);
  return value;
}

/**
 * A STRING as FLOAT64, or GoogleSQL's error.
 *
 * @internal
 */
export function parseFloat64(text: string): number {
  const special = SPECIAL.exec(text);
  if (special) {
    if (special[2]!.toLowerCase() === 'nan') return Number.NaN;
    return special[1] === '-' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  }
  if (!FLOAT.test(text)) throw new SqlFunctionError(`Bad double value: ${text}`);
  const x = Number(text);
  if (!Number.isFinite(x)) throw new SqlFunctionError(`Bad double value: ${text}`);
  return x;
}

/**
 * The strict STRING casts.
 *
 * @internal
 */
export const castFunctions: ScalarSpec[] = [
  {
    name: 'bq_string_to_int64',
    params: [(d) => d.VARCHAR],
    returns: (d) => d.BIGINT,
    fn: ([s]) => parseInt64(s!.value as string),
  },
  {
    name: 'bq_string_to_float64',
    params: [(d) => d.VARCHAR],
    returns: (d) => d.DOUBLE,
    fn: ([s]) => parseFloat64(s!.value as string),
  },
  {
    name: 'bq_string_to_bool',
    params: [(d) => d.VARCHAR],
    returns: (d) => d.BOOLEAN,
    fn: ([s]) => {
      const t = (s!.value as string).toLowerCase();
      if (t === 'true') return true;
      if (t === 'false') return false;
      throw new SqlFunctionError(`Bad bool value: ${s!.value as string}`);
    },
  },
];
