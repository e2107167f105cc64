/**
 * Cloud Logging's `=~` takes an RE2 pattern. RE2 and JavaScript agree on most syntax; this module
 * refuses what RE2 does not have (lookaround, backreferences: a pattern using them is refused by the
 * service too) and translates the few RE2 forms JavaScript spells differently, so that a pattern is
 * checked where it is configured and matched the same way by the Logging stand-in.
 * @module
 */

/** Why a pattern cannot be used: the message names the construct. */
export class Re2PatternError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'Re2PatternError';
  }
}

const LEADING_FLAGS = /^\(\?([imsU]+)\)/;
/** RE2 refuses a `{n}`, `{n,}` or `{n,m}` with a count above this. */
const MAX_REPEAT = 1000;

/**
 * Compiles an RE2 pattern to an equivalent JavaScript `RegExp` (unanchored, as `=~` matches anywhere
 * in the value). Leading `(?i)`, `(?s)`, `(?m)` become flags; `(?P<name>` becomes `(?<name>`; `\A`
 * and `\z` become `^` and `$`. Lookahead, lookbehind, backreferences and repeat counts over 1000 throw
 * {@link Re2PatternError}.
 */
export function compileRe2(pattern: string): RegExp {
  let source = pattern;
  let flags = '';
  const leading = LEADING_FLAGS.exec(source);
  if (leading) {
    if (leading[1]!.includes('U')) throw new Re2PatternError('the ungreedy flag (?U) is not supported');
    flags = [...new Set(leading[1]!)].join('');
    source = source.slice(leading[0].length);
  }
  let out = '';
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const char = source[i]!;
    if (char === '\\') {
      const next = source[i + 1];
      if (next === undefined) throw new Re2PatternError('the pattern ends with a lone backslash');
      if (!inClass && /[1-9]/.test(next)) {
        throw new Re2PatternError(`backreferences (\\${next}) are not supported by RE2`);
      }
      if (!inClass && next === 'A') out += '^';
      else if (!inClass && next === 'z') out += '$';
      else out += char + next;
      i += 1;
      continue;
    }
    if (inClass) {
      if (char === ']') inClass = false;
      out += char;
      continue;
    }
    if (char === '[') {
      inClass = true;
      out += char;
      // A ']' right after '[' or '[^' is a literal member, not the end of the class.
      if (source[i + 1] === '^') out += source[++i];
      if (source[i + 1] === ']') out += `\\${source[++i]}`;
      continue;
    }
    if (char === '{') {
      const repeat = /^\{(\d+)(?:,(\d*))?\}/.exec(source.slice(i));
      const counts = repeat ? [repeat[1], repeat[2]].filter((n) => n !== undefined && n !== '') : [];
      const over = counts.find((n) => Number(n) > MAX_REPEAT);
      if (over !== undefined) {
        throw new Re2PatternError(`the repeat count ${over} is over RE2's limit of ${MAX_REPEAT}`);
      }
    }
    if (char === '(' && source[i + 1] === '?') {
      const rest = source.slice(i + 2);
      if (/^(=|!|<=|<!)/.test(rest)) {
        throw new Re2PatternError('lookahead and lookbehind ((?=, (?!, (?<=, (?<!) are not supported by RE2');
      }
      if (rest.startsWith('P<')) {
        out += '(?<';
        i += 3;
        continue;
      }
      if (/^[imsU-]+[:)]/.test(rest)) {
        throw new Re2PatternError('inline flags are supported only at the start of the pattern');
      }
    }
    out += char;
  }
  try {
    return new RegExp(out, flags);
  } catch (error) {
    throw new Re2PatternError((error as Error).message.replace(/^Invalid regular expression: /, ''));
  }
}
