/**
 * `OPTIONS(name = value, …)` lists of DDL statements (tables, columns, STRUCT fields, views).
 * @module
 */
import { type TokenCursor, upper } from './cursor.js';

/**
 * Reads the options between the parentheses at [start, end): literals decoded, anything else kept as
 * source text (`labels = [('k', 'v')]`).
 *
 * @internal
 */
export function optionList(c: TokenCursor, start: number, end: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [s, e] of c.splitArgs(start, end)) {
    const nameIdx = c.next(s - 1);
    if (nameIdx >= e) continue;
    const eq = c.next(nameIdx);
    if (!c.isOp(eq, '=')) c.fail('Syntax error: Expected "=" in OPTIONS', eq);
    const valueIdx = c.next(eq);
    const tok = c.t[valueIdx]!;
    const single = c.next(valueIdx) >= e;
    let value: unknown;
    if (single && tok.kind === 'string') value = tok.value;
    else if (single && tok.kind === 'number') value = Number(tok.text);
    else if (single && (upper(tok) === 'TRUE' || upper(tok) === 'FALSE')) value = upper(tok) === 'TRUE';
    else if (single && upper(tok) === 'NULL') value = null;
    else value = c.sourceText(valueIdx, e);
    out[c.t[nameIdx]!.value.toLowerCase()] = value;
  }
  return out;
}

/**
 * Reads `OPTIONS(…)` when it starts at token `i`; `undefined` otherwise.
 *
 * @internal
 */
export function optionsAt(
  c: TokenCursor,
  i: number,
): { options: Record<string, unknown>; next: number } | undefined {
  if (upper(c.t[i]) !== 'OPTIONS' || !c.isOp(c.next(i), '(')) return undefined;
  const open = c.next(i);
  const close = c.matching(open);
  return { options: optionList(c, open + 1, close), next: close + 1 };
}
