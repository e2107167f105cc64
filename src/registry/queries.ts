// The registry's two queries (one lookup, many lookups), with the player-type filter as a query
// parameter, never text pasted into the SQL. The table id is ours
// (validated by the reader), never a caller's lookup or type.

/**
 * Latest universal id of one lookup, optionally of one type.
 *
 * @internal
 */
export function singleLookupSql(table: string, withType: boolean): string {
  return [
    'SELECT universal_player_id',
    `FROM \`${table}\``,
    'WHERE player_lookup = @player_lookup',
    ...(withType ? ['AND player_type = @player_type'] : []),
    'AND universal_player_id IS NOT NULL',
    'ORDER BY processed_at DESC',
    'LIMIT 1',
  ].join('\n');
}

/**
 * Universal ids of many lookups in one query. Ordered so that the first row of each lookup is its
 * latest, the same answer the single lookup gives.
 *
 * @internal
 */
export function batchLookupSql(table: string, withType: boolean): string {
  return [
    'SELECT player_lookup, universal_player_id',
    `FROM \`${table}\``,
    'WHERE player_lookup IN UNNEST(@player_lookups)',
    ...(withType ? ['AND player_type = @player_type'] : []),
    'AND universal_player_id IS NOT NULL',
    'ORDER BY player_lookup, processed_at DESC',
  ].join('\n');
}

/**
 * The unresolved-player rows reported at any of `@reported_at` (an array of timestamps: the batches
 * whose answer was lost), with both times as epoch milliseconds, so the tracker can tell which of
 * its unsure rows BigQuery already holds.
 *
 * @internal
 */
export function landedRowsSql(table: string): string {
  return [
    'SELECT player_lookup, player_type, source, occurrence_count,',
    '  UNIX_MILLIS(first_seen) AS first_seen_ms, UNIX_MILLIS(reported_at) AS reported_at_ms',
    `FROM \`${table}\``,
    'WHERE reported_at IN UNNEST(@reported_at)',
  ].join('\n');
}
