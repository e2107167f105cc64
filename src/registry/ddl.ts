import { parseQualifiedTableName } from '../config/table-name.js';
/**
 * The table the tracker flushes to, inside the sport's reference dataset.
 *
 * @example
 * ```ts
 * import { getSportConfig, UNRESOLVED_PLAYERS_TABLE } from 'gcp-pipeline-resilience';
 * const config = getSportConfig('mlb');
 * config.table(config.referenceDataset, UNRESOLVED_PLAYERS_TABLE);
 * // 'nba-props-platform.mlb_reference.unresolved_players'
 * ```
 */
export const UNRESOLVED_PLAYERS_TABLE = 'unresolved_players';

/**
 * The `CREATE TABLE IF NOT EXISTS` statement of the unresolved-players table for a fully qualified
 * table id: every column NOT NULL, partitioned by `DATE(reported_at)` with a
 * 90-day partition expiry, clustered by `player_lookup, player_type, source`.
 *
 * @param tableId - `project.dataset.table`, e.g. from `getSportConfig('mlb').table(...)`.
 *
 * @example
 * ```ts
 * import { BigQueryExecutor, unresolvedPlayersTableDdl } from 'gcp-pipeline-resilience';
 * const executor = new BigQueryExecutor({ projectId: 'my-project' });
 * await executor.query(unresolvedPlayersTableDdl('my-project.mlb_reference.unresolved_players'));
 * ```
 */
export function unresolvedPlayersTableDdl(tableId: string): string {
  // `project.dataset.table`, no backticks: the value goes between backticks in the DDL.
  parseQualifiedTableName(tableId, 'a table id');
  return ddlFor(tableId);
}

// The statement for an id already known valid. `UNRESOLVED_PLAYERS_DDL` is built at import from a
// literal id, so it skips the parser (compiling it at load costs every cold start; ddl.test.ts
// checks that id).
function ddlFor(tableId: string): string {
  return `CREATE TABLE IF NOT EXISTS \`${tableId}\` (
  player_lookup STRING NOT NULL OPTIONS (description = 'Normalized player name: lowercase, no spaces, e.g. loganwebb'),
  player_type STRING NOT NULL OPTIONS (description = 'PITCHER, BATTER or UNKNOWN'),
  source STRING NOT NULL OPTIONS (description = 'The processor or predictor that failed to resolve the player'),
  first_seen TIMESTAMP NOT NULL OPTIONS (description = 'First miss of this player since the previous flush'),
  occurrence_count INT64 NOT NULL OPTIONS (description = 'Misses since the previous flush, not a running total'),
  reported_at TIMESTAMP NOT NULL OPTIONS (description = 'When the flush batch was built; a player has one row per flush')
)
PARTITION BY DATE(reported_at)
CLUSTER BY player_lookup, player_type, source
OPTIONS (
  partition_expiration_days = 90,
  description = 'Players the registry could not resolve, flushed by UnresolvedPlayerTracker for review'
);
`;
}

/**
 * The DDL of `nba-props-platform.mlb_reference.unresolved_players`, as shipped in
 * `sql/unresolved_players.sql` (the package includes the `sql/` folder). For another project or
 * sport use {@link unresolvedPlayersTableDdl}.
 *
 * @example
 * ```ts
 * import { UNRESOLVED_PLAYERS_DDL } from 'gcp-pipeline-resilience';
 * console.log(UNRESOLVED_PLAYERS_DDL); // paste into the BigQuery console, or run with bq query
 * ```
 */
export const UNRESOLVED_PLAYERS_DDL: string = ddlFor('nba-props-platform.mlb_reference.unresolved_players');
