/**
 * The shapes the stand-in's engine keeps and returns: catalog metadata, query requests and outcomes.
 * @module
 */
import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import type { BigQueryField } from '../schema.js';
import type { StatementType } from '../translate/types.js';
import type { DuckModule, QueryParameter } from '../values.js';
import type { Catalog } from './catalog.js';

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

/**
 * What the engine's parts share: the DuckDB connection (the caller holds the engine's queue), the
 * DuckDB module, the catalog and the engine's settings.
 *
 * @example
 * ```ts
 * const ctx: EngineContext = { conn, duck, catalog, insertIdWindowMs: 60_000, minimumBytesBilledPerTable: 10 * 1024 * 1024 };
 * ```
 */
export interface EngineContext {
  readonly conn: DuckDBConnection;
  readonly duck: DuckModule;
  readonly catalog: Catalog;
  readonly insertIdWindowMs: number;
  readonly minimumBytesBilledPerTable: number;
}
