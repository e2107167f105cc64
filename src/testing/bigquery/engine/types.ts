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
 * @internal
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
 * @internal
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
 * @internal
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
 * @internal
 */
export interface QueryRequest {
  query: string;
  projectId: string;
  queryParameters?: QueryParameter[];
  parameterMode?: string;
  defaultDataset?: { projectId?: string; datasetId: string };
  dryRun?: boolean;
  maximumBytesBilled?: string | number;
  /** The job's location (the request's, else inferred): where `CREATE SCHEMA` puts a dataset by default. */
  location?: string;
}

/**
 * What the engine's parts share: the DuckDB connection (the caller holds the engine's queue), the
 * DuckDB module, the catalog and the engine's settings.
 *
 * @internal
 */
export interface EngineContext {
  readonly conn: DuckDBConnection;
  readonly duck: DuckModule;
  readonly catalog: Catalog;
  readonly insertIdWindowMs: number;
  readonly minimumBytesBilledPerTable: number;
}
