/**
 * `text` as a JSON string for an error message, its start and `...` when it is longer than `max`
 * characters (the shown text then has exactly `max`), so that a hostile value cannot flood a message.
 */
export function quoteShort(text: string, max: number): string {
  return JSON.stringify(text.length > max ? `${text.slice(0, max - 3)}...` : text);
}
