import type { BigQueryClient } from './client.js';
import { BigQueryExecutor } from './executor.js';
import type { QueryParams } from './params.js';
import type { LoadResult, LoadRowsOptions, QueryOptions } from './types.js';

/**
 * How a functional helper finds its executor: the one you pass, or a shared one (created on first use
 * and reused, so a helper called in a loop does not build a client per call). A shared executor is
 * kept per client object and project: two clients (other credentials, location, endpoint) never share
 * one, even for the same project; without a client, one per project over a default client.
 *
 * @example
 * ```ts
 * import { executeBigQuery, type FunctionalOptions } from 'gcp-pipeline-resilience';
 * const staging: FunctionalOptions = { projectId: 'nba-props-platform-staging' };
 * const rows = await executeBigQuery('SELECT COUNT(*) AS n FROM nba_raw.games', staging);
 * ```
 */
export interface FunctionalOptions {
  /** Use this executor (its client, retry policy, guard and stats). */
  executor?: BigQueryExecutor;
  /** The project of the shared executor; the client's default project when absent. */
  projectId?: string;
  /** The client of the shared executor: each client object gets executors of its own. */
  client?: BigQueryClient;
}

/** Executors over a default client, by project: nothing else tells them apart. */
const byProject = new Map<string, BigQueryExecutor>();
/**
 * Executors over a caller's client, by that client object, then by project: a client's identity is its
 * credentials, location and endpoint, which its project id does not tell apart. Weak, so a client
 * dropped by its owner is not kept alive by its executor.
 */
const byClient = new WeakMap<BigQueryClient, Map<string, BigQueryExecutor>>();

function executorFor(options: FunctionalOptions): BigQueryExecutor {
  if (options.executor) return options.executor;
  const key = options.projectId ?? '';
  const client = options.client;
  let executors = byProject;
  if (client !== undefined && client !== null && typeof client === 'object') {
    executors = byClient.get(client) ?? new Map<string, BigQueryExecutor>();
    byClient.set(client, executors);
  }
  let executor = executors.get(key);
  if (executor === undefined) {
    executor = new BigQueryExecutor({
      ...(options.projectId !== undefined ? { projectId: options.projectId } : {}),
      ...(client !== undefined ? { client } : {}),
    });
    executors.set(key, executor);
  }
  return executor;
}

function split<O extends FunctionalOptions>(options: O): Omit<O, keyof FunctionalOptions> {
  const { executor: _e, projectId: _p, client: _c, ...rest } = options;
  return rest;
}

/**
 * Runs a query and returns its rows. A failure rejects with a typed error (`NotFoundError`,
 * `BadRequestError`, ...), never `[]`, so an outage cannot pass for an empty result.
 *
 * @example
 * ```ts
 * import { executeBigQuery } from 'gcp-pipeline-resilience';
 * const rows = await executeBigQuery('SELECT COUNT(*) AS n FROM mlb_raw.games', { useCache: false });
 * ```
 */
export function executeBigQuery<T = Record<string, unknown>>(
  sql: string,
  options: QueryOptions & FunctionalOptions = {},
): Promise<T[]> {
  return executorFor(options).query<T>(sql, split(options));
}

/**
 * A parameterised query (types inferred: boolean before integer, number, string, Date, bigint,
 * arrays and typed nulls). Throws typed errors, never `[]`.
 *
 * @example
 * ```ts
 * import { executeBigQueryWithParams } from 'gcp-pipeline-resilience';
 * const rows = await executeBigQueryWithParams('SELECT * FROM mlb_raw.games WHERE home = @team', { team: 'NYY' });
 * ```
 */
export function executeBigQueryWithParams<T = Record<string, unknown>>(
  sql: string,
  params: QueryParams,
  options: Omit<QueryOptions, 'params'> & FunctionalOptions = {},
): Promise<T[]> {
  return executorFor(options).query<T>(sql, { ...split(options), params });
}

/**
 * Appends rows with a batch load job (NDJSON, WRITE_APPEND), so the rows can be updated at once (no
 * streaming buffer). Empty input makes no request. Throws typed errors; resolves with the job id and
 * the number of rows loaded.
 *
 * @example
 * ```ts
 * import { insertBigQueryRows } from 'gcp-pipeline-resilience';
 * declare const rows: Array<Record<string, unknown>>;
 * const { outputRows } = await insertBigQueryRows('mlb_reference.unresolved_players', rows);
 * ```
 */
export function insertBigQueryRows(
  table: string,
  rows: readonly unknown[],
  options: LoadRowsOptions & FunctionalOptions = {},
): Promise<LoadResult> {
  return executorFor(options).loadRows(table, rows, split(options));
}

/**
 * Runs DML and returns the number of affected rows. Throws typed errors (`StreamingBufferError` for
 * rows still in the streaming buffer), never 0 for a failure.
 *
 * @example
 * ```ts
 * import { updateBigQueryRows } from 'gcp-pipeline-resilience';
 * const n = await updateBigQueryRows('UPDATE mlb_raw.games SET status = @s WHERE game_id = @id', {
 *   params: { s: 'final', id: 42 },
 * });
 * ```
 */
export function updateBigQueryRows(
  sql: string,
  options: QueryOptions & FunctionalOptions = {},
): Promise<number> {
  return executorFor(options).update(sql, split(options));
}
