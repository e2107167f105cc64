/**
 * ALTER statements, applied action by action as BigQuery applies them: to DuckDB where the data
 * changes (columns added, dropped, renamed, retyped, defaults) and to the catalog (modes,
 * descriptions, options), with BigQuery's refusals (a REQUIRED column added, a narrowing type change,
 * a missing or duplicate column).
 * @module
 */
import { datasetNotFound, StandInHttpError, tableNotFound } from '../http-errors.js';
import type { BigQueryField } from '../schema.js';
import { duckTableName, quoteIdent } from '../translate/duck-text.js';
import type { AlterAction, TranslatedStatement } from '../translate/types.js';
import { typeParameters, widensParameters } from '../type-parameters.js';
import { catalogKey } from './catalog.js';
import { googleSqlType } from './information-schema.js';
import type { EngineContext, TableMeta } from './types.js';

function invalid(message: string): StandInHttpError {
  return new StandInHttpError(400, 'invalidQuery', message);
}

/** The type changes `ALTER COLUMN … SET DATA TYPE` allows (a type to the types it widens to). */
const WIDENINGS: Record<string, readonly string[]> = {
  INTEGER: ['NUMERIC', 'BIGNUMERIC', 'FLOAT'],
  NUMERIC: ['BIGNUMERIC', 'FLOAT'],
};

/**
 * Table options as table resource fields (`description`, `friendlyName`, …); the options themselves
 * are kept under `options`.
 *
 * @internal
 */
export function applyTableOptions(resource: Record<string, unknown>, options: Record<string, unknown>): void {
  const fields: Record<string, string> = {
    description: 'description',
    friendly_name: 'friendlyName',
    require_partition_filter: 'requirePartitionFilter',
  };
  for (const [name, value] of Object.entries(options)) {
    const field = fields[name];
    if (field) {
      if (value === null) delete resource[field];
      else resource[field] = value;
    }
  }
  resource.options = { ...((resource.options as Record<string, unknown> | undefined) ?? {}), ...options };
}

/** Gives a column the type parameters of `next` (none when it has none). */
function setParameters(field: BigQueryField, next: BigQueryField): void {
  for (const key of ['maxLength', 'precision', 'scale', 'roundingMode'] as const) {
    if (next[key] === undefined) delete field[key];
    else field[key] = next[key];
  }
}

function columnIndex(meta: TableMeta, name: string): number {
  return meta.schema.findIndex((f) => f.name.toLowerCase() === name.toLowerCase());
}

/** The column an action names, or `undefined` when it is missing and the action says IF EXISTS. */
function column(meta: TableMeta, name: string, ifExists: boolean): BigQueryField | undefined {
  const i = columnIndex(meta, name);
  if (i < 0 && !ifExists)
    throw invalid(`Column not found: ${name} in table ${meta.datasetId}.${meta.tableId}`);
  return i < 0 ? undefined : meta.schema[i];
}

async function applyTableAction(ctx: EngineContext, meta: TableMeta, a: AlterAction): Promise<void> {
  const table = duckTableName(meta);
  const run = (sql: string) => ctx.conn.run(`ALTER TABLE ${table} ${sql}`);
  switch (a.kind) {
    case 'addColumn': {
      if (columnIndex(meta, a.field.name) >= 0) {
        if (a.ifNotExists) return;
        throw invalid(`Column already exists: ${a.field.name}`);
      }
      await run(`ADD COLUMN ${quoteIdent(a.field.name)} ${a.duckType}`);
      meta.schema.push(a.field);
      return;
    }
    case 'dropColumn': {
      const f = column(meta, a.column, a.ifExists);
      if (!f) return;
      const partitioning = [meta.resource.timePartitioning, meta.resource.rangePartitioning]
        .map((p) => (p as { field?: string } | undefined)?.field?.toLowerCase())
        .filter(Boolean);
      const clustering = ((meta.resource.clustering as { fields?: string[] } | undefined)?.fields ?? []).map(
        (c) => c.toLowerCase(),
      );
      if (partitioning.includes(f.name.toLowerCase()) || clustering.includes(f.name.toLowerCase())) {
        throw invalid(`Cannot drop the partitioning or clustering column ${f.name}`);
      }
      await run(`DROP COLUMN ${quoteIdent(f.name)}`);
      meta.schema.splice(columnIndex(meta, f.name), 1);
      return;
    }
    case 'renameColumn': {
      const f = column(meta, a.column, a.ifExists);
      if (!f) return;
      if (columnIndex(meta, a.to) >= 0) throw invalid(`Column already exists: ${a.to}`);
      await run(`RENAME COLUMN ${quoteIdent(f.name)} TO ${quoteIdent(a.to)}`);
      f.name = a.to;
      return;
    }
    case 'renameTable': {
      const to = { projectId: meta.projectId, datasetId: meta.datasetId, tableId: a.to };
      if (ctx.catalog.hasTable(to)) {
        throw new StandInHttpError(
          409,
          'duplicate',
          `Already Exists: Table ${meta.projectId}:${meta.datasetId}.${a.to}`,
        );
      }
      await run(`RENAME TO ${quoteIdent(a.to)}`);
      ctx.catalog.tables.delete(catalogKey(meta.projectId, meta.datasetId, meta.tableId));
      meta.tableId = a.to;
      ctx.catalog.tables.set(catalogKey(meta.projectId, meta.datasetId, a.to), meta);
      return;
    }
    case 'setOptions':
      applyTableOptions(meta.resource, a.options);
      return;
    case 'columnOptions': {
      const f = column(meta, a.column, a.ifExists);
      if (f && 'description' in a.options) {
        if (typeof a.options.description === 'string') f.description = a.options.description;
        else delete f.description;
      }
      return;
    }
    case 'dropNotNull': {
      const f = column(meta, a.column, a.ifExists);
      if (f?.mode !== 'REQUIRED') return;
      await run(`ALTER COLUMN ${quoteIdent(f.name)} DROP NOT NULL`);
      f.mode = 'NULLABLE';
      return;
    }
    case 'setDataType': {
      const f = column(meta, a.column, a.ifExists);
      if (!f) return;
      if (
        f.mode === 'REPEATED' ||
        f.type === 'RECORD' ||
        a.field.mode === 'REPEATED' ||
        a.field.type === 'RECORD'
      ) {
        throw invalid('Unsupported by the BigQuery stand-in: SET DATA TYPE of ARRAY or STRUCT columns');
      }
      if (f.type === a.field.type && !widensParameters(f, a.field)) {
        throw invalid(
          `ALTER TABLE ALTER COLUMN SET DATA TYPE requires that the existing column type (${googleSqlType(f)}) is assignable to the new type (${googleSqlType(a.field)})`,
        );
      }
      if (f.type === a.field.type) {
        setParameters(f, a.field);
        return;
      }
      if (typeParameters(f) || typeParameters(a.field)) {
        throw invalid(
          'Unsupported by the BigQuery stand-in: SET DATA TYPE to another type with type parameters on either side',
        );
      }
      if (!WIDENINGS[f.type]?.includes(a.field.type)) {
        throw invalid(
          `ALTER TABLE ALTER COLUMN SET DATA TYPE requires that the existing column type (${f.type}) is assignable to the new type (${a.field.type})`,
        );
      }
      await run(`ALTER COLUMN ${quoteIdent(f.name)} SET DATA TYPE ${a.duckType}`);
      f.type = a.field.type;
      setParameters(f, a.field);
      return;
    }
    case 'setDefault': {
      const f = column(meta, a.column, a.ifExists);
      if (!f) return;
      await run(`ALTER COLUMN ${quoteIdent(f.name)} SET DEFAULT ${a.duckExpression}`);
      f.defaultValueExpression = a.expression;
      return;
    }
    case 'dropDefault': {
      const f = column(meta, a.column, a.ifExists);
      if (!f) return;
      await run(`ALTER COLUMN ${quoteIdent(f.name)} DROP DEFAULT`);
      delete f.defaultValueExpression;
      return;
    }
  }
}

const ALTERED_TYPE: Record<string, string | undefined> = {
  ALTER_TABLE: undefined,
  ALTER_VIEW: 'VIEW',
  ALTER_MATERIALIZED_VIEW: 'MATERIALIZED_VIEW',
};

/**
 * Applies an `ALTER TABLE / VIEW / MATERIALIZED VIEW / SCHEMA` statement.
 *
 * @internal
 */
export async function applyAlter(ctx: EngineContext, stmt: TranslatedStatement): Promise<void> {
  const { catalog } = ctx;
  if (stmt.statementType === 'ALTER_SCHEMA') {
    const s = stmt.schema!;
    const ds = catalog.datasets.get(catalogKey(s.projectId, s.datasetId));
    if (!ds) {
      if (stmt.ifExists) return;
      throw datasetNotFound(s.projectId, s.datasetId, catalog.location);
    }
    for (const a of stmt.alter ?? []) if (a.kind === 'setOptions') applyTableOptions(ds.resource, a.options);
    ds.lastModifiedTime = Date.now();
    return;
  }
  const t = stmt.tables[0]!;
  const meta = catalog.findTable(t);
  if (!meta) {
    if (stmt.ifExists) return;
    throw tableNotFound(t.projectId, t.datasetId, t.tableId, catalog.location);
  }
  const wanted = ALTERED_TYPE[stmt.statementType];
  const actual = typeof meta.resource.type === 'string' ? meta.resource.type : undefined;
  if (wanted !== actual && !(wanted === undefined && actual === 'TABLE')) {
    throw invalid(
      `${t.datasetId}.${t.tableId} is not a ${(wanted ?? 'TABLE').replace('_', ' ').toLowerCase()}`,
    );
  }
  // All actions or none, as in BigQuery: DuckDB's changes roll back, the catalog's are restored.
  const before = structuredClone({ schema: meta.schema, resource: meta.resource, tableId: meta.tableId });
  await ctx.conn.run('BEGIN TRANSACTION');
  try {
    for (const a of stmt.alter ?? []) await applyTableAction(ctx, meta, a);
    await ctx.conn.run('COMMIT');
  } catch (err) {
    await ctx.conn.run('ROLLBACK');
    catalog.tables.delete(catalogKey(meta.projectId, meta.datasetId, meta.tableId));
    Object.assign(meta, before);
    catalog.tables.set(catalogKey(meta.projectId, meta.datasetId, meta.tableId), meta);
    throw err;
  }
  meta.lastModifiedTime = Date.now();
}
