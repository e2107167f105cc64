import { describe, expect, it } from 'vitest';
import { PlayerNotFoundError, ServiceUnavailableError } from '../../../src/errors/index.js';
import { PlayerRegistryReader, UnresolvedPlayerTracker } from '../../../src/registry/index.js';
import { createTestClock } from '../../../src/testing/clock.js';
import { googleAccessDenied, googleServiceUnavailable, MemoryExecutor } from './memory-executor.js';

function makeReader(options: { cacheTtlMs?: number; maxLookupsPerQuery?: number } = {}) {
  const executor = new MemoryExecutor();
  executor.registry.push(
    {
      player_lookup: 'loganwebb',
      universal_player_id: 'mlb_old_webb',
      player_type: 'PITCHER',
      processed_at: 1,
    },
    { player_lookup: 'loganwebb', universal_player_id: 'mlb_webb', player_type: 'PITCHER', processed_at: 2 },
    { player_lookup: 'gerritcole', universal_player_id: 'mlb_cole', player_type: 'PITCHER', processed_at: 1 },
    { player_lookup: 'aaronjudge', universal_player_id: 'mlb_judge', player_type: 'BATTER', processed_at: 1 },
    { player_lookup: 'nullid', universal_player_id: null, player_type: 'BATTER', processed_at: 1 },
  );
  const clock = createTestClock({ startMs: Date.UTC(2026, 0, 20) });
  const reader = new PlayerRegistryReader({
    executor,
    sport: 'mlb',
    source: 'pitcher_strikeouts_predictor',
    env: {},
    clock,
    ...options,
  });
  return { executor, clock, reader };
}

describe('PlayerRegistryReader: one lookup', () => {
  it('reads the latest universal id of the normalized lookup', async () => {
    const { executor, reader } = makeReader();
    await expect(reader.getUniversalId('Logan Webb')).resolves.toBe('mlb_webb');
    expect(executor.queries).toHaveLength(1);
    expect(executor.queries[0]?.params).toEqual({ player_lookup: 'loganwebb' });
  });

  it("runs the original's query, parameterised, against {project}.mlb_reference.mlb_players_registry", async () => {
    const { executor, reader } = makeReader();
    await reader.getUniversalId('loganwebb');
    const sql = executor.queries[0]?.sql ?? '';
    expect(sql).toContain('SELECT universal_player_id');
    expect(sql).toContain('FROM `nba-props-platform.mlb_reference.mlb_players_registry`');
    expect(sql).toContain('WHERE player_lookup = @player_lookup');
    expect(sql).toContain('AND universal_player_id IS NOT NULL');
    expect(sql).toContain('ORDER BY processed_at DESC');
    expect(sql).toContain('LIMIT 1');
    expect(sql).not.toContain('player_type');
    expect(sql).not.toContain('loganwebb');
  });

  it('filters by type through a parameter, never by pasting it into the SQL', async () => {
    const { executor, reader } = makeReader();
    await expect(reader.getUniversalId('loganwebb', { playerType: 'pitcher' })).resolves.toBe('mlb_webb');
    await expect(
      reader.getUniversalId('loganwebb', { playerType: 'batter', required: false }),
    ).resolves.toBeNull();
    const hostile = "pitcher' OR '1'='1";
    await reader.getUniversalId('loganwebb', { playerType: hostile, required: false });

    expect(executor.queries[0]?.sql).toContain('AND player_type = @player_type');
    expect(executor.queries[0]?.params).toEqual({ player_lookup: 'loganwebb', player_type: 'PITCHER' });
    expect(executor.queries[2]?.sql).not.toContain("'1'='1");
    expect(executor.queries[2]?.params.player_type).toBe(hostile.toUpperCase());
  });

  it('throws PlayerNotFoundError for a miss by default, and records the miss', async () => {
    const { reader } = makeReader();
    const error = await reader
      .getUniversalId('Shohei Ohtani', { playerType: 'batter' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PlayerNotFoundError);
    expect(error).toMatchObject({ lookup: 'shoheiohtani', playerType: 'batter', code: 'PLAYER_NOT_FOUND' });
    expect((error as Error).message).toBe(
      'Player "Shohei Ohtani" (batter) (looked up as "shoheiohtani") is not in the registry',
    );
    expect(reader.tracker.entries()).toEqual([
      expect.objectContaining({
        playerLookup: 'shoheiohtani',
        playerType: 'batter',
        source: 'pitcher_strikeouts_predictor',
        count: 1,
      }),
    ]);
  });

  it('resolves null for a miss with required: false, and still records it', async () => {
    const { reader } = makeReader();
    await expect(reader.getUniversalId('nullid', { required: false })).resolves.toBeNull();
    expect(reader.tracker.entries()).toEqual([
      expect.objectContaining({ playerLookup: 'nullid', playerType: 'unknown' }),
    ]);
  });

  it('answers a lookup that normalizes to nothing as a miss, without a query or a tracked entry', async () => {
    const { executor, reader } = makeReader();
    await expect(reader.getUniversalId(' .- ', { required: false })).resolves.toBeNull();
    await expect(reader.getUniversalId('')).rejects.toBeInstanceOf(PlayerNotFoundError);
    await expect(reader.getUniversalIdsBatch(['?'])).resolves.toEqual(new Map([['?', null]]));
    expect(executor.queries).toHaveLength(0);
    expect(reader.tracker.size).toBe(0);
  });

  it('shares one query between concurrent lookups of the same player', async () => {
    const { executor, reader } = makeReader();
    const ids = await Promise.all([reader.getUniversalId('loganwebb'), reader.getUniversalId('LoganWebb')]);
    expect(ids).toEqual(['mlb_webb', 'mlb_webb']);
    expect(executor.queries).toHaveLength(1);
  });
});

describe('PlayerRegistryReader: cache', () => {
  it('reuses a hit for cacheTtlMs and asks again after it', async () => {
    const { executor, clock, reader } = makeReader({ cacheTtlMs: 300_000 });
    await reader.getUniversalId('loganwebb');
    clock.advance(299_999);
    await reader.getUniversalId('loganwebb');
    expect(executor.queries).toHaveLength(1);

    clock.advance(1);
    await reader.getUniversalId('loganwebb');
    expect(executor.queries).toHaveLength(2);
    expect(reader.stats).toMatchObject({ lookups: 3, cacheHits: 1, cacheMisses: 2, queries: 2 });
  });

  it('caches a miss for the TTL too, and counts every missed occurrence', async () => {
    const { executor, clock, reader } = makeReader();
    await reader.getUniversalId('nobody', { required: false });
    await expect(reader.getUniversalId('nobody')).rejects.toBeInstanceOf(PlayerNotFoundError);
    expect(executor.queries).toHaveLength(1);
    expect(reader.tracker.entries()[0]?.count).toBe(2);

    clock.advance(300_000);
    executor.registry.push({
      player_lookup: 'nobody',
      universal_player_id: 'mlb_new',
      player_type: 'BATTER',
      processed_at: 3,
    });
    await expect(reader.getUniversalId('nobody')).resolves.toBe('mlb_new');
    expect(executor.queries).toHaveLength(2);
  });

  it('keeps typed and untyped answers apart', async () => {
    const { executor, reader } = makeReader();
    await reader.getUniversalId('loganwebb');
    await reader.getUniversalId('loganwebb', { playerType: 'pitcher' });
    await reader.getUniversalId('loganwebb', { playerType: 'PITCHER' });
    expect(executor.queries).toHaveLength(2);
  });

  it('holds at most maxCacheEntries answers, dropping the oldest first', async () => {
    const executor = new MemoryExecutor();
    const reader = new PlayerRegistryReader({
      executor,
      sport: 'mlb',
      source: 's',
      env: {},
      maxCacheEntries: 2,
    });
    await reader.getUniversalIdsBatch(['a', 'b', 'c']);
    await reader.getUniversalIdsBatch(['b', 'c']);
    expect(executor.queries).toHaveLength(1);
    await reader.getUniversalIdsBatch(['a']);
    expect(executor.queries).toHaveLength(2);
  });

  it('does not cache with cacheTtlMs 0', async () => {
    const { executor, reader } = makeReader({ cacheTtlMs: 0 });
    await reader.getUniversalId('loganwebb');
    await reader.getUniversalId('loganwebb');
    expect(executor.queries).toHaveLength(2);
  });

  it('forgets everything on clearCache()', async () => {
    const { executor, reader } = makeReader();
    await reader.getUniversalId('loganwebb');
    reader.clearCache();
    await reader.getUniversalId('loganwebb');
    expect(executor.queries).toHaveLength(2);
  });
});

describe('PlayerRegistryReader: batch', () => {
  it('answers every lookup with ONE query for all the cache misses', async () => {
    const { executor, reader } = makeReader();
    await reader.getUniversalId('gerritcole');
    const ids = await reader.getUniversalIdsBatch(['Logan Webb', 'gerritcole', 'aaronjudge', 'nobody']);

    expect([...ids]).toEqual([
      ['Logan Webb', 'mlb_webb'],
      ['gerritcole', 'mlb_cole'],
      ['aaronjudge', 'mlb_judge'],
      ['nobody', null],
    ]);
    expect(executor.queries).toHaveLength(2);
    const batch = executor.queries[1];
    expect(batch?.sql).toContain('WHERE player_lookup IN UNNEST(@player_lookups)');
    expect(batch?.sql).toContain('AND universal_player_id IS NOT NULL');
    expect(batch?.params).toEqual({ player_lookups: ['loganwebb', 'aaronjudge', 'nobody'] });
  });

  it('caches the batch answers (hits and misses) for later lookups', async () => {
    const { executor, reader } = makeReader();
    await reader.getUniversalIdsBatch(['loganwebb', 'nobody']);
    await expect(reader.getUniversalId('loganwebb')).resolves.toBe('mlb_webb');
    await expect(reader.getUniversalId('nobody', { required: false })).resolves.toBeNull();
    expect(executor.queries).toHaveLength(1);
  });

  it('filters the batch by type through a parameter', async () => {
    const { executor, reader } = makeReader();
    const ids = await reader.getUniversalIdsBatch(['loganwebb', 'aaronjudge'], { playerType: 'batter' });
    expect([...ids.values()]).toEqual([null, 'mlb_judge']);
    expect(executor.queries[0]?.sql).toContain('AND player_type = @player_type');
    expect(executor.queries[0]?.params.player_type).toBe('BATTER');
  });

  it('records every miss and returns nulls by default (the original default: not required)', async () => {
    const { reader } = makeReader();
    await reader.getUniversalIdsBatch(['nobody', 'nobody', 'someoneelse']);
    expect(reader.tracker.entries().map((e) => [e.playerLookup, e.count])).toEqual([
      ['nobody', 2],
      ['someoneelse', 1],
    ]);
  });

  it('with required, records every miss and then throws for the first', async () => {
    const { reader } = makeReader();
    const error = await reader
      .getUniversalIdsBatch(['loganwebb', 'No Body', 'someoneelse'], { required: true })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PlayerNotFoundError);
    expect((error as PlayerNotFoundError).lookup).toBe('nobody');
    expect((error as PlayerNotFoundError).message).toContain('"No Body"');
    expect(reader.tracker.size).toBe(2);
  });

  it('splits only past maxLookupsPerQuery', async () => {
    const { executor, reader } = makeReader({ maxLookupsPerQuery: 2 });
    await reader.getUniversalIdsBatch(['a', 'b', 'c', 'd', 'e']);
    expect(executor.queries.map((q) => q.params.player_lookups)).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
  });

  it('does not query for an empty batch', async () => {
    const { executor, reader } = makeReader();
    await expect(reader.getUniversalIdsBatch([])).resolves.toEqual(new Map());
    expect(executor.queries).toHaveLength(0);
  });
});

describe('PlayerRegistryReader: a failing registry query', () => {
  it('rejects with the typed error, not "not found", and records no miss', async () => {
    const { executor, reader } = makeReader();
    executor.queryFailures.push(googleServiceUnavailable());
    const error = await reader.getUniversalId('loganwebb', { required: false }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect(error).not.toBeInstanceOf(PlayerNotFoundError);
    expect(reader.tracker.size).toBe(0);
  });

  it('caches nothing from a failure: the next lookup asks again', async () => {
    const { executor, reader } = makeReader();
    executor.queryFailures.push(googleServiceUnavailable());
    await reader.getUniversalId('loganwebb').catch(() => undefined);
    await expect(reader.getUniversalId('loganwebb')).resolves.toBe('mlb_webb');
    expect(executor.queries).toHaveLength(2);
  });

  it('rejects a batch with the typed error too', async () => {
    const { executor, reader } = makeReader();
    executor.queryFailures.push(googleAccessDenied());
    const error = await reader.getUniversalIdsBatch(['loganwebb', 'nobody']).catch((e: unknown) => e);
    expect(error).toMatchObject({ httpStatus: 403, transient: false });
    expect(reader.tracker.size).toBe(0);
    await expect(reader.getUniversalIdsBatch(['loganwebb'])).resolves.toEqual(
      new Map([['loganwebb', 'mlb_webb']]),
    );
  });
});

describe('PlayerRegistryReader: construction', () => {
  it('takes the project from the environment and the table from the sport', () => {
    const executor = new MemoryExecutor();
    const reader = new PlayerRegistryReader({
      executor,
      sport: 'nba',
      source: 's',
      env: { GCP_PROJECT_ID: 'staging' },
    });
    expect(reader.table).toBe('staging.nba_reference.nba_players_registry');
    expect(reader.tracker.table).toBe('staging.nba_reference.unresolved_players');
  });

  it('records its misses, with its own source, in the tracker it is given', async () => {
    const executor = new MemoryExecutor();
    const tracker = new UnresolvedPlayerTracker({ executor, sport: 'mlb', source: 'shared', env: {} });
    const reader = new PlayerRegistryReader({ executor, sport: 'mlb', source: 'reader', env: {}, tracker });
    await reader.getUniversalId('nobody', { required: false });
    expect(reader.tracker).toBe(tracker);
    expect(tracker.entries()[0]?.source).toBe('reader');
  });

  it('refuses a table id that could break out of its quoting', () => {
    const executor = new MemoryExecutor();
    expect(
      () =>
        new PlayerRegistryReader({ executor, sport: 'mlb', source: 's', table: 'p.d.t` UNION SELECT 1 --' }),
    ).toThrow(TypeError);
  });

  it('refuses a registry table with a partition decorator, which no query can read FROM', () => {
    const executor = new MemoryExecutor();
    expect(
      () =>
        new PlayerRegistryReader({
          executor,
          sport: 'mlb',
          source: 's',
          table: 'my-proj.d.registry$20260601',
        }),
    ).toThrow(/without a partition decorator/);
  });

  it('rejects an unknown sport', () => {
    const executor = new MemoryExecutor();
    expect(() => new PlayerRegistryReader({ executor, sport: 'nhl', source: 's' })).toThrow(
      /Unknown sport "nhl"/,
    );
  });
});

describe('PlayerRegistryReader: bad arguments are clear TypeErrors, and nothing is queried or tracked', () => {
  it('a batch given a string (not an array) is refused instead of looking up each of its characters', async () => {
    const { executor, reader } = makeReader();
    await expect(reader.getUniversalIdsBatch('loganwebb' as unknown as string[])).rejects.toThrow(
      /getUniversalIdsBatch: lookups must be an array of strings, got string/,
    );
    expect(executor.queries).toEqual([]);
    expect(reader.tracker.size).toBe(0);
  });

  it('a lookup, batch element or playerType that is not a string, and a misspelt option, name what was wrong', async () => {
    const { executor, reader } = makeReader();
    for (const lookup of [123, null, undefined, {}] as unknown[]) {
      await expect(reader.getUniversalId(lookup as string)).rejects.toThrow(
        /getUniversalId: lookup must be a string, got/,
      );
      await expect(reader.getUniversalIdsBatch(['loganwebb', lookup as string])).rejects.toThrow(
        /getUniversalIdsBatch: lookups\[1\] must be a string, got/,
      );
    }
    await expect(reader.getUniversalId('loganwebb', { playerType: 5 as unknown as string })).rejects.toThrow(
      /playerType/,
    );
    await expect(
      reader.getUniversalId('loganwebb', { requierd: false } as unknown as { required: false }),
    ).rejects.toThrow(/unknown option 'requierd'. Did you mean 'required'/);
    expect(executor.queries).toEqual([]);
    expect(reader.tracker.size).toBe(0);
  });
});

describe('PlayerRegistryReader: a clock stepped back', () => {
  it('does not keep a cached miss (or hit) alive for the length of the step: the registry is asked again', async () => {
    const executor = new MemoryExecutor();
    let now = Date.UTC(2026, 0, 20, 12);
    const reader = new PlayerRegistryReader({
      executor,
      sport: 'mlb',
      source: 'pitcher_strikeouts_predictor',
      env: {},
      clock: { now: () => now },
    });
    await expect(reader.getUniversalId('Paul Skenes', { required: false })).resolves.toBeNull();
    // The registry learns the player; NTP steps the clock back an hour.
    executor.registry.push({
      player_lookup: 'paulskenes',
      universal_player_id: 'mlb_skenes',
      player_type: 'PITCHER',
      processed_at: 3,
    });
    now -= 3_600_000;
    now += 300_000; // one TTL later, as the process lived it
    await expect(reader.getUniversalId('Paul Skenes', { required: false })).resolves.toBe('mlb_skenes');
    expect(executor.queries).toHaveLength(2);
  });
});

describe('PlayerRegistryReader: the cache bound', () => {
  it('refuses a maxCacheEntries that is not a whole number >= 0 (NaN turned the bound off: the cache grew without limit)', () => {
    for (const maxCacheEntries of [Number.NaN, -1, 1.5]) {
      expect(
        () =>
          new PlayerRegistryReader({
            executor: new MemoryExecutor(),
            sport: 'mlb',
            source: 'p',
            env: {},
            maxCacheEntries,
          }),
      ).toThrow(
        new RangeError(`maxCacheEntries must be an integer >= 0 or Infinity, got ${maxCacheEntries}`),
      );
    }
  });

  it('0 caches nothing; a whole number and Infinity cache as they say', async () => {
    for (const [maxCacheEntries, queries] of [
      [0, 2],
      [1, 1],
      [Number.POSITIVE_INFINITY, 1],
    ] as const) {
      const executor = new MemoryExecutor();
      const reader = new PlayerRegistryReader({
        executor,
        sport: 'mlb',
        source: 'p',
        env: {},
        maxCacheEntries,
      });
      await reader.getUniversalId('someone', { required: false });
      await reader.getUniversalId('someone', { required: false });
      expect(executor.queries).toHaveLength(queries);
    }
  });
});

describe('PlayerRegistryReader: huge lookups', () => {
  const huge = `${'Logan Webb '.repeat(50_000)}`;

  it('answers a lookup longer than 1024 characters as a miss, without a query, a cached answer or a tracked entry; its error message is short', async () => {
    const { executor, reader } = makeReader();
    await expect(reader.getUniversalId(huge, { required: false })).resolves.toBeNull();
    const thrown = await reader.getUniversalId(huge).catch((e: unknown) => e);
    expect(thrown).toBeInstanceOf(PlayerNotFoundError);
    expect((thrown as Error).message.length).toBeLessThan(500);
    const ids = await reader.getUniversalIdsBatch(['loganwebb', huge]);
    expect([...ids.values()]).toEqual(['mlb_webb', null]);
    expect(executor.queries).toHaveLength(1);
    expect(executor.queries[0]?.params.player_lookups).toEqual(['loganwebb']);
    await expect(
      reader.getUniversalId('loganwebb', { playerType: huge, required: false }),
    ).resolves.toBeNull();
    expect(executor.queries).toHaveLength(1);
    expect(reader.tracker.size).toBe(0);
  });

  it('a name over 1024 characters as given is a miss even when it would normalize to a known player: never processed, never that player', async () => {
    const { executor, reader } = makeReader();
    const padded = `${'.'.repeat(2_000_000)}Logan Webb`;
    await expect(reader.getUniversalId(padded, { required: false })).resolves.toBeNull();
    const thrown = await reader.getUniversalId(padded).catch((e: unknown) => e);
    expect(thrown).toBeInstanceOf(PlayerNotFoundError);
    expect(thrown).toMatchObject({ lookup: '' });
    expect((thrown as Error).message).toMatch(/\(2000010 characters\)" is not in the registry$/);
    expect((thrown as Error).message.length).toBeLessThan(500);
    const ids = await reader.getUniversalIdsBatch(['loganwebb', padded, 'Logan Webb']);
    expect([...ids.entries()]).toEqual([
      ['loganwebb', 'mlb_webb'],
      [padded, null],
      ['Logan Webb', 'mlb_webb'],
    ]);
    await expect(reader.getUniversalIdsBatch([padded], { required: true })).rejects.toBeInstanceOf(
      PlayerNotFoundError,
    );
    expect(executor.queries).toHaveLength(1);
    expect(executor.queries[0]?.params.player_lookups).toEqual(['loganwebb']);
    expect(reader.tracker.size).toBe(0);
  });
});
