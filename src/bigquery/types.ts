import type { RowFailure } from '../errors/index.js';
import type { RetryOptions } from '../retry/index.js';
import type { ShutdownCoordinator } from '../shutdown/index.js';
import type { BigQueryClient } from './client.js';
import type { QueryParams, QueryParamTypes } from './params.js';
import type { QueryGuardOptions } from './query-guard.js';
import type { BigQueryWriteClient } from './storage-write/client.js';
import type { BigQueryRequestInfo } from './telemetry.js';

/**
 * Options of `new BigQueryExecutor(...)`.
 *
 * @example
 * ```ts
 * import { BigQueryExecutor, type BigQueryExecutorOptions } from 'gcp-pipeline-resilience';
 * const options: BigQueryExecutorOptions = {
 *   projectId: 'nba-props-platform',
 *   location: 'US',
 *   maximumBytesBilled: 50 * 1024 ** 3,
 *   queryGuard: { partitionedTables: { 'nba_analytics.player_game_summary': 'game_date' } },
 * };
 * const bq = new BigQueryExecutor(options);
 * ```
 */
export interface BigQueryExecutorOptions {
  /**
   * A client to wrap. Its own retries are switched off for the executor's requests (a sibling client
   * sharing its auth is used; see docs/decisions/bigquery.md). Default: created on first use with
   * `{ projectId, location, autoRetry: false }`.
   */
  client?: BigQueryClient;
  /**
   * The project of jobs and of short table names (`dataset.table`). Checked at construction by
   * Google's project-id rule, as `parseTableName` checks the project in a name: 6 to 30 lowercase
   * letters, digits and `-`, starting with a letter, not ending with `-`, optionally after a legacy
   * domain (`example.com:my-project`); any other value is an `InvalidResourceNameError`.
   */
  projectId?: string;
  /** Default job location (e.g. `'US'`, `'EU'`). */
  location?: string;
  /**
   * Every call's retry policy, over `bigQueryRetry`; a call's own `retry` goes on top. Everything that
   * is the retry layer's lives here: attempts and backoff, `deadlineMs` (the whole call),
   * `attemptTimeoutMs` (here: how long one request to BigQuery may go unanswered, default 60 s; a
   * query's attempt may poll a long job with many requests), `signal`, a shared `budget` and `breaker`,
   * `logger` (which also gets the executor's own warnings) and `clock`.
   */
  retry?: RetryOptions;
  /** Default byte cap of every query (the job fails with `bytesBilledLimitExceeded` above it). */
  maximumBytesBilled?: number | string | bigint;
  /** Refuse queries that scan a configured partitioned table without a partition filter. */
  queryGuard?: QueryGuardOptions;
  /** Prefix of the job ids the executor generates (a UUID follows). Default `'gpr_'`. */
  jobIdPrefix?: string;
  /**
   * The Storage Write client `writeRows` uses (`v1.BigQueryWriteClient` of
   * `@google-cloud/bigquery-storage`). Its own retries are bypassed per call. Default: created on
   * first use with keepalive (30 s / 10 s).
   */
  writeClient?: BigQueryWriteClient;
  /**
   * Called after every request (attempt) with its method, table, attempt number, status and
   * duration. A listener that throws is logged and ignored.
   */
  onRequest?: (info: BigQueryRequestInfo) => void;
  /**
   * Put each query's SQL in its span's `db.query.text`. Off by default: SQL can hold literal data
   * (names, ids) that should not reach a tracing backend.
   */
  recordQueryText?: boolean;
  /**
   * The shutdown a write in flight (`insertRows`, `loadRows`, `writeRows`, `update`) joins, so that
   * SIGTERM (Cloud Run stopping the instance) waits for it to settle before the process exits, within
   * the coordinator's limit (8 s by default), instead of cutting it off half-written. Reads do not
   * join. Default: the process-wide one (`onShutdown`); `false`: none.
   */
  shutdown?: ShutdownCoordinator | false;
}

/**
 * Options every executor method takes.
 *
 * @example
 * ```ts
 * import { BigQueryExecutor, type CallOptions } from 'gcp-pipeline-resilience';
 * const bq = new BigQueryExecutor();
 * const within = (ms: number): CallOptions => ({ retry: { signal: AbortSignal.timeout(ms), maxAttempts: 5 } });
 * await bq.update('DELETE FROM nba_raw.games WHERE game_date < @d', { params: { d: '2020-01-01' }, ...within(30_000) });
 * ```
 */
export interface CallOptions {
  /**
   * This call's retry policy, over the executor's: e.g. `{ signal }` to stop the call at once (it
   * rejects with `signal.reason`), `{ deadlineMs }` for the whole call.
   */
  retry?: RetryOptions;
}

/**
 * Options of `executor.query(...)` (and `update`, `dryRun`).
 *
 * @example
 * ```ts
 * import { BigQueryExecutor, type QueryOptions } from 'gcp-pipeline-resilience';
 * const bq = new BigQueryExecutor();
 * const fresh = (params: QueryOptions['params']): QueryOptions => ({ params, useCache: false, labels: { job: 'grader' } });
 * const games = await bq.query('SELECT * FROM nba_raw.games WHERE team = @team', fresh({ team: 'LAL' }));
 * ```
 */
export interface QueryOptions extends CallOptions {
  /** `@name` parameters as an object, `?` parameters as an array. */
  params?: QueryParams;
  /** Explicit types (needed for `null` and empty arrays). */
  types?: QueryParamTypes;
  /** `useQueryCache`; BigQuery's default (true) when absent. */
  useCache?: boolean;
  location?: string;
  /** Validate and estimate only; `query` then returns `[]`. Prefer `executor.dryRun()`, which returns the estimate. */
  dryRun?: boolean;
  /** This query's byte cap, over the executor's default. */
  maximumBytesBilled?: number | string | bigint;
  /**
   * BigQuery's server-side limit for the query's job, ms: past it BigQuery stops the job. Default: the
   * call's `retry.deadlineMs` when there is one (a job nobody will wait for is stopped too).
   */
  jobTimeoutMs?: number;
  labels?: Record<string, string>;
  /**
   * Run the query as a job of this id (jobs.insert; re-runs after a failed job get `<jobId>_r<n>`). By
   * default a query goes through jobs.query, where BigQuery answers a short query without a job; DML
   * and scripts run as a job of a fresh id (`gpr_` + UUID).
   */
  jobId?: string;
  /** Rows per results page (`maxResults`); BigQuery's default when absent. */
  pageSize?: number;
  /**
   * Return INT64 as the client's `BigQueryInt` instead of a number (no precision loss past 2^53).
   * Without it, results holding an INT64 past `Number.MAX_SAFE_INTEGER` reject with `PipelineError`
   * `UNSAFE_INTEGER` naming the column, rather than return it rounded to another integer.
   */
  wrapIntegers?: boolean;
}

/**
 * What a dry run reports.
 *
 * @example
 * ```ts
 * import { BigQueryExecutor } from 'gcp-pipeline-resilience';
 * const bq = new BigQueryExecutor({ projectId: 'nba-props-platform' });
 * const { totalBytesProcessed } = await bq.dryRun('SELECT * FROM mlb_raw.games WHERE game_date = @d', { params: { d: '2024-06-01' } });
 * ```
 */
export interface DryRunResult {
  /** Bytes the query would read (and bill, before the 10 MB minimum). */
  totalBytesProcessed: number;
  /** The statement type BigQuery parsed (`SELECT`, `UPDATE`, ...), when it said. */
  statementType?: string;
  /** The referenced tables, as `project.dataset.table`, when BigQuery said. */
  referencedTables?: string[];
}

/**
 * Options of `executor.insertRows(...)`.
 *
 * @example
 * ```ts
 * import { BigQueryExecutor, type InsertRowsOptions } from 'gcp-pipeline-resilience';
 * type Row = { player_id: string; game_date: string; points: number };
 * declare const rows: Row[];
 * const bq = new BigQueryExecutor();
 * // One insert id per (player, game): a redelivered message cannot write a row twice.
 * const byPlayerAndGame: InsertRowsOptions<Row> = { insertId: (r) => `${r.player_id}:${r.game_date}`, batchRows: 1000 };
 * await bq.insertRows('nba_analytics.player_game_summary', rows, byPlayerAndGame);
 * ```
 */
export interface InsertRowsOptions<R> extends CallOptions {
  /**
   * A row's insert id (at most 128 characters). Default: SHA-256 of the row's canonical JSON
   * (`stableInsertId(row)`), followed by `-k` for the k-th repeat of an identical row in the same call,
   * so identical rows of one call are all written and a re-send of the same rows (in any order) gets
   * the same ids. BigQuery keeps one row per id, so two rows of one call with
   * the same id must be the same row: two different rows given one id are refused up front with a
   * `TypeError` naming both; identical rows given one id are kept once (and each counted as inserted).
   */
  insertId?: (row: R, index: number) => string;
  /** Rows per `insertAll` request. Default 500; at most 50,000 (insertAll's limit). */
  batchRows?: number;
  /** Bytes per `insertAll` request. Default 9 MiB; at most 10 MB (insertAll's limit). */
  batchBytes?: number;
  /** BigQuery's `skipInvalidRows`: insert the valid rows of a request that has invalid ones. */
  skipInvalidRows?: boolean;
  /** BigQuery's `ignoreUnknownValues`: drop fields the table does not have. */
  ignoreUnknownValues?: boolean;
  /**
   * Default `true`: when any row is refused for good, every other row is written first and then
   * `insertRows` rejects with `PartialInsertError` (`inserted`, `failures[]` by the row's index in
   * your array, with BigQuery's reasons). `false` returns `{ inserted, failed }` instead, for callers
   * that handle `failed` themselves. A call cut short (a 404 table, an outage that outlasts the
   * retries) rejects either way.
   */
  throwOnFailure?: boolean;
  /** insertAll requests in flight at once. Default 4; the outcome does not depend on their order. */
  concurrency?: number;
}

/**
 * The outcome of `insertRows`: how many rows BigQuery accepted and, for each row it did not, why.
 * `failed[i].index` is the row's index in the array the caller passed. `failed` can only be non-empty
 * with `throwOnFailure: false`; by default a refused row makes `insertRows` reject.
 *
 * @example
 * ```ts
 * import { BigQueryExecutor } from 'gcp-pipeline-resilience';
 * const bq = new BigQueryExecutor({ projectId: 'nba-props-platform' });
 * declare const rows: Array<Record<string, unknown>>;
 * const { inserted, failed } = await bq.insertRows('mlb_raw.games', rows, { throwOnFailure: false });
 * for (const f of failed) console.warn(`row ${f.index} refused: ${f.reasons.map((r) => r.reason).join(', ')}`);
 * ```
 */
export interface InsertResult {
  inserted: number;
  failed: RowFailure[];
}

/**
 * Options of `executor.loadRows(...)`.
 *
 * @example
 * ```ts
 * import { BigQueryExecutor, type LoadRowsOptions } from 'gcp-pipeline-resilience';
 * declare const rows: Array<Record<string, unknown>>;
 * const bq = new BigQueryExecutor();
 * // Rows with keys the table does not have: drop those keys on purpose (the default fails the job).
 * const lenient: LoadRowsOptions = { ignoreUnknownValues: true };
 * await bq.loadRows('nba_raw.games', rows, lenient);
 * ```
 */
export interface LoadRowsOptions extends CallOptions {
  /**
   * Drop fields the table does not have. Default false: a row with a key the table lacks (a misspelled
   * column) fails the job for good, and its value is not silently lost; the rows stay with the caller.
   */
  ignoreUnknownValues?: boolean;
  /**
   * The first job's id, followed by `_` and the fingerprint of the job's rows (the first 32 hex
   * characters of the SHA-256 of their canonical NDJSON), so that other rows under the same id are a
   * job of their own and land, while the same rows again read the job back instead of loading twice.
   * An id that already ends with that fingerprint, or with it and a re-run's `_r<n>` (one a call
   * reported), is used as it is. Default: prefix + random UUID + fingerprint. When the rows are split
   * into several jobs, job `k` gets `<jobId>_p<k>_<fingerprint>` (by default `<jobId>` is prefix +
   * one random UUID for the call, the `jobId` of a `JOB_OUTCOME_UNKNOWN` error of such a load: passed
   * back with the same rows and `jobBytes`, it names every job again). At most 983 characters (BigQuery's
   * 1,024 less the fingerprint and a re-run's `_r<n>`), unless it ends with the fingerprint. The
   * fingerprint is of the rows as encoded for sending (a `Date` as its ISO text, bytes as base64, a
   * `bigint` or a client value class as its string) with the keys of every object sorted: the same
   * rows rebuilt with their keys in another order are the same load and read its job back. The order
   * of the rows and of array elements counts: reordered, they are other content and a job of their own.
   */
  jobId?: string;
  location?: string;
  /**
   * NDJSON bytes per load job: a larger input is split into several jobs, each all or nothing.
   * Default 64 MiB.
   */
  jobBytes?: number;
  /** Load jobs in flight at once when the rows are split. Default 4. */
  concurrency?: number;
}

/**
 * The outcome of `loadRows`. `jobId` is `null` when there were no rows (no job was run).
 *
 * @example
 * ```ts
 * import { BigQueryExecutor } from 'gcp-pipeline-resilience';
 * const bq = new BigQueryExecutor({ projectId: 'nba-props-platform' });
 * declare const rows: Array<Record<string, unknown>>;
 * const { jobId, jobIds, outputRows } = await bq.loadRows('mlb_reference.unresolved_players', rows);
 * ```
 */
export interface LoadResult {
  /** The job that loaded the rows (the first one when they were split); `null` for no rows. */
  jobId: string | null;
  /** Every job that loaded rows, in row order. */
  jobIds: string[];
  outputRows: number;
}

/**
 * Counters of one executor, for demos, tests and metrics: `calls` public method calls, `attempts`
 * attempts made by them (each a request or a resumed step), `retries` attempts that followed a failure.
 *
 * @example
 * ```ts
 * import { BigQueryExecutor } from 'gcp-pipeline-resilience';
 * const bq = new BigQueryExecutor({ projectId: 'nba-props-platform' });
 * const { calls, attempts, retries } = bq.stats;
 * ```
 */
export interface ExecutorStats {
  calls: number;
  attempts: number;
  retries: number;
}

/**
 * Options of `executor.writeRows(...)` (the Storage Write API).
 *
 * @example
 * ```ts
 * import { BigQueryExecutor, type WriteRowsOptions } from 'gcp-pipeline-resilience';
 * declare const events: Array<{ event_id: string }>;
 * const bq = new BigQueryExecutor();
 * const bulk: WriteRowsOptions = { mode: 'committed', maxInflightRequests: 20 };
 * const { written } = await bq.writeRows('nba_raw.events', events, bulk);
 * ```
 */
export interface WriteRowsOptions extends CallOptions {
  /**
   * - `'atomic'` (default): every row of the call becomes visible at once, or none does (a PENDING
   *   stream, committed at the end). Exactly once across retries within the call; a second call with
   *   the same rows (a redelivery after a lost ack) writes them again.
   * - `'committed'`: rows become visible as they are acknowledged; exactly once across retries and
   *   reconnects (offsets). A call that runs out of attempts finalizes its stream to count its rows:
   *   when every row is there (only answers were lost) it resolves; otherwise it rejects, having written
   *   a prefix: `StorageError.writtenRows` says how many rows exactly, so resend `rows.slice(writtenRows)`.
   * - `'default'`: the `_default` stream, at least once: a retry after a lost answer may duplicate
   *   rows. The highest throughput, no stream to create.
   */
  mode?: 'atomic' | 'committed' | 'default';
  /** Rows per AppendRows request. Default 10,000. */
  batchRows?: number;
  /** Bytes of serialized rows per AppendRows request. Default 8 MiB; at most 9.5 MiB (the API allows 10 MB). */
  batchBytes?: number;
  /** AppendRows requests in flight on the connection. Default 100. */
  maxInflightRequests?: number;
  /** Bytes in flight on the connection. Default 64 MiB. */
  maxInflightBytes?: number;
  /** Drop fields the table does not have instead of refusing the row. Default false. */
  ignoreUnknownValues?: boolean;
}

/**
 * The outcome of `writeRows`.
 *
 * @example
 * ```ts
 * import { BigQueryExecutor } from 'gcp-pipeline-resilience';
 * const bq = new BigQueryExecutor({ projectId: 'nba-props-platform' });
 * declare const rows: Array<Record<string, unknown>>;
 * const { written, commitTime } = await bq.writeRows('ds.events', rows);
 * ```
 */
export interface WriteResult {
  mode: 'atomic' | 'committed' | 'default';
  /** Rows written (all of the call's rows: a call that could not write them all rejects). */
  written: number;
  /** The write stream (atomic and committed modes). */
  stream?: string;
  /** When the rows became visible (atomic mode). */
  commitTime?: Date;
}
