/**
 * DDL of views and indexes: `CREATE [OR REPLACE] [MATERIALIZED] VIEW`, `DROP [MATERIALIZED] VIEW`,
 * and `CREATE / DROP SEARCH INDEX`, which the stand-in accepts and does nothing for (an index changes
 * no answer). A materialized view is a view: its rows are always those of its query, which a
 * materialized view's are too once refreshed.
 * @module
 */
import { isWord, upper } from './cursor.js';
import { quoteIdent } from './duck-text.js';
import { optionList, optionsAt } from './options.js';
import type { StatementTranslator } from './statement.js';
import type { CreateTableInfo, TranslatedStatement, ViewInfo } from './types.js';

/** `IF EXISTS` at `j`: whether present and the token after it. */
function ifExists(tr: StatementTranslator, j: number): { present: boolean; next: number } {
  if (upper(tr.t[j]) === 'IF' && tr.upperNext(j) === 'EXISTS')
    return { present: true, next: tr.next(tr.next(j)) };
  return { present: false, next: j };
}

/**
 * `CREATE [OR REPLACE] [MATERIALIZED] VIEW [IF NOT EXISTS] v [(c [OPTIONS(…)], …)] [PARTITION BY …]
 * [CLUSTER BY …] [OPTIONS(…)] AS query`; `kindAt` is the token of `VIEW` or `MATERIALIZED`.
 *
 * @internal
 */
export function createView(
  tr: StatementTranslator,
  f: number,
  kindAt: number,
  orReplace: boolean,
): TranslatedStatement {
  const materialized = upper(tr.t[kindAt]) === 'MATERIALIZED';
  const viewAt = materialized ? tr.next(kindAt) : kindAt;
  if (upper(tr.t[viewAt]) !== 'VIEW') tr.fail('Syntax error: Expected keyword VIEW', viewAt);
  if (materialized && orReplace) tr.fail('CREATE OR REPLACE MATERIALIZED VIEW is not supported', f);
  const guard = tr.ifNotExists(tr.next(viewAt));
  const name = tr.word(guard.next, tr.t.length);
  let j = tr.next(name.next - 1);
  const create: CreateTableInfo = { orReplace, ifNotExists: guard.present, options: {} };
  const view: ViewInfo = { query: '', materialized };
  let columns = '';
  if (tr.isOp(j, '(')) {
    const close = tr.matching(j);
    const names: string[] = [];
    const descriptions: Record<string, string> = {};
    for (const [s, e] of tr.splitArgs(j + 1, close)) {
      const at = tr.next(s - 1);
      if (!isWord(tr.t[at])) tr.fail('Syntax error: Expected a column name', at);
      const col = tr.t[at]!.value;
      names.push(quoteIdent(col));
      const opts = optionsAt(tr, tr.next(at));
      if (opts && typeof opts.options.description === 'string') descriptions[col] = opts.options.description;
      if (tr.next((opts?.next ?? at + 1) - 1) < e)
        tr.fail('Syntax error: Unexpected text in the column list', at);
    }
    columns = ` (${names.join(', ')})`;
    if (Object.keys(descriptions).length) view.descriptions = descriptions;
    j = tr.next(close);
  }
  while (j < tr.t.length && upper(tr.t[j]) !== 'AS') {
    const w = upper(tr.t[j]);
    if (w === 'OPTIONS' && tr.isOp(tr.next(j), '(')) {
      const open = tr.next(j);
      const close = tr.matching(open);
      create.options = optionList(tr, open + 1, close);
      j = tr.next(close);
    } else if (materialized && (w === 'PARTITION' || w === 'CLUSTER') && tr.upperNext(j) === 'BY') {
      // Partitioning and clustering of the materialized copy change no answer.
      j = tr.skipUntil(tr.next(tr.next(j)), tr.t.length, ['OPTIONS', 'AS', 'CLUSTER']);
    } else {
      tr.fail(`Syntax error: Unexpected ${tr.t[j]!.text}`, j);
    }
  }
  if (j >= tr.t.length) tr.fail('Syntax error: Expected keyword AS', f);
  const queryAt = tr.next(j);
  view.query = tr.sourceText(queryAt, tr.t.length).replace(/;\s*$/, '');
  const query = tr.emit(queryAt, tr.t.length).trim().replace(/;$/, '');
  const head = `CREATE ${orReplace ? 'OR REPLACE ' : ''}VIEW ${guard.present ? 'IF NOT EXISTS ' : ''}`;
  return tr.result(
    `${head}${name.text}${columns} AS ${query}`,
    materialized ? 'CREATE_MATERIALIZED_VIEW' : 'CREATE_VIEW',
    {
      create,
      view,
    },
  );
}

/**
 * `DROP [MATERIALIZED] VIEW [IF EXISTS] v`.
 *
 * @internal
 */
export function dropView(tr: StatementTranslator, f: number): TranslatedStatement {
  const kindAt = tr.next(f);
  const materialized = upper(tr.t[kindAt]) === 'MATERIALIZED';
  const viewAt = materialized ? tr.next(kindAt) : kindAt;
  const guard = ifExists(tr, tr.next(viewAt));
  const name = tr.word(guard.next, tr.t.length);
  const rest = tr.next(name.next - 1);
  if (rest < tr.t.length && !tr.isOp(rest, ';'))
    tr.fail(`Syntax error: Unexpected ${tr.t[rest]!.text}`, rest);
  return tr.result(
    `DROP VIEW ${guard.present ? 'IF EXISTS ' : ''}${name.text}`,
    materialized ? 'DROP_MATERIALIZED_VIEW' : 'DROP_VIEW',
    { ifExists: guard.present },
  );
}

/**
 * `CREATE SEARCH INDEX [IF NOT EXISTS] i ON t(…) [OPTIONS(…)]` / `DROP SEARCH INDEX [IF EXISTS] i ON
 * t`: the table must exist; nothing else happens.
 *
 * @internal
 */
export function searchIndex(
  tr: StatementTranslator,
  f: number,
  verb: 'CREATE' | 'DROP',
): TranslatedStatement {
  const on = tr.skipUntil(f, tr.t.length, ['ON']);
  if (on >= tr.t.length) tr.fail('Syntax error: Expected keyword ON', f);
  // Translating the table name records it, so the engine checks that it exists.
  tr.word(tr.next(on), tr.t.length);
  return tr.result('', verb === 'CREATE' ? 'CREATE_SEARCH_INDEX' : 'DROP_SEARCH_INDEX');
}
