/**
 * Finds the operands of binary operators. The translator emits tokens one by one, but some
 * GoogleSQL operators mean something else in DuckDB (`^` is XOR, `/` by zero is an error, `LIKE`
 * escapes with `\`), so it needs to know where each operand starts and ends to rewrite
 * `a / b` as `bq_div(a, b)`. This is a precedence-climbing pass over the significant tokens that
 * records, for every binary operator, the first token of its left operand and the last token of its
 * right operand. Keywords that are not operators (`SELECT`, `AS`, `THEN`, an alias, a comma) end the
 * expression being read.
 * @module
 */
import { isWord, type TokenCursor, upper } from './cursor.js';
import { CALLABLE_KEYWORDS, DATE_PARTS, RESERVED_KEYWORDS } from './keywords.js';

/**
 * One binary operator and its operands' extent (token indexes, inclusive).
 *
 * @internal
 */
export interface OperatorSpan {
  /** The operator, upper case (`/`, `-`, `LIKE`, `NOT LIKE`, `IS`, …). */
  op: string;
  /** First and last token of the operator itself. */
  at: number;
  opLast: number;
  leftStart: number;
  rightLast: number;
}

const LEVEL: Record<string, number> = {
  OR: 0,
  AND: 1,
  '=': 3,
  '!=': 3,
  '<>': 3,
  '<': 3,
  '>': 3,
  '<=': 3,
  '>=': 3,
  LIKE: 3,
  IN: 3,
  BETWEEN: 3,
  IS: 3,
  '|': 4,
  '^': 5,
  '&': 6,
  '<<': 7,
  '>>': 7,
  '+': 8,
  '-': 8,
  '*': 9,
  '/': 9,
  '||': 9,
};

/** Typed literals: a type name followed by a string (`DATE '2024-01-01'`). */
const TYPED_LITERALS = new Set([
  'DATE',
  'DATETIME',
  'TIME',
  'TIMESTAMP',
  'NUMERIC',
  'BIGNUMERIC',
  'JSON',
  'RANGE',
]);

interface Operand {
  s: number;
  e: number;
}

interface PendingOp {
  op: string;
  level: number;
  at: number;
  opLast: number;
  unary?: boolean;
  awaitingAnd?: boolean;
}

/**
 * The binary operators of the tokens in [start, end), with their operands. `tableEnd(i)` returns the
 * last token of a table name starting at `i` (table names may contain `-`), or `undefined`.
 *
 * @internal
 */
export function scanOperators(
  c: TokenCursor,
  start: number,
  end: number,
  tableEnd: (i: number) => number | undefined = () => undefined,
): OperatorSpan[] {
  const spans: OperatorSpan[] = [];
  /** Scans [from, to) as one level of expressions separated by boundaries. */
  const frame = (from: number, to: number): void => {
    let operands: Operand[] = [];
    let ops: PendingOp[] = [];
    let expectOperand = true;
    let unaryStart: number | undefined;

    const reduceTop = () => {
      const op = ops.pop()!;
      if (op.unary) {
        const x = operands.pop();
        if (x) operands.push({ s: op.at, e: x.e });
        return;
      }
      const right = operands.pop();
      if (op.op === 'BETWEEN') operands.pop();
      const left = operands.pop();
      if (!left || !right) return;
      spans.push({ op: op.op, at: op.at, opLast: op.opLast, leftStart: left.s, rightLast: right.e });
      operands.push({ s: left.s, e: right.e });
    };
    const reduceTo = (level: number) => {
      while (ops.length > 0 && ops[ops.length - 1]!.level >= level && !ops[ops.length - 1]!.awaitingAnd) {
        reduceTop();
      }
    };
    const boundary = () => {
      while (ops.length > 0) reduceTop();
      operands = [];
      ops = [];
      expectOperand = true;
      unaryStart = undefined;
    };

    let i = c.next(from - 1);
    while (i < to) {
      const tok = c.t[i]!;
      const w = upper(tok);
      if (expectOperand) {
        if (tok.kind === 'op' && (tok.text === '-' || tok.text === '+' || tok.text === '~')) {
          unaryStart ??= i;
          i = c.next(i);
          continue;
        }
        if (w === 'NOT') {
          ops.push({ op: 'NOT', level: 2, at: unaryStart ?? i, opLast: i, unary: true });
          unaryStart = undefined;
          i = c.next(i);
          continue;
        }
        const p = primary(i, to);
        if (!p) {
          boundary();
          if (tok.kind === 'op' && (tok.text === '(' || tok.text === '[')) {
            const close = c.matching(i);
            frame(i + 1, close);
            i = c.next(close);
          } else i = c.next(i);
          continue;
        }
        operands.push({ s: unaryStart ?? p.s, e: p.e });
        unaryStart = undefined;
        expectOperand = false;
        i = p.next;
        continue;
      }
      // Operator position: postfix forms first.
      if (tok.kind === 'op' && tok.text === '[') {
        const close = c.matching(i);
        frame(i + 1, close);
        const target = operands[operands.length - 1]!;
        spans.push({ op: '[]', at: i, opLast: i, leftStart: target.s, rightLast: close });
        target.e = close;
        i = c.next(close);
        continue;
      }
      if (tok.kind === 'op' && tok.text === '.') {
        const after = c.next(i);
        const afterTok = c.t[after];
        if (isWord(afterTok) || (afterTok?.kind === 'op' && afterTok.text === '*')) {
          let last = after;
          if (isWord(afterTok) && c.isOp(c.next(after), '(')) {
            const close = c.matching(c.next(after));
            frame(c.next(after) + 1, close);
            last = close;
          }
          operands[operands.length - 1]!.e = last;
          i = c.next(last);
          continue;
        }
      }
      if (w === 'OVER') {
        const open = c.next(i);
        let last = open;
        if (c.isOp(open, '(')) {
          last = c.matching(open);
          frame(open + 1, last);
        }
        operands[operands.length - 1]!.e = last;
        i = c.next(last);
        continue;
      }
      const op = binaryOperator(i);
      if (!op) {
        boundary();
        continue;
      }
      const level = LEVEL[op.base]!;
      if (op.base === 'AND') {
        reduceTo(LEVEL.BETWEEN! + 1);
        const top = ops[ops.length - 1];
        if (top?.awaitingAnd) {
          top.awaitingAnd = false;
          expectOperand = true;
          i = c.next(i);
          continue;
        }
      }
      reduceTo(level);
      ops.push({
        op: op.name,
        level,
        at: i,
        opLast: op.last,
        ...(op.base === 'BETWEEN' ? { awaitingAnd: true } : {}),
      });
      expectOperand = true;
      i = c.next(op.last);
    }
    while (ops.length > 0) reduceTop();
  };

  /** The operator at `i` in operator position: its name, its base for precedence, its last token. */
  const binaryOperator = (i: number): { name: string; base: string; last: number } | undefined => {
    const tok = c.t[i]!;
    if (tok.kind === 'op')
      return LEVEL[tok.text] !== undefined ? { name: tok.text, base: tok.text, last: i } : undefined;
    const w = upper(tok);
    if (w === 'NOT') {
      const n = c.next(i);
      const nw = upper(c.t[n]);
      if (nw === 'LIKE' || nw === 'IN' || nw === 'BETWEEN') return { name: `NOT ${nw}`, base: nw, last: n };
      return undefined;
    }
    if (w === 'IS') {
      let last = i;
      let name = 'IS';
      if (c.upperNext(last) === 'NOT') {
        last = c.next(last);
        name = 'IS NOT';
      }
      if (c.upperNext(last) === 'DISTINCT' && c.upperNext(c.next(last)) === 'FROM') {
        last = c.next(c.next(last));
        name = `${name} DISTINCT FROM`;
      }
      return { name, base: 'IS', last };
    }
    if (w === 'AND' || w === 'OR' || w === 'LIKE' || w === 'IN' || w === 'BETWEEN')
      return { name: w, base: w, last: i };
    return undefined;
  };

  /** A primary expression at `i` (a literal, name, call, bracketed group, CASE, …), or `undefined`. */
  const primary = (i: number, to: number): { s: number; e: number; next: number } | undefined => {
    const tok = c.t[i]!;
    const single = { s: i, e: i, next: c.next(i) };
    switch (tok.kind) {
      case 'number':
      case 'string':
      case 'bytes':
      case 'param':
      case 'positional':
      case 'sysvar':
        return single;
      case 'op':
        if (tok.text === '(' || tok.text === '[') {
          const close = c.matching(i);
          frame(i + 1, close);
          return { s: i, e: close, next: c.next(close) };
        }
        if (tok.text === '*') return single;
        return undefined;
      default:
        break;
    }
    const table = tableEnd(i);
    if (table !== undefined) return { s: i, e: table, next: c.next(table) };
    const w = upper(tok);
    const nextIdx = c.next(i);
    if (tok.kind === 'ident' && RESERVED_KEYWORDS.has(w)) {
      if (w === 'NULL' || w === 'TRUE' || w === 'FALSE') return single;
      if (w === 'CASE') {
        let depth = 0;
        for (let k = i; k < to; k = c.next(k)) {
          const kw = upper(c.t[k]);
          if (kw === 'CASE') depth++;
          else if (kw === 'END' && --depth === 0) {
            frame(c.next(i), k);
            return { s: i, e: k, next: c.next(k) };
          }
        }
        return undefined;
      }
      if (w === 'INTERVAL') {
        let k = nextIdx;
        while (k < to && !(DATE_PARTS.has(upper(c.t[k])) && k > nextIdx)) {
          if (c.isOp(k, '(') || c.isOp(k, '[')) k = c.matching(k);
          k = c.next(k);
        }
        if (k >= to) return undefined;
        frame(nextIdx, k);
        let last = k;
        if (c.upperNext(k) === 'TO') last = c.next(c.next(k));
        return { s: i, e: last, next: c.next(last) };
      }
      if ((w === 'ARRAY' || w === 'STRUCT') && c.isOp(nextIdx, '<')) {
        const gt = c.matching(nextIdx);
        const open = c.next(gt);
        if (c.isOp(open, '[') || c.isOp(open, '(')) {
          const close = c.matching(open);
          frame(open + 1, close);
          return { s: i, e: close, next: c.next(close) };
        }
        return { s: i, e: gt, next: open };
      }
      if (!CALLABLE_KEYWORDS.has(w) || !c.isOp(nextIdx, '(')) return undefined;
    }
    if (!isWord(tok)) return undefined;
    if (TYPED_LITERALS.has(w) && c.t[nextIdx]?.kind === 'string')
      return { s: i, e: nextIdx, next: c.next(nextIdx) };
    // A name or dotted path, possibly called.
    let last = i;
    while (c.isOp(c.next(last), '.') && isWord(c.t[c.next(c.next(last))])) last = c.next(c.next(last));
    const open = c.next(last);
    if (c.isOp(open, '(')) {
      const close = c.matching(open);
      const asIdx = w === 'CAST' || w === 'SAFE_CAST' ? c.lastTopLevelAs(open + 1, close) : -1;
      frame(open + 1, asIdx >= 0 ? asIdx : close);
      return { s: i, e: close, next: c.next(close) };
    }
    return { s: i, e: last, next: open };
  };

  frame(start, end);
  return spans;
}
