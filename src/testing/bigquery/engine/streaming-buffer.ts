/**
 * The stand-in's streaming buffer: rows insertAll accepted (checked, de-duplicated, answered) but not
 * yet written to DuckDB. BigQuery answers insertAll once the rows are durable in its buffer and
 * makes them part of the table later; the stand-in applies them in large batches before the next
 * operation of any kind (so every read sees every accepted row), when insertAll has been idle for a
 * moment, or when the buffer grows large.
 * @module
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { StandInHttpError } from '../http-errors.js';
import type { BigQueryField } from '../schema.js';
import type { Catalog } from './catalog.js';
import { insertValues } from './insert-rows.js';
import type { TableMeta } from './types.js';

/** Rows of one table checked against one version of its schema. */
interface Batch {
  schema: readonly BigQueryField[];
  rows: unknown[][];
}

/**
 * Accepted rows waiting to be applied, per table, in arrival order.
 *
 * @internal
 */
export class StreamingBuffer {
  #tables = new Map<TableMeta, Batch[]>();
  #rows = 0;

  /** Rows waiting, over all tables. */
  get rows(): number {
    return this.#rows;
  }

  /** Queues rows checked against `schema` (a copy is kept: DDL may change the table's schema later). */
  add(meta: TableMeta, schema: readonly BigQueryField[], rows: unknown[][]): void {
    if (rows.length === 0) return;
    const batches = this.#tables.get(meta);
    const last = batches?.at(-1);
    if (last && sameFields(last.schema, schema)) last.rows.push(...rows);
    else if (batches) batches.push({ schema: [...schema], rows });
    else this.#tables.set(meta, [{ schema: [...schema], rows }]);
    this.#rows += rows.length;
  }

  /**
   * Writes every waiting row to DuckDB, one statement per table and schema version (in chunks).
   * Rows of a table deleted since they were accepted went with it. A row DuckDB refuses although
   * `checkRow` accepted it is a gap in the stand-in's checks: the other rows are still applied and
   * the refused ones are returned, never dropped silently.
   */
  async apply(conn: DuckDBConnection, catalog: Catalog): Promise<RefusedRows[]> {
    const tables = this.#tables;
    this.#tables = new Map();
    this.#rows = 0;
    const refused: RefusedRows[] = [];
    for (const [meta, batches] of tables) {
      if (catalog.findTable(meta) !== meta) continue;
      for (const batch of batches) {
        const target = { ...meta, schema: batch.schema as BigQueryField[] };
        try {
          await insertValues(conn, target, batch.rows);
        } catch {
          // Row by row, to keep every row DuckDB takes and name the ones it does not.
          for (const row of batch.rows) {
            try {
              await insertValues(conn, target, [row]);
            } catch (err) {
              const last = refused.at(-1);
              const message = (err as Error).message;
              if (last?.table === meta) last.rows += 1;
              else refused.push({ table: meta, rows: 1, message });
            }
          }
        }
      }
    }
    return refused;
  }
}

/**
 * Rows of one table that insertAll accepted and DuckDB then refused.
 *
 * @internal
 */
export interface RefusedRows {
  table: TableMeta;
  rows: number;
  /** DuckDB's message for the first of them. */
  message: string;
}

/**
 * The error every later operation of a stand-in gets once it lost accepted rows: BigQuery never
 * loses a row it accepted, so no test may pass on a stand-in that did.
 *
 * @internal
 */
export function refusedRowsError(refused: readonly RefusedRows[]): StandInHttpError {
  const parts = refused.map(
    (r) => `${r.rows} row(s) of ${r.table.projectId}:${r.table.datasetId}.${r.table.tableId} (${r.message})`,
  );
  return new StandInHttpError(
    400,
    'invalid',
    `The BigQuery stand-in accepted rows through insertAll that it then could not store: ${parts.join('; ')}. BigQuery stores every row it accepts; this is a gap in the stand-in's row checks.`,
  );
}

function sameFields(a: readonly BigQueryField[], b: readonly BigQueryField[]): boolean {
  return a.length === b.length && a.every((f, i) => f === b[i]);
}
