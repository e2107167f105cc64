import { QueryGuardError } from '../errors/index.js';
import { type SqlToken, tokenizeSql } from './sql-tokens.js';

/**
 * The query guard's configuration: for each partitioned table (`dataset.table` or
 * `project.dataset.table`), the column a query must filter on.
 *
 * @example
 * ```ts
 * import { BigQueryExecutor, type QueryGuardOptions } from 'gcp-pipeline-resilience';
 * // Refuse a query that would scan a whole partitioned table (no filter on its partition column).
 * const guard: QueryGuardOptions = { partitionedTables: { 'mlb_raw.games': 'game_date' } };
 * const bq = new BigQueryExecutor({ queryGuard: guard });
 * await bq.query("SELECT * FROM mlb_raw.games WHERE game_date = '2026-06-01'");
 * ```
 */
export interface QueryGuardOptions {
  readonly partitionedTables: Readonly<Record<string, string>>;
}

/** A table path as written in the statement, with the index of its first token. */
interface PathRef {
  parts: string[];
  tokenIndex: number;
}

// Path pieces that may be glued together without spaces: `a.b.c`, `` `p`.d.t ``, `my-project.d.t`.
function isPathPiece(t: SqlToken): boolean {
  return (
    t.kind === 'word' || t.kind === 'quoted' || (t.kind === 'punct' && (t.text === '.' || t.text === '-'))
  );
}

const isDot = (t: SqlToken): boolean => t.kind === 'punct' && t.text === '.';

function collectPaths(tokens: SqlToken[]): PathRef[] {
  const paths: PathRef[] = [];
  let i = 0;
  while (i < tokens.length) {
    const t = tokens[i] as SqlToken;
    if (t.kind !== 'word' && t.kind !== 'quoted') {
      i++;
      continue;
    }
    let text = t.kind === 'quoted' ? t.text : t.text;
    let j = i + 1;
    while (j < tokens.length) {
      const u = tokens[j] as SqlToken;
      // GoogleSQL lets whitespace or a comment separate any two tokens, a path's dots included
      // (`ds . t`, `ds./**/t`); a '-' only joins words inside a project id, so `a - b` is two names.
      const dotted = isDot(u) || isDot(tokens[j - 1] as SqlToken);
      if ((u.spaced && !dotted) || !isPathPiece(u)) break;
      text += u.text;
      j++;
    }
    paths.push({ parts: text.split('.').filter((p) => p !== ''), tokenIndex: i });
    i = j;
  }
  return paths;
}

const CLAUSE_END = new Set([
  'GROUP',
  'ORDER',
  'LIMIT',
  'HAVING',
  'QUALIFY',
  'WINDOW',
  'UNION',
  'INTERSECT',
  'EXCEPT',
]);

/** Token index ranges [start, end) covered by WHERE clauses, nested ones included. */
function whereRanges(tokens: SqlToken[]): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  const depthAt: number[] = [];
  let depth = 0;
  for (const t of tokens) {
    depthAt.push(depth);
    if (t.kind === 'punct' && t.text === '(') depth++;
    else if (t.kind === 'punct' && t.text === ')') depth--;
  }
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as SqlToken;
    if (t.kind !== 'word' || t.text.toUpperCase() !== 'WHERE') continue;
    const d = depthAt[i] as number;
    let j = i + 1;
    for (; j < tokens.length; j++) {
      const u = tokens[j] as SqlToken;
      const du = depthAt[j] as number;
      if (du < d) break;
      if (u.kind === 'punct' && u.text === ')' && du === d) break;
      if (du === d && u.kind === 'word' && CLAUSE_END.has(u.text.toUpperCase())) break;
      if (du === d && u.kind === 'punct' && u.text === ';') break;
    }
    ranges.push([i + 1, j]);
  }
  return ranges;
}

function normalizeKey(key: string): string[] {
  return key
    .replace(/`/g, '')
    .split('.')
    .map((p) => p.trim().toLowerCase());
}

function matchesTable(pathParts: string[], keyParts: string[]): boolean {
  const parts = pathParts.map((p) => p.toLowerCase());
  if (parts.length < 2) return false;
  // `dataset.table` keys match any project; `project.dataset.table` keys need the same project when
  // the statement names one.
  const [table, dataset] = [parts[parts.length - 1], parts[parts.length - 2]];
  if (table !== keyParts[keyParts.length - 1] || dataset !== keyParts[keyParts.length - 2]) return false;
  if (keyParts.length > 2 && parts.length > 2) {
    return parts.slice(0, -2).join('.') === keyParts.slice(0, -2).join('.');
  }
  return true;
}

/**
 * Refuses, with `QueryGuardError` (rule `'partition_filter'`), a statement that reads a configured
 * partitioned table without filtering on its partition column. It works on tokens, not text: names
 * inside strings and comments do not count, backticked and dotted paths are both recognized.
 *
 * The heuristic, in full: a configured table is "read" when a path `dataset.table` (or
 * `project.dataset.table`) appears anywhere in the statement; it is "filtered" when its partition
 * column appears as a name (bare, or as the last part of `alias.column`) inside some `WHERE` clause of
 * the statement (the tokens after `WHERE` up to the next `GROUP`/`ORDER`/`LIMIT`/`HAVING`/`QUALIFY`/
 * `WINDOW`/set operator at the same parenthesis depth, or the closing parenthesis). It does not prove
 * the filter prunes partitions (a `WHERE game_date IS NOT NULL` passes, and a `WHERE` in another
 * subquery counts); it catches the common mistake, a full scan with no date filter at all.
 *
 * @internal
 */
export function checkPartitionFilter(sql: string, guard: QueryGuardOptions | undefined): void {
  if (!guard) return;
  const entries = Object.entries(guard.partitionedTables);
  if (entries.length === 0) return;
  const tokens = tokenizeSql(sql);
  const paths = collectPaths(tokens);
  let ranges: Array<[number, number]> | undefined;
  for (const [table, column] of entries) {
    const keyParts = normalizeKey(table);
    if (keyParts.length < 2) continue;
    if (!paths.some((p) => matchesTable(p.parts, keyParts))) continue;
    ranges ??= whereRanges(tokens);
    const col = column.toLowerCase();
    const filtered = paths.some(
      (p) =>
        p.parts.length > 0 &&
        (p.parts[p.parts.length - 1] as string).toLowerCase() === col &&
        ranges!.some(([start, end]) => p.tokenIndex >= start && p.tokenIndex < end),
    );
    if (!filtered) {
      throw new QueryGuardError(
        `Query reads partitioned table ${table} without a filter on its partition column ${column}: add a WHERE condition on ${column} (a full scan bills every partition)`,
        { rule: 'partition_filter', table },
      );
    }
  }
}
