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
          text += sql[j + 1];
          j += 2;
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
    if (
      /[0-9]/.test(c) ||
      (c === '.' && next !== undefined && /[0-9]/.test(next) && tokens.at(-1)?.kind !== 'word')
    ) {
      const start = i;
      while (i < n && /[0-9A-Za-z_.]/.test(sql[i] as string)) {
        // Stop at a '.' that begins a path part (e.g. a project id starting with a digit is not ours).
        i++;
      }
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
