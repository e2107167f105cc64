import type { FilterDialect, FilterNode, FilterOperator, FilterValue, PatternCompiler } from './ast.js';
import { compileRe2, Re2PatternError } from './re2.js';
import { severityLevel } from './severity.js';
import { FilterSyntaxError, type Token, tokenize } from './tokenize.js';

/** The functions a Cloud Monitoring filter may use as a value, with their arity (-1: one or more). */
const MONITORING_FUNCTIONS: Record<string, number> = {
  one_of: -1,
  starts_with: 1,
  ends_with: 1,
  has_substring: 1,
  'monitoring.regex.full_match': 1,
};

const TIME_FIELDS = new Set(['timestamp', 'receiveTimestamp']);

/** Cloud Logging refuses a filter longer than this (the API's documented maximum). */
export const MAX_LOGGING_FILTER_CHARS = 20_000;

/**
 * The deepest nesting of parentheses and NOTs the parser reads: far more than any real filter,
 * and far less than what would exhaust the call stack of the recursive descent (and of the
 * evaluator that walks the tree).
 */
export const MAX_FILTER_DEPTH = 64;

/**
 * A recursive-descent parser with the Logging query language's documented precedence, loosest
 * first: AND (explicit, or implied by two terms side by side), then OR, then NOT / `-`. So
 * `a OR NOT b AND NOT c OR d` reads `(a OR (NOT b)) AND ((NOT c) OR d)`, the example of Google's
 * "Logging query language" page.
 */
class Parser {
  readonly #tokens: Token[];
  readonly #filter: string;
  readonly #dialect: FilterDialect;
  readonly #compile: PatternCompiler;
  #index = 0;
  #depth = 0;

  constructor(filter: string, dialect: FilterDialect, compile: PatternCompiler) {
    this.#filter = filter;
    this.#dialect = dialect;
    this.#compile = compile;
    this.#tokens = tokenize(filter);
  }

  parse(): FilterNode {
    if (this.#peek().type === 'end') throw this.#error('Empty filter', this.#peek().position);
    const node = this.#conjunction();
    const next = this.#peek();
    if (next.type !== 'end') throw this.#error(`Unexpected ${describe(next)}`, next.position);
    return node;
  }

  #peek(offset = 0): Token {
    return this.#tokens[Math.min(this.#index + offset, this.#tokens.length - 1)]!;
  }

  #next(): Token {
    const token = this.#peek();
    if (token.type !== 'end') this.#index += 1;
    return token;
  }

  #error(message: string, position: number): FilterSyntaxError {
    return new FilterSyntaxError(message, this.#filter, position);
  }

  #isKeyword(token: Token, keyword: 'AND' | 'OR' | 'NOT'): boolean {
    return token.type === 'word' && token.text === keyword;
  }

  /** Whether `token` can begin a term (so that two terms side by side are an implicit AND). */
  #startsTerm(token: Token): boolean {
    if (token.type === '(' || token.type === '-' || token.type === 'string') return true;
    return token.type === 'word' && !this.#isKeyword(token, 'AND') && !this.#isKeyword(token, 'OR');
  }

  #conjunction(): FilterNode {
    const children = [this.#disjunction()];
    for (;;) {
      const token = this.#peek();
      if (this.#isKeyword(token, 'AND')) {
        this.#next();
        children.push(this.#disjunction());
      } else if (this.#startsTerm(token)) {
        children.push(this.#disjunction());
      } else break;
    }
    return children.length === 1 ? children[0]! : { kind: 'and', children };
  }

  #disjunction(): FilterNode {
    const children = [this.#unary()];
    while (this.#isKeyword(this.#peek(), 'OR')) {
      this.#next();
      children.push(this.#unary());
    }
    return children.length === 1 ? children[0]! : { kind: 'or', children };
  }

  #unary(): FilterNode {
    const token = this.#peek();
    if (this.#isKeyword(token, 'NOT') || token.type === '-') {
      this.#next();
      return { kind: 'not', child: this.#nested(token, () => this.#unary()) };
    }
    return this.#primary();
  }

  #primary(): FilterNode {
    const token = this.#next();
    if (token.type === '(') {
      if (this.#peek().type === ')') throw this.#error('Empty parentheses', token.position);
      const inner = this.#nested(token, () => this.#conjunction());
      const close = this.#next();
      if (close.type !== ')') throw this.#error(`Expected ')' but found ${describe(close)}`, close.position);
      return inner;
    }
    if (token.type === 'word') {
      if (this.#isKeyword(token, 'AND') || this.#isKeyword(token, 'OR')) {
        throw this.#error(`${token.text} needs a term on each side`, token.position);
      }
      return this.#comparison(token);
    }
    if (token.type === 'string') {
      throw this.#error(
        'Global restrictions (a bare value without a field) are not supported',
        token.position,
      );
    }
    throw this.#error(`Unexpected ${describe(token)}`, token.position);
  }

  /** Parses one nesting level deeper (a parenthesis or a NOT), refusing hostile depths. */
  #nested(opening: Token, parse: () => FilterNode): FilterNode {
    if (this.#depth >= MAX_FILTER_DEPTH) {
      throw this.#error(
        `The filter is nested more than ${MAX_FILTER_DEPTH} levels deep (parentheses and NOTs)`,
        opening.position,
      );
    }
    this.#depth += 1;
    try {
      return parse();
    } finally {
      this.#depth -= 1;
    }
  }

  #comparison(field: Extract<Token, { type: 'word' }>): FilterNode {
    if (field.segments.some((segment) => segment === '')) {
      throw this.#error(`Invalid field path ${JSON.stringify(field.text)}`, field.position);
    }
    const opToken = this.#next();
    if (opToken.type !== 'op') {
      const keyword = (token: Token) => token.type === 'word' && /^(and|or|not)$/i.test(token.text);
      const lowerKeyword = keyword(field) || keyword(opToken);
      const what = lowerKeyword ? ' (the keywords AND, OR, NOT must be upper case)' : '';
      throw this.#error(
        `Expected a comparison operator after ${JSON.stringify(field.text)}, found ${describe(opToken)}${what}; ` +
          'global restrictions are not supported',
        opToken.position,
      );
    }
    const value = this.#value(opToken.op);
    const node: Extract<FilterNode, { kind: 'compare' }> = {
      kind: 'compare',
      field: field.segments,
      op: opToken.op,
      value,
      position: field.position,
    };
    this.#check(node, opToken.position);
    return node;
  }

  #value(op: FilterOperator): FilterValue {
    const token = this.#next();
    if (token.type === 'string') return { kind: 'text', text: token.text, quoted: true };
    if (token.type === '-') {
      const number = this.#next();
      if (number.type === 'word' && /^\d+(\.\d+)?$/.test(number.text)) {
        return { kind: 'text', text: `-${number.text}`, quoted: false };
      }
      throw this.#error('Expected a number after -', number.position);
    }
    if (token.type !== 'word')
      throw this.#error(`Expected a value, found ${describe(token)}`, token.position);
    if (token.text === '*' && op === ':') return { kind: 'any' };
    if (this.#peek().type === '(') return this.#call(token);
    if (token.text === 'AND' || token.text === 'OR' || token.text === 'NOT') {
      throw this.#error(`Expected a value, found the keyword ${token.text}`, token.position);
    }
    return { kind: 'text', text: token.text, quoted: false };
  }

  #call(name: Extract<Token, { type: 'word' }>): FilterValue {
    const arity = MONITORING_FUNCTIONS[name.text];
    if (this.#dialect !== 'monitoring' || arity === undefined) {
      throw this.#error(`Unsupported function ${name.text}()`, name.position);
    }
    this.#next(); // '('
    const args: string[] = [];
    for (;;) {
      const arg = this.#next();
      if (arg.type !== 'string' && arg.type !== 'word') {
        throw this.#error(`Expected an argument of ${name.text}(), found ${describe(arg)}`, arg.position);
      }
      args.push(arg.text);
      const separator = this.#next();
      if (separator.type === ')') break;
      if (separator.type !== ',') {
        throw this.#error(
          `Expected ',' or ')' in ${name.text}(), found ${describe(separator)}`,
          separator.position,
        );
      }
    }
    if (arity >= 0 && args.length !== arity) {
      throw this.#error(`${name.text}() takes ${arity} argument(s), got ${args.length}`, name.position);
    }
    return { kind: 'call', name: name.text, args };
  }

  /** Field-specific checks, done once here rather than on every entry. */
  #check(node: Extract<FilterNode, { kind: 'compare' }>, opPosition: number): void {
    const { value, op } = node;
    if (value.kind === 'call') {
      if (op !== '=' && op !== '!=') {
        throw this.#error(`${value.name}() can only follow = or !=`, opPosition);
      }
      if (value.name === 'monitoring.regex.full_match')
        node.regex = this.#regex(value.args[0]!, true, opPosition);
      return;
    }
    if (value.kind !== 'text') return;
    if (op === '=~' || op === '!~') {
      node.regex = this.#regex(value.text, false, opPosition);
      return;
    }
    const path = node.field.join('.');
    if (path === 'severity' && op !== ':' && severityLevel(value.text) === undefined) {
      throw this.#error(`Unknown severity ${JSON.stringify(value.text)}`, opPosition);
    }
    if (TIME_FIELDS.has(path) && op !== ':' && Number.isNaN(Date.parse(value.text))) {
      throw this.#error(`Invalid timestamp ${JSON.stringify(value.text)} (use RFC 3339)`, opPosition);
    }
  }

  #regex(pattern: string, whole: boolean, position: number) {
    try {
      return this.#compile(pattern, whole);
    } catch (error) {
      if (error instanceof Re2PatternError) {
        throw this.#error(
          `Invalid regular expression ${JSON.stringify(pattern)}: ${error.message}`,
          position,
        );
      }
      throw error;
    }
  }
}

function describe(token: Token): string {
  switch (token.type) {
    case 'end':
      return 'the end of the filter';
    case 'word':
      return JSON.stringify(token.text);
    case 'string':
      return `the string ${JSON.stringify(token.text)}`;
    case 'op':
      return `'${token.op}'`;
    default:
      return `'${token.type}'`;
  }
}

/** Options of `parseFilter`. */
export interface ParseFilterOptions {
  /**
   * How `=~` patterns are compiled. Default: `compileRe2` (JavaScript's backtracking engine:
   * enough to check a configured pattern, not to match untrusted text; the stand-ins pass RE2JS).
   */
  compilePattern?: PatternCompiler;
}

const compileRe2Pattern: PatternCompiler = (pattern, whole) =>
  compileRe2(whole ? `^(?:${pattern})$` : pattern);

/**
 * Parses a filter of the Logging query language (the subset this library writes and the Logging
 * stand-in serves: comparisons `= != < <= > >= : =~ !~`, `severity` by level, `timestamp` by time,
 * any field path including `jsonPayload.*`, AND / OR / NOT / `-` with the documented precedence, and
 * parentheses), at most `MAX_FILTER_DEPTH` levels deep and, in the Logging dialect, at most
 * `MAX_LOGGING_FILTER_CHARS` characters long. With `dialect: 'monitoring'` values may also be the functions of Cloud Monitoring
 * filters (`one_of`, `starts_with`, ...). Throws `FilterSyntaxError` naming the position.
 */
export function parseFilter(
  filter: string,
  dialect: FilterDialect = 'logging',
  options: ParseFilterOptions = {},
): FilterNode {
  if (dialect === 'logging' && filter.length > MAX_LOGGING_FILTER_CHARS) {
    throw new FilterSyntaxError(
      `The filter is ${filter.length} characters long; Cloud Logging accepts at most ${MAX_LOGGING_FILTER_CHARS} characters`,
      filter,
      MAX_LOGGING_FILTER_CHARS,
    );
  }
  return new Parser(filter, dialect, options.compilePattern ?? compileRe2Pattern).parse();
}
