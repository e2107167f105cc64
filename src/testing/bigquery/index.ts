/**
 * The BigQuery stand-in: a loopback BigQuery v2 REST server backed by DuckDB, with fault plans.
 * @packageDocumentation
 */
export type {
  BigQueryFaultAction,
  BigQueryFaultHandle,
  BigQueryFaultPlan,
  BigQueryFaultRule,
} from './faults.js';
export type { BigQueryField } from './schema.js';
export { startBigQueryStandIn } from './start.js';
export {
  STORAGE_WRITE_METHODS,
  type StorageWriteFault,
  type StorageWriteFaultHandle,
  type StorageWriteFaultPlan,
  type StorageWriteFaultRule,
  type StorageWriteMethod,
} from './storage-write/faults.js';
export type { StorageWriteRequestLogEntry } from './storage-write/service.js';
export type { StorageWriteStandIn, WriteClientOptions } from './storage-write/start.js';
export type {
  AlterAction,
  CreateTableInfo,
  MetadataReference,
  StatementType,
  TableReference,
  TableRole,
  TranslatedStatement,
  TranslateOptions,
  ViewInfo,
} from './translate/types.js';
export { SqlTranslationError, translateSql } from './translate-sql.js';
export type { BigQueryRequestLog, BigQueryStandIn, BigQueryStandInOptions } from './types.js';
