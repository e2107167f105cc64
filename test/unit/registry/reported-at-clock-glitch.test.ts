import { describe, expect, it } from 'vitest';
import { UnresolvedPlayerTracker } from '../../../src/registry/index.js';
import { MemoryExecutor } from './memory-executor.js';

const START = Date.parse('2026-06-01T12:00:00Z');
const YEAR = 365 * 86_400_000;

function makeTracker() {
  let now = START;
  const executor = new MemoryExecutor();
  let batch = 0;
  const tracker = new UnresolvedPlayerTracker({
    executor,
    sport: 'mlb',
    source: 's',
    env: {},
    clock: { now: () => now },
    createBatchId: () => `batch${++batch}`,
    flushOnExit: false,
  });
  const setNow = (ms: number) => {
    now = ms;
  };
  const reportedAt = (lookup: string) =>
    executor.rowsInTable().find((row) => row.player_lookup === lookup)?.reported_at;
  return { tracker, setNow, reportedAt };
}

describe('reported_at after a clock that jumped ahead once and came back', () => {
  it('follows the clock again: one glitched reading does not pin every later batch to that future', async () => {
    const { tracker, setNow, reportedAt } = makeTracker();
    tracker.track('loganwebb');
    setNow(START + 2 * YEAR); // one bad reading (an RTC glitch at boot, a bad NTP answer)
    await tracker.flush();
    setNow(START + 1_000);
    tracker.track('gerritcole');
    await tracker.flush();
    // Before: 2028-06-01T12:00:00.001Z, and so for every batch of the process: rows in a partition two
    // years ahead, which BigQuery's streaming refuses (more than a year in the future) flush after flush.
    expect(reportedAt('gerritcole')).toBe(new Date(START + 1_000).toISOString());
  });

  it('still gives every batch a reported_at of its own when the clock stands still or steps back a little', async () => {
    const { tracker, setNow, reportedAt } = makeTracker();
    tracker.track('a1');
    await tracker.flush();
    tracker.track('b2');
    await tracker.flush();
    setNow(START - 500);
    tracker.track('c3');
    await tracker.flush();
    const times = ['a1', 'b2', 'c3'].map(reportedAt);
    expect(new Set(times).size).toBe(3);
  });

  it('after a large step back, a batch never takes the reported_at of a recent one', async () => {
    const { tracker, setNow, reportedAt } = makeTracker();
    tracker.track('a1');
    await tracker.flush();
    setNow(START + 3_600_000);
    tracker.track('b2');
    await tracker.flush();
    setNow(START); // an hour back, to the very millisecond of the first batch
    tracker.track('c3');
    await tracker.flush();
    expect(reportedAt('c3')).not.toBe(reportedAt('a1'));
    expect(reportedAt('c3')).not.toBe(reportedAt('b2'));
    expect(Date.parse(String(reportedAt('c3'))) - START).toBeLessThan(1_000);
  });
});

describe('reported_at from a clock that reads fractions of a millisecond', () => {
  it('two batches in the same millisecond still get a reported_at each (the text keeps whole ms only)', async () => {
    const { tracker, setNow, reportedAt } = makeTracker();
    // A clock such as performance.timeOrigin + performance.now(): later by half a millisecond, so not
    // "behind" the previous batch, yet written as the same millisecond (toISOString drops the rest).
    setNow(START + 0.2);
    tracker.track('a1');
    await tracker.flush();
    setNow(START + 0.7);
    tracker.track('b2');
    await tracker.flush();
    expect(reportedAt('a1')).toBe(new Date(START).toISOString());
    expect(reportedAt('b2')).not.toBe(reportedAt('a1'));
  });
});
