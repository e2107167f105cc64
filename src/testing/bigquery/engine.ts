/**
 * The BigQuery stand-in's storage and SQL engine: an in-memory DuckDB database (one DuckDB schema
 * per dataset) plus the BigQuery metadata DuckDB cannot hold (schemas with modes, partitioning,
 * clustering, insert ids). Every DuckDB call goes through one queue: a DuckDB connection runs one
 * statement at a time. insertAll does not wait for the queue: it checks and accepts rows into a
 * streaming buffer, which the queue applies before its next operation.
 *
 * This file owns the queue and the catalog operations of the REST API; the work itself lives in
 * ./engine/ (catalog, insert-rows, load-job, query, query-parameters, statement-checks, apply-ddl,
 * bytes-estimate, schema-patch, duck-errors).
 */
import type { DuckDBConnection, DuckDBInstance, DuckDBValue } from '@duckdb/node-api';
import { MIB, tableStats } from './engine/bytes-estimate.js';
import { Catalog } from './engine/catalog.js';
import { acceptInsertAll, insertValues } from './engine/insert-rows.js';
import { installLibrary } from './engine/library/install.js';
import { runLoadJob } from './engine/load-job.js';
import { executeQuery } from './engine/query.js';
import { inferParameters } from './engine/query-parameters.js';
import { applySchemaPatch } from './engine/schema-patch.js';
import { type RefusedRows, refusedRowsError, StreamingBuffer } from './engine/streaming-buffer.js';
import type { DatasetMeta, EngineContext, QueryOutcome, QueryRequest, TableMeta } from './engine/types.js';
import { StandInHttpError } from './http-errors.js';
import { type BigQueryField, duckColumnsDdl, normalizeSchema } from './schema.js';
import { duckSchemaName, duckTableName, quoteIdent } from './translate/duck-text.js';
import type { DuckModule, QueryParameter, RowProblem } from './values.js';

export { mapDuckError } from './engine/duck-errors.js';
export { inferParameters } from './engine/query-parameters.js';
export type { DatasetMeta, QueryOutcome, QueryRequest, TableMeta } from './engine/types.js';

/** insertAll quiet for this long: the streaming buffer is applied in the background. */
const BUFFER_IDLE_MS = 200;
/** The streaming buffer holds this many rows: applied in the background at once. */
const BUFFER_APPLY_ROWS = 100_000;

/**
 * The SQL engine of the stand-in. Created by `Engine.create`.
 *
 * @internal
 */
export class Engine {
  readonly duck: DuckModule;
  readonly location: string;
  readonly catalog: Catalog;
  readonly datasets: Map<string, DatasetMeta>;
  readonly tables: Map<string, TableMeta>;
  readonly insertIdWindowMs: number;
  readonly minimumBytesBilledPerTable: number;
  defaultProject = 'test-project';
  private readonly instance: DuckDBInstance;
  private readonly conn: DuckDBConnection;
  private readonly ctx: EngineContext;
  private chain: Promise<unknown> = Promise.resolve();
  private closed = false;
  private readonly buffer = new StreamingBuffer();
  /** Accepted rows DuckDB refused: every later operation fails with them (see refusedRowsError). */
  private readonly refused: RefusedRows[] = [];
  private idleTimer: NodeJS.Timeout | undefined;
  private lastInsertAt = 0;

  private constructor(
    duck: DuckModule,
    instance: DuckDBInstance,
    conn: DuckDBConnection,
    options: { location: string; insertIdWindowMs: number; minimumBytesBilledPerTable: number },
  ) {
    this.duck = duck;
    this.instance = instance;
    this.conn = conn;
    this.location = options.location;
    this.catalog = new Catalog(options.location);
    this.datasets = this.catalog.datasets;
    this.tables = this.catalog.tables;
    this.insertIdWindowMs = options.insertIdWindowMs;
    this.minimumBytesBilledPerTable = options.minimumBytesBilledPerTable;
    this.ctx = {
      conn,
      duck,
      catalog: this.catalog,
      insertIdWindowMs: options.insertIdWindowMs,
      minimumBytesBilledPerTable: options.minimumBytesBilledPerTable,
    };
  }

  static async create(
    duck: DuckModule,
    options: { location: string; insertIdWindowMs?: number; minimumBytesBilledPerTable?: number },
  ): Promise<Engine> {
    // Never the network, never the file system: no extension is installed or loaded on demand
    // (what would need one is refused), and no SQL reads or writes files.
    const instance = await duck.DuckDBInstance.create(':memory:', {
      autoinstall_known_extensions: 'false',
      autoload_known_extensions: 'false',
      enable_external_access: 'false',
      // BigQuery sorts NULLs first in ascending order and last in descending order.
      default_null_order: 'nulls_first_on_asc_last_on_desc',
    });
    const conn = await instance.connect();
    await conn.run("SET TimeZone = 'UTC'");
    await installLibrary(conn, duck);
    await conn.run('SET lock_configuration = true');
    return new Engine(duck, instance, conn, {
      location: options.location,
      insertIdWindowMs: options.insertIdWindowMs ?? 60_000,
      minimumBytesBilledPerTable: options.minimumBytesBilledPerTable ?? 10 * MIB,
    });
  }

  /**
   * Runs `fn` alone on the connection (queued after everything before it), after the streaming
   * buffer is applied, so it sees every row insertAll accepted before it ran.
   */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.then(async () => {
      if (this.closed) throw new StandInHttpError(503, 'backendError', 'The BigQuery stand-in is closed');
      if (this.buffer.rows > 0) await this.applyBuffer();
      this.throwIfRowsWereLost();
      return fn();
    });
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** Applies the streaming buffer (the caller holds the queue); refused rows are kept for every later call. */
  private async applyBuffer(): Promise<void> {
    const refused = await this.buffer.apply(this.conn, this.catalog);
    if (refused.length === 0) return;
    this.refused.push(...refused);
    process.emitWarning(refusedRowsError(refused).message, 'BigQueryStandInWarning');
  }

  private throwIfRowsWereLost(): void {
    if (this.refused.length > 0) throw refusedRowsError(this.refused);
  }

  /**
   * Applies the buffer in the background: once insertAll has been quiet for a moment (an idle
   * stream), or at once when it holds many rows (bounded memory).
   */
  private scheduleApply(): void {
    if (this.buffer.rows >= BUFFER_APPLY_ROWS) {
      this.applyInBackground();
      return;
    }
    if (this.idleTimer) return;
    const wait = (delayMs: number) => {
      this.idleTimer = setTimeout(() => {
        const quietFor = Date.now() - this.lastInsertAt;
        if (quietFor < BUFFER_IDLE_MS) {
          wait(BUFFER_IDLE_MS - quietFor);
          return;
        }
        this.idleTimer = undefined;
        this.applyInBackground();
      }, delayMs);
      this.idleTimer.unref();
    };
    wait(BUFFER_IDLE_MS);
  }

  private applyInBackground(): void {
    this.chain = this.chain
      .then(() => (this.closed || this.buffer.rows === 0 ? undefined : this.applyBuffer()))
      .catch(() => undefined);
  }

  /** Applies what the streaming buffer holds, then closes DuckDB; rejects if accepted rows were lost. */
  async close(): Promise<void> {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    this.applyInBackground();
    await this.chain;
    this.closed = true;
    this.conn.closeSync();
    this.instance.closeSync();
    this.throwIfRowsWereLost();
  }

  // ---------------------------------------------------------------- datasets

  getDataset(projectId: string, datasetId: string): DatasetMeta {
    return this.catalog.getDataset(projectId, datasetId);
  }

  createDataset(
    projectId: string,
    datasetId: string,
    resource: Record<string, unknown>,
  ): Promise<DatasetMeta> {
    return this.exclusive(async () => {
      if (!/^[A-Za-z0-9_]{1,1024}$/.test(datasetId)) {
        throw new StandInHttpError(400, 'invalid', `Invalid dataset ID "${datasetId}".`);
      }
      if (this.catalog.hasDataset(projectId, datasetId)) {
        throw new StandInHttpError(409, 'duplicate', `Already Exists: Dataset ${projectId}:${datasetId}`);
      }
      await this.conn.run(`CREATE SCHEMA ${duckSchemaName(projectId, datasetId)}`);
      return this.catalog.recordDataset(projectId, datasetId, resource);
    });
  }

  deleteDataset(projectId: string, datasetId: string, deleteContents: boolean): Promise<void> {
    return this.exclusive(async () => {
      this.catalog.getDataset(projectId, datasetId);
      if (this.catalog.tableKeysOf(projectId, datasetId).length > 0 && !deleteContents) {
        throw new StandInHttpError(400, 'resourceInUse', `Dataset ${projectId}:${datasetId} is still in use`);
      }
      await this.conn.run(`DROP SCHEMA ${duckSchemaName(projectId, datasetId)} CASCADE`);
      this.catalog.forgetDataset(projectId, datasetId);
    });
  }

  /** datasets.patch / datasets.update: plain fields are merged. */
  patchDataset(projectId: string, datasetId: string, patch: Record<string, unknown>): void {
    const ds = this.catalog.getDataset(projectId, datasetId);
    const { datasetReference: _ref, location: _loc, ...rest } = patch;
    Object.assign(ds.resource, rest);
    ds.lastModifiedTime = Date.now();
  }

  // ---------------------------------------------------------------- tables

  getTable(projectId: string, datasetId: string, tableId: string): TableMeta {
    return this.catalog.getTable(projectId, datasetId, tableId);
  }

  createTable(
    projectId: string,
    datasetId: string,
    tableId: string,
    resource: Record<string, unknown>,
  ): Promise<TableMeta> {
    return this.exclusive(async () => {
      this.catalog.getDataset(projectId, datasetId);
      if (!/^[\p{L}\p{M}\p{N}\p{Pc}\p{Pd}\p{Zs}$]{1,1024}$/u.test(tableId)) {
        throw new StandInHttpError(400, 'invalid', `Invalid table ID "${tableId}".`);
      }
      const address = { projectId, datasetId, tableId };
      if (this.catalog.hasTable(address)) {
        throw new StandInHttpError(
          409,
          'duplicate',
          `Already Exists: Table ${projectId}:${datasetId}.${tableId}`,
        );
      }
      const view = resource.view as { query?: unknown; useLegacySql?: unknown } | undefined;
      if (view) {
        // A view made by tables.insert is the view its CREATE VIEW statement would make.
        if (view.useLegacySql === true || typeof view.query !== 'string') {
          throw new StandInHttpError(
            400,
            'invalid',
            'Unsupported by the BigQuery stand-in: legacy SQL views',
          );
        }
        await executeQuery(this.ctx, {
          query: `CREATE VIEW \`${projectId}.${datasetId}.${tableId}\` AS ${view.query}`,
          projectId,
        });
        const meta = this.catalog.getTable(projectId, datasetId, tableId);
        const { schema: _s, view: _v, tableReference: _r, ...rest } = resource;
        Object.assign(meta.resource, rest);
        return meta;
      }
      let schema: BigQueryField[];
      try {
        schema = normalizeSchema(
          ((resource.schema as { fields?: BigQueryField[] } | undefined)?.fields ?? []) as BigQueryField[],
        );
      } catch (err) {
        throw new StandInHttpError(400, 'invalid', (err as Error).message);
      }
      const columns = schema.length ? duckColumnsDdl(schema) : '"__no_columns" BOOLEAN';
      await this.conn.run(`CREATE TABLE ${duckTableName(address)} (${columns})`);
      return this.catalog.recordTable(address, schema, resource);
    });
  }

  /**
   * tables.patch / tables.update: description, labels and other plain fields are merged; schema
   * changes may add NULLABLE or REPEATED columns and relax REQUIRED to NULLABLE, as BigQuery allows.
   */
  patchTable(
    projectId: string,
    datasetId: string,
    tableId: string,
    patch: Record<string, unknown>,
  ): Promise<void> {
    return this.exclusive(async () => {
      const meta = this.catalog.getTable(projectId, datasetId, tableId);
      const { schema: schemaPatch, tableReference: _ref, ...rest } = patch;
      const fields = (schemaPatch as { fields?: BigQueryField[] } | undefined)?.fields;
      if (fields) await applySchemaPatch(this.conn, meta, fields);
      Object.assign(meta.resource, rest);
      meta.lastModifiedTime = Date.now();
    });
  }

  deleteTable(projectId: string, datasetId: string, tableId: string): Promise<void> {
    return this.exclusive(async () => {
      const meta = this.catalog.getTable(projectId, datasetId, tableId);
      const kind =
        meta.resource.type === 'VIEW' || meta.resource.type === 'MATERIALIZED_VIEW' ? 'VIEW' : 'TABLE';
      await this.conn.run(`DROP ${kind} ${duckTableName({ projectId, datasetId, tableId })}`);
      this.catalog.forgetTable({ projectId, datasetId, tableId });
    });
  }

  /** The table resource, with fresh `numRows`/`numBytes`. */
  tableResource(projectId: string, datasetId: string, tableId: string): Promise<Record<string, unknown>> {
    return this.exclusive(async () => {
      const meta = this.catalog.getTable(projectId, datasetId, tableId);
      const isView = meta.resource.type === 'VIEW' || meta.resource.type === 'MATERIALIZED_VIEW';
      const stats = isView ? undefined : await tableStats(this.conn, meta);
      const ds = this.catalog.getDataset(projectId, datasetId);
      const { schema: _ignored, ...rest } = meta.resource;
      return {
        ...rest,
        kind: 'bigquery#table',
        etag: `"${meta.lastModifiedTime.toString(36)}"`,
        id: `${projectId}:${datasetId}.${tableId}`,
        tableReference: { projectId, datasetId, tableId },
        schema: { fields: meta.schema },
        ...(stats ? { numRows: String(stats.rows), numBytes: String(stats.bytes) } : {}),
        creationTime: String(meta.creationTime),
        lastModifiedTime: String(meta.lastModifiedTime),
        type: typeof meta.resource.type === 'string' ? meta.resource.type : 'TABLE',
        location: ds.location,
        ...(meta.streamedRows > 0
          ? {
              streamingBuffer: {
                estimatedRows: String(meta.streamedRows),
                estimatedBytes: '0',
                oldestEntryTime: String(meta.creationTime),
              },
            }
          : {}),
      };
    });
  }

  // ---------------------------------------------------------------- rows

  /** A table that holds rows: views are refused as BigQuery refuses them. */
  private tableNotView(projectId: string, datasetId: string, tableId: string, action: string): TableMeta {
    const meta = this.catalog.getTable(projectId, datasetId, tableId);
    if (meta.resource.type === 'VIEW' || meta.resource.type === 'MATERIALIZED_VIEW') {
      throw new StandInHttpError(
        400,
        'invalid',
        `Cannot ${action} ${projectId}:${datasetId}.${tableId}: it is a view`,
      );
    }
    return meta;
  }

  /**
   * Appends rows already checked by `checkRow` (Storage Write API commits and committed-stream
   * appends): several tables at once, all in one turn of the queue, so a commit is visible whole.
   * Unlike insertAll, these rows are not in a streaming buffer (DML may change them at once).
   */
  appendChecked(writes: ReadonlyArray<{ table: TableMeta; rows: unknown[][] }>): Promise<void> {
    return this.exclusive(async () => {
      for (const { table, rows } of writes) {
        await insertValues(this.conn, table, rows);
        if (rows.length) table.lastModifiedTime = Date.now();
      }
    });
  }

  /**
   * insertAll: checks every row, accepts all of them (or, with `skipInvalidRows`, the valid ones)
   * into the streaming buffer, skips rows whose insertId was accepted within the window, and
   * returns insertErrors. It does not wait for the queue: the rows are applied before the next
   * operation (see `Engine.exclusive`).
   */
  insertAll(
    projectId: string,
    datasetId: string,
    tableId: string,
    rows: Array<{ json?: unknown; insertId?: string }>,
    options: { skipInvalidRows?: boolean; ignoreUnknownValues?: boolean },
  ): Array<{ index: number; errors: RowProblem[] }> {
    if (this.closed) throw new StandInHttpError(503, 'backendError', 'The BigQuery stand-in is closed');
    this.throwIfRowsWereLost();
    const meta = this.tableNotView(projectId, datasetId, tableId, 'insert rows into');
    const { insertErrors, accepted } = acceptInsertAll(meta, rows, options, this.insertIdWindowMs);
    if (accepted.length > 0) {
      this.buffer.add(meta, meta.schema, accepted);
      this.lastInsertAt = Date.now();
      this.scheduleApply();
    }
    return insertErrors;
  }

  /** tabledata.list */
  listRows(
    projectId: string,
    datasetId: string,
    tableId: string,
    options: { startIndex: number; maxResults?: number; selectedFields?: string[] },
  ): Promise<{ rows: DuckDBValue[][]; totalRows: number; schema: BigQueryField[] }> {
    return this.exclusive(async () => {
      const meta = this.tableNotView(projectId, datasetId, tableId, 'list the rows of');
      let fields = meta.schema;
      if (options.selectedFields?.length) {
        const wanted = new Set(options.selectedFields.map((f) => f.trim().toLowerCase()));
        fields = meta.schema.filter((f) => wanted.has(f.name.toLowerCase()));
      }
      const count = await this.conn.runAndReadAll(`SELECT COUNT(*) FROM ${duckTableName(meta)}`);
      const totalRows = Number(count.getRows()[0]?.[0] ?? 0);
      if (fields.length === 0) return { rows: [], totalRows, schema: fields };
      const limit = options.maxResults === undefined ? '' : ` LIMIT ${Math.max(0, options.maxResults)}`;
      const reader = await this.conn.runAndReadAll(
        `SELECT ${fields.map((f) => quoteIdent(f.name)).join(', ')} FROM ${duckTableName(meta)}${limit} OFFSET ${options.startIndex}`,
      );
      return { rows: reader.getRows(), totalRows, schema: fields };
    });
  }

  /** Load job: applies NDJSON rows to a table atomically, creating the table if asked. */
  load(
    config: Record<string, unknown>,
    projectId: string,
    data: string,
  ): Promise<{ outputRows: number; inputBytes: number; outputBytes: number }> {
    return this.exclusive(() => runLoadJob(this.ctx, config, projectId, data));
  }

  // ---------------------------------------------------------------- queries

  /** Runs (or, for a dry run, plans) a GoogleSQL request. */
  query(req: QueryRequest): Promise<QueryOutcome> {
    return this.exclusive(() => executeQuery(this.ctx, req));
  }

  /** Runs GoogleSQL directly (no faults, no log) and returns plain rows; for test fixtures and assertions. */
  async run(
    sql: string,
    params?: QueryParameter[] | Record<string, unknown>,
  ): Promise<Record<string, DuckDBValue>[]> {
    const queryParameters = Array.isArray(params) ? params : params ? inferParameters(params) : undefined;
    const outcome = await this.query({
      query: sql,
      projectId: this.defaultProject,
      ...(queryParameters ? { queryParameters, parameterMode: 'NAMED' } : {}),
    });
    const names = (outcome.schema ?? []).map((f) => f.name);
    if (!outcome.rows) {
      return outcome.numDmlAffectedRows !== undefined
        ? [{ numDmlAffectedRows: BigInt(outcome.numDmlAffectedRows) }]
        : [];
    }
    return outcome.rows.map((r) => Object.fromEntries(names.map((n, i) => [n, r[i] ?? null])));
  }
}
