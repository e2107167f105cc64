/**
 * Bytes estimates: a table's logical size (BigQuery's per-type value sizes) and the deterministic
 * bytes processed / billed of a query, so `maximumBytesBilled` and dry runs behave as in BigQuery.
 * @module
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { fixedValueBytes, legacyTypeName } from '../schema.js';
import { duckTableName, quoteIdent } from '../translate/duck-text.js';
import type { TranslatedStatement } from '../translate/types.js';
import { catalogKey } from './catalog.js';
import type { EngineContext, TableMeta } from './types.js';

/** BigQuery bills in whole MiB. */
export const MIB = 1024 * 1024;

/**
 * Row count and logical size of a table (for the table resource and billing estimates).
 *
 * @internal
 */
export async function tableStats(
  conn: DuckDBConnection,
  meta: TableMeta,
): Promise<{ rows: number; bytes: number }> {
  const parts = meta.schema.map((f) => {
    const col = quoteIdent(f.name);
    const fixed = f.mode === 'REPEATED' ? undefined : fixedValueBytes(f.type);
    if (fixed !== undefined) return `COALESCE(SUM(CASE WHEN ${col} IS NULL THEN 0 ELSE ${fixed} END), 0)`;
    const type = legacyTypeName(f.type);
    if (f.mode !== 'REPEATED' && type === 'BYTES') return `COALESCE(SUM(octet_length(${col}) + 2), 0)`;
    return `COALESCE(SUM(strlen(CAST(${col} AS VARCHAR)) + 2), 0)`;
  });
  const sizeExpr = parts.length ? parts.join(' + ') : '0';
  const reader = await conn.runAndReadAll(
    `SELECT COUNT(*) AS n, CAST(${sizeExpr} AS BIGINT) AS b FROM ${duckTableName(meta)}`,
  );
  const [row] = reader.getRows();
  return { rows: Number(row?.[0] ?? 0), bytes: Number(row?.[1] ?? 0) };
}

/**
 * Deterministic bytes estimate: the logical size of every table the statements scan, billed in
 * whole MiB with the per-table minimum.
 *
 * @internal
 */
export async function estimateBytes(
  ctx: EngineContext,
  statements: TranslatedStatement[],
): Promise<{ processed: number; billed: number; tables: number }> {
  const seen = new Set<string>();
  let processed = 0;
  for (const stmt of statements) {
    for (const t of stmt.tables) {
      if (t.role !== 'read' && t.role !== 'modify') continue;
      const k = catalogKey(t.projectId, t.datasetId, t.tableId);
      const meta = ctx.catalog.tables.get(k);
      if (!meta || seen.has(k)) continue;
      seen.add(k);
      processed += (await tableStats(ctx.conn, meta)).bytes;
    }
  }
  const billed =
    processed === 0 && seen.size === 0
      ? 0
      : Math.max(Math.ceil(processed / MIB) * MIB, ctx.minimumBytesBilledPerTable * seen.size);
  return { processed, billed, tables: seen.size };
}
