/**
 * RE2 patterns (the dialect of Cloud Logging's `=~` and of BigQuery's REGEXP_ functions) for
 * JavaScript's engine. RE2 and JavaScript agree on most syntax; this module translates the forms
 * JavaScript spells differently (`(?P<name>`, `\\A`, `\\z`, POSIX classes, `\\Q…\\E`, `\\pL`,
 * `\\x{…}`, literal braces, leading `(?i)` flags) and refuses what RE2 does not have (lookaround,
 * backreferences, inline flag groups, repeat counts over 1000: a pattern using them is refused by the
 * services too), so that
 * a pattern is checked where it is configured and matched the same way by the stand-ins.
 * @module
 */

/** Why a pattern cannot be used: the message names the construct. */
export class Re2PatternError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'Re2PatternError';
  }
}

/** RE2 refuses a `{n}`, `{n,}` or `{n,m}` with a count above this. */
const MAX_REPEAT = 1000;

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

function invalid(why: string): never {
  throw new Re2PatternError(why);
}

function escapeLiteral(ch: string): string {
  return JS_SYNTAX.has(ch) ? `\\${ch}` : ch;
}

/** The JavaScript source and flags of an RE2 pattern. */
/**
 * An RE2 pattern as JavaScript `RegExp` source and flags. `unicode` is the pattern of a STRING (code
 * points, `\\pL` classes, `\\x{10FFFF}`); without it the pattern reads bytes (Latin-1 code units).
 * Throws `Re2PatternError` for what RE2 does not have.
 *
 * @internal
 */
export function translateRe2(
  pattern: string,
  options: { unicode?: boolean } = {},
): { source: string; flags: string } {
  const unicode = options.unicode === true;
  let flags = '';
  let body = pattern;
  const lead = /^\(\?([imsU]+)\)/.exec(body);
  if (lead) {
    if (lead[1]!.includes('U')) invalid('the ungreedy flag (?U) is not supported');
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
      if (n === undefined) invalid('the pattern ends with a lone backslash');
      i++;
      if (/[1-9]/.test(n) && !inClass) invalid(`backreferences (\\${n}) are not supported by RE2`);
      if (/[0-7]/.test(n) && inClass) {
        // An octal escape inside a class (`[\\1]`): the code unit, spelled as JavaScript reads it in
        // both modes.
        const octal = /^[0-7]{1,3}/.exec(body.slice(i))![0];
        out += `\\x${Number.parseInt(octal, 8).toString(16).padStart(2, '0')}`;
        i += octal.length - 1;
        continue;
      }
      if (n === 'z') out += multiline ? '(?![\\s\\S])' : '$';
      else if (n === 'A') out += multiline ? '(?<![\\s\\S])' : '^';
      else if (n === 'C') invalid('\\C');
      else if (n === 'Q') {
        const end = body.indexOf('\\E', i + 1);
        const lit = end < 0 ? body.slice(i + 1) : body.slice(i + 1, end);
        for (const c of lit) out += escapeLiteral(c);
        i = end < 0 ? body.length : end + 1;
      } else if ((n === 'p' || n === 'P') && body[i + 1] !== '{') {
        if (!unicode) invalid('Unicode class in a BYTES pattern');
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
        if (end < 0 || !cls || negated) invalid(`invalid character class [:${name}:]`);
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
      if (/^(=|!|<=|<!)/.test(rest)) {
        invalid('lookahead and lookbehind ((?=, (?!, (?<=, (?<!) are not supported by RE2');
      }
      if (!rest.startsWith(':') && !rest.startsWith('<')) {
        invalid('inline flags are supported only at the start of the pattern');
      }
    }
    if (ch === '{') {
      // A repeat `{n}`, `{n,}`, `{n,m}` is copied whole; any other brace is a literal.
      const repeat = /^\{(\d+)(?:,(\d*))?\}/.exec(body.slice(i));
      if (!repeat) {
        out += '\\{';
        continue;
      }
      const over = [repeat[1], repeat[2]].find((n) => n !== undefined && n !== '' && Number(n) > MAX_REPEAT);
      if (over !== undefined) invalid(`the repeat count ${over} is over RE2's limit of ${MAX_REPEAT}`);
      out += repeat[0];
      i += repeat[0].length - 1;
      continue;
    }
    if (ch === '}') {
      out += '\\}';
      continue;
    }
    out += ch;
  }
  if (inClass) invalid('missing ]');
  return { source: out, flags: flags.replace('m', 'm').replace('U', '') };
}

/**
 * Compiles an RE2 pattern to an equivalent JavaScript `RegExp` (unanchored, as `=~` matches anywhere
 * in the value). Throws `Re2PatternError` for what RE2 does not have.
 *
 * @internal
 */
export function compileRe2(pattern: string): RegExp {
  const { source, flags } = translateRe2(pattern, { unicode: true });
  try {
    return new RegExp(source, `u${flags}`);
  } catch (error) {
    throw new Re2PatternError((error as Error).message.replace(/^Invalid regular expression: /, ''));
  }
}
