/**
 * DDL: `CREATE TABLE` (columns, `PARTITION BY`, `CLUSTER BY`, `OPTIONS`, `AS query`, `LIKE`, `COPY`,
 * `CLONE`) and `CREATE/DROP SCHEMA` (views and indexes: ddl-views.ts; ALTER: ddl-alter.ts). What DuckDB cannot hold (partitioning, clustering,
 * options, column descriptions) is returned as {@link CreateTableInfo} for the engine's catalog.
 * @module
 */
import type { BigQueryField } from '../schema.js';
import type { SqlToken } from '../tokenize-sql.js';
import { isWord, upper } from './cursor.js';
import { createView, searchIndex } from './ddl-views.js';
import { duckSchemaName, quoteIdent } from './duck-text.js';
import { optionList, optionsAt } from './options.js';
import { parseType } from './parse-type.js';
import type { StatementTranslator } from './statement.js';
import type { CreateTableInfo, TranslatedStatement } from './types.js';

/**
 * `CREATE SCHEMA [IF NOT EXISTS] d` / `DROP SCHEMA [IF EXISTS] d [CASCADE]` (the keyword at `f`).
 *
 * @internal
 */
export function schemaStatement(
  tr: StatementTranslator,
  f: number,
  type: 'CREATE_SCHEMA' | 'DROP_SCHEMA',
): TranslatedStatement {
  let j = tr.next(tr.next(f));
  let ifExists = false;
  let ifNotExists = false;
  if (upper(tr.t[j]) === 'IF') {
    j = tr.next(j);
    if (upper(tr.t[j]) === 'NOT') {
      ifNotExists = true;
      j = tr.next(j);
    } else ifExists = true;
    j = tr.next(j);
  }
  if (!isWord(tr.t[j])) tr.fail('Syntax error: Expected a dataset name', j);
  const { parts, next } = tr.readPath(j, true);
  if (parts.length > 2) tr.fail(`Invalid dataset name: ${parts.join('.')}`, j);
  const projectId = parts.length === 2 ? parts[0]! : tr.options.projectId;
  const datasetId = parts[parts.length - 1]!;
  const cascade = tr.upperNext(next - 1) === 'CASCADE';
  // `CREATE SCHEMA d OPTIONS (location = '…', description = '…')`: what the catalog records of it.
  const options = type === 'CREATE_SCHEMA' ? optionsAt(tr, tr.next(next - 1))?.options : undefined;
  const name = duckSchemaName(projectId, datasetId);
  const sql =
    type === 'CREATE_SCHEMA'
      ? `CREATE SCHEMA ${ifNotExists ? 'IF NOT EXISTS ' : ''}${name}`
      : `DROP SCHEMA ${ifExists ? 'IF EXISTS ' : ''}${name}${cascade ? ' CASCADE' : ''}`;
  return {
    sql,
    source: tr.sql,
    statementType: type,
    tables: [],
    namedParameters: [],
    positionalCount: 0,
    schema: { projectId, datasetId, ifExists, ifNotExists, cascade, ...(options ? { options } : {}) },
  };
}

/**
 * `CREATE [OR REPLACE] TABLE [IF NOT EXISTS] t (cols) PARTITION BY … CLUSTER BY … OPTIONS(…) [AS query]`,
 * or `CREATE SCHEMA`.
 *
 * @internal
 */
export function createStatement(tr: StatementTranslator, f: number): TranslatedStatement {
  let j = tr.next(f);
  let orReplace = false;
  if (upper(tr.t[j]) === 'OR') {
    j = tr.next(tr.next(j));
    orReplace = true;
  }
  const kind = upper(tr.t[j]);
  // Named as written: a TEMP FUNCTION is not a TEMP TABLE, a TABLE FUNCTION not a table.
  if (kind === 'TEMP' || kind === 'TEMPORARY') tr.unsupported(`CREATE TEMP ${tr.upperNext(j)}`, j);
  if (kind === 'TABLE' && tr.upperNext(j) === 'FUNCTION') tr.unsupported('CREATE TABLE FUNCTION', j);
  if (kind === 'SCHEMA') return schemaStatement(tr, f, 'CREATE_SCHEMA');
  if (kind === 'VIEW' || kind === 'MATERIALIZED') return createView(tr, f, j, orReplace);
  if (kind === 'SEARCH' && tr.upperNext(j) === 'INDEX') return searchIndex(tr, f, 'CREATE');
  if (kind !== 'TABLE') tr.unsupported(`CREATE ${kind}${tr.upperNext(j) === 'INDEX' ? ' INDEX' : ''}`, j);
  const guard = tr.ifNotExists(tr.next(j));
  const ifNotExists = guard.present;
  const nameText = tr.word(guard.next, tr.t.length);
  j = tr.next(nameText.next - 1);
  const info: CreateTableInfo = { orReplace, ifNotExists, options: {} };
  let columnsSql: string | undefined;
  if (tr.isOp(j, '(')) {
    const close = tr.matching(j);
    const { sql, fields } = columns(tr, j + 1, close);
    columnsSql = sql;
    info.columns = fields;
    j = tr.next(close);
  }
  let asQuery: string | undefined;
  while (j < tr.t.length) {
    const w = upper(tr.t[j]);
    if (w === 'PARTITION' && tr.upperNext(j) === 'BY') {
      const startExpr = tr.next(tr.next(j));
      const k = tr.skipUntil(startExpr, tr.t.length, ['CLUSTER', 'OPTIONS', 'AS']);
      partition(tr, startExpr, k, info);
      j = k;
    } else if (w === 'CLUSTER' && tr.upperNext(j) === 'BY') {
      let k = tr.next(tr.next(j));
      const fields: string[] = [];
      while (k < tr.t.length && isWord(tr.t[k]) && !['OPTIONS', 'AS'].includes(upper(tr.t[k]))) {
        fields.push(tr.t[k]!.value);
        k = tr.next(k);
        if (tr.isOp(k, ',')) k = tr.next(k);
      }
      info.clustering = { fields };
      j = k;
    } else if (w === 'OPTIONS' && tr.isOp(tr.next(j), '(')) {
      const open = tr.next(j);
      const close = tr.matching(open);
      info.options = optionList(tr, open + 1, close);
      j = tr.next(close);
    } else if (w === 'DEFAULT' && tr.upperNext(j) === 'COLLATE') {
      j = tr.next(tr.next(tr.next(j)));
    } else if (w === 'AS') {
      asQuery = tr.emit(tr.next(j), tr.t.length).trim();
      j = tr.t.length;
    } else if (w === 'LIKE' || w === 'COPY' || w === 'CLONE') {
      // The engine writes the DDL from the source table's schema (and copies its rows for COPY / CLONE).
      const src = tr.next(j);
      const { parts, next } = tr.readPath(src, true);
      info.source = { ...tr.resolveTable(parts, src), rows: w !== 'LIKE' };
      tr.word(src, tr.t.length);
      j = tr.next(next - 1);
      if (upper(tr.t[j]) === 'FOR') tr.unsupported(`CREATE TABLE ... ${w} ... FOR SYSTEM_TIME AS OF`, j);
    } else if (tr.isOp(j, ';')) {
      j = tr.next(j);
    } else {
      tr.fail(`Syntax error: Unexpected ${tr.t[j]!.text}`, j);
    }
  }
  if (info.source) {
    if (columnsSql !== undefined || asQuery !== undefined)
      tr.fail('Syntax error: LIKE / COPY with a column list or AS query', f);
    return tr.result('', 'CREATE_TABLE', { create: info });
  }
  if (columnsSql === undefined && asQuery === undefined) {
    tr.fail('Syntax error: CREATE TABLE needs a column list or AS query', f);
  }
  if (columnsSql && asQuery !== undefined) tr.fail('Column list with AS query is not supported', f);
  const head = `CREATE ${orReplace ? 'OR REPLACE ' : ''}TABLE ${ifNotExists ? 'IF NOT EXISTS ' : ''}${nameText.text}`;
  const sql =
    asQuery !== undefined
      ? `${head}${columnsSql ? ` (${columnsSql})` : ''} AS ${asQuery}`
      : `${head} (${columnsSql})`;
  return tr.result(sql, asQuery !== undefined ? 'CREATE_TABLE_AS_SELECT' : 'CREATE_TABLE', { create: info });
}

/** A column list: DuckDB column definitions and the BigQuery fields (modes, descriptions). */
function columns(
  tr: StatementTranslator,
  start: number,
  end: number,
): { sql: string; fields: BigQueryField[] } {
  const fields: BigQueryField[] = [];
  const parts: string[] = [];
  for (const [s, e] of tr.splitArgs(start, end)) {
    const nameIdx = tr.next(s - 1);
    // A trailing comma after the last column.
    if (nameIdx >= e) continue;
    const nameTok = tr.t[nameIdx]!;
    const w = upper(nameTok);
    if (w === 'PRIMARY' || w === 'FOREIGN' || w === 'CONSTRAINT') continue;
    const type = parseType(tr, tr.next(nameIdx));
    const field: BigQueryField = { ...type.field, name: nameTok.value };
    let sql = `${quoteIdent(nameTok.value)} ${type.duck}`;
    let k = tr.next(type.next - 1);
    while (k < e) {
      const kw = upper(tr.t[k]);
      if (kw === 'NOT' && tr.upperNext(k) === 'NULL') {
        if (field.mode === 'REPEATED') tr.fail('NOT NULL cannot be applied to ARRAY columns', k);
        field.mode = 'REQUIRED';
        sql += ' NOT NULL';
        k = tr.next(tr.next(k));
      } else if (kw === 'OPTIONS' && tr.isOp(tr.next(k), '(')) {
        const close = tr.matching(tr.next(k));
        const opts = optionList(tr, tr.next(k) + 1, close);
        if (typeof opts.description === 'string') field.description = opts.description;
        k = tr.next(close);
      } else if (kw === 'DEFAULT') {
        const from = tr.next(k);
        const m = tr.skipUntil(from, e, ['OPTIONS', 'NOT']);
        sql += ` DEFAULT ${tr.emit(from, m).trim()}`;
        k = m;
      } else if (kw === 'PRIMARY') {
        k = e;
      } else {
        tr.fail(`Syntax error: Unexpected ${tr.t[k]!.text}`, k);
      }
    }
    fields.push(field);
    parts.push(sql);
  }
  return { sql: parts.join(', '), fields };
}

/** Reads the partitioning BigQuery would derive from a `PARTITION BY` expression in [start, end). */
function partition(tr: StatementTranslator, start: number, end: number, info: CreateTableInfo): void {
  info.partitionExpression = tr.sourceText(start, end);
  const sig: SqlToken[] = [];
  for (let k = start; k < end; k = tr.next(k)) sig.push(tr.t[k]!);
  const words = sig.map((s) => upper(s));
  // `_PARTITIONTIME` / `_PARTITIONDATE` mean ingestion-time partitioning: no field.
  const timePartitioning = (type: string, tok: SqlToken | undefined) => {
    const name = tok?.value ?? '';
    return name && !name.toUpperCase().startsWith('_PARTITION') ? { type, field: name } : { type };
  };
  if (sig.length === 1) {
    info.timePartitioning = timePartitioning('DAY', sig[0]);
  } else if (words[0] === 'DATE' && sig.length === 4) {
    info.timePartitioning = timePartitioning('DAY', sig[2]);
  } else if (['TIMESTAMP_TRUNC', 'DATE_TRUNC', 'DATETIME_TRUNC'].includes(words[0]!) && sig.length === 6) {
    info.timePartitioning = timePartitioning(upper(sig[4]), sig[2]);
  } else if (words[0] === 'RANGE_BUCKET') {
    const nums = sig.filter((s) => s.kind === 'number').map((s) => s.text);
    if (nums.length === 3) {
      info.rangePartitioning = {
        field: sig[2]!.value,
        range: { start: nums[0]!, end: nums[1]!, interval: nums[2]! },
      };
    }
  }
}
