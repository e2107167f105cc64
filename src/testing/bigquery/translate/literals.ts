/**
 * Number literals. GoogleSQL types `1.5` and `1e3` as FLOAT64 (DuckDB: DECIMAL), every integer
 * literal as INT64 (DuckDB: the narrowest integer, so `2147483647 + 1` overflows; `date - 7` keeps
 * DuckDB's typing, which adds days), and reads `0x1F`
 * as hexadecimal (DuckDB: `0 AS x1F`).
 * @module
 */
import type { TokenCursor } from './cursor.js';

/** Operators whose integer operands must be 64-bit, as GoogleSQL's are. */
const ARITHMETIC = new Set(['+', '-', '*', '/', '%', '&', '|', '^', '<<', '>>', '~']);

/**
 * The DuckDB text of the number token at `i`.
 *
 * @internal
 */
export function numberLiteral(c: TokenCursor, i: number): string {
  const text = c.t[i]!.text;
  if (/^0[xX]/.test(text)) {
    const value = BigInt(text);
    if (value > 0x7fffffffffffffffn) c.fail(`Invalid hex integer literal: ${text}`, i);
    return `CAST(${value} AS BIGINT)`;
  }
  if (/[.eE]/.test(text)) return `CAST('${text}' AS DOUBLE)`;
  const prev = c.t[c.prev(i)];
  const next = c.t[c.next(i)];
  const inArithmetic =
    (prev?.kind === 'op' && ARITHMETIC.has(prev.text)) || (next?.kind === 'op' && ARITHMETIC.has(next.text));
  if (BigInt(text) > 0x7fffffffffffffffn) c.fail(`Invalid integer literal: ${text}`, i);
  // `date - 7`, `date + 7`: DuckDB adds days to a DATE only from a 32-bit integer, so a literal that
  // follows `+` / `-` after a non-literal operand (which is 64-bit or a date) keeps DuckDB's typing.
  const before = c.t[c.prev(c.prev(i))];
  const afterDateLike =
    prev?.kind === 'op' &&
    (prev.text === '+' || prev.text === '-') &&
    before !== undefined &&
    before.kind !== 'number' &&
    !(before.kind === 'op' && before.text !== ')') &&
    !(next?.kind === 'op' && ['*', '/', '%', '<<', '>>'].includes(next.text));
  return inArithmetic && !afterDateLike ? `CAST(${text} AS BIGINT)` : text;
}
