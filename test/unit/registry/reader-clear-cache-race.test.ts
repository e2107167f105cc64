import { describe, expect, it } from 'vitest';
import type { RegistryQueryOptions } from '../../../src/registry/index.js';
import { PlayerRegistryReader } from '../../../src/registry/index.js';
import { createTestClock } from '../../../src/testing/clock.js';
import { MemoryExecutor } from './memory-executor.js';

/** Reads the registry when the query arrives (as BigQuery reads a snapshot), answers when released. */
class HeldExecutor extends MemoryExecutor {
  #held: Array<() => void> = [];
  hold = true;

  override async query<T = Record<string, unknown>>(
    sql: string,
    options?: RegistryQueryOptions,
  ): Promise<T[]> {
    const rows = await super.query<T>(sql, options);
    if (this.hold) await new Promise<void>((resolve) => this.#held.push(resolve));
    return rows;
  }

  release(): void {
    for (const resolve of this.#held.splice(0)) resolve();
  }
}

function makeReader() {
  const executor = new HeldExecutor();
  const reader = new PlayerRegistryReader({
    executor,
    sport: 'mlb',
    source: 'props',
    env: {},
    clock: createTestClock({ startMs: Date.UTC(2026, 0, 20) }),
    flushOnExit: false,
  });
  return { executor, reader };
}

const ohtani = {
  player_lookup: 'shoheiohtani',
  universal_player_id: 'mlb_ohtani',
  player_type: 'BATTER',
  processed_at: 2,
};

describe('clearCache while a lookup is in flight (the registry was rebuilt meanwhile)', () => {
  it('a lookup after clearCache asks afresh, and the older answer is not cached', async () => {
    const { executor, reader } = makeReader();
    const before = reader.getUniversalId('Shohei Ohtani', { required: false });
    await Promise.resolve();
    await Promise.resolve();
    // The registry is rebuilt with the player, and the reader told so.
    executor.registry.push(ohtani);
    reader.clearCache();
    const after = reader.getUniversalId('Shohei Ohtani', { required: false });
    executor.release();
    await new Promise((resolve) => setImmediate(resolve));
    executor.release();
    expect(await before).toBeNull();
    expect(await after).toBe('mlb_ohtani');
    executor.hold = false;
    // Not the pre-rebuild miss from the cache, for the TTL's five minutes.
    expect(await reader.getUniversalId('shoheiohtani', { required: false })).toBe('mlb_ohtani');
    expect(reader.tracker.size).toBe(1);
  });

  it('a batch answered after clearCache does not cache its older answers', async () => {
    const { executor, reader } = makeReader();
    const before = reader.getUniversalIdsBatch(['Shohei Ohtani']);
    await Promise.resolve();
    await Promise.resolve();
    executor.registry.push(ohtani);
    reader.clearCache();
    executor.release();
    expect((await before).get('Shohei Ohtani')).toBeNull();
    executor.hold = false;
    expect(await reader.getUniversalId('shoheiohtani', { required: false })).toBe('mlb_ohtani');
  });
});
