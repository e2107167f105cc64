/** The first `count` characters of `text`, with `…` when there is more; reads at most `2 * count + 2` code units. */
export function firstChars(text: string, count: number): string {
  if (text.length <= count) return text;
  // A character is one or two UTF-16 code units: `count` characters fit in `2 * count` units.
  const chars = Array.from(text.slice(0, 2 * count + 2));
  return chars.length <= count && text.length <= 2 * count + 2 ? text : `${chars.slice(0, count).join('')}…`;
}
