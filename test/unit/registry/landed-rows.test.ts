import { describe, expect, it } from 'vitest';
import {
  type RegistryExecutor,
  type UnresolvedPlayerRow,
  UnresolvedPlayerTracker,
} from '../../../src/registry/index.js';
import { findLandedRows, landedKey } from '../../../src/registry/landed-rows.js';
import { fakeClock, googleServiceUnavailable, MemoryExecutor } from './memory-executor.js';

const reportedAt = '2026-01-20T17:00:00.000Z';
const firstSeen = '2026-01-20T16:59:00.000Z';

function row(player_type: string, source: string): UnresolvedPlayerRow {
  return {
    player_lookup: 'loganwebb',
    player_type,
    source,
    first_seen: firstSeen,
    occurrence_count: 2,
    reported_at: reportedAt,
  };
}

/** A table that holds `rows`, answering the landed-rows query as BigQuery would. */
function tableHolding(rows: UnresolvedPlayerRow[]): RegistryExecutor {
  return {
    query: async <T>() =>
      rows.map((r) => ({
        player_lookup: r.player_lookup,
        player_type: r.player_type,
        source: r.source,
        occurrence_count: String(r.occurrence_count),
        first_seen_ms: String(Date.parse(r.first_seen)),
        reported_at_ms: Date.parse(r.reported_at),
      })) as T[],
    insertRows: async () => ({ inserted: 0, failed: [] }),
  };
}

describe('findLandedRows: which rows the table holds', () => {
  it('finds a row the table holds, its numbers read back as strings or numbers', async () => {
    const held = row('PITCHER', 'mlb_game_processor');
    const found = await findLandedRows(tableHolding([held]), 'p.d.t', [held], new AbortController().signal);
    expect(found.has(landedKey(held))).toBe(true);
  });

  it('never takes a row for another whose type and source split the same text differently (NUL inside)', async () => {
    // Two rows of one batch: only the second is in the table. Joined with a separator that the
    // type or source may hold, both had the same identity, and the missing one was forgotten.
    const missing = row('PITCHER\u0000A', 'B');
    const held = row('PITCHER', 'A\u0000B');
    const found = await findLandedRows(
      tableHolding([held]),
      'p.d.t',
      [missing, held],
      new AbortController().signal,
    );
    expect(found.has(landedKey(held))).toBe(true);
    expect(found.has(landedKey(missing))).toBe(false);
  });
});

describe('flush: batches of one tracker never share a reported_at', () => {
  it('with a clock that stands still, a lost batch is not taken for an earlier written one with the same row', async () => {
    const executor = new MemoryExecutor();
    // The table answers the landed-rows query from what it holds, as BigQuery would.
    executor.query = (async <T>(_sql: string, options?: { params?: Record<string, unknown> }) => {
      const times = ((options?.params?.reported_at as Date[] | undefined) ?? []).map((d) => d.getTime());
      return executor
        .rowsInTable()
        .filter((r) => times.includes(Date.parse(r.reported_at as string)))
        .map((r) => ({
          ...r,
          first_seen_ms: Date.parse(r.first_seen as string),
          reported_at_ms: Date.parse(r.reported_at as string),
        })) as T[];
    }) as typeof executor.query;
    const clock = fakeClock();
    let batch = 0;
    const tracker = new UnresolvedPlayerTracker({
      executor,
      sport: 'mlb',
      source: 's',
      env: {},
      clock,
      createBatchId: () => `batch${++batch}`,
    });
    tracker.track('loganwebb', 'pitcher');
    await expect(tracker.flush()).resolves.toEqual({ flushed: 1, retained: 0 });
    // The same miss again, at the same clock reading: an identical row but for reported_at.
    tracker.track('loganwebb', 'pitcher');
    executor.insertPlan.push({ kind: 'throw', error: googleServiceUnavailable(), applied: false });
    expect((await tracker.flush()).error).toBeDefined();
    clock.advance(60_000);
    await expect(tracker.flush()).resolves.toEqual({ flushed: 1, retained: 0 });
    // Both misses are in the table: the second was not forgotten as "already written".
    expect(executor.rowsInTable().map((r) => r.occurrence_count)).toEqual([1, 1]);
    const times = executor.rowsInTable().map((r) => Date.parse(r.reported_at as string));
    expect(times[1]).toBeGreaterThan(times[0] as number);
  });
});
