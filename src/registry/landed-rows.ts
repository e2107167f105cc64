import { untilAborted } from '../shared/until-aborted.js';
import { landedRowsSql } from './queries.js';
import type { UnresolvedPlayerRow } from './tracker.js';
import type { RegistryExecutor } from './types.js';

/** A row as `landedRowsSql` reads it back (integers may come back as numbers or strings). */
interface LandedRow {
  player_lookup: string;
  player_type: string;
  source: string;
  occurrence_count: number | string;
  first_seen_ms: number | string;
  reported_at_ms: number | string;
}

/**
 * One row's identity: every column, times as epoch ms. Two batches never share a `reported_at`
 * with the same player, type, source, count and first sighting unless they are the same row.
 */
function keyOf(
  lookup: string,
  type: string,
  source: string,
  count: unknown,
  firstSeenMs: unknown,
  reportedAtMs: unknown,
): string {
  // JSON, not a join with a separator: a type or source may hold any character (NUL included), and
  // two rows whose fields split the same text differently must never share a key (the missing one
  // would be taken for written and forgotten).
  return JSON.stringify([lookup, type, source, Number(count), Number(firstSeenMs), Number(reportedAtMs)]);
}

/**
 * The identity of a row the tracker wrote (or tried to).
 *
 * @internal
 */
export function landedKey(row: UnresolvedPlayerRow): string {
  return keyOf(
    row.player_lookup,
    row.player_type,
    row.source,
    row.occurrence_count,
    Date.parse(row.first_seen),
    Date.parse(row.reported_at),
  );
}

/**
 * Which of `rows` the table already holds: one query over the batches they were reported in.
 * Rejects with the query's error (the caller decides what an unknown answer means), or with the
 * signal's reason as soon as it aborts, whether or not the query has answered.
 *
 * @internal
 */
export async function findLandedRows(
  executor: RegistryExecutor,
  table: string,
  rows: readonly UnresolvedPlayerRow[],
  signal: AbortSignal,
): Promise<Set<string>> {
  const times = [...new Set(rows.map((row) => row.reported_at))].map((iso) => new Date(iso));
  // The executor may ignore the signal (any implementation of the interface): the wait ends anyway.
  const found = await untilAborted(
    executor.query<LandedRow>(landedRowsSql(table), { params: { reported_at: times }, retry: { signal } }),
    signal,
  );
  const keys = new Set<string>();
  for (const row of found) {
    keys.add(
      keyOf(
        row.player_lookup,
        row.player_type,
        row.source,
        row.occurrence_count,
        row.first_seen_ms,
        row.reported_at_ms,
      ),
    );
  }
  return keys;
}
