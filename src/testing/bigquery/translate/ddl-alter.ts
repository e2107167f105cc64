/**
 * `ALTER TABLE` with its comma-separated actions, `ALTER [MATERIALIZED] VIEW … SET OPTIONS` and
 * `ALTER SCHEMA … SET OPTIONS`. The statement's actions are applied by the engine (which checks them
 * against the table as BigQuery does), not as DuckDB SQL.
 * @module
 */
import { isWord, upper } from './cursor.js';
import { optionsAt } from './options.js';
import { parseType } from './parse-type.js';
import type { StatementTranslator } from './statement.js';
import type { AlterAction, StatementType, TranslatedStatement } from './types.js';

/** `IF EXISTS` / `IF NOT EXISTS` at `j`. */
function guardAt(tr: StatementTranslator, j: number, not: boolean): { present: boolean; next: number } {
  if (upper(tr.t[j]) !== 'IF') return { present: false, next: j };
  const words = not ? ['NOT', 'EXISTS'] : ['EXISTS'];
  let k = tr.next(j);
  for (const w of words) {
    if (upper(tr.t[k]) !== w) tr.fail(`Syntax error: Expected keyword ${w}`, k);
    k = tr.next(k);
  }
  return { present: true, next: k };
}

/** The column name at `j`. */
function columnName(tr: StatementTranslator, j: number): string {
  if (!isWord(tr.t[j])) tr.fail('Syntax error: Expected a column name', j);
  return tr.t[j]!.value;
}

/** One `ADD COLUMN …` at `j` (the token after `COLUMN`), ending before `end`. */
function addColumn(tr: StatementTranslator, j: number, end: number): AlterAction {
  const guard = guardAt(tr, j, true);
  const name = columnName(tr, guard.next);
  const type = parseType(tr, tr.next(guard.next));
  const field = { ...type.field, name };
  let k = tr.next(type.next - 1);
  while (k < end) {
    if (upper(tr.t[k]) === 'NOT' && tr.upperNext(k) === 'NULL') {
      tr.fail(`Cannot add a REQUIRED column ${name} to an existing table`, k);
    }
    const opts = optionsAt(tr, k);
    if (opts) {
      if (typeof opts.options.description === 'string') field.description = opts.options.description;
      k = tr.next(opts.next - 1);
      continue;
    }
    if (upper(tr.t[k]) === 'DEFAULT') tr.unsupported('ALTER TABLE ... ADD COLUMN ... DEFAULT', k);
    tr.fail(`Syntax error: Unexpected ${tr.t[k]!.text}`, k);
  }
  return { kind: 'addColumn', field, duckType: type.duck, ifNotExists: guard.present };
}

/** One `ALTER COLUMN [IF EXISTS] c …` at `j` (the token after `COLUMN`). */
function alterColumn(tr: StatementTranslator, j: number, end: number): AlterAction {
  const guard = guardAt(tr, j, false);
  const column = columnName(tr, guard.next);
  const ifExists = guard.present;
  const k = tr.next(guard.next);
  const w = upper(tr.t[k]);
  const w2 = tr.upperNext(k);
  const after = tr.next(tr.next(k));
  if (w === 'SET' && w2 === 'OPTIONS') {
    const opts = optionsAt(tr, tr.next(k))!;
    return { kind: 'columnOptions', column, options: opts.options, ifExists };
  }
  if (w === 'DROP' && w2 === 'NOT' && upper(tr.t[after]) === 'NULL')
    return { kind: 'dropNotNull', column, ifExists };
  if (w === 'DROP' && w2 === 'DEFAULT') return { kind: 'dropDefault', column, ifExists };
  if (w === 'SET' && w2 === 'DATA' && upper(tr.t[after]) === 'TYPE') {
    const type = parseType(tr, tr.next(after));
    return {
      kind: 'setDataType',
      column,
      field: { ...type.field, name: column },
      duckType: type.duck,
      ifExists,
    };
  }
  if (w === 'SET' && w2 === 'DEFAULT') {
    return {
      kind: 'setDefault',
      column,
      expression: tr.sourceText(after, end),
      duckExpression: tr.emit(after, end).trim(),
      ifExists,
    };
  }
  tr.unsupported(`ALTER TABLE ... ALTER COLUMN ... ${w} ${w2}`, k);
}

/** One action of `ALTER TABLE`, in the token range [s, e). */
function tableAction(tr: StatementTranslator, s: number, e: number): AlterAction | undefined {
  const k = tr.next(s - 1);
  const w = upper(tr.t[k]);
  const w2 = tr.upperNext(k);
  const after = tr.next(tr.next(k));
  if (w === 'ADD' && w2 === 'COLUMN') return addColumn(tr, after, e);
  if (w === 'DROP' && w2 === 'COLUMN') {
    const guard = guardAt(tr, after, false);
    return { kind: 'dropColumn', column: columnName(tr, guard.next), ifExists: guard.present };
  }
  if (w === 'RENAME' && w2 === 'COLUMN') {
    const guard = guardAt(tr, after, false);
    const to = tr.next(guard.next);
    if (upper(tr.t[to]) !== 'TO') tr.fail('Syntax error: Expected keyword TO', to);
    return {
      kind: 'renameColumn',
      column: columnName(tr, guard.next),
      to: columnName(tr, tr.next(to)),
      ifExists: guard.present,
    };
  }
  if (w === 'RENAME' && w2 === 'TO') {
    const name = tr.readPath(after, true).parts;
    if (name.length !== 1) tr.fail('ALTER TABLE ... RENAME TO takes a table name without its dataset', after);
    return { kind: 'renameTable', to: name[0]! };
  }
  if (w === 'SET' && w2 === 'OPTIONS')
    return { kind: 'setOptions', options: optionsAt(tr, tr.next(k))!.options };
  if (w === 'ALTER' && w2 === 'COLUMN') return alterColumn(tr, after, e);
  // Primary and foreign keys are NOT ENFORCED metadata in BigQuery: they change no answer.
  if ((w === 'ADD' || w === 'DROP') && ['PRIMARY', 'CONSTRAINT', 'FOREIGN'].includes(w2)) return undefined;
  tr.unsupported(`ALTER TABLE ... ${w}${w2 ? ` ${w2}` : ''}`, k);
}

/**
 * `ALTER TABLE [IF EXISTS] t action, …`, `ALTER [MATERIALIZED] VIEW [IF EXISTS] v SET OPTIONS(…)`,
 * `ALTER SCHEMA [IF EXISTS] d SET OPTIONS(…)`.
 *
 * @internal
 */
export function alterStatement(tr: StatementTranslator, f: number): TranslatedStatement {
  const kindAt = tr.next(f);
  const kind = upper(tr.t[kindAt]);
  if (kind === 'SCHEMA') return alterSchema(tr, kindAt);
  const materialized = kind === 'MATERIALIZED';
  if (kind !== 'TABLE' && kind !== 'VIEW' && !materialized) tr.unsupported(`ALTER ${kind}`, kindAt);
  const objectAt = materialized ? tr.next(kindAt) : kindAt;
  const guard = guardAt(tr, tr.next(objectAt), false);
  const name = tr.word(guard.next, tr.t.length);
  const actions: AlterAction[] = [];
  for (const [s, e] of tr.splitArgs(tr.next(name.next - 1), trimmedEnd(tr))) {
    if (kind !== 'TABLE') {
      const k = tr.next(s - 1);
      if (upper(tr.t[k]) !== 'SET' || tr.upperNext(k) !== 'OPTIONS')
        tr.unsupported(`ALTER ${kind} ... ${upper(tr.t[k])}`, k);
    }
    const action = tableAction(tr, s, e);
    if (action) actions.push(action);
  }
  const type: StatementType =
    kind === 'TABLE' ? 'ALTER_TABLE' : materialized ? 'ALTER_MATERIALIZED_VIEW' : 'ALTER_VIEW';
  return tr.result('', type, { alter: actions, ifExists: guard.present });
}

/** The end of the statement without a trailing `;`. */
function trimmedEnd(tr: StatementTranslator): number {
  let end = tr.t.length;
  while (
    end > 0 &&
    (tr.t[end - 1]!.kind === 'ws' || tr.t[end - 1]!.kind === 'comment' || tr.isOp(end - 1, ';'))
  )
    end--;
  return end;
}

/** `ALTER SCHEMA [IF EXISTS] d SET OPTIONS(…)`. */
function alterSchema(tr: StatementTranslator, schemaAt: number): TranslatedStatement {
  const guard = guardAt(tr, tr.next(schemaAt), false);
  const { parts, next } = tr.readPath(guard.next, true);
  if (parts.length > 2) tr.fail(`Invalid dataset name: ${parts.join('.')}`, guard.next);
  const projectId = parts.length === 2 ? parts[0]! : tr.options.projectId;
  const datasetId = parts[parts.length - 1]!;
  const k = tr.next(next - 1);
  if (upper(tr.t[k]) !== 'SET' || tr.upperNext(k) !== 'OPTIONS') {
    tr.unsupported(`ALTER SCHEMA ... ${upper(tr.t[k])} ${tr.upperNext(k)}`, k);
  }
  const opts = optionsAt(tr, tr.next(k))!;
  return tr.result('', 'ALTER_SCHEMA', {
    alter: [{ kind: 'setOptions', options: opts.options }],
    ifExists: guard.present,
    schema: { projectId, datasetId, ifExists: guard.present, ifNotExists: false, cascade: false },
  });
}
