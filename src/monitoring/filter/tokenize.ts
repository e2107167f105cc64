import { quoteValue } from '../../errors/redact.js';
import type { FilterOperator } from './ast.js';

/**
 * A filter that cannot be read: names the offset and what was wrong, as the service's
 * `INVALID_ARGUMENT` does.
 */
export class FilterSyntaxError extends Error {
  /** Offset (0-based) in the filter text where the problem is. */
  readonly position: number;
  /** The filter text as given. */
  readonly filter: string;

  constructor(message: string, filter: string, position: number) {
    super(`${message} at position ${position} of filter ${quoteValue(filter, 200)}`);
    this.name = 'FilterSyntaxError';
    this.position = position;
    this.filter = filter;
  }
}

/** A token: punctuation, an operator, a quoted string, or a bare word (keywords are words). */
export type Token =
  | { type: '(' | ')' | ',' | '-'; position: number }
  | { type: 'op'; op: FilterOperator; position: number }
  | { type: 'string'; text: string; position: number }
  | { type: 'word'; text: string; position: number; segments: string[] }
  | { type: 'end'; position: number };

const OPERATORS: readonly FilterOperator[] = ['=~', '!~', '!=', '<=', '>=', '=', '<', '>', ':'];
// Characters of a bare word or field path (a leading '-' is the NOT prefix instead).
const WORD_CHAR = /[A-Za-z0-9_.@/$*+-]/;

/** Reads a double-quoted string starting at `start` (the quote); returns its text and the next offset. */
function readString(filter: string, start: number): { text: string; end: number } {
  let text = '';
  let i = start + 1;
  while (i < filter.length) {
    const char = filter[i]!;
    if (char === '"') return { text, end: i + 1 };
    if (char === '\\' && i + 1 < filter.length) {
      const next = filter[i + 1]!;
      // `\"` and `\\` are escapes; any other backslash is kept, so `"\d+"` is the regex `\d+`.
      text += next === '"' || next === '\\' ? next : `\\${next}`;
      i += 2;
      continue;
    }
    text += char;
    i += 1;
  }
  throw new FilterSyntaxError('Unterminated string', filter, start);
}

/**
 * Reads a word or field path: `severity`, `jsonPayload.error.code`, `labels."k8s-pod/app"` (a quoted
 * segment after a dot), `cloud_run_revision`, `500`.
 */
function readWord(filter: string, start: number): { token: Token; end: number } {
  const segments: string[] = [];
  let current = '';
  let text = '';
  let i = start;
  while (i < filter.length) {
    const char = filter[i]!;
    if (char === '"' && text.endsWith('.')) {
      const quoted = readString(filter, i);
      current += quoted.text;
      text += filter.slice(i, quoted.end);
      i = quoted.end;
      continue;
    }
    if (!WORD_CHAR.test(char)) break;
    if (char === '.') {
      segments.push(current);
      current = '';
    } else current += char;
    text += char;
    i += 1;
  }
  segments.push(current);
  return { token: { type: 'word', text, position: start, segments }, end: i };
}

/** Splits a filter into tokens; throws `FilterSyntaxError` on a character that starts none. */
export function tokenize(filter: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < filter.length) {
    const char = filter[i]!;
    if (/\s/.test(char)) {
      i += 1;
      continue;
    }
    if (char === '(' || char === ')' || char === ',') {
      tokens.push({ type: char, position: i });
      i += 1;
      continue;
    }
    const op = OPERATORS.find((candidate) => filter.startsWith(candidate, i));
    if (op) {
      tokens.push({ type: 'op', op, position: i });
      i += op.length;
      continue;
    }
    if (char === '"') {
      const { text, end } = readString(filter, i);
      tokens.push({ type: 'string', text, position: i });
      i = end;
      continue;
    }
    if (char === '-') {
      tokens.push({ type: '-', position: i });
      i += 1;
      continue;
    }
    if (WORD_CHAR.test(char)) {
      const { token, end } = readWord(filter, i);
      tokens.push(token);
      i = end;
      continue;
    }
    throw new FilterSyntaxError(`Unexpected character ${JSON.stringify(char)}`, filter, i);
  }
  tokens.push({ type: 'end', position: filter.length });
  return tokens;
}
