export { type BatchLimits, DEFAULT_BATCH_BYTES, DEFAULT_BATCH_ROWS, planBatches } from './batching.js';
export type { BigQueryClient } from './client.js';
export { encodeRow, type JsonValue } from './encode-row.js';
export { BigQueryExecutor, DEFAULT_ATTEMPT_TIMEOUT_MS } from './executor.js';
export {
  executeBigQuery,
  executeBigQueryWithParams,
  type FunctionalOptions,
  insertBigQueryRows,
  updateBigQueryRows,
} from './functional.js';
export { canonicalJson, stableInsertId } from './insert-id.js';
export {
  type BigQueryParamType,
  type BigQueryScalarType,
  type BigQueryTypeAlias,
  buildQueryParameters,
  type EncodedParameters,
  inferParameterType,
  type QueryParameter,
  type QueryParameterType,
  type QueryParams,
  type QueryParamTypes,
} from './params.js';
export { checkPartitionFilter, type QueryGuardOptions } from './query-guard.js';
export { type SqlToken, tokenizeSql } from './sql-tokens.js';
export { formatTableName, parseTableName, type TableRef } from './table-name.js';
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
} from './types.js';
