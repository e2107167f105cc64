/**
 * A filter string literal: `value` between double quotes with `\` and `"` escaped, so any text
 * (a regular expression with backslashes, a name with quotes) reaches the service unchanged.
 */
export function quoteFilterString(value: string): string {
  return `"${value.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
}
