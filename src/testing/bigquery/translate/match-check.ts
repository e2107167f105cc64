/**
 * BigQuery refuses an `UPDATE … FROM` or a `MERGE` in which one target row matches several source
 * rows and would be changed ("UPDATE/MERGE must match at most one source row for each target row");
 * DuckDB silently applies one of them. The translator writes a query that finds such a target row
 * (the statement's own target, source and conditions, grouped by the target's `rowid`); the engine
 * runs it first and refuses the statement when it returns a row.
 * @module
 */
import { upper } from './cursor.js';
import { quoteIdent } from './duck-text.js';
import type { StatementTranslator } from './statement.js';

/** The error BigQuery raises, word for word. */
export const MULTIPLE_MATCH_MESSAGE = 'UPDATE/MERGE must match at most one source row for each target row';

/** Index of the first top-level token in `[from, end)` that is one of `words`, or `end`. */
function topLevel(tr: StatementTranslator, from: number, end: number, words: readonly string[]): number {
  for (let k = from; k < end; k = tr.next(k)) {
    if (tr.isOp(k, '(')) {
      k = tr.matching(k);
      continue;
    }
    if (words.includes(upper(tr.t[k]))) return k;
  }
  return end;
}

/** How the check query names the target: its alias, else its table name. */
function targetReference(tr: StatementTranslator, start: number, end: number): string {
  const { parts, next } = tr.readPath(start, true);
  let k = tr.next(next - 1);
  if (upper(tr.t[k]) === 'AS') k = tr.next(k);
  const alias = k < end ? tr.t[k] : undefined;
  if (alias && (alias.kind === 'ident' || alias.kind === 'quoted')) return quoteIdent(alias.value);
  return quoteIdent(parts[parts.length - 1]!);
}

/**
 * The check query for the statement starting at `f` (`UPDATE` with a top-level `FROM`, or `MERGE`
 * with a `WHEN MATCHED` clause), or `undefined` when the statement cannot match a row twice. Called
 * after the statement itself was emitted; the tables the check names are not recorded again.
 *
 * @internal
 */
export function multipleMatchCheck(tr: StatementTranslator, f: number): string | undefined {
  const end = tr.t.length;
  const recorded = tr.tables.length;
  try {
    const kind = upper(tr.t[f]);
    let targetStart = tr.next(f);
    if (kind === 'MERGE') {
      if (upper(tr.t[targetStart]) === 'INTO') targetStart = tr.next(targetStart);
      const usingAt = topLevel(tr, targetStart, end, ['USING']);
      const onAt = topLevel(tr, usingAt, end, ['ON']);
      const firstWhen = topLevel(tr, onAt, end, ['WHEN']);
      if (firstWhen === end) return undefined;
      const conditions: string[] = [];
      for (let k = firstWhen; k < end; k = topLevel(tr, tr.next(k), end, ['WHEN'])) {
        if (tr.upperNext(k) !== 'MATCHED') continue;
        const afterMatched = tr.next(tr.next(k));
        const thenAt = topLevel(tr, afterMatched, end, ['THEN']);
        conditions.push(
          upper(tr.t[afterMatched]) === 'AND' ? `(${tr.emit(tr.next(afterMatched), thenAt).trim()})` : 'TRUE',
        );
      }
      if (conditions.length === 0) return undefined;
      const ref = targetReference(tr, targetStart, usingAt);
      return (
        `SELECT 1 FROM ${tr.emit(targetStart, usingAt).trim()} JOIN ${tr.emit(tr.next(usingAt), onAt).trim()}` +
        ` ON ${tr.emit(tr.next(onAt), firstWhen).trim()} WHERE ${conditions.join(' OR ')}` +
        ` GROUP BY ${ref}.rowid HAVING COUNT(*) > 1 LIMIT 1`
      );
    }
    const setAt = topLevel(tr, targetStart, end, ['SET']);
    const fromAt = topLevel(tr, setAt, end, ['FROM']);
    if (fromAt === end) return undefined;
    const whereAt = topLevel(tr, fromAt, end, ['WHERE']);
    const ref = targetReference(tr, targetStart, setAt);
    return (
      `SELECT 1 FROM ${tr.emit(targetStart, setAt).trim()}, ${tr.emit(tr.next(fromAt), whereAt).trim()}` +
      ` WHERE ${whereAt < end ? tr.emit(tr.next(whereAt), end).trim() : 'TRUE'}` +
      ` GROUP BY ${ref}.rowid HAVING COUNT(*) > 1 LIMIT 1`
    );
  } finally {
    tr.tables.length = recorded;
  }
}
