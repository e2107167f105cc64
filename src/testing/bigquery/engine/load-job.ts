/**
 * Load jobs: NDJSON rows applied to a table atomically (create / write dispositions, maxBadRecords),
 * with BigQuery's load error messages.
 * @module
 */
import { StandInHttpError, tableNotFound } from '../http-errors.js';
import { type BigQueryField, duckColumnsDdl, normalizeSchema } from '../schema.js';
import { duckTableName } from '../translate/duck-text.js';
import { checkRow } from '../values.js';
import { insertValues } from './insert-rows.js';
import type { EngineContext } from './types.js';

/**
 * Load job: applies NDJSON rows to a table atomically, creating the table if asked. The caller
 * holds the engine's queue.
 *
 * @internal
 */
export async function runLoadJob(
  ctx: EngineContext,
  config: Record<string, unknown>,
  projectId: string,
  data: string,
): Promise<{ outputRows: number; inputBytes: number; outputBytes: number }> {
  const dest = config.destinationTable as
    | { projectId?: string; datasetId?: string; tableId?: string }
    | undefined;
  if (!dest?.datasetId || !dest.tableId) {
    throw new StandInHttpError(400, 'invalid', 'Load configuration must specify destinationTable');
  }
  const format = String(config.sourceFormat ?? 'CSV').toUpperCase();
  if (format !== 'NEWLINE_DELIMITED_JSON' && format !== 'JSON') {
    throw new StandInHttpError(
      400,
      'invalid',
      `Unsupported by the BigQuery stand-in: sourceFormat ${format} (only NEWLINE_DELIMITED_JSON)`,
    );
  }
  const p = dest.projectId ?? projectId;
  ctx.catalog.getDataset(p, dest.datasetId);
  const address = { projectId: p, datasetId: dest.datasetId, tableId: dest.tableId };
  let meta = ctx.catalog.findTable(address);
  const write = String(config.writeDisposition ?? 'WRITE_APPEND').toUpperCase();
  const create = String(config.createDisposition ?? 'CREATE_IF_NEEDED').toUpperCase();
  const lines = data.split(/\r?\n/).filter((l) => l.trim() !== '');
  const schemaFields = (config.schema as { fields?: BigQueryField[] } | undefined)?.fields;
  if (!meta) {
    if (create === 'CREATE_NEVER') throw tableNotFound(p, dest.datasetId, dest.tableId);
    if (!schemaFields?.length) {
      throw new StandInHttpError(400, 'invalid', 'No schema specified on job or table.');
    }
  }
  const parsed: unknown[] = [];
  const problems: Array<{ reason: string; message: string; location?: string }> = [];
  lines.forEach((line, i) => {
    try {
      parsed.push(JSON.parse(line));
    } catch {
      problems.push({
        reason: 'invalid',
        message: `Error while reading data, error message: JSON parsing error in row starting at position ${i}: Parser terminated before end of string`,
      });
      parsed.push(undefined);
    }
  });
  let schema: BigQueryField[];
  try {
    schema = meta ? meta.schema : normalizeSchema(schemaFields!);
  } catch (err) {
    throw new StandInHttpError(400, 'invalid', (err as Error).message);
  }
  const checked: unknown[][] = [];
  parsed.forEach((row, i) => {
    if (row === undefined) return;
    const c = checkRow(row, schema, Boolean(config.ignoreUnknownValues));
    if (c.problems.length) {
      for (const pr of c.problems) {
        problems.push({
          reason: 'invalid',
          message: `Error while reading data, error message: JSON table encountered an error: ${pr.message} Row: ${i}`,
          location: pr.location,
        });
      }
    } else checked.push(c.values);
  });
  const maxBad = Number(config.maxBadRecords ?? 0);
  const badRows = lines.length - checked.length;
  if (badRows > maxBad) {
    const err = new StandInHttpError(
      400,
      'invalid',
      `Error while reading data, error message: JSON table encountered too many errors, giving up. Rows: ${lines.length}; errors: ${badRows}. Please look into the errors[] collection for more details.`,
    );
    (err as StandInHttpError & { extraErrors?: unknown[] }).extraErrors = problems;
    throw err;
  }
  await ctx.conn.run('BEGIN TRANSACTION');
  try {
    if (!meta) {
      await ctx.conn.run(`CREATE TABLE ${duckTableName(address)} (${duckColumnsDdl(schema)})`);
    } else if (write === 'WRITE_TRUNCATE') {
      await ctx.conn.run(`DELETE FROM ${duckTableName(meta)}`);
    } else if (write === 'WRITE_EMPTY') {
      const n = await ctx.conn.runAndReadAll(`SELECT COUNT(*) FROM ${duckTableName(meta)}`);
      if (Number(n.getRows()[0]?.[0] ?? 0) > 0) {
        throw new StandInHttpError(
          409,
          'duplicate',
          `Already Exists: Table ${p}:${dest.datasetId}.${dest.tableId}`,
        );
      }
    }
    await insertValues(ctx.conn, meta ?? { ...address, schema }, checked);
    await ctx.conn.run('COMMIT');
  } catch (err) {
    await ctx.conn.run('ROLLBACK');
    throw err;
  }
  if (!meta) meta = ctx.catalog.recordTable(address, schema, {});
  else if (write === 'WRITE_TRUNCATE') meta.insertIds.clear();
  meta.lastModifiedTime = Date.now();
  return {
    outputRows: checked.length,
    inputBytes: Buffer.byteLength(data),
    outputBytes: Buffer.byteLength(data),
  };
}
