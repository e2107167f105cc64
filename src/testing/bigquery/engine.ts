/**
 * The BigQuery stand-in's storage and SQL engine: an in-memory DuckDB database (one DuckDB schema
 * per dataset) plus the BigQuery metadata DuckDB cannot hold (schemas with modes, partitioning,
 * clustering, insert ids). Every DuckDB call goes through one queue: a DuckDB connection runs one
 * statement at a time.
 */
import type { DuckDBConnection, DuckDBInstance, DuckDBType, DuckDBValue } from '@duckdb/node-api';
import { datasetNotFound, StandInHttpError, tableNotFound } from './http-errors.js';
import {
  type BigQueryField,
  duckColumnsDdl,
  duckTypeOfField,
  fieldOfDuckType,
  fixedValueBytes,
  legacyTypeName,
  normaliseSchema,
} from './schema.js';
import {
  type CreateTableInfo,
  duckSchemaName,
  duckTableName,
  SqlTranslationError,
  type StatementType,
  type TableReference,
  type TranslatedStatement,
  translateSql,
} from './translate-sql.js';
import {
  checkRow,
  type DuckModule,
  paramDuckType,
  paramDuckValue,
  type QueryParameter,
  type RowProblem,
} from './values.js';

/**
 * Metadata of a dataset.
 *
 * @example
 * ```ts
 * const ds: DatasetMeta = engine.getDataset('test-project', 'ds');
 * ```
 */
export interface DatasetMeta {
  projectId: string;
  datasetId: string;
  location: string;
  creationTime: number;
  lastModifiedTime: number;
  resource: Record<string, unknown>;
}

/**
 * Metadata of a table.
 *
 * @example
 * ```ts
 * const t: TableMeta = engine.getTable('test-project', 'ds', 't');
 * t.schema; // BigQuery fields with modes
 * ```
 */
export interface TableMeta {
  projectId: string;
  datasetId: string;
  tableId: string;
  schema: BigQueryField[];
  creationTime: number;
  lastModifiedTime: number;
  resource: Record<string, unknown>;
  /** insertId → time it was applied (ms). */
  insertIds: Map<string, number>;
  streamedRows: number;
}

/**
 * What a statement produced.
 *
 * @example
 * ```ts
 * const o: QueryOutcome = await engine.query({ query: 'SELECT 1 AS x', projectId: 'p' });
 * o.statementType; // 'SELECT'
 * ```
 */
export interface QueryOutcome {
  statementType: StatementType | 'SCRIPT';
  schema?: BigQueryField[];
  rows?: DuckDBValue[][];
  numDmlAffectedRows?: number;
  dmlStats?: Record<string, string>;
  ddlOperationPerformed?: string;
  ddlTargetTable?: { projectId: string; datasetId: string; tableId: string };
  totalBytesProcessed: number;
  totalBytesBilled: number;
  referencedTables: Array<{ projectId: string; datasetId: string; tableId: string }>;
}

/**
 * A query to run.
 *
 * @example
 * ```ts
 * const req: QueryRequest = { query: 'SELECT @n AS n', projectId: 'p', queryParameters: [{ name: 'n', parameterType: { type: 'INT64' }, parameterValue: { value: '1' } }] };
 * ```
 */
export interface QueryRequest {
  query: string;
  projectId: string;
  queryParameters?: QueryParameter[];
  parameterMode?: string;
  defaultDataset?: { projectId?: string; datasetId: string };
  dryRun?: boolean;
  maximumBytesBilled?: string | number;
}

const MIB = 1024 * 1024;

function key(projectId: string, datasetId: string, tableId?: string): string {
  return tableId === undefined ? `${projectId}:${datasetId}` : `${projectId}:${datasetId}.${tableId}`;
}

function quote(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * Maps a DuckDB error to the error BigQuery would give.
 *
 * @example
 * ```ts
 * mapDuckError(new Error('Binder Error: Referenced column "x" not found')).message; // 'Unrecognized name: x'
 * ```
 */
export function mapDuckError(err: unknown): StandInHttpError {
  if (err instanceof StandInHttpError) return err;
  if (err instanceof SqlTranslationError) return new StandInHttpError(400, err.reason, err.message);
  const raw = err instanceof Error ? err.message : String(err);
  const first = raw.split('\n')[0] ?? raw;
  let m = /Referenced column "?([^"\s]+)"? not found/.exec(first);
  if (m) return new StandInHttpError(400, 'invalidQuery', `Unrecognized name: ${m[1]}`);
  m = /(?:Scalar|Aggregate|Table) Function with name "?([^"\s]+)"? does not exist/i.exec(first);
  if (m) return new StandInHttpError(400, 'invalidQuery', `Function not found: ${m[1]}`);
  m = /Table with name "?([^"\s!]+)"? does not exist/.exec(first);
  if (m) return new StandInHttpError(404, 'notFound', `Not found: Table ${m[1]}`);
  if (/^Parser Error/.test(first)) {
    return new StandInHttpError(400, 'invalidQuery', `Syntax error: ${first.replace(/^Parser Error: /, '')}`);
  }
  if (/^Constraint Error: NOT NULL/.test(first)) {
    return new StandInHttpError(400, 'invalidQuery', first.replace(/^Constraint Error: /, ''));
  }
  return new StandInHttpError(400, 'invalidQuery', `Query error (DuckDB in the BigQuery stand-in): ${first}`);
}

/**
 * The SQL engine of the stand-in. Created by {@link Engine.create}.
 *
 * @example
 * ```ts
 * const duck = await import('@duckdb/node-api');
 * const engine = await Engine.create(duck, { location: 'US' });
 * ```
 */
export class Engine {
  readonly duck: DuckModule;
  readonly location: string;
  readonly datasets = new Map<string, DatasetMeta>();
  readonly tables = new Map<string, TableMeta>();
  readonly insertIdWindowMs: number;
  readonly minimumBytesBilledPerTable: number;
  private readonly instance: DuckDBInstance;
  private readonly conn: DuckDBConnection;
  private chain: Promise<unknown> = Promise.resolve();
  private closed = false;

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
    this.insertIdWindowMs = options.insertIdWindowMs;
    this.minimumBytesBilledPerTable = options.minimumBytesBilledPerTable;
  }

  static async create(
    duck: DuckModule,
    options: { location: string; insertIdWindowMs?: number; minimumBytesBilledPerTable?: number },
  ): Promise<Engine> {
    const instance = await duck.DuckDBInstance.create(':memory:');
    const conn = await instance.connect();
    await conn.run("SET TimeZone = 'UTC'");
    return new Engine(duck, instance, conn, {
      location: options.location,
      insertIdWindowMs: options.insertIdWindowMs ?? 60_000,
      minimumBytesBilledPerTable: options.minimumBytesBilledPerTable ?? 10 * MIB,
    });
  }

  /** Runs `fn` alone on the connection (queued after everything before it). */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.then(() => {
      if (this.closed) throw new StandInHttpError(503, 'backendError', 'The BigQuery stand-in is closed');
      return fn();
    });
    this.chain = run.catch(() => undefined);
    return run;
  }

  async close(): Promise<void> {
    await this.chain;
    this.closed = true;
    this.conn.closeSync();
    this.instance.closeSync();
  }

  // ---------------------------------------------------------------- datasets

  getDataset(projectId: string, datasetId: string): DatasetMeta {
    const ds = this.datasets.get(key(projectId, datasetId));
    if (!ds) throw datasetNotFound(projectId, datasetId);
    return ds;
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
      if (this.datasets.has(key(projectId, datasetId))) {
        throw new StandInHttpError(409, 'duplicate', `Already Exists: Dataset ${projectId}:${datasetId}`);
      }
      await this.conn.run(`CREATE SCHEMA ${duckSchemaName(projectId, datasetId)}`);
      return this.recordDataset(projectId, datasetId, resource);
    });
  }

  private recordDataset(
    projectId: string,
    datasetId: string,
    resource: Record<string, unknown>,
  ): DatasetMeta {
    const now = Date.now();
    const meta: DatasetMeta = {
      projectId,
      datasetId,
      location: typeof resource.location === 'string' ? resource.location : this.location,
      creationTime: now,
      lastModifiedTime: now,
      resource,
    };
    this.datasets.set(key(projectId, datasetId), meta);
    return meta;
  }

  deleteDataset(projectId: string, datasetId: string, deleteContents: boolean): Promise<void> {
    return this.exclusive(async () => {
      this.getDataset(projectId, datasetId);
      const prefix = `${key(projectId, datasetId)}.`;
      const tables = [...this.tables.keys()].filter((k) => k.startsWith(prefix));
      if (tables.length > 0 && !deleteContents) {
        throw new StandInHttpError(400, 'resourceInUse', `Dataset ${projectId}:${datasetId} is still in use`);
      }
      await this.conn.run(`DROP SCHEMA ${duckSchemaName(projectId, datasetId)} CASCADE`);
      for (const k of tables) this.tables.delete(k);
      this.datasets.delete(key(projectId, datasetId));
    });
  }

  // ---------------------------------------------------------------- tables

  getTable(projectId: string, datasetId: string, tableId: string): TableMeta {
    this.getDataset(projectId, datasetId);
    const t = this.tables.get(key(projectId, datasetId, tableId));
    if (!t) throw tableNotFound(projectId, datasetId, tableId);
    return t;
  }

  createTable(
    projectId: string,
    datasetId: string,
    tableId: string,
    resource: Record<string, unknown>,
  ): Promise<TableMeta> {
    return this.exclusive(async () => {
      this.getDataset(projectId, datasetId);
      if (!/^[\p{L}\p{M}\p{N}\p{Pc}\p{Pd}\p{Zs}$]{1,1024}$/u.test(tableId)) {
        throw new StandInHttpError(400, 'invalid', `Invalid table ID "${tableId}".`);
      }
      if (this.tables.has(key(projectId, datasetId, tableId))) {
        throw new StandInHttpError(
          409,
          'duplicate',
          `Already Exists: Table ${projectId}:${datasetId}.${tableId}`,
        );
      }
      if (resource.view) {
        throw new StandInHttpError(400, 'invalid', 'Unsupported by the BigQuery stand-in: views');
      }
      let schema: BigQueryField[];
      try {
        schema = normaliseSchema(
          ((resource.schema as { fields?: BigQueryField[] } | undefined)?.fields ?? []) as BigQueryField[],
        );
      } catch (err) {
        throw new StandInHttpError(400, 'invalid', (err as Error).message);
      }
      const columns = schema.length ? duckColumnsDdl(schema) : '"__no_columns" BOOLEAN';
      await this.conn.run(`CREATE TABLE ${duckTableName({ projectId, datasetId, tableId })} (${columns})`);
      return this.recordTable(projectId, datasetId, tableId, schema, resource);
    });
  }

  private recordTable(
    projectId: string,
    datasetId: string,
    tableId: string,
    schema: BigQueryField[],
    resource: Record<string, unknown>,
  ): TableMeta {
    const now = Date.now();
    const meta: TableMeta = {
      projectId,
      datasetId,
      tableId,
      schema,
      creationTime: now,
      lastModifiedTime: now,
      resource: { ...resource },
      insertIds: new Map(),
      streamedRows: 0,
    };
    this.tables.set(key(projectId, datasetId, tableId), meta);
    return meta;
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
      const meta = this.getTable(projectId, datasetId, tableId);
      const { schema: schemaPatch, tableReference: _ref, ...rest } = patch;
      const fields = (schemaPatch as { fields?: BigQueryField[] } | undefined)?.fields;
      if (fields) {
        let next: BigQueryField[];
        try {
          next = normaliseSchema(fields);
        } catch (err) {
          throw new StandInHttpError(400, 'invalid', (err as Error).message);
        }
        const old = new Map(meta.schema.map((f) => [f.name.toLowerCase(), f]));
        for (const f of meta.schema) {
          if (!next.some((n) => n.name.toLowerCase() === f.name.toLowerCase())) {
            throw new StandInHttpError(
              400,
              'invalid',
              `Provided Schema does not match Table ${projectId}:${datasetId}.${tableId}. Field ${f.name} is missing in new schema`,
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
                `Provided Schema does not match Table ${projectId}:${datasetId}.${tableId}. Cannot add required fields to an existing schema. (field: ${f.name})`,
              );
            }
            await this.conn.run(
              `ALTER TABLE ${duckTableName(meta)} ADD COLUMN ${quote(f.name)} ${duckTypeOfField(f)}`,
            );
          } else if (
            legacyTypeName(before.type) !== legacyTypeName(f.type) ||
            (before.mode !== f.mode && !(before.mode === 'REQUIRED' && f.mode === 'NULLABLE'))
          ) {
            throw new StandInHttpError(
              400,
              'invalid',
              `Provided Schema does not match Table ${projectId}:${datasetId}.${tableId}. Field ${f.name} has changed type or mode`,
            );
          } else if (before.mode === 'REQUIRED' && f.mode === 'NULLABLE') {
            await this.conn.run(
              `ALTER TABLE ${duckTableName(meta)} ALTER COLUMN ${quote(f.name)} DROP NOT NULL`,
            );
          }
        }
        meta.schema = next;
      }
      Object.assign(meta.resource, rest);
      meta.lastModifiedTime = Date.now();
    });
  }

  /** datasets.patch / datasets.update: plain fields are merged. */
  patchDataset(projectId: string, datasetId: string, patch: Record<string, unknown>): void {
    const ds = this.getDataset(projectId, datasetId);
    const { datasetReference: _ref, location: _loc, ...rest } = patch;
    Object.assign(ds.resource, rest);
    ds.lastModifiedTime = Date.now();
  }

  deleteTable(projectId: string, datasetId: string, tableId: string): Promise<void> {
    return this.exclusive(async () => {
      this.getTable(projectId, datasetId, tableId);
      await this.conn.run(`DROP TABLE ${duckTableName({ projectId, datasetId, tableId })}`);
      this.tables.delete(key(projectId, datasetId, tableId));
    });
  }

  /** Row count and logical size of a table (for the table resource and billing estimates). */
  private async tableStats(meta: TableMeta): Promise<{ rows: number; bytes: number }> {
    const parts = meta.schema.map((f) => {
      const col = quote(f.name);
      const fixed = f.mode === 'REPEATED' ? undefined : fixedValueBytes(f.type);
      if (fixed !== undefined) return `COALESCE(SUM(CASE WHEN ${col} IS NULL THEN 0 ELSE ${fixed} END), 0)`;
      const type = legacyTypeName(f.type);
      if (f.mode !== 'REPEATED' && type === 'BYTES') return `COALESCE(SUM(octet_length(${col}) + 2), 0)`;
      return `COALESCE(SUM(strlen(CAST(${col} AS VARCHAR)) + 2), 0)`;
    });
    const sizeExpr = parts.length ? parts.join(' + ') : '0';
    const reader = await this.conn.runAndReadAll(
      `SELECT COUNT(*) AS n, CAST(${sizeExpr} AS BIGINT) AS b FROM ${duckTableName(meta)}`,
    );
    const [row] = reader.getRows();
    return { rows: Number(row?.[0] ?? 0), bytes: Number(row?.[1] ?? 0) };
  }

  /** The table resource, with fresh `numRows`/`numBytes`. */
  tableResource(projectId: string, datasetId: string, tableId: string): Promise<Record<string, unknown>> {
    return this.exclusive(async () => {
      const meta = this.getTable(projectId, datasetId, tableId);
      const stats = await this.tableStats(meta);
      const ds = this.getDataset(projectId, datasetId);
      const { schema: _ignored, ...rest } = meta.resource;
      return {
        ...rest,
        kind: 'bigquery#table',
        etag: `"${meta.lastModifiedTime.toString(36)}"`,
        id: `${projectId}:${datasetId}.${tableId}`,
        tableReference: { projectId, datasetId, tableId },
        schema: { fields: meta.schema },
        numRows: String(stats.rows),
        numBytes: String(stats.bytes),
        creationTime: String(meta.creationTime),
        lastModifiedTime: String(meta.lastModifiedTime),
        type: 'TABLE',
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

  /**
   * insertAll: checks every row, applies all of them (or, with `skipInvalidRows`, the valid ones),
   * skips rows whose insertId was applied within the window, and returns insertErrors.
   */
  insertAll(
    projectId: string,
    datasetId: string,
    tableId: string,
    rows: Array<{ json?: unknown; insertId?: string }>,
    options: { skipInvalidRows?: boolean; ignoreUnknownValues?: boolean },
  ): Promise<Array<{ index: number; errors: RowProblem[] }>> {
    return this.exclusive(async () => {
      const meta = this.getTable(projectId, datasetId, tableId);
      const now = Date.now();
      for (const [id, at] of meta.insertIds) if (now - at > this.insertIdWindowMs) meta.insertIds.delete(id);
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
      await this.insertValues(meta, toApply);
      for (const id of seenNow) meta.insertIds.set(id, now);
      meta.streamedRows += toApply.length;
      if (toApply.length) meta.lastModifiedTime = now;
      return insertErrors;
    });
  }

  /** Inserts checked rows (the output of `checkRow`). Caller holds the queue. */
  async insertValues(meta: TableMeta, rows: unknown[][]): Promise<void> {
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
    const cols = meta.schema.map((f) => quote(f.name)).join(', ');
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
        await this.conn.run(sql, [JSON.stringify(part)]);
      } catch (err) {
        throw new StandInHttpError(
          400,
          'invalid',
          `Could not insert rows: ${String((err as Error).message).split('\n')[0]}`,
        );
      }
    }
  }

  /** tabledata.list */
  listRows(
    projectId: string,
    datasetId: string,
    tableId: string,
    options: { startIndex: number; maxResults?: number; selectedFields?: string[] },
  ): Promise<{ rows: DuckDBValue[][]; totalRows: number; schema: BigQueryField[] }> {
    return this.exclusive(async () => {
      const meta = this.getTable(projectId, datasetId, tableId);
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
        `SELECT ${fields.map((f) => quote(f.name)).join(', ')} FROM ${duckTableName(meta)}${limit} OFFSET ${options.startIndex}`,
      );
      return { rows: reader.getRows(), totalRows, schema: fields };
    });
  }

  // ---------------------------------------------------------------- queries

  /** Runs (or, for a dry run, plans) a GoogleSQL request. */
  query(req: QueryRequest): Promise<QueryOutcome> {
    return this.exclusive(() => this.queryNow(req));
  }

  private bindings(
    stmt: TranslatedStatement,
    req: QueryRequest,
  ): { values: Record<string, DuckDBValue>; types: Record<string, DuckDBType> } {
    const values: Record<string, DuckDBValue> = {};
    const types: Record<string, DuckDBType> = {};
    const params = req.queryParameters ?? [];
    const positional = (req.parameterMode ?? '').toUpperCase() === 'POSITIONAL';
    if (stmt.positionalCount > 0) {
      if (!positional && params.some((p) => p.name)) {
        throw new StandInHttpError(
          400,
          'invalidQuery',
          'Positional parameters are not allowed in named parameter mode',
        );
      }
      for (let i = 0; i < stmt.positionalCount; i++) {
        const p = params[i];
        if (!p)
          throw new StandInHttpError(
            400,
            'invalidQuery',
            `No parameter found for positional parameter ${i + 1}`,
          );
        const name = `__pos${i + 1}`;
        types[name] = paramDuckType(this.duck, p.parameterType);
        values[name] = paramDuckValue(
          this.duck,
          p.parameterType,
          p.parameterValue,
          `positional parameter ${i + 1}`,
        );
      }
    }
    for (const name of stmt.namedParameters) {
      const p = params.find((q) => q.name?.toLowerCase() === name.toLowerCase());
      if (!p) throw new StandInHttpError(400, 'invalidQuery', `Query parameter '${name}' not found`);
      types[name] = paramDuckType(this.duck, p.parameterType);
      values[name] = paramDuckValue(this.duck, p.parameterType, p.parameterValue, name);
    }
    return { values, types };
  }

  private checkTables(stmt: TranslatedStatement): void {
    for (const t of stmt.tables) {
      const ds = this.datasets.get(key(t.projectId, t.datasetId));
      if (!ds) throw datasetNotFound(t.projectId, t.datasetId, this.location);
      if (t.role === 'create' || t.role === 'drop') continue;
      if (!this.tables.has(key(t.projectId, t.datasetId, t.tableId))) {
        throw tableNotFound(t.projectId, t.datasetId, t.tableId, ds.location);
      }
    }
    if (stmt.statementType === 'DROP_TABLE') {
      const t = stmt.tables[0];
      if (
        t &&
        !this.tables.has(key(t.projectId, t.datasetId, t.tableId)) &&
        !/\bIF\s+EXISTS\b/i.test(stmt.sql)
      ) {
        throw tableNotFound(t.projectId, t.datasetId, t.tableId);
      }
    }
    if (stmt.statementType === 'CREATE_SCHEMA' && stmt.schema) {
      const exists = this.datasets.has(key(stmt.schema.projectId, stmt.schema.datasetId));
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
      if (!this.datasets.has(key(projectId, datasetId)) && !stmt.schema.ifExists)
        throw datasetNotFound(projectId, datasetId);
      const hasTables = [...this.tables.keys()].some((k) => k.startsWith(`${key(projectId, datasetId)}.`));
      if (hasTables && !stmt.schema.cascade) {
        throw new StandInHttpError(400, 'resourceInUse', `Dataset ${projectId}:${datasetId} is still in use`);
      }
    }
    if (stmt.create) {
      const t = stmt.tables[0]!;
      const exists = this.tables.has(key(t.projectId, t.datasetId, t.tableId));
      if (exists && !stmt.create.ifNotExists && !stmt.create.orReplace) {
        throw new StandInHttpError(
          409,
          'duplicate',
          `Already Exists: Table ${t.projectId}:${t.datasetId}.${t.tableId}`,
        );
      }
    }
  }

  /** Deterministic bytes estimate: the logical size of every table the statement scans. */
  private async estimate(
    statements: TranslatedStatement[],
  ): Promise<{ processed: number; billed: number; tables: number }> {
    const seen = new Set<string>();
    let processed = 0;
    for (const stmt of statements) {
      for (const t of stmt.tables) {
        if (t.role !== 'read' && t.role !== 'modify') continue;
        const k = key(t.projectId, t.datasetId, t.tableId);
        const meta = this.tables.get(k);
        if (!meta || seen.has(k)) continue;
        seen.add(k);
        processed += (await this.tableStats(meta)).bytes;
      }
    }
    const billed =
      processed === 0 && seen.size === 0
        ? 0
        : Math.max(Math.ceil(processed / MIB) * MIB, this.minimumBytesBilledPerTable * seen.size);
    return { processed, billed, tables: seen.size };
  }

  private async queryNow(req: QueryRequest): Promise<QueryOutcome> {
    let statements: TranslatedStatement[];
    try {
      statements = translateSql(req.query, {
        projectId: req.projectId,
        ...(req.defaultDataset ? { defaultDataset: req.defaultDataset } : {}),
      });
    } catch (err) {
      throw mapDuckError(err);
    }
    // Tables created by an earlier statement of the same script are checked when it runs.
    const first = statements[0]!;
    this.checkTables(first);
    const est = await this.estimate(statements);
    if (req.maximumBytesBilled !== undefined && req.maximumBytesBilled !== null && !req.dryRun) {
      const limit = Number(req.maximumBytesBilled);
      if (Number.isFinite(limit) && est.billed > limit) {
        throw new StandInHttpError(
          400,
          'bytesBilledLimitExceeded',
          `Query exceeded limit for bytes billed: ${limit}. ${est.billed} or higher required.`,
        );
      }
    }
    const referencedTables = statements.flatMap((s) =>
      s.tables
        .filter((t) => t.role === 'read' || t.role === 'modify')
        .map(({ projectId, datasetId, tableId }) => ({ projectId, datasetId, tableId })),
    );
    if (req.dryRun) {
      await this.conn.run('BEGIN TRANSACTION');
      try {
        const outcome = await this.runStatements(statements, req, true);
        return { ...outcome, totalBytesProcessed: est.processed, totalBytesBilled: 0, referencedTables };
      } finally {
        await this.conn.run('ROLLBACK');
      }
    }
    const outcome = await this.runStatements(statements, req, false);
    return { ...outcome, totalBytesProcessed: est.processed, totalBytesBilled: est.billed, referencedTables };
  }

  private async runStatements(
    statements: TranslatedStatement[],
    req: QueryRequest,
    dryRun: boolean,
  ): Promise<Omit<QueryOutcome, 'totalBytesProcessed' | 'totalBytesBilled' | 'referencedTables'>> {
    let last: Omit<QueryOutcome, 'totalBytesProcessed' | 'totalBytesBilled' | 'referencedTables'> = {
      statementType: 'SELECT',
    };
    for (const [i, stmt] of statements.entries()) {
      if (i > 0) this.checkTables(stmt);
      const { values, types } = this.bindings(stmt, req);
      const skip =
        stmt.create?.ifNotExists &&
        this.tables.has(key(stmt.tables[0]!.projectId, stmt.tables[0]!.datasetId, stmt.tables[0]!.tableId));
      let reader: Awaited<ReturnType<DuckDBConnection['runAndReadAll']>>;
      try {
        reader = await this.conn.runAndReadAll(stmt.sql, values, types);
      } catch (err) {
        throw mapDuckError(err);
      }
      const t = stmt.tables[0];
      const target = t ? { projectId: t.projectId, datasetId: t.datasetId, tableId: t.tableId } : undefined;
      switch (stmt.statementType) {
        case 'SELECT': {
          const names = reader.columnNames();
          const colTypes = reader.columnTypes();
          last = {
            statementType: 'SELECT',
            schema: names.map((n, k) => fieldOfDuckType(n, colTypes[k]!)),
            rows: dryRun ? [] : reader.getRows(),
          };
          break;
        }
        case 'INSERT':
        case 'UPDATE':
        case 'DELETE':
        case 'MERGE': {
          const affected = Number(reader.getRows()[0]?.[0] ?? reader.rowsChanged);
          const statKey = {
            INSERT: 'insertedRowCount',
            UPDATE: 'updatedRowCount',
            DELETE: 'deletedRowCount',
            MERGE: undefined,
          }[stmt.statementType];
          last = {
            statementType: stmt.statementType,
            numDmlAffectedRows: affected,
            ...(statKey ? { dmlStats: { [statKey]: String(affected) } } : {}),
          };
          if (!dryRun) this.touch(stmt.tables);
          break;
        }
        default: {
          if (!dryRun) await this.applyDdl(stmt);
          last = {
            statementType: stmt.statementType,
            ddlOperationPerformed: skip
              ? 'SKIP'
              : stmt.statementType.startsWith('DROP')
                ? 'DROP'
                : stmt.create?.orReplace
                  ? 'REPLACE'
                  : stmt.statementType.startsWith('CREATE')
                    ? 'CREATE'
                    : 'ALTER',
            ...(target ? { ddlTargetTable: target } : {}),
          };
        }
      }
    }
    return statements.length > 1 ? { ...last, statementType: 'SCRIPT' } : last;
  }

  private touch(tables: TableReference[]): void {
    const now = Date.now();
    for (const t of tables) {
      if (t.role === 'read') continue;
      const meta = this.tables.get(key(t.projectId, t.datasetId, t.tableId));
      if (meta) meta.lastModifiedTime = now;
    }
  }

  /** Schema of a DuckDB table as BigQuery fields (modes from NOT NULL). */
  private async duckSchema(ref: {
    projectId: string;
    datasetId: string;
    tableId: string;
  }): Promise<BigQueryField[]> {
    const reader = await this.conn.runAndReadAll(`SELECT * FROM ${duckTableName(ref)} LIMIT 0`);
    const nullable = await this.conn.runAndReadAll(
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

  private async applyDdl(stmt: TranslatedStatement): Promise<void> {
    const t = stmt.tables[0];
    switch (stmt.statementType) {
      case 'CREATE_SCHEMA': {
        const s = stmt.schema!;
        if (!this.datasets.has(key(s.projectId, s.datasetId)))
          this.recordDataset(s.projectId, s.datasetId, {});
        return;
      }
      case 'DROP_SCHEMA': {
        const s = stmt.schema!;
        const prefix = `${key(s.projectId, s.datasetId)}.`;
        for (const k of [...this.tables.keys()]) if (k.startsWith(prefix)) this.tables.delete(k);
        this.datasets.delete(key(s.projectId, s.datasetId));
        return;
      }
      case 'DROP_TABLE':
        if (t) this.tables.delete(key(t.projectId, t.datasetId, t.tableId));
        return;
      case 'CREATE_TABLE':
      case 'CREATE_TABLE_AS_SELECT': {
        if (!t) return;
        const existing = this.tables.get(key(t.projectId, t.datasetId, t.tableId));
        if (existing && stmt.create?.ifNotExists) return;
        const schema = stmt.create?.columns ? normaliseSchema(stmt.create.columns) : await this.duckSchema(t);
        this.recordTable(t.projectId, t.datasetId, t.tableId, schema, tableResourceFromDdl(stmt.create));
        return;
      }
      case 'ALTER_TABLE':
      case 'TRUNCATE_TABLE': {
        if (!t) return;
        const meta = this.tables.get(key(t.projectId, t.datasetId, t.tableId));
        if (!meta) return;
        if (stmt.statementType === 'ALTER_TABLE') {
          const fresh = await this.duckSchema(t);
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

  defaultProject = 'test-project';

  /** Load job: applies NDJSON rows to a table atomically, creating the table if asked. */
  load(
    config: Record<string, unknown>,
    projectId: string,
    data: string,
  ): Promise<{ outputRows: number; inputBytes: number; outputBytes: number }> {
    return this.exclusive(async () => {
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
      this.getDataset(p, dest.datasetId);
      let meta = this.tables.get(key(p, dest.datasetId, dest.tableId));
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
        schema = meta ? meta.schema : normaliseSchema(schemaFields!);
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
      await this.conn.run('BEGIN TRANSACTION');
      try {
        if (!meta) {
          await this.conn.run(
            `CREATE TABLE ${duckTableName({ projectId: p, datasetId: dest.datasetId, tableId: dest.tableId })} (${duckColumnsDdl(schema)})`,
          );
        } else if (write === 'WRITE_TRUNCATE') {
          await this.conn.run(`DELETE FROM ${duckTableName(meta)}`);
        } else if (write === 'WRITE_EMPTY') {
          const n = await this.conn.runAndReadAll(`SELECT COUNT(*) FROM ${duckTableName(meta)}`);
          if (Number(n.getRows()[0]?.[0] ?? 0) > 0) {
            throw new StandInHttpError(
              409,
              'duplicate',
              `Already Exists: Table ${p}:${dest.datasetId}.${dest.tableId}`,
            );
          }
        }
        const target =
          meta ??
          ({
            projectId: p,
            datasetId: dest.datasetId,
            tableId: dest.tableId,
            schema,
          } as TableMeta);
        await this.insertValues(target, checked);
        await this.conn.run('COMMIT');
      } catch (err) {
        await this.conn.run('ROLLBACK');
        throw err;
      }
      if (!meta) meta = this.recordTable(p, dest.datasetId, dest.tableId, schema, {});
      else if (write === 'WRITE_TRUNCATE') meta.insertIds.clear();
      meta.lastModifiedTime = Date.now();
      return {
        outputRows: checked.length,
        inputBytes: Buffer.byteLength(data),
        outputBytes: Buffer.byteLength(data),
      };
    });
  }
}

function tableResourceFromDdl(info: CreateTableInfo | undefined): Record<string, unknown> {
  if (!info) return {};
  const out: Record<string, unknown> = {};
  if (info.timePartitioning) out.timePartitioning = { ...info.timePartitioning };
  if (info.rangePartitioning) out.rangePartitioning = info.rangePartitioning;
  if (info.clustering) out.clustering = info.clustering;
  const o = info.options;
  if (typeof o.description === 'string') out.description = o.description;
  if (typeof o.friendly_name === 'string') out.friendlyName = o.friendly_name;
  if (o.require_partition_filter === true) out.requirePartitionFilter = true;
  if (typeof o.partition_expiration_days === 'number' && out.timePartitioning) {
    (out.timePartitioning as Record<string, unknown>).expirationMs = String(
      o.partition_expiration_days * 86_400_000,
    );
  }
  if (Object.keys(o).length) out.options = o;
  return out;
}

/**
 * BigQuery parameters for plain JavaScript values (for {@link Engine.run}).
 *
 * @example
 * ```ts
 * inferParameters({ ids: [1, 2] })[0]?.parameterType; // { type: 'ARRAY', arrayType: { type: 'INT64' } }
 * ```
 */
export function inferParameters(params: Record<string, unknown>): QueryParameter[] {
  const typeOf = (v: unknown): QueryParameter['parameterType'] => {
    if (typeof v === 'boolean') return { type: 'BOOL' };
    if (typeof v === 'bigint') return { type: 'INT64' };
    if (typeof v === 'number') return { type: Number.isInteger(v) ? 'INT64' : 'FLOAT64' };
    if (v instanceof Date) return { type: 'TIMESTAMP' };
    if (Array.isArray(v)) return { type: 'ARRAY', arrayType: v.length ? typeOf(v[0]) : { type: 'STRING' } };
    return { type: 'STRING' };
  };
  const paramValueOf = (v: unknown): QueryParameter['parameterValue'] => {
    if (Array.isArray(v)) return { arrayValues: v.map(paramValueOf) as never };
    if (v instanceof Date) return { value: v.toISOString() };
    if (v === null || v === undefined) return { value: null };
    return { value: String(v) };
  };
  return Object.entries(params).map(([name, v]) => ({
    name,
    parameterType: typeOf(v),
    parameterValue: paramValueOf(v),
  }));
}
