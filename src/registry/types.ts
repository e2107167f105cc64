import type { RowFailure } from '../errors/index.js';

/**
 * Options the registry passes to {@link RegistryExecutor.query}.
 *
 * @example
 * ```ts
 * import type { RegistryExecutor, RegistryQueryOptions } from 'gcp-pipeline-resilience';
 * declare const executor: RegistryExecutor;
 * const byLookup = (player_lookup: string): RegistryQueryOptions => ({ params: { player_lookup } });
 * const rows = await executor.query('SELECT * FROM mlb_reference.players WHERE player_lookup = @player_lookup', byLookup('loganwebb'));
 * ```
 */
export interface RegistryQueryOptions {
  params?: Record<string, unknown>;
  /** `signal` aborts when the registry stops waiting (a flush's deadline): the call may stop too. */
  retry?: { signal?: AbortSignal };
}

/**
 * Options the registry passes to {@link RegistryExecutor.insertRows}.
 *
 * @example
 * ```ts
 * import type { RegistryInsertOptions } from 'gcp-pipeline-resilience';
 * const ids = ['a', 'b'];
 * const options: RegistryInsertOptions<object> = { insertId: (_row, i) => ids[i]!, throwOnFailure: false };
 * ```
 */
export interface RegistryInsertOptions<R> {
  insertId?: (row: R, index: number) => string;
  /** Insert the valid rows of a request that has invalid ones (BigQuery's `skipInvalidRows`). */
  skipInvalidRows?: boolean;
  throwOnFailure?: boolean;
  /** `signal` aborts when the registry stops waiting (a flush's deadline): the call may stop too. */
  retry?: { signal?: AbortSignal };
}

/**
 * What the registry needs from a BigQuery executor: a parameterised query and a streaming insert with
 * caller-chosen insert ids. `BigQueryExecutor` satisfies it; so does any in-memory implementation
 * used in tests, which keeps the registry free of Google clients.
 *
 * @example
 * ```ts
 * import { BigQueryExecutor, PlayerRegistryReader, type RegistryExecutor } from 'gcp-pipeline-resilience';
 * const executor: RegistryExecutor = new BigQueryExecutor({ projectId: 'my-project' });
 * const reader = new PlayerRegistryReader({ executor, sport: 'mlb', source: 'pitcher_strikeouts_predictor' });
 * ```
 */
export interface RegistryExecutor {
  query<T = Record<string, unknown>>(sql: string, options?: RegistryQueryOptions): Promise<T[]>;
  insertRows<R>(
    table: string,
    rows: R[],
    options?: RegistryInsertOptions<R>,
  ): Promise<{ inserted: number; failed: RowFailure[] }>;
}
