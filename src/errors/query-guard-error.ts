import { brandClass } from './brand.js';
import { PipelineError } from './pipeline-error.js';

/**
 * Options of {@link QueryGuardError}.
 *
 * @example
 * ```ts
 * import { QueryGuardError, type QueryGuardErrorOptions } from 'gcp-pipeline-resilience';
 * // Your own pre-flight rule, refused the way the executor's guard refuses.
 * const fullScan = (table: string): QueryGuardErrorOptions => ({ rule: 'partition_filter', table });
 * function checkSql(sql: string): void {
 *   if (/FROM\s+nba_analytics\.player_game_summary\b/i.test(sql) && !/game_date/i.test(sql)) {
 *     throw new QueryGuardError('filter on game_date', fullScan('nba_analytics.player_game_summary'));
 *   }
 * }
 * ```
 */
export interface QueryGuardErrorOptions {
  /** Which rule refused the query, e.g. `'partition_filter'`. */
  rule: string;
  /** The table the rule is about. */
  table?: string;
}

/**
 * A query was refused before it ran (for example a scan of a partitioned table without a filter on its
 * partition column). Code `'QUERY_GUARD'`, never transient: the SQL must change.
 *
 * @example
 * ```ts
 * import { QueryGuardError } from 'gcp-pipeline-resilience';
 *
 * const err = new QueryGuardError('Query on nba_analytics.player_game_summary has no filter on game_date', {
 *   rule: 'partition_filter',
 *   table: 'nba_analytics.player_game_summary',
 * });
 * err.rule; // 'partition_filter'
 * ```
 */
export class QueryGuardError extends PipelineError {
  protected static override readonly brand: symbol = /* @__PURE__ */ brandClass(
    QueryGuardError,
    'QueryGuardError',
  );

  /** Which rule refused the query. */
  readonly rule: string;
  /** The table the rule is about. */
  readonly table?: string;

  constructor(message: string, options: QueryGuardErrorOptions) {
    super(message, { code: 'QUERY_GUARD', transient: false });
    this.rule = options.rule;
    this.table = options.table;
  }
}
