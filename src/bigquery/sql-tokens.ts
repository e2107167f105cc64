/**
 * One lexical token of a GoogleSQL statement. Strings and comments are recognized (so their contents
 * are never mistaken for names) but strings are kept as `string` tokens and comments are dropped.
 *
 * @internal
 */
export interface SqlToken {
  /** `word`: bare identifier or keyword; `quoted`: backtick identifier (text without backticks). */
  kind: 'word' | 'quoted' | 'string' | 'number' | 'param' | 'punct';
  text: string;
  /** Offset of the token in the statement. */
  start: number;
  /** True when whitespace or a comment separates this token from the previous one. */
  spaced: boolean;
}

const WORD_START = /[A-Za-z_]/;
const WORD_PART = /[A-Za-z0-9_]/;
/** Token kinds that are a path's parts. */
const NAME_KINDS = new Set<string>(['word', 'quoted']);

/** Whether a token is the punctuation `text`. */
export const isPunct = (t: SqlToken | undefined, text: string): boolean =>
  t?.kind === 'punct' && t.text === text;
/** Whether a token is a path's part: a word or a quoted name (`NAME_KINDS`). */
export const isName = (t: SqlToken | undefined): t is SqlToken => t !== undefined && NAME_KINDS.has(t.kind);

/**
 * The character an escape sequence at `at` (a backslash) stands for in a quoted identifier, and the
 * sequence's length. A quoted identifier takes the escapes of a string literal: `` `g\u0061mes` `` is
 * the table `games`, and a name read without decoding them would let it pass as another.
 */
function decodeEscape(sql: string, at: number): [string, number] {
  const c = sql[at + 1] as string;
  const octal = /[0-7]/.test(c);
  const size = octal ? 3 : ({ x: 2, X: 2, u: 4, U: 8 } as Record<string, number>)[c];
  const digits = octal ? sql.slice(at + 1, at + 4) : sql.slice(at + 2, at + 2 + (size ?? 0));
  const code = Number.parseInt(digits, octal ? 8 : 16);
  if (size !== undefined && (octal ? /^[0-7]{3}$/ : /^[0-9a-f]+$/i).test(digits) && code <= 0x10ffff) {
    return [String.fromCodePoint(code), octal ? 4 : size + 2];
  }
  const simple = 'abfnrtv'.indexOf(c);
  return [simple < 0 ? c : ('\x07\b\f\n\r\t\v'[simple] as string), 2];
}

/**
 * What a digit starts when it continues a table path: a name right after `name.` (GoogleSQL reads
 * any run of letters, digits and `_` after a path's dot as a name), a number glued after `name-` (a
 * dashed project id). `undefined` elsewhere: an ordinary number.
 */
function digitContinuesPath(tokens: SqlToken[], spaced: boolean): 'word' | 'number' | undefined {
  const [before, last] = [tokens.at(-2), tokens.at(-1)];
  if (before === undefined) return undefined;
  if (isPunct(last, '.') && NAME_KINDS.has(before.kind)) return 'word';
  const dashed = !spaced && !(last as SqlToken).spaced;
  if (isPunct(last, '-') && dashed && (NAME_KINDS.has(before.kind) || before.kind === 'number'))
    return 'number';
  return undefined;
}

/**
 * Splits a GoogleSQL statement into tokens: `'...'`, `"..."`, triple-quoted and `r`/`b`-prefixed
 * strings (with backslash escapes outside raw strings), backtick identifiers, `--`, `#` and `/* *\/`
 * comments (dropped), `@name` and `?` parameters, numbers, words and punctuation. An unterminated
 * string or comment runs to the end of the text rather than throwing: the guard that uses this must
 * not be the thing that rejects odd SQL (BigQuery does that).
 *
 * @internal
 */
export function tokenizeSql(sql: string): SqlToken[] {
  const tokens: SqlToken[] = [];
  let i = 0;
  let spaced = false;
  const n = sql.length;
  const push = (kind: SqlToken['kind'], text: string, start: number) => {
    tokens.push({ kind, text, start, spaced });
    spaced = false;
  };
  while (i < n) {
    const c = sql[i] as string;
    const next = sql[i + 1];
    if (/\s/.test(c)) {
      spaced = true;
      i++;
      continue;
    }
    if ((c === '-' && next === '-') || c === '#') {
      while (i < n && sql[i] !== '\n') i++;
      spaced = true;
      continue;
    }
    if (c === '/' && next === '*') {
      const end = sql.indexOf('*/', i + 2);
      i = end === -1 ? n : end + 2;
      spaced = true;
      continue;
    }
    // String literal, possibly with r/b prefixes (r, b, rb, br in any case).
    const prefix = /^(?:[rR][bB]?|[bB][rR]?)?(?=['"])/.exec(sql.slice(i, i + 3));
    if ((c === "'" || c === '"' || (prefix && prefix[0].length > 0)) && prefix) {
      const start = i;
      const raw = /r/i.test(prefix[0]);
      i += prefix[0].length;
      const quote = sql[i] as string;
      const triple = sql.startsWith(quote.repeat(3), i);
      const delimiter = triple ? quote.repeat(3) : quote;
      i += delimiter.length;
      while (i < n) {
        if (!raw && sql[i] === '\\') {
          i += 2;
          continue;
        }
        if (sql.startsWith(delimiter, i)) {
          i += delimiter.length;
          break;
        }
        // A raw string still cannot contain its own quote unescaped, but `\'` does not end it either.
        if (raw && sql[i] === '\\' && sql[i + 1] === quote) {
          i += 2;
          continue;
        }
        i++;
      }
      push('string', sql.slice(start, Math.min(i, n)), start);
      continue;
    }
    if (c === '`') {
      const start = i;
      let j = i + 1;
      let text = '';
      while (j < n && sql[j] !== '`') {
        if (sql[j] === '\\' && j + 1 < n) {
          const [decoded, length] = decodeEscape(sql, j);
          text += decoded;
          j += length;
          continue;
        }
        text += sql[j];
        j++;
      }
      i = Math.min(j + 1, n);
      push('quoted', text, start);
      continue;
    }
    if (c === '@' && next !== undefined && (WORD_START.test(next) || next === '@')) {
      const start = i;
      i++;
      if (sql[i] === '@') i++;
      while (i < n && WORD_PART.test(sql[i] as string)) i++;
      push('param', sql.slice(start, i), start);
      continue;
    }
    if (c === '?') {
      push('param', '?', i);
      i++;
      continue;
    }
    const previous = tokens.at(-1);
    const pathPart = /[0-9]/.test(c) ? digitContinuesPath(tokens, spaced) : undefined;
    if (pathPart !== undefined) {
      // A path part after a dot may start with a digit (`proj.123dataset.t`), and a dashed project id
      // may hold a digit part (`my-project-287.ds.t`): one part, never a number that swallows the
      // dots after it. After a dot it is a name; after a dash it stays a number (sqlShape hides it).
      const start = i;
      while (i < n && WORD_PART.test(sql[i] as string)) i++;
      push(pathPart, sql.slice(start, i), start);
      continue;
    }
    if (
      /[0-9]/.test(c) ||
      (c === '.' && next !== undefined && /[0-9]/.test(next) && !NAME_KINDS.has(previous?.kind ?? ''))
    ) {
      const start = i;
      // Dots included (`1.5`); a path's digit part after a dot or a dash is read above.
      while (i < n && /[0-9A-Za-z_.]/.test(sql[i] as string)) i++;
      push('number', sql.slice(start, i), start);
      continue;
    }
    if (WORD_START.test(c)) {
      const start = i;
      while (i < n && WORD_PART.test(sql[i] as string)) i++;
      push('word', sql.slice(start, i), start);
      continue;
    }
    push('punct', c, i);
    i++;
  }
  return tokens;
}

/**
 * The value of a string literal token (`'...'`, `"..."`, triple-quoted, `r`-prefixed); `undefined`
 * for a bytes literal (`b'...'`), which is not SQL text, and for one holding a backslash escape
 * outside a raw string: what it stands for is BigQuery's to read, not guessed here.
 *
 * @internal
 */
export function stringValue(token: SqlToken): string | undefined {
  const m = /^([rR]?)('''|"""|'|")([\s\S]*)$/.exec(token.text);
  if (!m) return undefined;
  const [, raw, quote, rest] = m as unknown as [string, string, string, string];
  const body = rest.endsWith(quote) ? rest.slice(0, -quote.length) : rest;
  return raw || !body.includes('\\') ? body : undefined;
}
