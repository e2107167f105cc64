/**
 * RE2 regular expressions (BigQuery's dialect) run with JavaScript's engine: the pattern is rewritten
 * where the syntaxes differ (`(?P<name>`, `\z`, `\A`, POSIX classes, `\pL`, leading `(?i)` flags,
 * escaped punctuation), and what RE2 rejects (look-around, back-references) is an error here too.
 * Used by the REGEXP_ functions that return positions, groups or several matches; REGEXP_CONTAINS and
 * REGEXP_REPLACE run on DuckDB's own RE2.
 * @module
 */
import { SqlFunctionError } from './udf.js';

const POSIX: Record<string, string> = {
  alnum: '0-9A-Za-z',
  alpha: 'A-Za-z',
  ascii: '\\x00-\\x7F',
  blank: '\\t ',
  cntrl: '\\x00-\\x1F\\x7F',
  digit: '0-9',
  graph: '!-~',
  lower: 'a-z',
  print: ' -~',
  punct: '!-\\/:-@\\[-`{-~',
  space: '\\t\\n\\v\\f\\r ',
  upper: 'A-Z',
  word: '0-9A-Za-z_',
  xdigit: '0-9A-Fa-f',
};

const JS_SYNTAX = new Set([...'^$\\.*+?()[]{}|/']);

function invalid(pattern: string, why: string): never {
  throw new SqlFunctionError(`Cannot parse regular expression: ${why} in "${pattern}"`);
}

function escapeLiteral(ch: string): string {
  return JS_SYNTAX.has(ch) || ch === '-' ? `\\${ch}` : ch;
}

/** The JavaScript source and flags of an RE2 pattern. */
function convert(pattern: string, unicode: boolean): { source: string; flags: string } {
  let flags = '';
  let body = pattern;
  const lead = /^\(\?([imsU]+)\)/.exec(body);
  if (lead) {
    if (lead[1]!.includes('U')) invalid(pattern, 'ungreedy mode (?U)');
    flags = [...new Set(lead[1]!)].join('');
    body = body.slice(lead[0].length);
  }
  const multiline = flags.includes('m');
  let out = '';
  let inClass = false;
  for (let i = 0; i < body.length; i++) {
    const ch = body[i]!;
    if (ch === '\\') {
      const n = body[i + 1];
      if (n === undefined) invalid(pattern, 'trailing \\');
      i++;
      if (/[1-9]/.test(n) && !inClass) invalid(pattern, `invalid escape sequence \\${n}`);
      if (n === 'z') out += multiline ? '(?![\\s\\S])' : '$';
      else if (n === 'A') out += multiline ? '(?<![\\s\\S])' : '^';
      else if (n === 'C') invalid(pattern, '\\C');
      else if (n === 'Q') {
        const end = body.indexOf('\\E', i + 1);
        const lit = end < 0 ? body.slice(i + 1) : body.slice(i + 1, end);
        for (const c of lit) out += escapeLiteral(c);
        i = end < 0 ? body.length : end + 1;
      } else if ((n === 'p' || n === 'P') && body[i + 1] !== '{') {
        if (!unicode) invalid(pattern, 'Unicode class in a BYTES pattern');
        out += `\\${n}{${body[i + 1] ?? ''}}`;
        i++;
      } else if (n === 'x' && body[i + 1] === '{') {
        const end = body.indexOf('}', i);
        out += unicode ? `\\u{${body.slice(i + 2, end)}}` : `\\x${body.slice(i + 2, end).padStart(2, '0')}`;
        i = end;
      } else if (/[A-Za-z0-9]/.test(n)) out += `\\${n}`;
      else
        out += inClass
          ? n === ']' || n === '\\' || n === '-' || n === '^'
            ? `\\${n}`
            : n
          : escapeLiteral(n);
      continue;
    }
    if (inClass) {
      if (ch === '[' && body[i + 1] === ':') {
        const end = body.indexOf(':]', i);
        const name = body.slice(i + 2, end);
        const negated = name.startsWith('^');
        const cls = POSIX[negated ? name.slice(1) : name];
        if (end < 0 || !cls || negated) invalid(pattern, `invalid character class [:${name}:]`);
        out += cls;
        i = end + 1;
        continue;
      }
      if (ch === ']') inClass = false;
      out += ch === '[' ? '\\[' : ch;
      continue;
    }
    if (ch === '[') {
      inClass = true;
      out += ch;
      if (body[i + 1] === '^') {
        out += '^';
        i++;
      }
      if (body[i + 1] === ']') {
        out += '\\]';
        i++;
      }
      continue;
    }
    if (ch === '(' && body[i + 1] === '?') {
      const rest = body.slice(i + 2);
      if (rest.startsWith('P<')) {
        out += '(?<';
        i += 3;
        continue;
      }
      if (/^(=|!|<=|<!)/.test(rest)) invalid(pattern, 'look-around is not RE2 syntax');
      if (!rest.startsWith(':') && !rest.startsWith('<')) invalid(pattern, 'inline flags inside the pattern');
    }
    if (ch === '{' && !/^\{\d+(,\d*)?\}/.test(body.slice(i))) {
      out += '\\{';
      continue;
    }
    if (ch === '}' && !/\{\d+(,\d*)?$/.test(body.slice(0, i))) {
      out += '\\}';
      continue;
    }
    out += ch;
  }
  if (inClass) invalid(pattern, 'missing ]');
  return { source: out, flags: flags.replace('m', 'm').replace('U', '') };
}

const cache = new Map<string, RegExp>();

/**
 * A global JavaScript RegExp for an RE2 pattern; `unicode` for STRING patterns (code points), off for
 * BYTES patterns matched against Latin-1 text.
 *
 * @example
 * ```ts
 * compileRe2('(?P<y>\\d{4})', true).exec('in 2024')?.groups?.y; // '2024'
 * ```
 */
export function compileRe2(pattern: string, unicode: boolean): RegExp {
  const key = `${unicode ? 'u' : 'b'}:${pattern}`;
  let re = cache.get(key);
  if (!re) {
    const { source, flags } = convert(pattern, unicode);
    try {
      re = new RegExp(source, `g${unicode ? 'u' : ''}${flags}`);
    } catch (err) {
      invalid(pattern, (err as Error).message);
    }
    cache.set(key, re);
  }
  re.lastIndex = 0;
  return re;
}

/** Number of capturing groups of a compiled pattern. */
export function groupCount(re: RegExp): number {
  return new RegExp(`${re.source}|`, re.flags.replace('g', '')).exec('')!.length - 1;
}

/** One match: where it starts and ends (UTF-16 offsets) and the text extracted (group 1 if any). */
export interface RegexMatch {
  start: number;
  end: number;
  /** The first group's text when the pattern has one (`undefined` if it did not take part), else the match. */
  extracted: string | undefined;
}

/**
 * The non-overlapping matches of `re` in `text` from UTF-16 offset `from`; an empty match moves the
 * search on by one character, as RE2's global iteration does.
 *
 * @example
 * ```ts
 * allMatches(compileRe2('a', true), 'banana', 0).length; // 3
 * ```
 */
export function allMatches(
  re: RegExp,
  text: string,
  from: number,
  limit = Number.POSITIVE_INFINITY,
): RegexMatch[] {
  const groups = groupCount(re);
  if (groups > 1) {
    throw new SqlFunctionError(
      'Regular expressions passed into extraction functions must not have more than 1 capturing group',
    );
  }
  const out: RegexMatch[] = [];
  re.lastIndex = from;
  while (out.length < limit && re.lastIndex <= text.length) {
    const m = re.exec(text);
    if (!m) break;
    out.push({ start: m.index, end: m.index + m[0].length, extracted: groups === 1 ? m[1] : m[0] });
    if (m[0].length === 0) {
      const cp = text.codePointAt(re.lastIndex);
      re.lastIndex += re.unicode && cp !== undefined && cp > 0xffff ? 2 : 1;
    }
  }
  return out;
}
