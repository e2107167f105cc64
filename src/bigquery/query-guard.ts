import { QueryGuardError } from '../errors/index.js';
import { isPlainObject } from '../shared/is-plain-object.js';
import { readPaths, type SqlPath } from './sql-paths.js';
import { type SqlToken, tokenizeSql } from './sql-tokens.js';

/**
 * The query guard's configuration: for each partitioned table (`dataset.table` or
 * `project.dataset.table`; `dataset.prefix*` for every table whose name starts with the prefix), the
 * column a query must filter on. A wildcard table in a statement (`dataset.games_*`) reads every
 * configured table it can match.
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

/** A table, or a wildcard table (every table whose name starts with `table`), lower-cased. */
interface TablePattern {
  /** The project, when the name says it. */
  project: string | undefined;
  dataset: string;
  table: string;
  wildcard: boolean;
}

function patternOf(parts: readonly string[], wildcard: boolean): TablePattern | undefined {
  if (parts.length < 2) return undefined;
  const lower = parts.map((p) => p.toLowerCase());
  return {
    project: lower.length > 2 ? lower.slice(0, -2).join('.') : undefined,
    dataset: lower.at(-2) as string,
    table: lower.at(-1) as string,
    wildcard,
  };
}

/** A configured key (`ds.t`, `p.ds.t`, `` `p.ds.t` ``, `ds.games_*`) as a table pattern. */
function keyPattern(key: string): TablePattern | undefined {
  const parts = key
    .replace(/`/g, '')
    .split('.')
    .map((p) => p.trim());
  const last = parts.at(-1) as string;
  const wildcard = last.endsWith('*');
  if (wildcard) parts[parts.length - 1] = last.slice(0, -1);
  return patternOf(parts, wildcard);
}

/**
 * The query guard as the executor keeps it: checked, and copied, so a later change to the caller's
 * object neither disarms it nor breaks a query. A key the guard could never match (no dataset, an
 * empty part, a `*` before the end) used to guard nothing, silently; a column that is not a name
 * refused every query of its table. Each is a `TypeError` naming the entry.
 *
 * @internal
 */
export function checkQueryGuard(guard: unknown, where: string): QueryGuardOptions | undefined {
  if (guard === undefined) return undefined;
  const tables = (guard as { partitionedTables?: unknown } | null)?.partitionedTables;
  if (typeof tables !== 'object' || tables === null || !isPlainObject(tables)) {
    throw new TypeError(
      `${where}: partitionedTables must be a plain object mapping 'dataset.table' (or 'project.dataset.table', or 'dataset.prefix*') to its partition column`,
    );
  }
  const copy: Record<string, string> = {};
  for (const [key, column] of Object.entries(tables)) {
    const entry = `${where}: partitionedTables[${JSON.stringify(key).replace(/^"|"$/g, "'")}]`;
    const parts = key
      .replace(/`/g, '')
      .split('.')
      .map((p) => p.trim());
    const project = parts.slice(0, -2).join('.');
    // A domain-scoped project (`example.com:proj`) holds dots; any other path has at most three parts.
    const badProject = parts.length > 3 && !project.includes(':');
    const wildcardInside = parts.some((p, i) =>
      p.slice(0, i === parts.length - 1 ? -1 : undefined).includes('*'),
    );
    if (parts.length < 2 || parts.some((p) => p === '') || badProject || wildcardInside) {
      throw new TypeError(
        `${entry}: not a table name the guard can match; write 'dataset.table', 'project.dataset.table', or 'dataset.prefix*' for every table whose name starts with the prefix`,
      );
    }
    if (typeof column !== 'string' || column.replace(/`/g, '').trim() === '') {
      throw new TypeError(`${entry}: the partition column must be a column name (a non-empty string)`);
    }
    copy[key] = column.replace(/`/g, '').trim();
  }
  return Object.freeze({ partitionedTables: Object.freeze(copy) });
}

/** Whether two names may be the same table: equal, or one a wildcard whose prefix the other starts with. */
function namesOverlap(a: TablePattern, b: TablePattern): boolean {
  if (a.wildcard && b.wildcard) return a.table.startsWith(b.table) || b.table.startsWith(a.table);
  if (a.wildcard) return b.table.startsWith(a.table);
  if (b.wildcard) return a.table.startsWith(b.table);
  return a.table === b.table;
}

/**
 * Whether a path of the statement may read the configured table. A `dataset.table` key matches any
 * project; a `project.dataset.table` key needs the same project when the statement names one.
 */
function readsTable(path: SqlPath, key: TablePattern): boolean {
  const read = patternOf(path.parts, path.wildcard);
  if (read === undefined || read.dataset !== key.dataset || !namesOverlap(read, key)) return false;
  return read.project === undefined || key.project === undefined || read.project === key.project;
}

/** Whether the path names the column: bare, as `alias.column`, or as a side of a glued `a-b`. */
function namesColumn(path: SqlPath, column: string): boolean {
  if (path.wildcard) return false;
  const last = path.parts.at(-1);
  return last?.toLowerCase().split('-').includes(column) === true;
}

/**
 * Refuses, with `QueryGuardError` (rule `'partition_filter'`), a statement that reads a configured
 * partitioned table without filtering on its partition column. It works on tokens, not text: names
 * inside strings and comments do not count, backticked and dotted paths are both recognized.
 *
 * The heuristic, in full: a configured table is "read" when a path `dataset.table` (or
 * `project.dataset.table`, or a wildcard `dataset.prefix*` that can match it; see `readPaths`)
 * appears anywhere in the statement; it is "filtered" when its partition
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
  const paths = readPaths(tokens);
  let ranges: Array<[number, number]> | undefined;
  for (const [table, column] of entries) {
    const key = keyPattern(table);
    if (key === undefined) continue;
    if (!paths.some((p) => readsTable(p, key))) continue;
    ranges ??= whereRanges(tokens);
    const col = column.toLowerCase();
    const filtered = paths.some(
      (p) =>
        namesColumn(p, col) && ranges!.some(([start, end]) => p.tokenIndex >= start && p.tokenIndex < end),
    );
    if (!filtered) {
      throw new QueryGuardError(
        `Query reads partitioned table ${table} without a filter on its partition column ${column}: add a WHERE condition on ${column} (a full scan bills every partition)`,
        { rule: 'partition_filter', table },
      );
    }
  }
}
