import { describe, expect, it } from 'vitest';
import { PlayerRegistryReader, UnresolvedPlayerTracker } from '../../../src/registry/index.js';
import { createShutdownCoordinator } from '../../../src/shutdown/index.js';
import { MemoryExecutor } from './memory-executor.js';

/** An options object whose `key` answers `first` once, then throws: each option must be read once. */
function readOnce<T>(key: string, first: T, rest: Record<string, unknown> = {}) {
  let reads = 0;
  return Object.defineProperty({ ...rest }, key, {
    enumerable: true,
    get() {
      reads += 1;
      if (reads > 1) throw new Error(`${key} read ${reads} times`);
      return first;
    },
  });
}

function makeReader() {
  const executor = new MemoryExecutor();
  executor.registry.push({
    player_lookup: 'loganwebb',
    universal_player_id: 'mlb_webb',
    player_type: 'PITCHER',
    processed_at: 1,
  });
  const reader = new PlayerRegistryReader({
    executor,
    sport: 'mlb',
    source: 's',
    env: {},
    flushOnExit: false,
  });
  return { executor, reader };
}

describe('lookup and flush options are read once, as checked', () => {
  it('getUniversalId: a playerType getter is not asked again after the check', async () => {
    const { reader } = makeReader();
    await expect(reader.getUniversalId('Logan Webb', readOnce('playerType', 'pitcher'))).resolves.toBe(
      'mlb_webb',
    );
    await expect(
      reader.getUniversalId('nobody', readOnce('playerType', 'pitcher', { required: false })),
    ).resolves.toBeNull();
    expect(reader.tracker.entries()).toEqual([
      expect.objectContaining({ playerLookup: 'nobody', playerType: 'pitcher' }),
    ]);
  });

  it('getUniversalIdsBatch: required and playerType as checked', async () => {
    const { reader } = makeReader();
    await expect(
      reader.getUniversalIdsBatch(
        ['loganwebb', 'nobody'],
        readOnce('required', false, { playerType: 'pitcher' }),
      ),
    ).resolves.toEqual(
      new Map([
        ['loganwebb', 'mlb_webb'],
        ['nobody', null],
      ]),
    );
    await expect(reader.getUniversalIdsBatch(['nobody'], readOnce('playerType', 'pitcher'))).resolves.toEqual(
      new Map([['nobody', null]]),
    );
  });

  it('flush: timeoutMs and signal as checked', async () => {
    const tracker = new UnresolvedPlayerTracker({
      executor: new MemoryExecutor(),
      sport: 'mlb',
      source: 's',
      env: {},
      flushOnExit: false,
    });
    tracker.track('loganwebb');
    await expect(tracker.flush(readOnce('timeoutMs', 5_000))).resolves.toEqual({ flushed: 1, retained: 0 });
    tracker.track('gerritcole');
    await expect(tracker.flush(readOnce('signal', new AbortController().signal))).resolves.toEqual({
      flushed: 1,
      retained: 0,
    });
  });

  it('flushOnExit: name, timeoutMs and coordinator as checked', () => {
    const tracker = new UnresolvedPlayerTracker({
      executor: new MemoryExecutor(),
      sport: 'mlb',
      source: 's',
      env: {},
      flushOnExit: false,
    });
    const coordinator = createShutdownCoordinator({ signals: [], runOnBeforeExit: false });
    const unhook = tracker.flushOnExit(readOnce('name', 'mlb unresolved', { coordinator, timeoutMs: 1_000 }));
    expect(typeof unhook).toBe('function');
    unhook();
  });
});
