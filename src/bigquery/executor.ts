import { checkProjectId, parseTableName, type TableRef } from '../config/table-name.js';
import { withReasonClass } from '../errors/api-error-factory.js';
import { OperationTimeoutError, toPipelineError } from '../errors/index.js';
import { type Logger, silentLogger } from '../logging/index.js';
import { abortReason } from '../retry/clock.js';
import { bigQueryRetry, type RetryContext, type RetryOptions, systemClock } from '../retry/index.js';
import { validateRetryOptions } from '../retry/options.js';
import { executeRetry } from '../retry/retry.js';
import { readOptions } from '../shared/check-options.js';
import { safeLogger } from '../shared/safe-logger.js';
import { whileInFlight } from '../shutdown/in-flight.js';
import { defaultShutdownCoordinator, type ShutdownCoordinator } from '../shutdown/index.js';
import { shutdownOption } from '../shutdown/option.js';
import { type BigQueryClient, createDefaultClient, withoutClientRetries } from './client.js';
import {
  type CallScope,
  checkJobId,
  type ExecutorContext,
  MAX_CHOSEN_JOB_ID_LENGTH,
  MAX_JOB_ID_PREFIX_LENGTH,
} from './context.js';
import { insertRows } from './insert.js';
import { checkLabels } from './labels.js';
import { loadRows } from './load.js';
import {
  checkExecutorOptions,
  EXECUTOR_OPTIONS,
  INSERT_OPTIONS,
  LOAD_OPTIONS,
  QUERY_OPTIONS,
  WRITE_OPTIONS,
} from './option-keys.js';
import { buildQueryParameters } from './params.js';
import { changesRows, type QueryOutcome, type QuerySpec, runQuery } from './query.js';
import { checkPartitionFilter, checkQueryGuard, type QueryGuardOptions } from './query-guard.js';
import { guardRequest } from './request-guard.js';
import { int64 } from './rest.js';
import { openingKeyword } from './statement-kind.js';
import { createStorageWriteContext } from './storage-write/context.js';
import { type StorageWriteContext, writeRows } from './storage-write/write-rows.js';
import { type ExecutorTelemetry, traceAttempt, traceCall } from './telemetry.js';
import type {
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

/**
 * The default of `retry.attemptTimeoutMs` in the executor: 60 s per request to BigQuery, so a hung
 * request is retried instead of holding the call until its deadline.
 *
 * @example
 * ```ts
 * import { BigQueryExecutor, DEFAULT_ATTEMPT_TIMEOUT_MS } from 'gcp-pipeline-resilience';
 * const bq = new BigQueryExecutor({ retry: { attemptTimeoutMs: DEFAULT_ATTEMPT_TIMEOUT_MS / 2 } });
 * ```
 */
export const DEFAULT_ATTEMPT_TIMEOUT_MS = 60_000;

function bytesCap(value: number | string | bigint | undefined): string | undefined {
  if (value === undefined) return undefined;
  const text =
    typeof value === 'number' ? (Number.isSafeInteger(value) ? String(value) : '') : String(value).trim();
  if (!/^\d+$/.test(text))
    throw new TypeError(`maximumBytesBilled must be a non-negative integer, got ${String(value)}`);
  return text;
}

function checkRetry(where: string, options: RetryOptions | undefined): void {
  if (options === undefined) return;
  const problem = validateRetryOptions(options, where);
  if (problem !== undefined) throw problem;
}

/**
 * A call's options: only the keys the method knows, of the right kinds, and a valid `retry`. Returns
 * them read once (the call's and its `retry`'s): the call runs on what was checked, not on the
 * caller's object, which a getter or a later mutation could make answer something else.
 */
function checkCall<O extends CallOptions>(where: string, given: O, spec: typeof QUERY_OPTIONS): O {
  let options = readOptions(where, given);
  if (typeof options === 'object' && options !== null && options.retry !== undefined) {
    options = { ...options, retry: readOptions(`${where}: option retry`, options.retry) };
  }
  checkExecutorOptions(where, options, spec);
  checkRetry(`${where}: option retry`, options.retry);
  return options;
}

/**
 * `update()` answers how many rows a statement changed; BigQuery reports that number for DML only. A
 * statement that is not DML, `LOAD DATA` or a script (a query, DDL) is refused before any request:
 * answering 0 for it would tell the caller that a statement ran and matched nothing. The opening
 * keyword tells reliably (GoogleSQL opens DML with its verb; `WITH` opens a query).
 */
function checkChangesRows(sql: string): void {
  if (typeof sql !== 'string' || sql.trim() === '' || changesRows(sql)) return;
  const word = openingKeyword(sql);
  throw new TypeError(
    `BigQueryExecutor.update: sql opens with ${word ?? 'no keyword'}: not DML, so BigQuery reports no number of rows changed for it. update() runs DML (INSERT, UPDATE, DELETE, MERGE, TRUNCATE TABLE), LOAD DATA or a script; run this statement with query()`,
  );
}

function positiveMs(name: string, value: number | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!(value > 0 && Number.isFinite(value)))
    throw new RangeError(`${name} must be a positive number of ms, got ${value}`);
  return Math.ceil(value);
}

/**
 * The one path to BigQuery: queries, DML, dry runs, streaming inserts and batch loads, each with one
 * retry layer (ours; the client's own retries are off), typed errors, deterministic insert ids,
 * re-runs of failed jobs under new job ids, per-request timeouts and cancellation.
 *
 * @example
 * ```ts
 * import { BigQueryExecutor } from 'gcp-pipeline-resilience';
 * const events = [{ event_id: 'e1', kind: 'shot' }];
 *
 * const bq = new BigQueryExecutor({ projectId: 'nba-props-platform', location: 'US' });
 * const rows = await bq.query<{ player_lookup: string }>(
 *   'SELECT player_lookup FROM `nba_reference.players` WHERE team = @team',
 *   { params: { team: 'LAL' } },
 * );
 * const changed = await bq.update('UPDATE nba_raw.games SET status = @s WHERE game_id = @id', {
 *   params: { s: 'final', id: 42 },
 * });
 * const { inserted } = await bq.insertRows('nba_raw.events', events, { insertId: (e) => e.event_id });
 * ```
 */
export class BigQueryExecutor {
  readonly #options: BigQueryExecutorOptions;
  readonly #guard: QueryGuardOptions | undefined;
  readonly #maximumBytesBilled: string | undefined;
  readonly #stats: ExecutorStats = { calls: 0, attempts: 0, retries: 0 };
  #client: Promise<BigQueryClient> | undefined;
  readonly #context: ExecutorContext;
  readonly #storageWrite: StorageWriteContext;
  readonly #telemetry: ExecutorTelemetry;
  readonly #shutdown: ShutdownCoordinator | false | undefined;

  constructor(given: BigQueryExecutorOptions = {}) {
    // Each option is read once, here: the executor keeps what was checked, and a getter that throws is
    // a TypeError naming it now, not a failure of some later call.
    let options = readOptions('new BigQueryExecutor', given);
    if (typeof options === 'object' && options !== null && options.retry !== undefined) {
      options = { ...options, retry: readOptions('new BigQueryExecutor: option retry', options.retry) };
    }
    checkExecutorOptions('new BigQueryExecutor', options, EXECUTOR_OPTIONS);
    checkRetry('new BigQueryExecutor: option retry', options.retry);
    // The project of every short table name and of every job: one Google could never have issued (a
    // typo, a value from the wrong variable) is refused now, as parseTableName refuses it in a name.
    if (options.projectId !== undefined)
      checkProjectId(options.projectId, 'new BigQueryExecutor: option projectId');
    this.#shutdown = shutdownOption(options.shutdown, 'new BigQueryExecutor');
    this.#options = options;
    this.#guard = checkQueryGuard(options.queryGuard, 'new BigQueryExecutor: option queryGuard');
    this.#maximumBytesBilled = bytesCap(options.maximumBytesBilled);
    if (options.client !== undefined) this.#client = Promise.resolve(withoutClientRetries(options.client));
    this.#telemetry = {
      clock: options.retry?.clock ?? systemClock,
      logger: options.retry?.logger === undefined ? silentLogger : safeLogger(options.retry.logger),
      onRequest: options.onRequest,
      recordQueryText: options.recordQueryText === true,
    };
    if (options.jobIdPrefix !== undefined) {
      checkJobId('new BigQueryExecutor: jobIdPrefix', options.jobIdPrefix, MAX_JOB_ID_PREFIX_LENGTH, true);
    }
    this.#context = {
      client: () => this.#getClient(),
      location: options.location,
      jobIdPrefix: options.jobIdPrefix ?? 'gpr_',
      scope: (call) => this.#scope(call),
    };
    this.#storageWrite = createStorageWriteContext({
      ...(options.writeClient === undefined ? {} : { writeClient: options.writeClient }),
      ...(options.projectId === undefined ? {} : { projectId: options.projectId }),
    });
  }

  /**
   * Counters since construction (a snapshot): public calls, attempts and retries.
   *
   * @example
   * ```ts
   * import { BigQueryExecutor } from 'gcp-pipeline-resilience';
   * const bq = new BigQueryExecutor({ projectId: 'nba-props-platform' });
   * await bq.query('SELECT 1');
   * bq.stats; // { calls: 1, attempts: 1, retries: 0 }
   * ```
   */
  get stats(): ExecutorStats {
    return { ...this.#stats };
  }

  /**
   * Runs a query and returns its rows, typed as the caller says (the client decodes values: INT64 as
   * number, TIMESTAMP as `BigQueryTimestamp`, ...). A short query is one request: jobs.query with a
   * `requestId` (BigQuery de-duplicates every re-send of it) and `JOB_CREATION_OPTIONAL`, so BigQuery
   * answers without creating a job when it can; a long one continues on the job BigQuery created. All
   * pages are read. Parameters are typed by inference or `types`; a parameter that cannot be typed is a
   * `TypeError` before any request. DML and scripts run as a job under our id, as with `update`, and
   * join the shutdown like every write.
   *
   * @example
   * ```ts
   * import { BigQueryExecutor } from 'gcp-pipeline-resilience';
   * const bq = new BigQueryExecutor({ projectId: 'nba-props-platform' });
   * const games = await bq.query<{ game_id: number; home: string }>(
   *   'SELECT game_id, home FROM mlb_raw.games WHERE game_date = @d AND home IN UNNEST(@teams)',
   *   { params: { d: '2024-06-01', teams: ['NYY', 'BOS'] }, types: { d: 'DATE' } },
   * );
   * ```
   */
  async query<T = Record<string, unknown>>(sql: string, options: QueryOptions = {}): Promise<T[]> {
    options = checkCall('BigQueryExecutor.query', options, QUERY_OPTIONS);
    this.#stats.calls++;
    const run = () =>
      traceCall(this.#telemetry, { method: 'query', sql }, async () => {
        const outcome = await this.#query(sql, options, 'query');
        return outcome.rows as T[];
      });
    // DML or a script through query() writes as much as through update(): SIGTERM waits for it too.
    return typeof sql === 'string' && changesRows(sql) ? this.#whileWriting('query', run) : run();
  }

  /**
   * Runs a DML statement (UPDATE, DELETE, MERGE, INSERT ... SELECT) and returns the number of rows it
   * affected. It runs as a job under our id (or `options.jobId`), so a statement whose answer was lost
   * is not applied twice: the re-send's 409 reads the job. A call that gives up while the job may have
   * run reads it back once: it resolves if the job ran, rejects with the job's typed error if it
   * failed, and otherwise with `PipelineError` `JOB_OUTCOME_UNKNOWN` (not transient) naming the job
   * (fields `jobId` and, when known, `location`); calling again with `{ jobId }` of that job reads it instead of running it twice. A
   * job BigQuery stopped (its `jobTimeoutMs` ran out, or it was cancelled) rejects with
   * `PipelineError` `JOB_STOPPED` (not transient; fields `jobId`, `timedOut`): it changed no rows,
   * and its id only ever reads that stopped job, so run it again under a new job id. DML on rows still
   * in the streaming buffer fails with `StreamingBufferError`. A statement that is not DML, `LOAD DATA`
   * or a script (a `SELECT`, DDL) has no count of rows changed: it is refused with a `TypeError`
   * before any request (run it with `query`).
   *
   * @example
   * ```ts
   * import { BigQueryExecutor } from 'gcp-pipeline-resilience';
   * const bq = new BigQueryExecutor({ projectId: 'nba-props-platform' });
   * const n = await bq.update('DELETE FROM mlb_raw.games WHERE game_date = @d', { params: { d: new Date('2024-06-01') }, types: { d: 'DATE' } });
   * ```
   */
  async update(sql: string, options: QueryOptions = {}): Promise<number> {
    options = checkCall('BigQueryExecutor.update', options, QUERY_OPTIONS);
    checkChangesRows(sql);
    this.#stats.calls++;
    return this.#whileWriting('update', () =>
      traceCall(this.#telemetry, { method: 'update', sql }, async () => {
        const outcome = await this.#query(sql, options, 'update');
        return outcome.dmlAffectedRows ?? 0;
      }),
    );
  }

  /**
   * Validates a query and estimates what it would read, without running it (one jobs.insert with
   * `dryRun`).
   *
   * @example
   * ```ts
   * import { BigQueryExecutor } from 'gcp-pipeline-resilience';
   * const bq = new BigQueryExecutor({ projectId: 'nba-props-platform' });
   * const { totalBytesProcessed } = await bq.dryRun('SELECT * FROM mlb_raw.games WHERE game_date = @d', {
   *   params: { d: '2024-06-01' },
   * });
   * ```
   */
  async dryRun(sql: string, options: QueryOptions = {}): Promise<DryRunResult> {
    options = checkCall('BigQueryExecutor.dryRun', options, QUERY_OPTIONS);
    this.#stats.calls++;
    return traceCall(this.#telemetry, { method: 'dryRun', sql }, async () => {
      const outcome = await this.#query(sql, options, 'dryRun');
      const stats = outcome.statistics;
      const result: DryRunResult = {
        totalBytesProcessed:
          int64(stats?.query?.totalBytesProcessed) ?? int64(stats?.totalBytesProcessed) ?? 0,
      };
      if (stats?.query?.statementType) result.statementType = stats.query.statementType;
      if (stats?.query?.referencedTables) {
        result.referencedTables = stats.query.referencedTables.map((t) =>
          [t.projectId, t.datasetId, t.tableId].filter(Boolean).join('.'),
        );
      }
      return result;
    });
  }

  /**
   * Streams rows into a table with `insertAll`. Each row gets a deterministic insert id (your key
   * function, or the SHA-256 of its content, `stableInsertId(row)`, followed by `-k` for the k-th
   * repeat of an identical row in the same call), so re-sent rows are de-duplicated by BigQuery while
   * identical rows of one call are all written. Only rows
   * refused for transient reasons (`stopped`, `backendError`, ...) are re-sent. When rows are refused
   * for good (row by row, or a request refused as a whole with a 400), every other batch is still
   * sent, then `insertRows` rejects with `PartialInsertError` listing each refused row by its index in
   * `rows`, with BigQuery's reasons; `{ throwOnFailure: false }` returns them in `failed` instead.
   * Empty input makes no request. An integer number past `Number.MAX_SAFE_INTEGER` in an INT64
   * column is a `TypeError` naming the row and the column before any row is sent (pass a `bigint` or
   * a decimal string); the table's schema is read for that, and only then. `loadRows` does the same.
   *
   * @example
   * ```ts
   * import { BigQueryExecutor, PartialInsertError } from 'gcp-pipeline-resilience';
   * const bq = new BigQueryExecutor({ projectId: 'nba-props-platform' });
   * declare const rows: Array<Record<string, unknown>>;
   * try {
   *   await bq.insertRows('mlb_reference.unresolved_players', rows, {
   *     insertId: (r) => `${r.source}:${r.normalized_lookup}`,
   *   });
   * } catch (err) {
   *   if (err instanceof PartialInsertError) for (const f of err.failures) console.warn(f.index, f.reasons);
   *   throw err;
   * }
   * ```
   */
  async insertRows<R>(
    table: string,
    rows: readonly R[],
    options: InsertRowsOptions<R> = {},
  ): Promise<InsertResult> {
    options = checkCall('BigQueryExecutor.insertRows', options, INSERT_OPTIONS);
    this.#stats.calls++;
    const scope = this.#scope(options);
    const held = snapshot(rows);
    return this.#whileWriting('insertRows', () =>
      traceCall(
        this.#telemetry,
        { method: 'insertRows', table, ref: refOf(table) },
        async () => insertRows(await this.#getClient(), scope, table, held, options),
        (result) => ({ written: result.inserted, failed: result.failed.length }),
      ),
    );
  }

  /**
   * Appends rows with a batch load job (NDJSON, WRITE_APPEND): no streaming buffer, so the rows can be
   * updated or deleted at once. Retried as a whole job; a job that
   * failed is re-run under a new job id, a lost answer is recovered by fetching the same job id.
   * A call that gives up while its job may still load (an abort, a handler timeout, lost answers)
   * rejects with `PipelineError` `JOB_OUTCOME_UNKNOWN` whose fields `jobId` and `location` name the
   * job (of a load split into several jobs: the id every job's starts with): call again with the same
   * rows and `{ jobId, location }` from it and the job is read back, not loaded twice. The
   * default job id is random, so a redelivery without it loads again: give a `jobId` of your own
   * (e.g. from the message id) to make redeliveries load once. An integer number past
   * `Number.MAX_SAFE_INTEGER` in an INT64 column is a `TypeError` naming the row and the column before
   * anything is uploaded (pass a `bigint` or a decimal string), as in `insertRows`: the table's schema
   * is read for that (`tables.get`), and only when a row holds such a number.
   *
   * @example
   * ```ts
   * import { BigQueryExecutor } from 'gcp-pipeline-resilience';
   * const bq = new BigQueryExecutor({ projectId: 'nba-props-platform' });
   * declare const rows: Array<Record<string, unknown>>;
   * const { jobId, outputRows } = await bq.loadRows('mlb_reference.unresolved_players', rows);
   * ```
   */
  async loadRows(
    table: string,
    rows: readonly unknown[],
    options: LoadRowsOptions = {},
  ): Promise<LoadResult> {
    options = checkCall('BigQueryExecutor.loadRows', options, LOAD_OPTIONS);
    this.#stats.calls++;
    const scope = this.#scope(options);
    const held = snapshot(rows);
    return this.#whileWriting('loadRows', () =>
      traceCall(
        this.#telemetry,
        { method: 'loadRows', table, ref: refOf(table) },
        async () => loadRows(await this.#getClient(), scope, this.#context, table, held, options),
        (result) => ({ written: result.outputRows, failed: 0 }),
      ),
    );
  }

  /**
   * Writes rows through the BigQuery Storage Write API (`@google-cloud/bigquery-storage`, an optional
   * peer). The default mode, `'atomic'`, makes every row of the call visible at once or none of them:
   * a failed call leaves nothing behind, so retrying a failed call writes its batch exactly once. It is
   * all or nothing per call, not across calls: a redelivery after a call that succeeded (its ack lost)
   * writes the rows again; for that use `insertRows` (stable insert ids) or `loadRows` (the same
   * `jobId`), or check before writing.
   * `'committed'` is exactly once with rows visible as they are acknowledged; `'default'` is at least
   * once on the `_default` stream. Rows are checked against the table's schema before anything is
   * sent: a row that does not fit rejects the call with `RowError` (its index in `rows`, the column
   * and the reason). A table with a column the writer cannot describe (RANGE, INTERVAL, a column
   * named `__proto__`) rejects with `UnsupportedSchemaError` (`kind: 'table'`) before any stream is
   * created or row sent. Connection losses are resumed from the last acknowledged offset under the
   * executor's retry policy, budget and breaker.
   *
   * @example
   * ```ts
   * import { BigQueryExecutor, RowError } from 'gcp-pipeline-resilience';
   * const bq = new BigQueryExecutor({ projectId: 'nba-props-platform' });
   * try {
   *   const { written } = await bq.writeRows('nba_raw.events', [{ event_id: 'e1', game_date: '2026-01-02' }]);
   * } catch (err) {
   *   if (err instanceof RowError) for (const f of err.failures) console.warn(f.index, f.reasons[0]?.message);
   *   throw err;
   * }
   * ```
   */
  async writeRows(
    table: string,
    rows: readonly unknown[],
    options: WriteRowsOptions = {},
  ): Promise<WriteResult> {
    options = checkCall('BigQueryExecutor.writeRows', options, WRITE_OPTIONS);
    this.#stats.calls++;
    const scope = this.#scope(options);
    const held = snapshot(rows);
    return this.#whileWriting('writeRows', () =>
      traceCall(
        this.#telemetry,
        { method: 'writeRows', table, ref: refOf(table) },
        () => writeRows(this.#storageWrite, scope, table, held, options),
        (result) => ({ written: result.written, failed: 0 }),
      ),
    );
  }

  /**
   * Runs a write as a shutdown task: SIGTERM waits for it to settle (written, or failed and reported
   * to its caller) before the process exits, instead of cutting it off half-written.
   */
  async #whileWriting<T>(method: string, write: () => Promise<T>): Promise<T> {
    const shutdown = this.#shutdown === undefined ? defaultShutdownCoordinator() : this.#shutdown;
    if (shutdown === false) return write();
    return whileInFlight(shutdown, `BigQueryExecutor.${method}: a write in flight`, write);
  }

  #getClient(): Promise<BigQueryClient> {
    this.#client ??= createDefaultClient(this.#options.projectId, this.#options.location).catch(
      (err: unknown) => {
        this.#client = undefined;
        throw err;
      },
    );
    return this.#client;
  }

  async #query(sql: string, options: QueryOptions, method: QuerySpec['method']): Promise<QueryOutcome> {
    if (typeof sql !== 'string' || sql.trim() === '') throw new TypeError('A SQL statement is required');
    checkPartitionFilter(sql, this.#guard);
    const scope = this.#scope(options);
    const deadlineMs = options.retry?.deadlineMs ?? this.#options.retry?.deadlineMs;
    const spec: QuerySpec = {
      sql,
      parameters: buildQueryParameters(options.params, options.types),
      useQueryCache: options.useCache,
      maximumBytesBilled: bytesCap(options.maximumBytesBilled) ?? this.#maximumBytesBilled,
      labels: options.labels,
      jobTimeoutMs:
        positiveMs('jobTimeoutMs', options.jobTimeoutMs) ?? positiveMs('retry.deadlineMs', deadlineMs),
      dryRun: method === 'dryRun' || (method === 'query' && options.dryRun === true),
      method,
      location: options.location ?? this.#options.location,
      jobId: options.jobId,
      pageSize: options.pageSize,
      wrapIntegers: options.wrapIntegers === true,
      jobIdPrefix: this.#context.jobIdPrefix,
    };
    if (spec.jobId !== undefined) checkJobId('jobId', spec.jobId, MAX_CHOSEN_JOB_ID_LENGTH);
    checkLabels(spec.labels);
    if (spec.pageSize !== undefined && !(Number.isInteger(spec.pageSize) && spec.pageSize > 0)) {
      throw new RangeError(`pageSize must be a positive integer, got ${spec.pageSize}`);
    }
    return runQuery(await this.#getClient(), scope, spec);
  }

  /**
   * The scope of one public call: its merged retry options (`bigQueryRetry`, the executor's, the
   * call's), split into what the retry loops take and what bounds each request.
   */
  #scope(call: CallOptions): CallScope {
    const { attemptTimeoutMs, deadlineMs, ...loop } = {
      ...bigQueryRetry,
      ...this.#options.retry,
      ...call.retry,
    } as RetryOptions;
    const stats = this.#stats;
    const telemetry = this.#telemetry;
    const clock = loop.clock ?? systemClock;
    const logger: Logger = loop.logger === undefined ? silentLogger : safeLogger(loop.logger);
    const signal = loop.signal;
    const requestTimeoutMs = attemptTimeoutMs ?? DEFAULT_ATTEMPT_TIMEOUT_MS;
    const deadlineAt = deadlineMs === undefined ? Number.POSITIVE_INFINITY : clock.now() + deadlineMs;
    const userOnRetry = loop.onRetry;
    const base: RetryOptions = {
      ...loop,
      clock,
      logger,
      onRetry: (info) => {
        stats.retries++;
        userOnRetry?.(info);
      },
    };
    return {
      clock,
      logger,
      signal,
      requestTimeoutMs,
      remainingMs: () => deadlineAt - clock.now(),
      run<T>(name: string, fn: (attempt: RetryContext) => Promise<T>): Promise<T> {
        // The caller's abort reason reaches the caller untouched, as `retry` does it.
        if (signal?.aborted) return Promise.reject(abortReason(signal));
        const options: RetryOptions = { ...base, name };
        if (deadlineAt !== Number.POSITIVE_INFINITY) {
          const left = deadlineAt - clock.now();
          if (left <= 0) {
            return Promise.reject(
              new OperationTimeoutError(
                `${name}: the ${deadlineMs} ms deadline passed before this step started`,
                {
                  timeoutMs: deadlineMs as number,
                },
              ),
            );
          }
          options.deadlineMs = left;
        }
        // Options were checked when the executor and the call were; the loop need not check them again.
        return executeRetry(async (attempt) => {
          stats.attempts++;
          try {
            return await traceAttempt(telemetry, attempt.attempt, () => fn(attempt));
          } catch (err) {
            if (signal?.aborted && err === signal.reason) throw err;
            // One class per BigQuery reason, whichever request reported it (a job's failure comes
            // back from jobs.query with a status of BigQuery's choosing, from jobs.get with none).
            throw withReasonClass(toPipelineError(err));
          }
        }, options);
      },
      request: (attempt, what, work) =>
        guardRequest(attempt, what, work, { timeoutMs: requestTimeoutMs, clock }),
    };
  }
}

/**
 * The rows as the array holds them when the call is made. Rows are encoded batch by batch after the
 * call returns its promise, so a caller that empties or refills its buffer at once (`buffer.length = 0`)
 * would otherwise have other rows written, or none, reported as success. One pointer per row; the row
 * objects themselves are not copied. Anything but an array is left for the call to refuse.
 */
function snapshot<R>(rows: readonly R[]): readonly R[] {
  return Array.isArray(rows) ? rows.slice() : rows;
}

/** The table a call names, for its span; a bad name is left to the call itself to refuse. */
function refOf(table: string): TableRef | undefined {
  try {
    return parseTableName(table);
  } catch {
    return undefined;
  }
}
