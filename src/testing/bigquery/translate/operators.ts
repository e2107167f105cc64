/**
 * Operators whose DuckDB meaning differs from GoogleSQL's, rewritten around their operands (found by
 * `scanOperators`): `a / b` → `bq_div(a, b)` (division by zero is an error, NUMERIC division
 * is refused), `a - b` → `bq_sub(a, b)` (DATE - DATE is refused: BigQuery returns an INTERVAL),
 * `a ^ b` → `xor(a, b)`, `<<`/`>>` → `bq_shift_left`/`bq_shift_right` (shifts of 64 or more give 0),
 * `LIKE p` → `LIKE p ESCAPE '\'` (GoogleSQL escapes with a backslash), and array subscripts
 * `a[OFFSET(i)]` → `bq_offset(a, i)` (0-based, an error out of range; DuckDB's are 1-based).
 * @module
 */
import type { TokenCursor } from './cursor.js';
import type { OperatorSpan } from './expression-scan.js';

/** One rewritten operator: what goes before its left operand, in its place, and after its right operand. */
export interface Wrapper {
  span: OperatorSpan;
  prefix: string;
  infix?: string;
  suffix: string;
}

/** Array subscripts and the macros that implement them (engine/library/macros.ts). */
const SUBSCRIPTS: Record<string, string> = {
  OFFSET: 'bq_offset',
  SAFE_OFFSET: 'bq_safe_offset',
  ORDINAL: 'bq_ordinal',
  SAFE_ORDINAL: 'bq_safe_ordinal',
};

const FUNCTION_OPERATORS: Record<string, string> = {
  '/': 'bq_div',
  '-': 'bq_sub',
  '^': 'xor',
  '<<': 'bq_shift_left',
  '>>': 'bq_shift_right',
};

/**
 * The rewrites of one statement's operators, keyed by token index, applied by the translator as it
 * emits tokens.
 *
 * @internal
 */
export class OperatorRewrites {
  private readonly starts = new Map<number, Wrapper[]>();
  private readonly ends = new Map<number, Wrapper[]>();
  private readonly infixes = new Map<number, Wrapper>();
  private readonly replaced = new Map<number, string>();

  constructor(c: TokenCursor, spans: readonly OperatorSpan[]) {
    for (const span of spans) {
      const wrapper = this.wrapperOf(c, span);
      if (!wrapper) continue;
      // Every wrapper is opened where its left operand starts, so that the emission that wrote its
      // prefix (possibly empty) is the one that closes it.
      this.add(this.starts, span.leftStart, wrapper);
      if (wrapper.suffix) this.add(this.ends, span.rightLast, wrapper);
      if (wrapper.infix !== undefined) this.infixes.set(span.at, wrapper);
    }
    for (const list of this.starts.values()) list.sort((a, b) => b.span.rightLast - a.span.rightLast);
    for (const list of this.ends.values()) list.sort((a, b) => b.span.leftStart - a.span.leftStart);
  }

  private add(map: Map<number, Wrapper[]>, key: number, w: Wrapper): void {
    const list = map.get(key);
    if (list) list.push(w);
    else map.set(key, [w]);
  }

  /** `a[OFFSET(i)]`, `a[SAFE_ORDINAL(i)]`, `a[i]`: a macro call, with the brackets replaced. */
  private subscript(c: TokenCursor, span: OperatorSpan): Wrapper {
    const inner = c.next(span.at);
    const kind = c.t[inner]?.text.toUpperCase() ?? '';
    const paren = c.next(inner);
    if (SUBSCRIPTS[kind] && c.isOp(paren, '(') && c.next(c.matching(paren)) === span.rightLast) {
      this.replaced.set(span.rightLast, ')');
      return { span: { ...span, opLast: paren }, prefix: `(${SUBSCRIPTS[kind]}(`, infix: ',', suffix: '' };
    }
    this.replaced.set(span.rightLast, '))');
    // `json['key']`: a member of a JSON object (arrays take no string subscripts).
    if (c.t[inner]?.kind === 'string' && c.next(inner) === span.rightLast) {
      return { span, prefix: '(bq_json_field(', infix: ',', suffix: '' };
    }
    return { span, prefix: '(bq_offset(', infix: ',', suffix: '' };
  }

  private wrapperOf(c: TokenCursor, span: OperatorSpan): Wrapper | undefined {
    if (span.op === '[]') return this.subscript(c, span);
    if (span.op === 'LIKE' || span.op === 'NOT LIKE') return { span, prefix: '', suffix: " ESCAPE '\\'" };
    const fn = FUNCTION_OPERATORS[span.op];
    if (!fn) return undefined;
    // A number or an INTERVAL on either side of `-` cannot make DATE - DATE.
    if (span.op === '-') {
      const plain = (k: number) => c.t[k]?.kind === 'number' || c.t[k]?.text.toUpperCase() === 'INTERVAL';
      if (plain(span.leftStart) || plain(c.next(span.opLast))) return undefined;
    }
    return { span, prefix: `${fn}(`, infix: ',', suffix: ')' };
  }

  /** The wrappers whose left operand starts at token `i`, outermost first. */
  startingAt(i: number): readonly Wrapper[] {
    return this.starts.get(i) ?? [];
  }

  /** The replacement of an operator token at `i` (or of a closing bracket), if it is rewritten. */
  infix(i: number): { text: string; next: number } | undefined {
    const w = this.infixes.get(i);
    if (w) return { text: w.infix!, next: w.span.opLast + 1 };
    const text = this.replaced.get(i);
    return text === undefined ? undefined : { text, next: i + 1 };
  }

  /**
   * The suffixes of the wrappers opened by one emission (`open`) whose right operand ends within the
   * tokens [i, next), innermost first; they are removed from `open`.
   */
  closing(i: number, next: number, open: Set<Wrapper>): string {
    let out = '';
    for (let k = i; k < next; k++) {
      for (const w of this.ends.get(k) ?? []) {
        if (open.delete(w)) out += w.suffix;
      }
    }
    return out;
  }
}
