/**
 * Schema evolution by tables.patch / tables.update: the changes BigQuery allows (new NULLABLE or
 * REPEATED columns, REQUIRED relaxed to NULLABLE), applied to DuckDB, with BigQuery's refusals.
 * @module
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { StandInHttpError } from '../http-errors.js';
import { type BigQueryField, duckTypeOfField, legacyTypeName, normalizeSchema } from '../schema.js';
import { duckTableName, quoteIdent } from '../translate/duck-text.js';
import { widensParameters } from '../type-parameters.js';
import type { TableMeta } from './types.js';

/**
 * Applies a new schema to a table (DuckDB columns and `meta.schema`). The caller holds the engine's queue.
 *
 * @internal
 */
export async function applySchemaPatch(
  conn: DuckDBConnection,
  meta: TableMeta,
  fields: BigQueryField[],
): Promise<void> {
  let next: BigQueryField[];
  try {
    next = normalizeSchema(fields);
  } catch (err) {
    throw new StandInHttpError(400, 'invalid', (err as Error).message);
  }
  const old = new Map(meta.schema.map((f) => [f.name.toLowerCase(), f]));
  for (const f of meta.schema) {
    if (!next.some((n) => n.name.toLowerCase() === f.name.toLowerCase())) {
      throw new StandInHttpError(
        400,
        'invalid',
        `Provided Schema does not match Table ${meta.projectId}:${meta.datasetId}.${meta.tableId}. Field ${f.name} is missing in new schema`,
      );
    }
  }
  for (const f of next) {
    const before = old.get(f.name.toLowerCase());
    if (!before) {
      if (f.mode === 'REQUIRED') {
        throw new StandInHttpError(
          400,
          'invalid',
          `Provided Schema does not match Table ${meta.projectId}:${meta.datasetId}.${meta.tableId}. Cannot add required fields to an existing schema. (field: ${f.name})`,
        );
      }
      await conn.run(
        `ALTER TABLE ${duckTableName(meta)} ADD COLUMN ${quoteIdent(f.name)} ${duckTypeOfField(f)}`,
      );
    } else if (
      legacyTypeName(before.type) !== legacyTypeName(f.type) ||
      (before.mode !== f.mode && !(before.mode === 'REQUIRED' && f.mode === 'NULLABLE')) ||
      !widensParameters(before, f)
    ) {
      throw new StandInHttpError(
        400,
        'invalid',
        `Provided Schema does not match Table ${meta.projectId}:${meta.datasetId}.${meta.tableId}. Field ${f.name} has changed type, mode or type parameters`,
      );
    } else if (before.mode === 'REQUIRED' && f.mode === 'NULLABLE') {
      await conn.run(`ALTER TABLE ${duckTableName(meta)} ALTER COLUMN ${quoteIdent(f.name)} DROP NOT NULL`);
    }
  }
  meta.schema = next;
}
