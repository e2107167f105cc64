import { describe, expect, it } from 'vitest';
import { OperationTimeoutError, PipelineError } from '../../../src/errors/index.js';
import { PlayerRegistryReader } from '../../../src/registry/index.js';
import { createTestClock } from '../../../src/testing/clock.js';
import { MemoryExecutor, recordingLogger } from './memory-executor.js';

/** Lets queued promise callbacks run (no timer involved). */
async function settle(): Promise<void> {
  for (let i = 0; i < 40; i += 1) await Promise.resolve();
}

function makeReader(options: { queryTimeoutMs?: number } = {}) {
  const executor = new MemoryExecutor();
  executor.registry.push({
    player_lookup: 'loganwebb',
    universal_player_id: 'mlb_webb',
    player_type: 'PITCHER',
    processed_at: 1,
  });
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

describe('PlayerRegistryReader: hostile types and calls that never answer', () => {
  it("a lookup filtered by a type spelled 'any' and one with no filter are different questions", async () => {
    const { executor, reader } = makeReader();
    // Filtered by a type no row has: a miss, cached.
    await expect(
      reader.getUniversalId('loganwebb', { playerType: 'any', required: false }),
    ).resolves.toBeNull();
    // No filter: the player is there. The miss above must not answer for it.
    await expect(reader.getUniversalId('loganwebb')).resolves.toBe('mlb_webb');
    await expect(reader.getUniversalIdsBatch(['loganwebb'])).resolves.toEqual(
      new Map([['loganwebb', 'mlb_webb']]),
    );
    expect(executor.queries).toHaveLength(2);
    expect(reader.tracker.entries().map((e) => e.playerType)).toEqual(['any']);
  });

  it('a registry query that never answers rejects at queryTimeoutMs, and the next lookup of that player asks again', async () => {
    const { executor, clock, reader } = makeReader({ queryTimeoutMs: 30_000 });
    const realQuery = executor.query.bind(executor);
    executor.query = (() => new Promise(() => undefined)) as typeof realQuery;
    const outcomes: unknown[] = [];
    const first = reader.getUniversalId('loganwebb').catch((error: unknown) => error);
    // A second caller of the same player shares the query in flight.
    const second = reader.getUniversalIdsBatch(['Logan Webb']).catch((error: unknown) => error);
    void first.then((o) => outcomes.push(o));
    await settle();
    clock.advance(29_999);
    await settle();
    expect(outcomes).toEqual([]);
    clock.advance(1);
    await settle();
    expect(await first).toBeInstanceOf(OperationTimeoutError);
    expect(await second).toBeInstanceOf(OperationTimeoutError);
    // Neither cached nor tracked: an outage is not an unknown player.
    expect(reader.tracker.size).toBe(0);
    executor.query = realQuery;
    await expect(reader.getUniversalId('loganwebb')).resolves.toBe('mlb_webb');
  });

  it('a name in a script the lookup key cannot spell is a miss the log shows, by the name asked for', async () => {
    const executor = new MemoryExecutor();
    const logger = recordingLogger();
    const reader = new PlayerRegistryReader({ executor, sport: 'mlb', source: 's', env: {}, logger });
    await expect(reader.getUniversalId('大谷翔平', { required: false })).resolves.toBeNull();
    await expect(reader.getUniversalIdsBatch(['Дмитрий'])).resolves.toEqual(new Map([['Дмитрий', null]]));
    expect(executor.queries).toHaveLength(0);
    expect(logger.entries.filter((e) => e.level === 'warn').map((e) => e.fields?.lookup)).toEqual([
      '大谷翔平',
      'Дмитрий',
    ]);
  });

  it.each([0, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 31])('refuses queryTimeoutMs %s', (value) => {
    expect(() => makeReader({ queryTimeoutMs: value })).toThrow(/queryTimeoutMs/);
  });
});

describe('PlayerRegistryReader: an executor that answers a query without a list of rows', () => {
  it.each([
    ['undefined', undefined],
    ['null', null],
    ['an object', { rows: [] }],
  ])(
    'answered %s: the lookup rejects with a typed error saying so, and records no miss',
    async (_what, answer) => {
      const { executor, reader } = makeReader();
      executor.query = (async () => answer) as unknown as typeof executor.query;
      // Before: "Cannot read properties of undefined (reading '0')" / "rows is not iterable", untyped.
      for (const lookup of [
        () => reader.getUniversalId('nobody'),
        () => reader.getUniversalIdsBatch(['nobody']),
      ]) {
        const error = await lookup().catch((thrown: unknown) => thrown);
        expect(error).toBeInstanceOf(PipelineError);
        expect((error as Error).message).toMatch(/registry query answered without a list of rows/);
      }
      expect(reader.tracker.size).toBe(0);
    },
  );
});
