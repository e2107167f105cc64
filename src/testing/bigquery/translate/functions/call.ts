/**
 * A function call being translated, and the small vocabulary rewrites are written in.
 * @module
 */
import type { TokenRange } from '../cursor.js';
import { upper } from '../cursor.js';
import type { StatementTranslator } from '../statement.js';

/**
 * One GoogleSQL function call: its name, its arguments (token ranges) and how to emit them.
 *
 * @internal
 */
export class Call {
  readonly tr: StatementTranslator;
  /** The GoogleSQL name, upper case, without a `SAFE.` prefix. */
  readonly name: string;
  /** Token index of the name. */
  readonly at: number;
  readonly args: TokenRange[];
  /** Token index of the closing parenthesis. */
  readonly close: number;
  /** Called as `SAFE.NAME(…)`: errors of the function itself become NULL. */
  readonly safe: boolean;

  constructor(
    tr: StatementTranslator,
    name: string,
    at: number,
    args: TokenRange[],
    close: number,
    safe: boolean,
  ) {
    this.tr = tr;
    this.name = name;
    this.at = at;
    this.args = args;
    this.close = close;
    this.safe = safe;
  }

  get count(): number {
    return this.args.length;
  }

  /** The DuckDB text of argument `k` (`''` when absent). */
  arg(k: number): string {
    return this.tr.arg(this.args, k);
  }

  /** Every argument's DuckDB text, comma-separated. */
  all(from = 0): string {
    return this.args
      .slice(from)
      .map((_, k) => this.arg(k + from))
      .join(', ');
  }

  /** The index of the first significant token of argument `k`, or -1. */
  first(k: number): number {
    const a = this.args[k];
    return a ? this.tr.next(a[0] - 1) : -1;
  }

  /** Whether argument `k` is one token. */
  single(k: number): boolean {
    const a = this.args[k];
    return a !== undefined && this.tr.next(this.first(k)) >= a[1];
  }

  /** Whether argument `k` is the literal NULL. */
  isNull(k: number): boolean {
    return this.single(k) && upper(this.tr.t[this.first(k)]) === 'NULL';
  }

  /** The value of argument `k` when it is one string literal. */
  stringLiteral(k: number): string | undefined {
    const tok = this.tr.t[this.first(k)];
    return this.single(k) && tok?.kind === 'string' ? tok.value : undefined;
  }

  /** The upper-cased word of argument `k` when it is one bare identifier (a date part, `NFKC`). */
  word(k: number): string | undefined {
    const tok = this.tr.t[this.first(k)];
    return this.single(k) && tok?.kind === 'ident' ? tok.text.toUpperCase() : undefined;
  }

  /** Argument `k` as `name => value` (a named argument): its name and value range. */
  named(k: number): { name: string; value: TokenRange } | undefined {
    const a = this.args[k];
    const nameIdx = this.first(k);
    const arrow = this.tr.next(nameIdx);
    if (!a || !this.tr.isOp(arrow, '=>')) return undefined;
    return { name: this.tr.t[nameIdx]!.text.toLowerCase(), value: [arrow + 1, a[1]] };
  }

  /** Fails unless the call has between `min` and `max` arguments. */
  arity(min: number, max = min): void {
    if (this.count < min || this.count > max) {
      const want = min === max ? `${min}` : `${min} to ${max}`;
      this.tr.fail(
        `No matching signature for function ${this.name}: expected ${want} arguments, got ${this.count}`,
        this.at,
      );
    }
  }

  /**
   * The `OVER (…)` or `OVER name` clause after the call, emitted, and the token after it; for rewrites
   * that must put the window on an inner aggregate (`bq_var_pop(list(x) OVER (…))`).
   */
  over(): { text: string; next: number } | undefined {
    const { tr } = this;
    const kw = tr.next(this.close);
    if (upper(tr.t[kw]) !== 'OVER') return undefined;
    const target = tr.next(kw);
    const end = tr.isOp(target, '(') ? tr.matching(target) : target;
    return { text: ` OVER ${tr.emit(target, end + 1).trim()}`, next: end + 1 };
  }

  fail(message: string): never {
    this.tr.fail(message, this.at);
  }

  unsupported(construct: string): never {
    this.tr.unsupported(construct, this.at);
  }
}

/**
 * A rewrite: the DuckDB text of a GoogleSQL call.
 *
 * @internal
 */
export type Rewrite = (call: Call) => string | { text: string; next: number };

/**
 * How a GoogleSQL function is translated: `rewrite`, and optionally `safe` for `SAFE.` calls
 * (by default the rewrite is wrapped in DuckDB's `try(…)`), or `noSafe` when BigQuery has no SAFE
 * form of it.
 *
 * @internal
 */
export interface FunctionEntry {
  rewrite: Rewrite;
  safe?: (call: Call) => string;
}

/** A table of functions by GoogleSQL name (upper case). */
export type FunctionTable = Record<string, FunctionEntry>;

/**
 * A call of a DuckDB function with the same arguments.
 *
 * @internal
 */
export function call(duckName: string): FunctionEntry {
  return { rewrite: (c) => `${duckName}(${c.all()})` };
}

/**
 * A call of a JavaScript function of the stand-in's library (engine/library). For functions that take
 * arguments of any type, `nullAs` types a bare `NULL` argument (DuckDB cannot hand an untyped NULL to
 * them).
 *
 * @internal
 */
export function udf(name: string, nullAs?: string): FunctionEntry {
  return {
    rewrite: (c) =>
      `${name}(${c.args.map((_, k) => (nullAs && c.isNull(k) ? `CAST(NULL AS ${nullAs})` : c.arg(k))).join(', ')})`,
  };
}
