/**
 * Cutting a value shown in an error message, a log field or a sample: one length rule and one mark,
 * so that every cut text ends the same way. Each caller keeps its own limit.
 * @module
 */

/** What ends a text that was cut. */
export const CUT_MARK = '…';

/**
 * The first `count` characters of `text`, with `…` when there is more (or when `more` says `text` is
 * itself only the start of a longer text). Counts characters, not UTF-16 units, so a cut never splits
 * a surrogate pair; reads at most `2 * count` units of a huge text.
 */
export function firstChars(text: string, count: number, more?: boolean): string {
  let end = 0;
  for (let n = 0; n < count && end < text.length; n++) end += text.codePointAt(end)! > 0xffff ? 2 : 1;
  return end < text.length || more ? text.slice(0, end) + CUT_MARK : text;
}
