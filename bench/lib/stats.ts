/** Small statistics and formatting helpers shared by the bench sections. */

/**
 * The median of a non-empty list (the mean of the two middle values for an even length).
 *
 * @example
 * median([3, 1, 2]); // 2
 */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * The arithmetic mean.
 *
 * @example
 * mean([1, 2, 3]); // 2
 */
export function mean(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

/**
 * The p-quantile (0..1) by linear interpolation between order statistics.
 *
 * @example
 * quantile([1, 2, 3, 4], 0.5); // 2.5
 */
export function quantile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const pos = (sorted.length - 1) * p;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

/**
 * A number with thousands separators and a fixed number of decimals, for tables.
 *
 * @example
 * fmt(12345.678, 1); // '12,345.7'
 */
export function fmt(value: number, decimals = 0): string {
  if (!Number.isFinite(value)) return String(value);
  return value.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
}

/**
 * Rounds for results.json so that the file stays readable and diffs stay small.
 *
 * @example
 * round(1.23456, 2); // 1.23
 */
export function round(value: number, decimals = 2): number {
  const f = 10 ** decimals;
  return Math.round(value * f) / f;
}

/** One table as printed and as stored in results.json. */
export interface Table {
  title: string;
  headers: string[];
  rows: string[][];
  /** Printed under the table (units, what the columns mean, which run). */
  note?: string;
}

/**
 * Renders a table as GitHub-flavoured markdown. Columns after the first are right-aligned (numbers).
 *
 * @example
 * markdownTable({ title: 'x', headers: ['a', 'b'], rows: [['1', '2']] });
 */
export function markdownTable(table: Table): string {
  const align = table.headers.map((_, i) => (i === 0 ? '---' : '---:'));
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  const out = [`#### ${table.title}`, '', line(table.headers), line(align), ...table.rows.map(line)];
  if (table.note) out.push('', table.note);
  return out.join('\n');
}
