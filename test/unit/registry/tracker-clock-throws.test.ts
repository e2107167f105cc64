import { describe, expect, it } from 'vitest';
import { UnresolvedPlayerTracker } from '../../../src/registry/index.js';
import { MemoryExecutor } from './memory-executor.js';

/** A clock whose reading throws while `broken` is set (a fake-timers clock torn down, a bad injection). */
function flakyClock(startMs = Date.UTC(2026, 5, 1, 12)) {
  const clock = {
    broken: false,
    now(): number {
      if (clock.broken) throw new Error('clock unavailable');
      return startMs;
    },
  };
  return clock;
}

describe('UnresolvedPlayerTracker: a clock that throws while a miss is recorded', () => {
  it('records the miss whole (the report time stands in for first_seen) and leaves no empty slot behind', async () => {
    const executor = new MemoryExecutor();
    const clock = flakyClock();
    const tracker = new UnresolvedPlayerTracker({
      executor,
      sport: 'mlb',
      source: 's',
      env: {},
      clock,
      flushOnExit: false,
      maxEntries: 2,
    });
    clock.broken = true;
    // Before: the throw escaped after the slot was made, leaving one with no count. entries() then
    // threw for ever, the slot was never flushed nor freed, and it held a place of maxEntries.
    expect(tracker.track('loganwebb', 'pitcher')).toBe(true);
    clock.broken = false;
    expect(tracker.entries()).toEqual([expect.objectContaining({ playerLookup: 'loganwebb', count: 1 })]);
    expect(tracker.track('gerritcole', 'pitcher')).toBe(true);

    await expect(tracker.flush()).resolves.toEqual({ flushed: 2, retained: 0 });
    expect(tracker.size).toBe(0);
    const written = executor.rowsInTable().find((row) => row.player_lookup === 'loganwebb');
    expect(written).toMatchObject({ occurrence_count: 1 });
    expect(written?.first_seen).toBe(written?.reported_at);
  });
});
