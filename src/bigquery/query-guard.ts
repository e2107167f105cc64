import { QueryGuardError } from '../errors/index.js';
import { isPlainObject } from '../shared/is-plain-object.js';
import { readPaths, type SqlPath } from './sql-paths.js';
import { isPunct, type SqlToken, stringValue, tokenizeSql } from './sql-tokens.js';

/**
 * The query guard's configuration: for each partitioned table (`dataset.table` or
 * `project.dataset.table`; `dataset.prefix*` for every table whose name starts with the prefix), the
 * column a query must filter on. A wildcard table in a statement (`dataset.games_*`) reads every
 * configured table it can match.
 *
 * What it reads is the statement's text. The SQL of `EXECUTE IMMEDIATE '<literal>'` is checked like
 * the statement; `EXECUTE IMMEDIATE` of anything else (a variable, `CONCAT(...)`, a parameter, a
 * literal holding a backslash escape: write it raw, `r'...'`) is refused (`QueryGuardError`, rule
 * `'dynamic_sql'`), since the guard cannot know what it will run.
 * Views, table functions and procedures are **not** expanded: a query of a view over a guarded table,
 * or a `CALL` of a procedure that scans it, passes. Guard the view's own name, or use
 * `maximumBytesBilled` (BigQuery's own cap), for those.
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

/**
 * For each token, whether it lies inside a `WHERE` clause, nested ones included. A clause at
 * parenthesis depth d runs from its `WHERE` to the `)` that closes depth d, or to the next
 * `GROUP`/`ORDER`/.../`;` at depth d; everything between, deeper parentheses included, is inside.
 * One pass: the open clauses are kept by depth (a statement near BigQuery's 1 MB limit holding
 * thousands of nested `WHERE`s was read once per clause before: 27 s for 820 KB, all synchronous).
 */
function insideWhere(tokens: readonly SqlToken[]): boolean[] {
  const inside: boolean[] = [];
  const open = new Set<number>();
  let depth = 0;
  for (const t of tokens) {
    const word = t.kind === 'word' ? t.text.toUpperCase() : undefined;
    if (isPunct(t, ')') || isPunct(t, ';') || (word !== undefined && CLAUSE_END.has(word))) {
      open.delete(depth);
    }
    inside.push(open.size > 0);
    if (word === 'WHERE') open.add(depth);
    else if (isPunct(t, '(')) open.delete(++depth);
    else if (isPunct(t, ')')) depth--;
  }
  return inside;
}

/**
 * A table, or a wildcard table (every table whose name starts with the third part), lower-cased:
 * `[project or '', dataset, table, wildcard]`.
 */
type TablePattern = [string, string, string, boolean];

function patternOf(parts: readonly string[], wildcard: boolean): TablePattern | undefined {
  const lower = parts.map((p) => p.toLowerCase());
  const table = lower.pop() as string;
  const dataset = lower.pop();
  return dataset === undefined ? undefined : [lower.join('.'), dataset, table, wildcard];
}

/** A configured key (`ds.t`, `p.ds.t`, `` `p.ds.t` ``, `ds.games_*`) as a table pattern. */
function keyPattern(key: string): TablePattern | undefined {
  const parts = key
    .replace(/`/g, '')
    .trim()
    .split(/\s*\.\s*/);
  const wildcard = (parts.at(-1) as string).endsWith('*');
  if (wildcard) parts.push((parts.pop() as string).slice(0, -1));
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
    throw new TypeError(`${where}: partitionedTables must map 'dataset.table' to its partition column`);
  }
  const copy: Record<string, string> = {};
  for (const [key, column] of Object.entries(tables)) {
    const entry = `${where}: partitionedTables['${key}']`;
    // A domain-scoped project (`example.com:proj`) holds dots: only what follows its colon counts.
    const path = key.replace(/`/g, '').replace(/^.*:/, '');
    if (!/^([^.*]+\.)?[^.*]+\.([^.*]+|[^.*]*\*)$/.test(path)) {
      throw new TypeError(
        `${entry}: not a table the guard can match; write 'dataset.table', 'project.dataset.table' or 'dataset.prefix*'`,
      );
    }
    const name = typeof column === 'string' ? column.replace(/`/g, '').trim() : '';
    if (name === '') throw new TypeError(`${entry}: the partition column must be a non-empty string`);
    copy[key] = name;
  }
  return { partitionedTables: copy };
}

/**
 * Whether a path of the statement may read the configured table: same dataset; same project when
 * both name one (a `dataset.table` key matches any project); and the same table, or a wildcard on
 * either side whose prefix the other starts with.
 */
function readsTable(path: SqlPath, [kp, kd, kt, kw]: TablePattern): boolean {
  const read = patternOf(path.parts, path.wildcard);
  if (read === undefined) return false;
  const [p, d, t, w] = read;
  return (
    d === kd &&
    (p === '' || kp === '' || p === kp) &&
    ((w && kt.startsWith(t)) || (kw && t.startsWith(kt)) || t === kt)
  );
}

/** Whether the path names the column: bare, as `alias.column`, or as a side of a glued `a-b`. */
function namesColumn(path: SqlPath, column: string): boolean {
  if (path.wildcard) return false;
  const last = path.parts.at(-1);
  return last?.toLowerCase().split('-').includes(column) === true;
}

const isWord = (t: SqlToken | undefined, word: string): boolean =>
  t?.kind === 'word' && t.text.toUpperCase() === word;

/**
 * The SQL each `EXECUTE IMMEDIATE` of the statement runs. Only SQL written in the statement can be
 * read: one string literal, or literals joined by `||`, ending the statement or followed by its
 * `INTO` / `USING`. Anything else (a variable, `CONCAT`, a parameter, a parenthesis) is built at run
 * time, and a guard that let it through would read as protection it does not give: refused, rule
 * `'dynamic_sql'`. So is a non-raw literal with a backslash escape (`stringValue`): an escape can
 * spell a name the guard would not see (`g\u0061mes`).
 */
function immediateSql(tokens: readonly SqlToken[]): string[] {
  const found: string[] = [];
  for (let i = 0; i + 1 < tokens.length; i++) {
    if (!isWord(tokens[i], 'EXECUTE') || !isWord(tokens[i + 1], 'IMMEDIATE')) continue;
    let text: string | undefined = '';
    let j = i + 2;
    for (;;) {
      const t = tokens[j];
      const value = t?.kind === 'string' ? stringValue(t) : undefined;
      if (value === undefined) {
        text = undefined;
        break;
      }
      text += value;
      j++;
      if (!(isPunct(tokens[j], '|') && isPunct(tokens[j + 1], '|') && !tokens[j + 1]!.spaced)) break;
      j += 2;
    }
    const after = tokens[j];
    if (
      text === undefined ||
      !(after === undefined || isPunct(after, ';') || isWord(after, 'INTO') || isWord(after, 'USING'))
    ) {
      throw new QueryGuardError(
        'EXECUTE IMMEDIATE: the query guard reads only a string literal (a raw one if it needs escapes)',
        { rule: 'dynamic_sql' },
      );
    }
    found.push(text);
    i = j - 1;
  }
  return found;
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
 * The SQL of an `EXECUTE IMMEDIATE` string literal is checked as a statement of its own; an
 * `EXECUTE IMMEDIATE` of anything else is refused (rule `'dynamic_sql'`, see `immediateSql`). What
 * BigQuery keeps out of the statement is not read: a view, a table function or a procedure (`CALL`)
 * over a guarded table passes.
 *
 * @internal
 */
export function checkPartitionFilter(sql: string, guard: QueryGuardOptions | undefined): void {
  if (!guard) return;
  const entries = Object.entries(guard.partitionedTables);
  if (entries.length === 0) return;
  const tokens = tokenizeSql(sql);
  for (const inner of immediateSql(tokens)) checkPartitionFilter(inner, guard);
  const paths = readPaths(tokens);
  let inside: boolean[] | undefined;
  for (const [table, column] of entries) {
    const key = keyPattern(table);
    if (key === undefined) continue;
    if (!paths.some((p) => readsTable(p, key))) continue;
    inside ??= insideWhere(tokens);
    const col = column.toLowerCase();
    const filtered = paths.some((p) => namesColumn(p, col) && inside![p.tokenIndex] === true);
    if (!filtered) {
      throw new QueryGuardError(
        `Query reads partitioned table ${table} without a filter on its partition column ${column}: add a WHERE condition on ${column} (a full scan bills every partition)`,
        { rule: 'partition_filter', table },
      );
    }
  }
}
