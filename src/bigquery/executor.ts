import { toPipelineError } from '../errors/index.js';
import { type Logger, silentLogger } from '../logging/index.js';
import {
  bigQueryRetry,
  type CircuitBreaker,
  type Clock,
  type RetryContext,
  type RetryOptions,
  retry,
  systemClock,
} from '../retry/index.js';
import { validateRetryOptions } from '../retry/options.js';
import { checkOptions } from '../shared/check-options.js';
import { safeLogger } from '../shared/safe-logger.js';
import { type BigQueryClient, createDefaultClient, withoutClientRetries } from './client.js';
import { type ExecutorContext, int64 } from './context.js';
import { guardCall } from './guard-call.js';
import { insertRows } from './insert.js';
import { loadRows } from './load.js';
import { EXECUTOR_OPTIONS, INSERT_OPTIONS, LOAD_OPTIONS, QUERY_OPTIONS } from './option-keys.js';
import { buildQueryParameters } from './params.js';
import { checkPartitionFilter, type QueryGuardOptions } from './query-guard.js';
import { runQueryJob } from './query-job.js';
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
} from './types.js';

/**
 * The default `attemptTimeoutMs`: 60 s per request, the original's `result(timeout=60)`.
 *
 * @example
 * ```ts
 * import { BigQueryExecutor, DEFAULT_ATTEMPT_TIMEOUT_MS } from 'gcp-pipeline-resilience';
 * const bq = new BigQueryExecutor({ attemptTimeoutMs: DEFAULT_ATTEMPT_TIMEOUT_MS / 2 });
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

/** A call's options: only the keys the method knows, of the right kinds, and a valid `retry`. */
function checkCall(where: string, options: CallOptions, spec: typeof QUERY_OPTIONS): void {
  checkOptions(where, options, spec);
  checkRetry(`${where}: option retry`, options.retry);
}

/**
 * The one path to BigQuery: queries, DML, dry runs, streaming inserts and batch loads, each with one
 * retry layer (ours; the client's own retries are off), typed errors, deterministic insert ids,
 * re-runs of failed jobs under new job ids, per-request timeouts and cancellation.
 *
 * @example
 * ```ts
 * import { BigQueryExecutor } from 'gcp-pipeline-resilience';
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
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #attemptTimeoutMs: number;
  readonly #guard: QueryGuardOptions | undefined;
  readonly #maximumBytesBilled: string | undefined;
  readonly #stats: ExecutorStats = { calls: 0, attempts: 0, retries: 0 };
  #client: Promise<BigQueryClient> | undefined;
  readonly #context: ExecutorContext;

  constructor(options: BigQueryExecutorOptions = {}) {
    checkOptions('new BigQueryExecutor', options, EXECUTOR_OPTIONS);
    checkRetry('new BigQueryExecutor: option retry', options.retry);
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
    this.#logger = options.logger === undefined ? silentLogger : safeLogger(options.logger);
    const timeout = options.attemptTimeoutMs ?? DEFAULT_ATTEMPT_TIMEOUT_MS;
    if (!(timeout > 0))
      throw new RangeError(`attemptTimeoutMs must be a positive number of ms, got ${timeout}`);
    this.#attemptTimeoutMs = timeout;
    this.#guard = options.queryGuard;
    this.#maximumBytesBilled = bytesCap(options.maximumBytesBilled);
    if (options.client !== undefined) this.#client = Promise.resolve(withoutClientRetries(options.client));
    this.#context = {
      client: () => this.#getClient(),
      location: options.location,
      clock: this.#clock,
      logger: this.#logger,
      jobIdPrefix: options.jobIdPrefix ?? 'gpr_',
      run: (name, call, fn, extra) => this.#run(name, call, fn, extra),
      guard: (attempt, what, work, onAbandon) =>
        guardCall(work, {
          timeoutMs: this.#attemptTimeoutMs,
          signal: attempt.signal,
          clock: this.#clock,
          what,
          ...(onAbandon ? { onAbandon } : {}),
        }),
    };
  }

  /**
   * Counters since construction (a snapshot): public calls, attempts and retries.
   *
   * @example
   * ```ts
   * await bq.query('SELECT 1');
   * bq.stats; // { calls: 1, attempts: 1, retries: 0 }
   * ```
   */
  get stats(): ExecutorStats {
    return { ...this.#stats };
  }

  /**
   * Runs a query and returns its rows, typed as the caller says (the client decodes values: INT64 as
   * number, TIMESTAMP as `BigQueryTimestamp`, ...). All pages are read. Parameters are typed by
   * inference or `types`; a parameter that cannot be typed is a `TypeError` before any request.
   *
   * @example
   * ```ts
   * const games = await bq.query<{ game_id: number; home: string }>(
   *   'SELECT game_id, home FROM mlb_raw.games WHERE game_date = @d AND home IN UNNEST(@teams)',
   *   { params: { d: '2024-06-01', teams: ['NYY', 'BOS'] }, types: { d: 'DATE' } },
   * );
   * ```
   */
  async query<T = Record<string, unknown>>(sql: string, options: QueryOptions = {}): Promise<T[]> {
    checkCall('BigQueryExecutor.query', options, QUERY_OPTIONS);
    this.#stats.calls++;
    const outcome = await runQueryJob(this.#context, this.#querySpec(sql, options), options);
    return outcome.rows as T[];
  }

  /**
   * Runs a DML statement (UPDATE, DELETE, MERGE, INSERT ... SELECT) and returns the number of rows it
   * affected. DML on rows still in the streaming buffer fails with `StreamingBufferError`.
   *
   * @example
   * ```ts
   * const n = await bq.update('DELETE FROM mlb_raw.games WHERE game_date = @d', { params: { d: new Date('2024-06-01') }, types: { d: 'DATE' } });
   * ```
   */
  async update(sql: string, options: QueryOptions = {}): Promise<number> {
    checkCall('BigQueryExecutor.update', options, QUERY_OPTIONS);
    this.#stats.calls++;
    const outcome = await runQueryJob(
      this.#context,
      this.#querySpec(sql, { ...options, dryRun: false }),
      options,
    );
    return (
      int64(outcome.results?.numDmlAffectedRows) ??
      int64(outcome.job.statistics?.query?.numDmlAffectedRows) ??
      0
    );
  }

  /**
   * Validates a query and estimates what it would read, without running it.
   *
   * @example
   * ```ts
   * const { totalBytesProcessed } = await bq.dryRun('SELECT * FROM mlb_raw.games WHERE game_date = @d', {
   *   params: { d: '2024-06-01' },
   * });
   * ```
   */
  async dryRun(sql: string, options: QueryOptions = {}): Promise<DryRunResult> {
    checkCall('BigQueryExecutor.dryRun', options, QUERY_OPTIONS);
    this.#stats.calls++;
    const outcome = await runQueryJob(
      this.#context,
      this.#querySpec(sql, { ...options, dryRun: true }),
      options,
    );
    const stats = outcome.job.statistics;
    const result: DryRunResult = {
      totalBytesProcessed: int64(stats?.query?.totalBytesProcessed) ?? int64(stats?.totalBytesProcessed) ?? 0,
    };
    if (stats?.query?.statementType) result.statementType = stats.query.statementType;
    if (stats?.query?.referencedTables) {
      result.referencedTables = stats.query.referencedTables.map((t) =>
        [t.projectId, t.datasetId, t.tableId].filter(Boolean).join('.'),
      );
    }
    return result;
  }

  /**
   * Streams rows into a table with `insertAll`. Each row gets a deterministic insert id (your key
   * function, or the SHA-256 of its content), so re-sent rows are de-duplicated by BigQuery. Only rows
   * refused for transient reasons (`stopped`, `backendError`, ...) are re-sent. When rows are refused
   * for good (row by row, or a request refused as a whole with a 400), every other batch is still
   * sent, then `insertRows` rejects with `PartialInsertError` listing each refused row by its index in
   * `rows`, with BigQuery's reasons; `{ throwOnFailure: false }` returns them in `failed` instead.
   * Empty input makes no request.
   *
   * @example
   * ```ts
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
    checkCall('BigQueryExecutor.insertRows', options, INSERT_OPTIONS);
    this.#stats.calls++;
    return insertRows(this.#context, table, rows, options);
  }

  /**
   * Appends rows with a batch load job (NDJSON, WRITE_APPEND): no streaming buffer, so the rows can be
   * updated or deleted at once (the original system's write path). Retried as a whole job; a job that
   * failed is re-run under a new job id, a lost answer is recovered by fetching the same job id.
   *
   * @example
   * ```ts
   * const { jobId, outputRows } = await bq.loadRows('mlb_reference.unresolved_players', rows);
   * ```
   */
  async loadRows(
    table: string,
    rows: readonly unknown[],
    options: LoadRowsOptions = {},
  ): Promise<LoadResult> {
    checkCall('BigQueryExecutor.loadRows', options, LOAD_OPTIONS);
    this.#stats.calls++;
    return loadRows(this.#context, table, rows, options);
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

  #querySpec(sql: string, options: QueryOptions) {
    if (typeof sql !== 'string' || sql.trim() === '') throw new TypeError('A SQL statement is required');
    checkPartitionFilter(sql, this.#guard);
    const params = buildQueryParameters(options.params, options.types);
    const configuration: Record<string, unknown> = { query: sql, useLegacySql: false };
    if (params) {
      configuration.parameterMode = params.parameterMode;
      configuration.queryParameters = params.queryParameters;
    }
    if (options.useCache !== undefined) configuration.useQueryCache = options.useCache;
    const cap = bytesCap(options.maximumBytesBilled) ?? this.#maximumBytesBilled;
    if (cap !== undefined) configuration.maximumBytesBilled = cap;
    if (options.labels) configuration.labels = options.labels;
    if (options.dryRun) configuration.dryRun = true;
    if (options.timeoutMs !== undefined) {
      if (!(options.timeoutMs > 0))
        throw new RangeError(`timeoutMs must be positive, got ${options.timeoutMs}`);
      configuration.jobTimeoutMs = Math.ceil(options.timeoutMs);
    }
    return {
      configuration,
      location: options.location,
      jobId: options.jobId,
      dryRun: options.dryRun === true,
      pageSize: options.pageSize,
      wrapIntegers: options.wrapIntegers,
      deadlineMs: options.timeoutMs,
    };
  }

  #run<T>(
    name: string,
    call: CallOptions,
    fn: (attempt: RetryContext) => Promise<T>,
    extra: { deadlineMs?: number | undefined } = {},
  ): Promise<T> {
    const merged: RetryOptions = { ...bigQueryRetry, ...this.#options.retry, ...call.retry };
    const userOnRetry = merged.onRetry;
    const options: RetryOptions = {
      ...merged,
      name,
      clock: merged.clock ?? this.#clock,
      logger: merged.logger ?? this.#logger,
      onRetry: (info) => {
        this.#stats.retries++;
        userOnRetry?.(info);
      },
    };
    const signal = call.signal ?? merged.signal;
    if (signal !== undefined) options.signal = signal;
    const budget = merged.budget ?? this.#options.budget;
    if (budget !== undefined) options.budget = budget;
    const breaker: CircuitBreaker | undefined = merged.breaker ?? this.#options.breaker;
    if (breaker !== undefined) options.breaker = breaker;
    if (extra.deadlineMs !== undefined) {
      options.deadlineMs = Math.min(extra.deadlineMs, merged.deadlineMs ?? Number.POSITIVE_INFINITY);
    }
    // The caller's abort reason reaches the caller untouched, as `retry` does it.
    if (signal?.aborted) return Promise.reject(signal.reason);
    return retry(async (attempt) => {
      this.#stats.attempts++;
      try {
        return await fn(attempt);
      } catch (err) {
        if (signal?.aborted && err === signal.reason) throw err;
        throw toPipelineError(err);
      }
    }, options);
  }
}
