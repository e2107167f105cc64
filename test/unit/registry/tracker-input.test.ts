import { describe, expect, it } from 'vitest';
import { UnresolvedPlayerTracker } from '../../../src/registry/index.js';
import { fakeClock, MemoryExecutor, recordingLogger } from './memory-executor.js';

const base = { sport: 'mlb', source: 'pitcher_strikeouts_predictor', env: {} };

describe('UnresolvedPlayerTracker: bad input is a clear TypeError, up front', () => {
  it.each([
    [
      'a table that is not project.dataset.table',
      { table: 'unresolved players' },
      /table .*"unresolved players"/,
    ],
    ['a table with a backtick', { table: 'p.d.t`; DROP TABLE x; --' }, /table/],
    ['a projectId with a backtick', { projectId: 'my`project' }, /my`project/],
    [
      'a table with a partition decorator (every flush on another day would fail)',
      { table: 'my-proj.mlb_reference.unresolved_players$20260601' },
      /without a partition decorator/,
    ],
  ])(
    'refuses %s at construction (every flush would fail, or break out of its quoting)',
    (_, extra, message) => {
      expect(
        () => new UnresolvedPlayerTracker({ executor: new MemoryExecutor(), ...base, ...extra }),
      ).toThrow(message);
      expect(
        () => new UnresolvedPlayerTracker({ executor: new MemoryExecutor(), ...base, ...extra }),
      ).toThrow(TypeError);
    },
  );

  it('track() with a lookup, type or source that is not a string names the argument; nothing is recorded', () => {
    const tracker = new UnresolvedPlayerTracker({
      executor: new MemoryExecutor(),
      ...base,
      clock: fakeClock(),
    });
    for (const lookup of [123, null, undefined, {}, Symbol('x')] as unknown[]) {
      expect(() => tracker.track(lookup as string)).toThrow(/track: lookup must be a string, got/);
    }
    expect(() => tracker.track('loganwebb', 7 as unknown as string)).toThrow(
      /track: playerType must be a string, got number/,
    );
    expect(() => tracker.track('loganwebb', 'pitcher', 5 as unknown as string)).toThrow(
      /track: source must be a string, got number/,
    );
    expect(tracker.size).toBe(0);
    // The usual calls still work; undefined type and source take their defaults.
    expect(tracker.track('loganwebb', undefined, undefined)).toBe(true);
    expect(tracker.entries()).toMatchObject([{ playerLookup: 'loganwebb', playerType: 'unknown' }]);
  });
});

describe('UnresolvedPlayerTracker: huge input', () => {
  // A scraped page whose name field holds the whole page: held as a player, each would cost its
  // size until the next flush (maxEntries bounds how many, not how large).
  const huge = 'Logan Webb '.repeat(50_000);

  it('track() refuses a lookup, type or source longer than 1024 characters, with a warning that does not repeat it', () => {
    const logger = recordingLogger();
    const tracker = new UnresolvedPlayerTracker({ executor: new MemoryExecutor(), ...base, logger });
    expect(tracker.track(huge, 'pitcher')).toBe(false);
    expect(tracker.track('loganwebb', huge)).toBe(false);
    expect(tracker.track('loganwebb', 'pitcher', huge)).toBe(false);
    expect(tracker.size).toBe(0);
    const warnings = logger.entries.filter((e) => e.level === 'warn');
    expect(warnings).toHaveLength(3);
    for (const warning of warnings) expect(JSON.stringify(warning).length).toBeLessThan(1_000);
    // At the limit, a player is tracked as usual.
    expect(tracker.track('a'.repeat(1024), 'b'.repeat(1024), 'c'.repeat(1024))).toBe(true);
  });

  it('track() refuses a name over 1024 characters as given, even one that would normalize to a short lookup; what it holds stays', async () => {
    const logger = recordingLogger();
    const executor = new MemoryExecutor();
    const tracker = new UnresolvedPlayerTracker({ executor, ...base, logger });
    expect(tracker.track('loganwebb', 'pitcher')).toBe(true);
    // 3 MB of punctuation around a real name: it used to be processed whole and tracked as 'loganwebb'.
    const padded = `${'.'.repeat(3_000_000)}Logan Webb`;
    expect(tracker.track(padded, 'pitcher')).toBe(false);
    expect(tracker.track('x', 'p'.repeat(1025))).toBe(false);
    expect(tracker.entries()).toMatchObject([{ playerLookup: 'loganwebb', playerType: 'pitcher', count: 1 }]);
    const warnings = logger.entries.filter((e) => e.level === 'warn');
    expect(warnings).toHaveLength(2);
    for (const warning of warnings) expect(JSON.stringify(warning).length).toBeLessThan(1_000);
    await tracker.flush();
    expect(executor.rowsInTable().map((r) => r.player_lookup)).toEqual(['loganwebb']);
  });

  it('refuses a source option longer than 1024 characters at construction', () => {
    expect(
      () =>
        new UnresolvedPlayerTracker({ executor: new MemoryExecutor(), ...base, source: 'x'.repeat(1025) }),
    ).toThrow(/source is 1025 characters long; at most 1024/);
  });
});

describe('track: a name in a script the lookup key cannot spell', () => {
  it('warns (never silent) when letters or digits normalize to nothing; blank and punctuation stay at debug', () => {
    const logger = recordingLogger();
    const tracker = new UnresolvedPlayerTracker({
      executor: new MemoryExecutor(),
      sport: 'mlb',
      source: 's',
      env: {},
      logger,
    });
    expect(tracker.track('大谷翔平', 'pitcher')).toBe(false);
    expect(tracker.track('Дмитрий Орлов')).toBe(false);
    expect(tracker.track(' .- ')).toBe(false);
    expect(tracker.track('')).toBe(false);
    const warnings = logger.entries.filter((e) => e.level === 'warn');
    expect(warnings.map((e) => e.fields?.lookup)).toEqual(['大谷翔平', 'Дмитрий Орлов']);
    expect(warnings[0]?.message).toMatch(/no letter or digit the registry's lookup key can hold/);
    expect(logger.entries.filter((e) => e.level === 'debug')).toHaveLength(2);
  });
});
