/**
 * `… UNION ALL … ORDER BY expr`: GoogleSQL orders a set operation's result by any expression of its
 * columns; DuckDB only by column names unless the set operation is a subquery. The translator wraps
 * the set operation (`SELECT * FROM (…) ORDER BY …`), which changes nothing else.
 * @module
 */
import { type TokenCursor, upper } from './cursor.js';

const SET_OPERATORS = new Set(['UNION', 'INTERSECT', 'EXCEPT']);

/** The token after a `WITH` clause's definitions (the main query), or `start` without WITH. */
function mainQueryStart(c: TokenCursor, start: number): number {
  if (upper(c.t[start]) !== 'WITH') return start;
  let k = c.next(start);
  if (upper(c.t[k]) === 'RECURSIVE') k = c.next(k);
  for (;;) {
    // name AS ( … )
    const as = c.next(k);
    const open = c.next(as);
    if (upper(c.t[as]) !== 'AS' || !c.isOp(open, '(')) return start;
    k = c.next(c.matching(open));
    if (!c.isOp(k, ',')) return k;
    k = c.next(k);
  }
}

/**
 * Refuses a set operator without `ALL` or `DISTINCT`, as GoogleSQL does (`SELECT 1 UNION SELECT 2` is
 * a syntax error in BigQuery; DuckDB would read it as `UNION DISTINCT` and answer). `k` is the
 * operator's token; `* EXCEPT (…)` is a column list, not a set operator, and is left alone.
 *
 * @internal
 */
export function requireSetQuantifier(c: TokenCursor, k: number): void {
  if (!SET_OPERATORS.has(upper(c.t[k])) || c.t[k]?.kind !== 'ident' || c.isOp(c.prev(k), '*')) return;
  const after = c.t[c.next(k)];
  const quantifier = upper(after);
  if (quantifier === 'ALL' || quantifier === 'DISTINCT') return;
  const got = after ? (after.kind === 'ident' ? `keyword ${after.text}` : `"${after.text}"`) : 'end of input';
  c.fail(`Syntax error: Expected keyword ALL or keyword DISTINCT but got ${got}`, c.next(k));
}

/**
 * Where to wrap a query whose top level is a set operation followed by ORDER BY: the start of the set
 * operation and the ORDER token; `undefined` for any other statement.
 *
 * @internal
 */
export function orderedSetOperation(c: TokenCursor): { bodyStart: number; orderAt: number } | undefined {
  const bodyStart = mainQueryStart(c, c.first());
  let sawSetOperator = false;
  for (let k = bodyStart; k < c.t.length; k = c.next(k)) {
    if (c.isOp(k, '(')) {
      k = c.matching(k);
      continue;
    }
    const w = upper(c.t[k]);
    if (SET_OPERATORS.has(w) && !c.isOp(c.prev(k), '*')) sawSetOperator = true;
    else if (w === 'ORDER' && c.upperNext(k) === 'BY')
      return sawSetOperator ? { bodyStart, orderAt: k } : undefined;
  }
  return undefined;
}
