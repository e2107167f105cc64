import { brandClass } from './brand.js';
import { type RowFailure, rowFailuresForJson } from './partial-insert-error.js';
import { causeOf, PipelineError } from './pipeline-error.js';

/**
 * The Storage Write API's `StorageError.StorageErrorCode` names (google.cloud.bigquery.storage.v1),
 * plus the outcomes the writer itself reports: `COMMIT_OUTCOME_UNKNOWN` (the commit was sent and
 * its outcome could not be read back, or the caller aborted before it was known), `ROW_COUNT_MISMATCH` (a finalized stream holds another
 * number of rows than were appended), `APPEND_FAILED` (an in-band append error without a more
 * precise code) and `CONNECTION_LOST` (the AppendRows connection ended with appends unanswered;
 * transient for the codes Google documents as retryable: UNAVAILABLE, ABORTED, CANCELLED,
 * INTERNAL, DEADLINE_EXCEEDED, and for an idle-stream close).
 *
 * @example
 * ```ts
 * import { BigQueryExecutor, StorageError, type StorageErrorCode } from 'gcp-pipeline-resilience';
 * declare const rows: Array<{ event_id: string }>;
 * const bq = new BigQueryExecutor();
 * const needsAHuman = (code: StorageErrorCode) => code === 'COMMIT_OUTCOME_UNKNOWN' || code === 'OFFSET_OUT_OF_RANGE';
 * try {
 *   await bq.writeRows('nba_raw.events', rows);
 * } catch (err) {
 *   if (err instanceof StorageError && needsAHuman(err.storageCode)) console.error(err.storageCode, err.stream);
 * }
 * ```
 */
export type StorageErrorCode =
  | 'STORAGE_ERROR_CODE_UNSPECIFIED'
  | 'TABLE_NOT_FOUND'
  | 'STREAM_ALREADY_COMMITTED'
  | 'STREAM_NOT_FOUND'
  | 'INVALID_STREAM_TYPE'
  | 'INVALID_STREAM_STATE'
  | 'STREAM_FINALIZED'
  | 'SCHEMA_MISMATCH_EXTRA_FIELDS'
  | 'OFFSET_ALREADY_EXISTS'
  | 'OFFSET_OUT_OF_RANGE'
  | 'CMEK_NOT_PROVIDED'
  | 'INVALID_CMEK_PROVIDED'
  | 'CMEK_ENCRYPTION_ERROR'
  | 'KMS_SERVICE_ERROR'
  | 'KMS_PERMISSION_DENIED'
  | 'COMMIT_OUTCOME_UNKNOWN'
  | 'ROW_COUNT_MISMATCH'
  | 'APPEND_FAILED'
  | 'CONNECTION_LOST';

/**
 * Options of {@link StorageError}.
 *
 * @example
 * ```ts
 * import { StorageError, type StorageErrorOptions } from 'gcp-pipeline-resilience';
 * // A fake writer in a test fails as the real one does when its stream is gone.
 * const streamGone = (table: string): StorageErrorOptions => ({ storageCode: 'STREAM_NOT_FOUND', table, transient: false });
 * const fakeWrite = async (): Promise<never> => {
 *   throw new StorageError('write stream not found', streamGone('ds.t'));
 * };
 * ```
 */
export interface StorageErrorOptions {
  storageCode: StorageErrorCode;
  /** The table written to (`dataset.table` or `project.dataset.table`). */
  table: string;
  /** The write stream, when one was involved. */
  stream?: string;
  /** The entity the service named (a stream or a table). */
  entity?: string;
  /** The gRPC status code, when the error came as a status. */
  grpcCode?: number;
  /** Rows of the call known to be written (committed and default modes; 0 for a failed atomic call). */
  writtenRows?: number;
  transient?: boolean;
  cause?: unknown;
}

/**
 * A Storage Write API failure the writer could not resolve. Code `'STORAGE_WRITE'`; `storageCode`
 * says which (`OFFSET_OUT_OF_RANGE` is a bug in offsets and never transient; `COMMIT_OUTCOME_UNKNOWN`
 * means the stream may or may not be committed: read `stream`'s state before writing again).
 *
 * @example
 * ```ts
 * import { BigQueryExecutor, StorageError } from 'gcp-pipeline-resilience';
 * const bq = new BigQueryExecutor({ projectId: 'nba-props-platform' });
 * declare const rows: Array<Record<string, unknown>>;
 * try {
 *   await bq.writeRows('ds.events', rows);
 * } catch (err) {
 *   if (err instanceof StorageError && err.storageCode === 'COMMIT_OUTCOME_UNKNOWN') console.error(err.stream);
 *   throw err;
 * }
 * ```
 */
export class StorageError extends PipelineError {
  protected static override readonly brand: symbol = /* @__PURE__ */ brandClass(StorageError, 'StorageError');

  readonly storageCode: StorageErrorCode;
  readonly table: string;
  readonly stream: string | undefined;
  readonly entity: string | undefined;
  readonly grpcCode: number | undefined;
  /** Rows of the call known to be written when it failed. */
  readonly writtenRows: number;

  constructor(message: string, options: StorageErrorOptions) {
    super(message, {
      code: 'STORAGE_WRITE',
      transient: options.transient ?? false,
      ...causeOf(options),
    });
    this.storageCode = options.storageCode;
    this.table = options.table;
    this.stream = options.stream;
    this.entity = options.entity;
    this.grpcCode = options.grpcCode;
    this.writtenRows = options.writtenRows ?? 0;
  }
}

/**
 * Options of {@link RowError}.
 *
 * @example
 * ```ts
 * import { RowError, type RowErrorOptions, type RowFailure } from 'gcp-pipeline-resilience';
 * // Your own pre-write check, reported the way writeRows reports rows the schema refuses.
 * function refuse(table: string, failures: RowFailure[]): never {
 *   const options: RowErrorOptions = { table, writtenRows: 0, failures };
 *   throw new RowError(`${failures.length} rows refused`, options);
 * }
 * ```
 */
export interface RowErrorOptions {
  table: string;
  /** Rows of the call that were written anyway (always 0 in atomic mode). */
  writtenRows: number;
  /** The refused rows, by their index in the caller's array, with the reasons. */
  failures: RowFailure[];
  cause?: unknown;
}

/**
 * Rows that do not fit the table (found before sending, or reported by the Storage Write API's
 * `row_errors`). Code `'ROW_ERROR'`, never transient. `failures[i].index` is the row's index in the
 * array the caller passed, as `PartialInsertError` reports them; in atomic mode nothing of the call
 * was written.
 *
 * @example
 * ```ts
 * import { BigQueryExecutor, RowError } from 'gcp-pipeline-resilience';
 * const bq = new BigQueryExecutor({ projectId: 'nba-props-platform' });
 * declare const rows: Array<Record<string, unknown>>;
 * try {
 *   await bq.writeRows('ds.events', rows);
 * } catch (err) {
 *   if (err instanceof RowError) for (const f of err.failures) console.warn(f.index, f.reasons[0]?.message);
 *   throw err;
 * }
 * ```
 */
export class RowError extends PipelineError {
  protected static override readonly brand: symbol = /* @__PURE__ */ brandClass(RowError, 'RowError');

  readonly table: string;
  readonly writtenRows: number;
  readonly failures: RowFailure[];

  constructor(message: string, options: RowErrorOptions) {
    super(message, {
      code: 'ROW_ERROR',
      transient: false,
      ...causeOf(options),
    });
    this.table = options.table;
    this.writtenRows = options.writtenRows;
    this.failures = options.failures;
  }

  /**
   * What `JSON.stringify` writes: the failures' indexes and reasons, never the rows themselves.
   *
   * @example
   * ```ts
   * declare const err: unknown;
   * JSON.stringify(err); // {"name":"RowError","code":"ROW_ERROR",...,"failures":[{"index":3,"reasons":[...]}]}
   * ```
   */
  override toJSON(): Record<string, unknown> {
    // The base writes every own field; only the failures lose their rows.
    return { ...super.toJSON(), failures: rowFailuresForJson(this.failures) };
  }
}
