/**
 * Writing rows: the bulk insert every write path uses, and insertAll's checks with insertId
 * de-duplication inside a time window (as BigQuery's best-effort de-dup does).
 * @module
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { StandInHttpError } from '../http-errors.js';
import { duckTypeOfField, legacyTypeName } from '../schema.js';
import { duckTableName, quoteIdent } from '../translate/duck-text.js';
import { checkRow, type RowProblem } from '../values.js';
import type { TableMeta } from './types.js';

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
  // Scalars travel as text (DuckDB casts them); arrays and records as JSON.
  const asJson = meta.schema.map((f) => f.mode === 'REPEATED' || legacyTypeName(f.type) === 'RECORD');
  const width = meta.schema.length;
  const chunk = 5000;
  for (let start = 0; start < rows.length; start += chunk) {
    const part: unknown[][] = [];
    for (const row of rows.slice(start, start + chunk)) {
      const cells: unknown[] = new Array(width);
      for (let i = 0; i < width; i++) {
        const v = row[i];
        cells[i] = v === null || v === undefined ? null : asJson[i] ? v : String(v);
      }
      part.push(cells);
    }
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
 * insertAll's request path: checks every row, accepts all of them (or, with `skipInvalidRows`, the
 * valid ones), skips rows whose insertId was accepted within the window, and returns insertErrors
 * with the rows to write. Nothing touches DuckDB here: the accepted rows go to the streaming buffer.
 *
 * @internal
 */
export function acceptInsertAll(
  meta: TableMeta,
  rows: Array<{ json?: unknown; insertId?: string }>,
  options: { skipInvalidRows?: boolean; ignoreUnknownValues?: boolean },
  insertIdWindowMs: number,
): { insertErrors: Array<{ index: number; errors: RowProblem[] }>; accepted: unknown[][] } {
  const now = Date.now();
  for (const [id, at] of meta.insertIds) if (now - at > insertIdWindowMs) meta.insertIds.delete(id);
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
    if (!options.skipInvalidRows) return { insertErrors, accepted: [] };
  }
  const accepted: unknown[][] = [];
  checked.forEach((c, index) => {
    if (c.problems.length > 0) return;
    const id = rows[index]?.insertId;
    if (id !== undefined && id !== '') {
      if (meta.insertIds.has(id)) return;
      meta.insertIds.set(id, now);
    }
    accepted.push(c.values);
  });
  meta.streamedRows += accepted.length;
  if (accepted.length) meta.lastModifiedTime = now;
  return { insertErrors, accepted };
}
