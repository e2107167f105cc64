/**
 * RE2 regular expressions (BigQuery's dialect) run with JavaScript's engine: the pattern is rewritten
 * where the syntaxes differ (`(?P<name>`, `\z`, `\A`, POSIX classes, `\pL`, leading `(?i)` flags,
 * escaped punctuation), and what RE2 rejects (look-around, back-references) is an error here too.
 * Used by the REGEXP_ functions that return positions, groups or several matches; REGEXP_CONTAINS and
 * REGEXP_REPLACE run on DuckDB's own RE2.
 * @module
 */
import { Re2PatternError, translateRe2 } from '../../../../monitoring/filter/re2.js';
import { SqlFunctionError } from './udf.js';

const cache = new Map<string, RegExp>();

/**
 * A global JavaScript RegExp for an RE2 pattern; `unicode` for STRING patterns (code points), off for
 * BYTES patterns matched against Latin-1 text.
 *
 * @internal
 */
export function compileRe2(pattern: string, unicode: boolean): RegExp {
  const key = `${unicode ? 'u' : 'b'}:${pattern}`;
  let re = cache.get(key);
  if (!re) {
    try {
      const { source, flags } = translateRe2(pattern, { unicode });
      re = new RegExp(source, `g${unicode ? 'u' : ''}${flags}`);
    } catch (err) {
      const why = err instanceof Re2PatternError ? err.message : (err as Error).message;
      throw new SqlFunctionError(`Cannot parse regular expression: ${why} in "${pattern}"`);
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
 * @internal
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
