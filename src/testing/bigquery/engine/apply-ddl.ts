/**
 * After a DDL statement ran in DuckDB: the catalog follows (datasets, tables, schemas read back
 * from DuckDB with their NOT NULL modes, partitioning and options from the statement).
 * @module
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { StandInHttpError, tableNotFound } from '../http-errors.js';
import { type BigQueryField, duckColumnsDdl, fieldOfDuckType, normalizeSchema } from '../schema.js';
import { duckTableName } from '../translate/duck-text.js';
import type { TranslatedStatement } from '../translate/types.js';
import { applyAlter, applyTableOptions } from './alter-table.js';
import { tableResourceFromDdl } from './catalog.js';
import type { EngineContext, TableMeta } from './types.js';

/** Schema of a DuckDB table as BigQuery fields (modes from NOT NULL). */
async function duckSchema(
  conn: DuckDBConnection,
  ref: {
    projectId: string;
    datasetId: string;
    tableId: string;
  },
): Promise<BigQueryField[]> {
  const reader = await conn.runAndReadAll(`SELECT * FROM ${duckTableName(ref)} LIMIT 0`);
  const nullable = await conn.runAndReadAll(
    'SELECT column_name, is_nullable FROM information_schema.columns WHERE table_schema = $s AND table_name = $t',
    { s: `${ref.projectId}.${ref.datasetId}`, t: ref.tableId },
  );
  const notNull = new Set(
    nullable
      .getRows()
      .filter((r) => r[1] === 'NO')
      .map((r) => String(r[0])),
  );
  const types = reader.columnTypes();
  return reader.columnNames().map((n, i) => fieldOfDuckType(n, types[i]!, notNull.has(n)));
}

/** What `CREATE TABLE … LIKE / COPY` takes from the source table besides its schema. */
function copiedResource(source: TableMeta): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of ['timePartitioning', 'rangePartitioning', 'clustering'] as const) {
    if (source.resource[key] !== undefined) out[key] = structuredClone(source.resource[key]);
  }
  return out;
}

/**
 * The DuckDB statements of `CREATE TABLE t LIKE / COPY / CLONE s`: the columns of the source's
 * schema (with its NOT NULL modes), and its rows for COPY and CLONE.
 *
 * @internal
 */
export function copyTableSql(ctx: EngineContext, stmt: TranslatedStatement): string[] {
  const create = stmt.create!;
  const src = ctx.catalog.findTable(create.source!);
  const t = stmt.tables[0]!;
  if (!src) throw tableNotFound(create.source!.projectId, create.source!.datasetId, create.source!.tableId);
  if (src.resource.type === 'VIEW' || src.resource.type === 'MATERIALIZED_VIEW') {
    throw new StandInHttpError(400, 'invalidQuery', `${src.datasetId}.${src.tableId} is a view, not a table`);
  }
  const head = `CREATE ${create.orReplace ? 'OR REPLACE ' : ''}TABLE ${create.ifNotExists ? 'IF NOT EXISTS ' : ''}`;
  const sql = [`${head}${duckTableName(t)} (${duckColumnsDdl(src.schema)})`];
  if (create.source!.rows) sql.push(`INSERT INTO ${duckTableName(t)} SELECT * FROM ${duckTableName(src)}`);
  return sql;
}

/**
 * Records in the catalog what a DDL statement did in DuckDB.
 *
 * @internal
 */
export async function applyDdlToCatalog(
  ctx: EngineContext,
  stmt: TranslatedStatement,
  jobLocation?: string,
): Promise<void> {
  const { catalog } = ctx;
  const t = stmt.tables[0];
  switch (stmt.statementType) {
    case 'CREATE_SCHEMA': {
      const s = stmt.schema!;
      if (catalog.hasDataset(s.projectId, s.datasetId)) return;
      // BigQuery creates the dataset in its `location` option, else where the query job runs.
      const { location, ...options } = s.options ?? {};
      const where = typeof location === 'string' ? location : jobLocation;
      const ds = catalog.recordDataset(
        s.projectId,
        s.datasetId,
        where === undefined ? {} : { location: where },
      );
      if (Object.keys(options).length > 0) applyTableOptions(ds.resource, options);
      return;
    }
    case 'DROP_SCHEMA': {
      const s = stmt.schema!;
      catalog.forgetDataset(s.projectId, s.datasetId);
      return;
    }
    case 'DROP_TABLE':
      if (t) catalog.forgetTable(t);
      return;
    case 'CREATE_TABLE':
    case 'CREATE_TABLE_AS_SELECT': {
      if (!t) return;
      const existing = catalog.findTable(t);
      if (existing && stmt.create?.ifNotExists) return;
      const source = stmt.create?.source ? catalog.findTable(stmt.create.source) : undefined;
      const schema = source
        ? structuredClone(source.schema)
        : stmt.create?.columns
          ? normalizeSchema(stmt.create.columns)
          : await duckSchema(ctx.conn, t);
      catalog.recordTable(t, schema, {
        ...(source ? copiedResource(source) : {}),
        ...tableResourceFromDdl(stmt.create),
      });
      return;
    }
    case 'CREATE_VIEW':
    case 'CREATE_MATERIALIZED_VIEW': {
      if (!t || (catalog.findTable(t) && stmt.create?.ifNotExists)) return;
      const schema = await duckSchema(ctx.conn, t);
      for (const f of schema) {
        const description = stmt.view?.descriptions?.[f.name];
        if (description !== undefined) f.description = description;
      }
      const query = stmt.view?.query ?? '';
      const materialized = stmt.statementType === 'CREATE_MATERIALIZED_VIEW';
      catalog.recordTable(t, schema, {
        ...tableResourceFromDdl(stmt.create),
        ...(materialized
          ? { type: 'MATERIALIZED_VIEW', materializedView: { query, enableRefresh: true } }
          : { type: 'VIEW', view: { query, useLegacySql: false } }),
      });
      return;
    }
    case 'DROP_VIEW':
    case 'DROP_MATERIALIZED_VIEW':
      if (t) catalog.forgetTable(t);
      return;
    case 'ALTER_TABLE':
    case 'ALTER_VIEW':
    case 'ALTER_MATERIALIZED_VIEW':
    case 'ALTER_SCHEMA':
      await applyAlter(ctx, stmt);
      return;
    case 'TRUNCATE_TABLE': {
      const meta = t ? catalog.findTable(t) : undefined;
      if (!meta) return;
      meta.insertIds.clear();
      meta.streamedRows = 0;
      meta.lastModifiedTime = Date.now();
      return;
    }
  }
}
