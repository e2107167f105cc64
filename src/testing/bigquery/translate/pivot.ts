/**
 * `PIVOT` and `UNPIVOT`, which DuckDB has with other output names and order: DuckDB names a pivot
 * column `value_alias` where GoogleSQL names it `alias_value` (and `_1`, `minus_1`, `_2013_11_25` for
 * numbers and dates), and puts UNPIVOT's name column before its value column where GoogleSQL puts it
 * after. The translator gives every pivot value its GoogleSQL name, and wraps an UNPIVOT in a
 * projection that orders its columns as GoogleSQL does.
 * @module
 */
import { isWord, type TokenCursor, upper } from './cursor.js';
import { quoteIdent } from './duck-text.js';
import type { StatementTranslator } from './statement.js';

/** The GoogleSQL default name of a pivot value written in [s, e), or `undefined` if it has none. */
function defaultName(c: TokenCursor, s: number, e: number): string | undefined {
  const toks: number[] = [];
  for (let k = c.next(s - 1); k < e; k = c.next(k)) toks.push(k);
  const t = toks.map((k) => c.t[k]!);
  if (t.length === 1 && t[0]!.kind === 'string') return t[0]!.value;
  const number = (tok: (typeof t)[number]) => tok.text.replace('.', '_point_');
  if (t.length === 1 && t[0]!.kind === 'number' && /^[\d.]+$/.test(t[0]!.text)) return `_${number(t[0]!)}`;
  if (t.length === 2 && c.isOp(toks[0]!, '-') && t[1]!.kind === 'number') return `minus_${number(t[1]!)}`;
  if (t.length === 1 && ['TRUE', 'FALSE', 'NULL'].includes(upper(t[0]))) return upper(t[0]);
  if (t.length === 2 && upper(t[0]) === 'DATE' && t[1]!.kind === 'string')
    return `_${t[1]!.value.replace(/-/g, '_')}`;
  return undefined;
}

/** An item `expr [AS] alias` in [s, e): the expression's end and the alias, if any. */
function aliased(c: TokenCursor, s: number, e: number): { exprEnd: number; alias?: string } {
  const last = c.prev(e);
  const before = c.prev(last);
  if (last > c.next(s - 1) && isWord(c.t[last]) && c.t[last]!.kind !== 'string') {
    if (upper(c.t[before]) === 'AS') return { exprEnd: before, alias: c.t[last]!.value };
    if (c.t[before]?.kind !== 'op' && !['DATE', 'TIMESTAMP'].includes(upper(c.t[before]))) {
      return { exprEnd: last, alias: c.t[last]!.value };
    }
  }
  return { exprEnd: e };
}

/**
 * `PIVOT(agg [AS a] FOR col IN (v [AS n], …))` at `i` with GoogleSQL's column names; one aggregate
 * only (DuckDB cannot name several the GoogleSQL way).
 *
 * @internal
 */
export function pivotClause(tr: StatementTranslator, i: number): { text: string; next: number } {
  const open = tr.next(i);
  const close = tr.matching(open);
  const forAt = tr.skipUntil(tr.next(open), close, ['FOR']);
  if (forAt >= close) tr.fail('Syntax error: Expected keyword FOR in PIVOT', i);
  const aggregates = tr.splitArgs(open + 1, forAt);
  if (aggregates.length !== 1) tr.unsupported('PIVOT with several aggregates', i);
  const [as, ae] = aggregates[0]!;
  const agg = aliased(tr, as, ae);
  const inAt = tr.skipUntil(tr.next(forAt), close, ['IN']);
  const listOpen = tr.next(inAt);
  if (!tr.isOp(listOpen, '(')) tr.fail('Syntax error: Expected "(" after IN', inAt);
  const listClose = tr.matching(listOpen);
  const values = tr.splitArgs(listOpen + 1, listClose).map(([s, e]) => {
    const v = aliased(tr, s, e);
    const name = v.alias ?? defaultName(tr, s, v.exprEnd);
    if (name === undefined) tr.unsupported('PIVOT value without an alias that is not a literal', s);
    const column = agg.alias ? `${agg.alias}_${name}` : name;
    return `${tr.emit(s, v.exprEnd).trim()} AS ${quoteIdent(column)}`;
  });
  const text = `PIVOT(${tr.emit(as, agg.exprEnd).trim()} FOR ${tr.emit(tr.next(forAt), inAt).trim()} IN (${values.join(', ')}))`;
  return { text, next: close + 1 };
}

/** Where an UNPIVOT's input starts, and what to write around it. */
export interface UnpivotWrap {
  /** Token index of the UNPIVOT's closing parenthesis. */
  close: number;
  /** Text before the input (`(SELECT * EXCLUDE (n, v), v, n FROM `). */
  prefix: string;
}

const FROM_ITEM_STARTERS = new Set(['FROM', 'JOIN']);

/**
 * The UNPIVOTs of a statement, keyed by the token where their input (the from_item before them)
 * starts: the translator opens a projection there and closes it after the UNPIVOT.
 *
 * @internal
 */
export function unpivotWraps(c: TokenCursor): Map<number, UnpivotWrap> {
  const wraps = new Map<number, UnpivotWrap>();
  const openOf = new Map<number, number>();
  const stack: number[] = [];
  c.t.forEach((tok, k) => {
    if (tok.kind === 'op' && tok.text === '(') stack.push(k);
    else if (tok.kind === 'op' && tok.text === ')') openOf.set(k, stack.pop() ?? 0);
  });
  for (let i = 0; i < c.t.length; i++) {
    if (upper(c.t[i]) !== 'UNPIVOT') continue;
    let open = c.next(i);
    while (['INCLUDE', 'EXCLUDE', 'NULLS'].includes(upper(c.t[open]))) open = c.next(open);
    if (!c.isOp(open, '(')) continue;
    const close = c.matching(open);
    const valueAt = c.next(open);
    if (c.isOp(valueAt, '(')) c.unsupported('UNPIVOT of several value columns', i);
    const forAt = c.next(valueAt);
    if (upper(c.t[forAt]) !== 'FOR') c.fail('Syntax error: Expected keyword FOR in UNPIVOT', forAt);
    const value = quoteIdent(c.t[valueAt]!.value);
    const name = quoteIdent(c.t[c.next(forAt)]!.value);
    // The from_item before UNPIVOT: back to FROM, JOIN or a comma at the same depth.
    let k = c.prev(i);
    let start = i;
    while (k >= 0) {
      const tok = c.t[k]!;
      if (tok.kind === 'op' && tok.text === ')') k = openOf.get(k) ?? k;
      else if (
        (tok.kind === 'op' && (tok.text === ',' || tok.text === '(')) ||
        FROM_ITEM_STARTERS.has(upper(tok))
      )
        break;
      start = k;
      k = c.prev(k);
    }
    wraps.set(start, { close, prefix: `(SELECT * EXCLUDE (${name}, ${value}), ${value}, ${name} FROM ` });
  }
  return wraps;
}

/** `EXCLUDE NULLS` is UNPIVOT's default, which DuckDB does not spell: the tokens to drop. */
export function isExcludeNulls(c: TokenCursor, i: number): boolean {
  return upper(c.t[i]) === 'EXCLUDE' && c.upperNext(i) === 'NULLS' && upper(c.t[c.prev(i)]) === 'UNPIVOT';
}
