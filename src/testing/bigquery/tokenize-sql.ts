/**
 * A GoogleSQL tokenizer: enough lexical knowledge to rewrite a statement without touching the
 * inside of string literals, quoted identifiers or comments.
 */

/**
 * The kinds of token `tokenizeSql` produces.
 *
 * @internal
 */
export type SqlTokenKind =
  | 'ws'
  | 'comment'
  | 'string'
  | 'bytes'
  | 'quoted'
  | 'number'
  | 'ident'
  | 'param'
  | 'positional'
  | 'sysvar'
  | 'op';

/**
 * One lexical token. `value` is the decoded content for strings, bytes (latin1), quoted identifiers
 * and parameters (the name without `@`); `text` is always the exact source text.
 *
 * @internal
 */
export interface SqlToken {
  kind: SqlTokenKind;
  text: string;
  value: string;
  /** Offset of the first character in the source. */
  start: number;
}

/**
 * Thrown by `tokenizeSql` for an unterminated literal or an unexpected character.
 *
 * @internal
 */
export class SqlSyntaxError extends Error {
  readonly offset: number;
  constructor(message: string, offset: number) {
    super(message);
    this.name = 'SqlSyntaxError';
    this.offset = offset;
  }
}

const IDENT_START = /[A-Za-z_]/;
const IDENT_PART = /[A-Za-z0-9_]/;
const MULTI_OPS = ['<>', '!=', '||', '<=', '=>', '<<'];

/** Marks a byte written as an escape in a bytes literal, so it is not UTF-8 encoded again. */
const RAW_BYTE = '\u{F0000}';

/**
 * The bytes of a bytes literal as Latin-1 text: characters written as themselves are UTF-8 encoded,
 * escaped bytes (`\xC4`, `\304`) are taken as they are.
 */
function bytesOfLiteral(decoded: string): string {
  let out = '';
  const chars = Array.from(decoded);
  for (let k = 0; k < chars.length; k++) {
    if (chars[k] === RAW_BYTE) {
      out += chars[++k] ?? '';
      continue;
    }
    out += Buffer.from(chars[k]!, 'utf8').toString('latin1');
  }
  return out;
}

function decodeEscapes(body: string, offset: number, bytes = false): string {
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const ch = body[i]!;
    if (ch !== '\\') {
      out += ch;
      continue;
    }
    const next = body[i + 1];
    i++;
    switch (next) {
      case 'n':
        out += '\n';
        break;
      case 't':
        out += '\t';
        break;
      case 'r':
        out += '\r';
        break;
      case 'b':
        out += '\b';
        break;
      case 'f':
        out += '\f';
        break;
      case 'v':
        out += '\v';
        break;
      case 'a':
        out += '\x07';
        break;
      case '0':
      case '1':
      case '2':
      case '3': {
        const oct = body.slice(i, i + 3);
        out += (bytes ? RAW_BYTE : '') + String.fromCharCode(Number.parseInt(oct, 8));
        i += 2;
        break;
      }
      case 'x':
      case 'X':
        out += (bytes ? RAW_BYTE : '') + String.fromCharCode(Number.parseInt(body.slice(i + 1, i + 3), 16));
        i += 2;
        break;
      case 'u':
        out += String.fromCodePoint(Number.parseInt(body.slice(i + 1, i + 5), 16));
        i += 4;
        break;
      case 'U':
        out += String.fromCodePoint(Number.parseInt(body.slice(i + 1, i + 9), 16));
        i += 8;
        break;
      case undefined:
        throw new SqlSyntaxError('Illegal escape sequence at end of literal', offset);
      default:
        // \\ \' \" \` \? and friends stand for themselves.
        out += next;
    }
  }
  return out;
}

/**
 * Splits GoogleSQL text into tokens. Handles `'…'`, `"…"`, triple-quoted, raw (`r'…'`) and bytes
 * (`b'…'`) literals, backtick identifiers, `--`, `#` and `/* *\/` comments, `@named` and `?`
 * parameters and `@@system` variables.
 *
 * @internal
 */
export function tokenizeSql(sql: string): SqlToken[] {
  const tokens: SqlToken[] = [];
  let i = 0;
  const push = (kind: SqlTokenKind, start: number, end: number, value?: string) => {
    const text = sql.slice(start, end);
    tokens.push({ kind, text, value: value ?? text, start });
  };
  while (i < sql.length) {
    const ch = sql[i]!;
    const start = i;
    if (/\s/.test(ch)) {
      while (i < sql.length && /\s/.test(sql[i]!)) i++;
      push('ws', start, i);
      continue;
    }
    if ((ch === '-' && sql[i + 1] === '-') || ch === '#') {
      while (i < sql.length && sql[i] !== '\n') i++;
      push('comment', start, i);
      continue;
    }
    if (ch === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      if (end < 0) throw new SqlSyntaxError('Unclosed comment', start);
      i = end + 2;
      push('comment', start, i);
      continue;
    }
    // String and bytes literals with optional r/b prefixes (rb, br in any case).
    const prefix = /^(?:[rR][bB]?|[bB][rR]?)?(?=['"])/.exec(sql.slice(i, i + 3));
    if (prefix && (prefix[0].length > 0 || ch === "'" || ch === '"')) {
      const flags = prefix[0].toLowerCase();
      const raw = flags.includes('r');
      const bytes = flags.includes('b');
      let j = i + prefix[0].length;
      const quote = sql[j]!;
      const triple = sql.slice(j, j + 3) === quote.repeat(3);
      const delim = triple ? quote.repeat(3) : quote;
      j += delim.length;
      const bodyStart = j;
      let closed = false;
      while (j < sql.length) {
        if (sql[j] === '\\') {
          j += 2;
          continue;
        }
        if (sql.startsWith(delim, j)) {
          closed = true;
          break;
        }
        if (!triple && sql[j] === '\n') break;
        j++;
      }
      if (!closed) throw new SqlSyntaxError('Unclosed string literal', start);
      const body = sql.slice(bodyStart, j);
      i = j + delim.length;
      const text = raw ? body : decodeEscapes(body, start, bytes);
      push(bytes ? 'bytes' : 'string', start, i, bytes ? bytesOfLiteral(text) : text);
      continue;
    }
    if (ch === '`') {
      let j = i + 1;
      while (j < sql.length && sql[j] !== '`') {
        if (sql[j] === '\\') j++;
        j++;
      }
      if (j >= sql.length) throw new SqlSyntaxError('Unclosed identifier literal', start);
      i = j + 1;
      push('quoted', start, i, decodeEscapes(sql.slice(start + 1, j), start));
      continue;
    }
    if (/[0-9]/.test(ch) || (ch === '.' && /[0-9]/.test(sql[i + 1] ?? ''))) {
      if (ch === '0' && /[xX]/.test(sql[i + 1] ?? '')) {
        i += 2;
        while (i < sql.length && /[0-9A-Fa-f]/.test(sql[i]!)) i++;
      } else {
        while (i < sql.length && /[0-9.]/.test(sql[i]!)) i++;
        if (/[eE]/.test(sql[i] ?? '') && /[-+0-9]/.test(sql[i + 1] ?? '')) {
          i += 2;
          while (i < sql.length && /[0-9]/.test(sql[i]!)) i++;
        }
      }
      push('number', start, i);
      continue;
    }
    if (IDENT_START.test(ch)) {
      while (i < sql.length && IDENT_PART.test(sql[i]!)) i++;
      push('ident', start, i);
      continue;
    }
    if (ch === '@') {
      if (sql[i + 1] === '@') {
        i += 2;
        while (i < sql.length && IDENT_PART.test(sql[i]!)) i++;
        push('sysvar', start, i, sql.slice(start + 2, i));
        continue;
      }
      i++;
      if (sql[i] === '`') {
        const end = sql.indexOf('`', i + 1);
        if (end < 0) throw new SqlSyntaxError('Unclosed identifier literal', start);
        i = end + 1;
        push('param', start, i, sql.slice(start + 2, end));
        continue;
      }
      while (i < sql.length && IDENT_PART.test(sql[i]!)) i++;
      if (i === start + 1) throw new SqlSyntaxError('Syntax error: Unexpected "@"', start);
      push('param', start, i, sql.slice(start + 1, i));
      continue;
    }
    if (ch === '?') {
      i++;
      push('positional', start, i);
      continue;
    }
    const two = sql.slice(i, i + 2);
    if (MULTI_OPS.includes(two)) {
      i += 2;
      push('op', start, i);
      continue;
    }
    i++;
    push('op', start, i);
  }
  return tokens;
}

/**
 * The 1-based `[line:column]` of an offset, as BigQuery prints it in error messages.
 *
 * @internal
 */
export function sqlPosition(sql: string, offset: number): string {
  const before = sql.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  return `${line}:${column}`;
}
