/**
 * SELECT lists: BigQuery names a column that has no alias and is not a column path `f0_`, `f1_`, …
 * (counting only such columns), where DuckDB would name it after its expression text. Each
 * anonymous item gets that alias explicitly. `SELECT AS STRUCT` becomes one `struct_pack`.
 * @module
 */
import { isWord, upper } from './cursor.js';
import { quoteIdent } from './duck-text.js';
import { CURRENT_FUNCTIONS } from './functions/index.js';
import { DATE_PARTS, RESERVED_KEYWORDS } from './keywords.js';
import type { StatementTranslator } from './statement.js';

/** Clause keywords that end a FROM clause. */
const FROM_ENDERS = new Set([
  'WHERE',
  'GROUP',
  'HAVING',
  'QUALIFY',
  'WINDOW',
  'ORDER',
  'LIMIT',
  'UNION',
  'INTERSECT',
  'EXCEPT',
]);

/** Clause keywords that end a select list. */
const LIST_ENDERS = new Set(['FROM', ...FROM_ENDERS]);

/** Index of the token that ends the select list starting at `from` (a clause keyword, `)` or the end). */
function listEnd(tr: StatementTranslator, from: number, end: number): number {
  let depth = 0;
  for (let k = from; k < end; k = tr.next(k)) {
    const tok = tr.t[k]!;
    if (tok.kind === 'op' && (tok.text === '(' || tok.text === '[')) depth++;
    else if (tok.kind === 'op' && (tok.text === ')' || tok.text === ']')) {
      if (depth === 0) return k;
      depth--;
    } else if (depth === 0 && tok.kind === 'ident' && LIST_ENDERS.has(tok.text.toUpperCase())) {
      // `* EXCEPT (…)` is part of the list.
      if (tok.text.toUpperCase() === 'EXCEPT' && tr.isOp(tr.prev(k), '*')) continue;
      // `a IS [NOT] DISTINCT FROM b` is an operator.
      if (upper(tok) === 'FROM' && upper(tr.t[tr.prev(k)]) === 'DISTINCT' && tr.prev(k) !== from - 1) {
        if (upper(tr.t[tr.prev(tr.prev(k))]) !== 'SELECT') continue;
      }
      return k;
    }
  }
  return end;
}

/** The explicit or implicit alias of the item in [s, e), if any. */
export function itemAlias(tr: StatementTranslator, s: number, e: number): string | undefined {
  const last = tr.prev(e);
  const first = tr.next(s - 1);
  const lastTok = tr.t[last];
  if (last <= first || !isWord(lastTok)) return undefined;
  if (lastTok!.kind === 'ident' && RESERVED_KEYWORDS.has(lastTok!.text.toUpperCase())) return undefined;
  const before = tr.t[tr.prev(last)]!;
  if (upper(before) === 'AS') return lastTok!.value;
  if (before.kind === 'op' && before.text !== ')' && before.text !== ']') return undefined;
  if (before.kind === 'ident' && RESERVED_KEYWORDS.has(before.text.toUpperCase())) return undefined;
  // `INTERVAL 1 DAY`: a date part after INTERVAL's value is not an alias.
  if (DATE_PARTS.has(upper(lastTok)) && hasTopLevel(tr, first, last, 'INTERVAL')) return undefined;
  return lastTok!.value;
}

function hasTopLevel(tr: StatementTranslator, s: number, e: number, word: string): boolean {
  let depth = 0;
  for (let k = s; k < e; k = tr.next(k)) {
    if (tr.isOp(k, '(') || tr.isOp(k, '[')) depth++;
    else if (tr.isOp(k, ')') || tr.isOp(k, ']')) depth--;
    else if (depth === 0 && upper(tr.t[k]) === word) return true;
  }
  return false;
}

/** The column name of a path item (`a`, `t.a`, `` `t`.b ``), or `undefined` when the item is not a path. */
export function pathName(tr: StatementTranslator, s: number, e: number): string | undefined {
  let k = tr.next(s - 1);
  // `CURRENT_DATE` without parentheses is a function call, not a column.
  if (upper(tr.t[k]) in CURRENT_FUNCTIONS && tr.next(k) >= e) return undefined;
  let name: string | undefined;
  for (;;) {
    const tok = tr.t[k];
    if (!isWord(tok) || (tok!.kind === 'ident' && RESERVED_KEYWORDS.has(tok!.text.toUpperCase())))
      return undefined;
    name = tok!.value.split('.').pop();
    const n = tr.next(k);
    if (n >= e) return name;
    if (!tr.isOp(n, '.')) return undefined;
    k = tr.next(n);
  }
}

function isStar(tr: StatementTranslator, s: number, e: number): boolean {
  for (let k = tr.next(s - 1); k < e; k = tr.next(k)) {
    if (tr.isOp(k, '*')) return true;
    if (!isWord(tr.t[k]) && !tr.isOp(k, '.')) return false;
  }
  return false;
}

/** The `USING (…)` column lists of the joins of the FROM clause at `from`, in join order. */
function usingLists(tr: StatementTranslator, from: number, end: number): string[][] {
  const lists: string[][] = [];
  let depth = 0;
  for (let k = tr.next(from); k < end; k = tr.next(k)) {
    const tok = tr.t[k]!;
    if (tr.isOp(k, '(') || tr.isOp(k, '[')) depth++;
    else if (tr.isOp(k, ')') || tr.isOp(k, ']')) {
      if (depth === 0) break;
      depth--;
    } else if (depth === 0 && tok.kind === 'ident' && FROM_ENDERS.has(upper(tok))) break;
    else if (depth === 0 && upper(tok) === 'USING' && tr.isOp(tr.next(k), '(')) {
      const open = tr.next(k);
      lists.push(tr.splitArgs(open + 1, tr.matching(open)).map(([s]) => tr.t[tr.next(s - 1)]!.value));
    }
  }
  return lists;
}

/**
 * `*` over joins with `USING`: GoogleSQL puts the USING columns first (the last join's first), DuckDB
 * leaves them where the left input has them. `undefined` when the item is not a bare `*` [EXCEPT (…)].
 */
function usingStar(tr: StatementTranslator, s: number, e: number, lists: string[][]): string | undefined {
  const star = tr.next(s - 1);
  if (!tr.isOp(star, '*') || lists.length === 0) return undefined;
  const after = tr.next(star);
  let except: string[] = [];
  if (after < e) {
    if (upper(tr.t[after]) !== 'EXCEPT' || !tr.isOp(tr.next(after), '(')) {
      tr.unsupported(`SELECT * ${upper(tr.t[after])} with JOIN ... USING`, star);
    }
    const open = tr.next(after);
    except = tr.splitArgs(open + 1, tr.matching(open)).map(([a]) => tr.t[tr.next(a - 1)]!.value);
  }
  const seen = new Set(except.map((c) => c.toLowerCase()));
  const first: string[] = [];
  for (const list of [...lists].reverse()) {
    for (const col of list) {
      if (seen.has(col.toLowerCase())) continue;
      seen.add(col.toLowerCase());
      first.push(col);
    }
  }
  const excluded = [...first, ...except].map(quoteIdent).join(', ');
  return `${[...first.map(quoteIdent), `* EXCLUDE (${excluded})`].join(', ')} `;
}

/**
 * Translates `SELECT [DISTINCT|ALL] [AS STRUCT] items` from the SELECT at `at`, naming anonymous
 * items; returns the DuckDB text and the index of the token after the list.
 *
 * @internal
 */
export function selectList(tr: StatementTranslator, at: number, end: number): { text: string; next: number } {
  let k = tr.next(at);
  let head = tr.t[at]!.text;
  while (upper(tr.t[k]) === 'DISTINCT' || upper(tr.t[k]) === 'ALL') {
    head += ` ${tr.t[k]!.text}`;
    k = tr.next(k);
  }
  let asStruct = false;
  if (upper(tr.t[k]) === 'AS') {
    const kind = tr.upperNext(k);
    if (kind !== 'STRUCT') tr.unsupported(`SELECT AS ${kind}`, at);
    asStruct = true;
    k = tr.next(tr.next(k));
  }
  const stop = listEnd(tr, k, end);
  // GoogleSQL allows a trailing comma after the last item.
  const all = tr.splitArgs(k, stop);
  const items = all.filter(([s, e]) => tr.next(s - 1) < e);
  const trailing = items.length < all.length ? ' ' : '';
  let anonymous = 0;
  const lists = upper(tr.t[stop]) === 'FROM' ? usingLists(tr, stop, end) : [];
  const parts = items.map(([s, e], n) => {
    const reordered = asStruct ? undefined : usingStar(tr, s, e, lists);
    if (reordered !== undefined) return ` ${reordered}`;
    const alias = itemAlias(tr, s, e);
    if (asStruct) {
      const name = alias ?? pathName(tr, s, e) ?? `_field_${n + 1}`;
      const exprEnd =
        alias !== undefined
          ? upper(tr.t[tr.prev(tr.prev(e))]) === 'AS'
            ? tr.prev(tr.prev(e))
            : tr.prev(e)
          : e;
      return `${quoteIdent(name)} := ${tr.emit(s, exprEnd).trim()}`;
    }
    const text = tr.emit(s, e);
    if (alias !== undefined || pathName(tr, s, e) !== undefined || isStar(tr, s, e)) return text;
    const trimmed = text.trimEnd();
    return `${trimmed} AS ${quoteIdent(`f${anonymous++}_`)}${text.slice(trimmed.length)}`;
  });
  const body = asStruct ? `struct_pack(${parts.join(', ')}) ` : parts.join(',');
  return { text: `${head} ${body}${trailing}`, next: stop };
}
