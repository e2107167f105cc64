/**
 * Writing rows: the bulk insert every write path uses, and insertAll's check-then-apply with
 * insertId de-duplication inside a time window (as BigQuery's best-effort de-dup does).
 * @module
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { StandInHttpError } from '../http-errors.js';
import { duckTypeOfField, legacyTypeName } from '../schema.js';
import { duckTableName, quoteIdent } from '../translate/duck-text.js';
import { checkRow, type RowProblem } from '../values.js';
import type { EngineContext, TableMeta } from './types.js';

/**
 * Inserts checked rows (the output of `checkRow`). The caller holds the engine's queue.
 *
 * @internal
 */
export async function insertValues(
  conn: DuckDBConnection,
  meta: Pick<TableMeta, 'projectId' | 'datasetId' | 'tableId' | 'schema'>,
  rows: unknown[][],
): Promise<void> {
  if (rows.length === 0 || meta.schema.length === 0) return;
  // One JSON parameter per chunk: DuckDB plans a single statement instead of a VALUES list with
  // thousands of placeholders (about 9x faster for 500-row batches).
  const exprs = meta.schema.map((f, i) => {
    const duckType = duckTypeOfField(f);
    const type = legacyTypeName(f.type);
    if (f.mode === 'REPEATED' || type === 'RECORD') return `CAST(r->${i} AS ${duckType})`;
    if (type === 'BYTES') return `from_base64(r->>${i})`;
    return `CAST(r->>${i} AS ${duckType})`;
  });
  const cols = meta.schema.map((f) => quoteIdent(f.name)).join(', ');
  const sql = `INSERT INTO ${duckTableName(meta)} (${cols}) SELECT ${exprs.join(', ')} FROM (SELECT unnest(CAST(CAST($1 AS JSON) AS JSON[])) AS r)`;
  const chunk = 5000;
  for (let start = 0; start < rows.length; start += chunk) {
    const part = rows.slice(start, start + chunk).map((row) =>
      meta.schema.map((f, i) => {
        const v = row[i];
        if (v === null || v === undefined) return null;
        return f.mode === 'REPEATED' || legacyTypeName(f.type) === 'RECORD' ? v : String(v);
      }),
    );
    try {
      await conn.run(sql, [JSON.stringify(part)]);
    } catch (err) {
      throw new StandInHttpError(
        400,
        'invalid',
        `Could not insert rows: ${String((err as Error).message).split('\n')[0]}`,
      );
    }
  }
}

/**
 * insertAll: checks every row, applies all of them (or, with `skipInvalidRows`, the valid ones),
 * skips rows whose insertId was applied within the window, and returns insertErrors. The caller
 * holds the engine's queue.
 *
 * @internal
 */
export async function insertAllRows(
  ctx: EngineContext,
  meta: TableMeta,
  rows: Array<{ json?: unknown; insertId?: string }>,
  options: { skipInvalidRows?: boolean; ignoreUnknownValues?: boolean },
): Promise<Array<{ index: number; errors: RowProblem[] }>> {
  const now = Date.now();
  for (const [id, at] of meta.insertIds) if (now - at > ctx.insertIdWindowMs) meta.insertIds.delete(id);
  const checked = rows.map((r) => checkRow(r.json, meta.schema, options.ignoreUnknownValues ?? false));
  const failed = checked.some((c) => c.problems.length > 0);
  const insertErrors: Array<{ index: number; errors: RowProblem[] }> = [];
  if (failed) {
    checked.forEach((c, index) => {
      if (c.problems.length > 0) insertErrors.push({ index, errors: c.problems });
      else if (!options.skipInvalidRows) {
        insertErrors.push({ index, errors: [{ reason: 'stopped', message: '', location: '' }] });
      }
    });
    if (!options.skipInvalidRows) return insertErrors;
  }
  const toApply: unknown[][] = [];
  const seenNow = new Set<string>();
  checked.forEach((c, index) => {
    if (c.problems.length > 0) return;
    const id = rows[index]?.insertId;
    if (id !== undefined && id !== '') {
      if (meta.insertIds.has(id) || seenNow.has(id)) return;
      seenNow.add(id);
    }
    toApply.push(c.values);
  });
  await insertValues(ctx.conn, meta, toApply);
  for (const id of seenNow) meta.insertIds.set(id, now);
  meta.streamedRows += toApply.length;
  if (toApply.length) meta.lastModifiedTime = now;
  return insertErrors;
}
