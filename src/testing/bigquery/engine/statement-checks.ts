/**
 * The catalog checks BigQuery makes before running a statement: datasets and tables exist, and
 * `CREATE`/`DROP` meet (or do not meet) what is already there.
 * @module
 */
import { datasetNotFound, StandInHttpError, tableNotFound } from '../http-errors.js';
import type { TranslatedStatement } from '../translate/types.js';
import type { Catalog } from './catalog.js';

/**
 * Throws the error BigQuery gives when a statement names a missing dataset or table, creates one
 * that exists, or drops a dataset still in use.
 *
 * @internal
 */
export function checkStatementTables(catalog: Catalog, stmt: TranslatedStatement): void {
  for (const t of stmt.tables) {
    if (!catalog.hasDataset(t.projectId, t.datasetId)) {
      throw datasetNotFound(t.projectId, t.datasetId, catalog.location);
    }
    if (t.role === 'create' || t.role === 'drop') continue;
    if (t.role === 'alter' && stmt.ifExists) continue;
    if (!catalog.hasTable(t)) {
      throw tableNotFound(
        t.projectId,
        t.datasetId,
        t.tableId,
        catalog.getDataset(t.projectId, t.datasetId).location,
      );
    }
  }
  if (stmt.statementType === 'DROP_TABLE') {
    const t = stmt.tables[0];
    if (t && !catalog.hasTable(t) && !/\bIF\s+EXISTS\b/i.test(stmt.sql)) {
      throw tableNotFound(t.projectId, t.datasetId, t.tableId);
    }
  }
  if (stmt.statementType === 'DROP_VIEW' || stmt.statementType === 'DROP_MATERIALIZED_VIEW') {
    const t = stmt.tables[0];
    const meta = t ? catalog.findTable(t) : undefined;
    if (t && !meta && !stmt.ifExists) throw tableNotFound(t.projectId, t.datasetId, t.tableId);
    const wanted = stmt.statementType === 'DROP_VIEW' ? 'VIEW' : 'MATERIALIZED_VIEW';
    if (t && meta && meta.resource.type !== wanted) {
      throw new StandInHttpError(
        400,
        'invalidQuery',
        `${t.datasetId}.${t.tableId} is not a ${wanted.replace('_', ' ').toLowerCase()}`,
      );
    }
  }
  if (stmt.statementType === 'DROP_TABLE') {
    const t = stmt.tables[0];
    const type = t ? catalog.findTable(t)?.resource.type : undefined;
    if (t && (type === 'VIEW' || type === 'MATERIALIZED_VIEW')) {
      throw new StandInHttpError(400, 'invalidQuery', `${t.datasetId}.${t.tableId} is a view; use DROP VIEW`);
    }
  }
  if (stmt.statementType === 'CREATE_SCHEMA' && stmt.schema) {
    const exists = catalog.hasDataset(stmt.schema.projectId, stmt.schema.datasetId);
    if (exists && !stmt.schema.ifNotExists) {
      throw new StandInHttpError(
        409,
        'duplicate',
        `Already Exists: Dataset ${stmt.schema.projectId}:${stmt.schema.datasetId}`,
      );
    }
  }
  if (stmt.statementType === 'DROP_SCHEMA' && stmt.schema) {
    const { projectId, datasetId } = stmt.schema;
    if (!catalog.hasDataset(projectId, datasetId) && !stmt.schema.ifExists) {
      throw datasetNotFound(projectId, datasetId);
    }
    if (catalog.tableKeysOf(projectId, datasetId).length > 0 && !stmt.schema.cascade) {
      throw new StandInHttpError(400, 'resourceInUse', `Dataset ${projectId}:${datasetId} is still in use`);
    }
  }
  if (stmt.create) {
    const t = stmt.tables[0]!;
    if (catalog.hasTable(t) && !stmt.create.ifNotExists && !stmt.create.orReplace) {
      throw new StandInHttpError(
        409,
        'duplicate',
        `Already Exists: Table ${t.projectId}:${t.datasetId}.${t.tableId}`,
      );
    }
  }
}
