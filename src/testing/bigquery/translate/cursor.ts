/**
 * Navigation over one statement's tokens: skipping whitespace and comments, matching brackets,
 * splitting argument lists, and failing with a position. Everything that reads tokens builds on it.
 * @module
 */
import { type SqlToken, sqlPosition } from '../tokenize-sql.js';
import { SqlTranslationError } from './error.js';

/**
 * The upper-cased text of an identifier or operator token (`''` for anything else).
 *
 * @internal
 */
export function upper(tok: SqlToken | undefined): string {
  return tok && (tok.kind === 'ident' || tok.kind === 'op') ? tok.text.toUpperCase() : '';
}

/**
 * Whether the token can be a name (an identifier or a back-quoted name).
 *
 * @internal
 */
export function isWord(tok: SqlToken | undefined): boolean {
  return tok !== undefined && (tok.kind === 'ident' || tok.kind === 'quoted');
}

/** A half-open range [start, end) of token indexes. */
export type TokenRange = [number, number];

/**
 * The tokens of one statement and its source text, with the moves the translator makes over them.
 *
 * @internal
 */
export class TokenCursor {
  readonly t: SqlToken[];
  readonly sql: string;

  constructor(tokens: SqlToken[], sql: string) {
    this.t = tokens;
    this.sql = sql;
  }

  fail(message: string, index?: number): never {
    const tok = index === undefined ? undefined : this.t[index];
    const at = tok ? ` at [${sqlPosition(this.sql, tok.start)}]` : '';
    throw new SqlTranslationError(`${message}${at}`);
  }

  unsupported(construct: string, index?: number): never {
    this.fail(`Unsupported by the BigQuery stand-in: ${construct}`, index);
  }

  /** Index of the next significant token after `i` (or `t.length`). */
  next(i: number): number {
    let j = i + 1;
    while (j < this.t.length && (this.t[j]!.kind === 'ws' || this.t[j]!.kind === 'comment')) j++;
    return j;
  }

  first(): number {
    return this.next(-1);
  }

  prev(i: number): number {
    let j = i - 1;
    while (j >= 0 && (this.t[j]!.kind === 'ws' || this.t[j]!.kind === 'comment')) j--;
    return j;
  }

  isOp(i: number, text: string): boolean {
    const tok = this.t[i];
    return tok?.kind === 'op' && tok.text === text;
  }

  /** The upper-cased word of the significant token after `i`. */
  upperNext(i: number): string {
    return upper(this.t[this.next(i)]);
  }

  /** The index of the bracket closing the one at `open`. */
  matching(open: number): number {
    const o = this.t[open]!.text;
    const c = o === '(' ? ')' : o === '[' ? ']' : '>';
    let depth = 0;
    for (let i = open; i < this.t.length; i++) {
      const tok = this.t[i]!;
      if (tok.kind !== 'op') continue;
      if (tok.text === o) depth++;
      else if (tok.text === c && --depth === 0) return i;
    }
    this.fail(`Syntax error: Unclosed "${o}"`, open);
  }

  /** Splits [start, end) at top-level commas into ranges. */
  splitArgs(start: number, end: number): TokenRange[] {
    const out: TokenRange[] = [];
    let depth = 0;
    let angle = 0;
    let from = start;
    for (let i = start; i < end; i++) {
      const tok = this.t[i]!;
      if (tok.kind !== 'op') continue;
      if (tok.text === '(' || tok.text === '[') depth++;
      else if (tok.text === ')' || tok.text === ']') depth--;
      else if (tok.text === '<' && ['ARRAY', 'STRUCT'].includes(upper(this.t[this.prev(i)]))) angle++;
      else if (tok.text === '>' && angle > 0) angle--;
      else if (tok.text === ',' && depth === 0 && angle === 0) {
        out.push([from, i]);
        from = i + 1;
      }
    }
    if (this.next(from - 1) < end || out.length > 0) out.push([from, end]);
    return out;
  }

  /** Arguments of the call whose name is at `nameIdx` (the next token must be `(`). */
  callArgs(nameIdx: number): { args: TokenRange[]; close: number } {
    const open = this.next(nameIdx);
    const close = this.matching(open);
    return { args: this.splitArgs(open + 1, close), close };
  }

  /** The last `AS` in [start, end) outside brackets (`CAST(x AS T)`, `STRUCT(x AS a)`), or -1. */
  lastTopLevelAs(start: number, end: number): number {
    let as = -1;
    let depth = 0;
    for (let k = start; k < end; k++) {
      const tok = this.t[k]!;
      if (tok.kind === 'op' && (tok.text === '(' || tok.text === '[')) depth++;
      else if (tok.kind === 'op' && (tok.text === ')' || tok.text === ']')) depth--;
      else if (depth === 0 && upper(tok) === 'AS') as = k;
    }
    return as;
  }

  /** From `k`, the first significant token before `end` that is one of `stops`, stepping over `(...)`. */
  skipUntil(k: number, end: number, stops: readonly string[]): number {
    let m = k;
    while (m < end && !stops.includes(upper(this.t[m]))) {
      if (this.isOp(m, '(')) m = this.matching(m);
      m = this.next(m);
    }
    return m;
  }

  /** `IF NOT EXISTS` at `j` (as `CREATE TABLE` and `ADD COLUMN` take it): whether present, and what follows. */
  ifNotExists(j: number): { present: boolean; next: number } {
    if (upper(this.t[j]) !== 'IF') return { present: false, next: j };
    return { present: true, next: this.next(this.next(this.next(j))) };
  }

  /** The source text of the tokens from `start` up to the token at `end` (or the end of the text). */
  sourceText(start: number, end: number): string {
    return this.sql.slice(this.t[start]!.start, this.t[end]?.start ?? this.sql.length).trim();
  }
}
