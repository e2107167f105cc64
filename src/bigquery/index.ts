/**
 * The BigQuery layer: {@link BigQueryExecutor}, one retry layer over the real client, and the
 * functional helpers (`executeBigQuery`, ...) for code written as plain function calls. Re-exports only; the
 * building blocks (row encoding, batching, the SQL tokenizer) stay internal so they can change without a
 * major version.
 * @packageDocumentation
 */

export { parseTableName, type TableRef } from '../config/table-name.js';
export { DEFAULT_BATCH_BYTES, DEFAULT_BATCH_ROWS } from './batching.js';
export type { BigQueryClient } from './client.js';
export type { BigQueryDatasetHandle, BigQueryTableHandle, BigQueryUploadStream } from './client-types.js';
export type { JsonValue } from './encode-row.js';
export { BigQueryExecutor, DEFAULT_ATTEMPT_TIMEOUT_MS } from './executor.js';
export {
  executeBigQuery,
  executeBigQueryWithParams,
  type FunctionalOptions,
  insertBigQueryRows,
  updateBigQueryRows,
} from './functional.js';
export { stableInsertId } from './insert-id.js';
export {
  type BigQueryParamType,
  type BigQueryScalarType,
  type BigQueryTypeAlias,
  inferParameterType,
  type QueryParameterType,
  type QueryParams,
  type QueryParamTypes,
} from './params.js';
export type { QueryGuardOptions } from './query-guard.js';
export type { BigQueryWriteClient } from './storage-write/client.js';
export type { BigQueryMethod, BigQueryRequestInfo } from './telemetry.js';
export type {
  BigQueryExecutorOptions,
  CallOptions,
  DryRunResult,
  ExecutorStats,
  InsertResult,
  InsertRowsOptions,
  LoadResult,
  LoadRowsOptions,
  QueryOptions,
  WriteResult,
  WriteRowsOptions,
} from './types.js';
