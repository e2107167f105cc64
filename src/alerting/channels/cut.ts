/**
 * Cutting text to a channel's limits without breaking a character, saying that it was cut.
 * @module
 */

import { CUT_MARK } from '../../shared/first-chars.js';

/** `text` if it has at most `max` UTF-16 units, else its start and `…` in exactly `max` units. */
export function cutText(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = Math.max(0, max - CUT_MARK.length);
  // Never end on the first half of a surrogate pair.
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return text.slice(0, end) + CUT_MARK;
}

/** `text` if it encodes to at most `maxBytes` of UTF-8, else its start and a note of how much was cut. */
export function cutUtf8(text: string, maxBytes: number): string {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes <= maxBytes) return text;
  const note = `\n… (cut: the full text has ${bytes} bytes)`;
  const budget = Math.max(0, maxBytes - Buffer.byteLength(note, 'utf8'));
  // Decoding a cut buffer drops a broken trailing character as U+FFFD; remove it.
  const head = Buffer.from(text, 'utf8')
    .subarray(0, budget)
    .toString('utf8')
    .replace(/\uFFFD$/, '');
  return head + note;
}

/**
 * Cuts `raw` so that `escape(cut)` fits in `max` (escaping can lengthen it): UTF-16 units by default,
 * or UTF-8 bytes with `bytes: true`.
 */
export function cutEscaped(
  raw: string,
  max: number,
  escapeText: (text: string) => string,
  bytes = false,
): string {
  const measure = bytes ? (t: string) => Buffer.byteLength(t, 'utf8') : (t: string) => t.length;
  const cut = bytes ? cutUtf8 : cutText;
  let limit = max;
  for (;;) {
    const escaped = escapeText(cut(raw, limit));
    const size = measure(escaped);
    if (size <= max) return escaped;
    if (limit <= 1) return '';
    limit = Math.max(1, limit - (size - max));
  }
}
