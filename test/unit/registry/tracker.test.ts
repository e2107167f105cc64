import { describe, expect, it } from 'vitest';
import { UnresolvedPlayerTracker } from '../../../src/registry/index.js';
import { fakeClock, MemoryExecutor } from './memory-executor.js';

function makeTracker(options: { maxEntries?: number } = {}) {
  const executor = new MemoryExecutor();
  const clock = fakeClock();
  const tracker = new UnresolvedPlayerTracker({
    executor,
    sport: 'mlb',
    source: 'pitcher_strikeouts_predictor',
    env: {},
    clock,
    ...options,
  });
  return { executor, clock, tracker };
}

describe('UnresolvedPlayerTracker: tracking', () => {
  it('deduplicates by (normalized lookup, player type) and counts every miss', () => {
    const { tracker } = makeTracker();
    tracker.track('loganwebb', 'pitcher');
    tracker.track('Logan Webb', 'PITCHER');
    tracker.track(' logan-webb ', ' Pitcher ');

    expect(tracker.size).toBe(1);
    const [entry] = tracker.entries();
    expect(entry).toMatchObject({
      playerLookup: 'loganwebb',
      playerType: 'pitcher',
      count: 3,
      pendingCount: 0,
    });
  });

  it('keeps different types of the same name apart, as the original did', () => {
    const { tracker } = makeTracker();
    tracker.track('loganwebb', 'pitcher');
    tracker.track('loganwebb');
    tracker.track('loganwebb', 'unknown');

    expect(tracker.size).toBe(2);
    expect(tracker.entries().map((e) => [e.playerType, e.count])).toEqual([
      ['pitcher', 1],
      ['unknown', 2],
    ]);
  });

  it('keeps the source and first-seen time of the first miss', () => {
    const { tracker, clock } = makeTracker();
    const first = clock.now();
    tracker.track('gerritcole', 'pitcher', 'mlb_game_processor');
    clock.advance(60_000);
    tracker.track('gerritcole', 'pitcher', 'batter_hits_predictor');

    const [entry] = tracker.entries();
    expect(entry?.source).toBe('mlb_game_processor');
    expect(entry?.firstSeen.getTime()).toBe(first);
    expect(entry?.count).toBe(2);
  });

  it('uses the tracker source when a miss names none', () => {
    const { tracker } = makeTracker();
    tracker.track('gerritcole');
    expect(tracker.entries()[0]?.source).toBe('pitcher_strikeouts_predictor');
  });

  it('ignores a lookup that normalizes to nothing', () => {
    const { tracker } = makeTracker();
    expect(tracker.track(' .- ', 'pitcher')).toBe(false);
    expect(tracker.size).toBe(0);
    expect(tracker.overflowCount).toBe(0);
  });

  it('holds at most maxEntries players and counts the refused misses', () => {
    const { tracker } = makeTracker({ maxEntries: 2 });
    expect(tracker.track('a1')).toBe(true);
    expect(tracker.track('b2')).toBe(true);
    expect(tracker.track('c3')).toBe(false);
    expect(tracker.track('d4', 'batter')).toBe(false);
    // A player already held still counts when the tracker is full.
    expect(tracker.track('a1')).toBe(true);

    expect(tracker.size).toBe(2);
    expect(tracker.overflowCount).toBe(2);
    expect(tracker.entries().map((e) => [e.playerLookup, e.count])).toEqual([
      ['a1', 2],
      ['b2', 1],
    ]);
  });

  it('stays bounded under a flood of distinct misses', () => {
    const { tracker } = makeTracker({ maxEntries: 100 });
    for (let i = 0; i < 10_000; i += 1) tracker.track(`player${i}`);
    expect(tracker.size).toBe(100);
    expect(tracker.overflowCount).toBe(9_900);
  });

  it('returns snapshots that later tracking does not change', () => {
    const { tracker } = makeTracker();
    tracker.track('loganwebb');
    const before = tracker.entries();
    tracker.track('loganwebb');
    expect(before[0]?.count).toBe(1);
    expect(tracker.entries()[0]?.count).toBe(2);
  });

  it('defaults the table to {project}.{sport}_reference.unresolved_players', () => {
    const executor = new MemoryExecutor();
    expect(new UnresolvedPlayerTracker({ executor, sport: 'mlb', source: 's', env: {} }).table).toBe(
      'nba-props-platform.mlb_reference.unresolved_players',
    );
    expect(
      new UnresolvedPlayerTracker({ executor, sport: 'mlb', source: 's', env: { GCP_PROJECT_ID: 'staging' } })
        .table,
    ).toBe('staging.mlb_reference.unresolved_players');
    expect(
      new UnresolvedPlayerTracker({ executor, sport: 'nba', source: 's', projectId: 'my-proj', env: {} })
        .table,
    ).toBe('my-proj.nba_reference.unresolved_players');
  });

  it('rejects a cap that is not a positive integer', () => {
    const executor = new MemoryExecutor();
    expect(() => new UnresolvedPlayerTracker({ executor, sport: 'mlb', source: 's', maxEntries: 0 })).toThrow(
      RangeError,
    );
  });
});
