/**
 * After a DDL statement ran in DuckDB: the catalog follows (datasets, tables, schemas read back
 * from DuckDB with their NOT NULL modes, partitioning and options from the statement).
 * @module
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { type BigQueryField, fieldOfDuckType, normaliseSchema } from '../schema.js';
import { duckTableName } from '../translate/duck-text.js';
import type { TranslatedStatement } from '../translate/types.js';
import { tableResourceFromDdl } from './catalog.js';
import type { EngineContext } from './types.js';

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

/**
 * Records in the catalog what a DDL statement did in DuckDB.
 *
 * @example
 * ```ts
 * await applyDdlToCatalog(ctx, translateSql('CREATE SCHEMA ds', { projectId: 'p' })[0]!);
 * ```
 */
export async function applyDdlToCatalog(ctx: EngineContext, stmt: TranslatedStatement): Promise<void> {
  const { catalog } = ctx;
  const t = stmt.tables[0];
  switch (stmt.statementType) {
    case 'CREATE_SCHEMA': {
      const s = stmt.schema!;
      if (!catalog.hasDataset(s.projectId, s.datasetId)) catalog.recordDataset(s.projectId, s.datasetId, {});
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
      const schema = stmt.create?.columns
        ? normaliseSchema(stmt.create.columns)
        : await duckSchema(ctx.conn, t);
      catalog.recordTable(t, schema, tableResourceFromDdl(stmt.create));
      return;
    }
    case 'ALTER_TABLE':
    case 'TRUNCATE_TABLE': {
      if (!t) return;
      const meta = catalog.findTable(t);
      if (!meta) return;
      if (stmt.statementType === 'ALTER_TABLE') {
        const fresh = await duckSchema(ctx.conn, t);
        const old = new Map(meta.schema.map((f) => [f.name.toLowerCase(), f]));
        meta.schema = fresh.map((f) => old.get(f.name.toLowerCase()) ?? f);
      } else {
        meta.insertIds.clear();
        meta.streamedRows = 0;
      }
      meta.lastModifiedTime = Date.now();
      return;
    }
  }
}
