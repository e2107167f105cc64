import { describe, expect, it } from 'vitest';
import type { Logger } from '../../../src/logging/index.js';
import { UnresolvedPlayerTracker } from '../../../src/registry/index.js';
import { fakeClock, MemoryExecutor } from './memory-executor.js';

/** A logger whose every method throws the first `times` calls (EPIPE on a closed stdout), then works. */
function brokenLogger(times: number, level?: keyof Logger): Logger & { calls: number } {
  let left = times;
  const logger = { calls: 0 } as Logger & { calls: number };
  for (const name of ['debug', 'info', 'warn', 'error'] as const) {
    logger[name] = () => {
      logger.calls++;
      if ((level === undefined || level === name) && left > 0) {
        left--;
        throw Object.assign(new Error('write EPIPE'), { code: 'EPIPE' });
      }
    };
  }
  return logger;
}

function tracker(options: { logger?: Logger; createBatchId?: () => string; clock?: { now(): number } }) {
  const executor = new MemoryExecutor();
  const t = new UnresolvedPlayerTracker({
    executor,
    sport: 'mlb',
    source: 'pitcher_strikeouts_predictor',
    env: {},
    // Rows left unwritten on purpose must not be flushed again when the test worker exits.
    flushOnExit: false,
    clock: options.clock ?? fakeClock(),
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.createBatchId ? { createBatchId: options.createBatchId } : {}),
  });
  return { executor, tracker: t };
}

const stored = (executor: MemoryExecutor) =>
  executor
    .rowsInTable()
    .map((r) => `${r.player_lookup}:${r.occurrence_count}`)
    .sort();

describe('flush never rejects and never wedges', () => {
  it.each([
    ['warn', 1],
    ['warn', 3],
    ['info', 1],
    ['error', 1],
    ['every method', 2],
  ] as const)(
    'a logger whose %s throws (%i times): flush resolves, and later flushes write everything',
    async (level, times) => {
      const logger = brokenLogger(times, level === 'every method' ? undefined : level);
      const { executor, tracker: t } = tracker({ logger });
      t.track('loganwebb', 'pitcher');
      t.track('aaronjudge', 'batter');
      t.track('loganwebb', 'pitcher');
      const first = await t.flush();
      expect(first).toMatchObject({});
      t.track('shoheiohtani', 'batter');
      for (let i = 0; i < 3 && t.size > 0; i++) await t.flush();
      expect(t.size).toBe(0);
      expect(stored(executor)).toEqual(['aaronjudge:1', 'loganwebb:2', 'shoheiohtani:1']);
    },
  );

  it('a createBatchId that throws once: that flush reports it and keeps every entry; the next writes them', async () => {
    let calls = 0;
    const { executor, tracker: t } = tracker({
      createBatchId: () => {
        calls++;
        if (calls === 1) throw new Error('entropy source unavailable');
        return `batch${calls}`;
      },
    });
    t.track('loganwebb', 'pitcher');
    t.track('loganwebb', 'pitcher');
    const failed = await t.flush();
    expect(failed.error?.message).toContain('entropy source unavailable');
    expect(failed.flushed).toBe(0);
    expect(t.entries().map((e) => [e.playerLookup, e.count])).toEqual([['loganwebb', 2]]);
    const next = await t.flush();
    expect(next).toEqual({ flushed: 1, retained: 0 });
    expect(stored(executor)).toEqual(['loganwebb:2']);
  });

  it('a createBatchId that returns a non-string is caught the same way', async () => {
    let calls = 0;
    const { executor, tracker: t } = tracker({
      createBatchId: () => (++calls === 1 ? (undefined as unknown as string) : `b${calls}`),
    });
    t.track('loganwebb', 'pitcher');
    expect((await t.flush()).error).toBeDefined();
    await t.flush();
    expect(stored(executor)).toEqual(['loganwebb:1']);
  });

  it('a createBatchId that repeats an id is refused: BigQuery would drop the second batch as a duplicate', async () => {
    const { executor, tracker: t } = tracker({ createBatchId: () => '2026-01-20' });
    t.track('loganwebb', 'pitcher');
    expect(await t.flush()).toEqual({ flushed: 1, retained: 0 });
    t.track('aaronjudge', 'batter');
    const second = await t.flush();
    expect(second.flushed).toBe(0);
    expect(second.error?.message).toMatch(/createBatchId returned "2026-01-20" again/);
    expect(t.entries().map((e) => [e.playerLookup, e.count, e.pendingCount])).toEqual([['aaronjudge', 1, 0]]);
    expect(stored(executor)).toEqual(['loganwebb:1']);
  });

  it('a batch id too long for an insert id (128 characters) is refused before any entry is frozen', async () => {
    let calls = 0;
    const { executor, tracker: t } = tracker({
      createBatchId: () => (++calls === 1 ? 'x'.repeat(127) : `b${calls}`),
    });
    t.track('loganwebb', 'pitcher');
    const first = await t.flush();
    expect(first.error?.message).toMatch(/createBatchId.*128/);
    expect(t.entries().map((e) => [e.playerLookup, e.pendingCount])).toEqual([['loganwebb', 0]]);
    expect(await t.flush()).toEqual({ flushed: 1, retained: 0 });
    expect(executor.inserts.flatMap((call) => call.ids)).toEqual(['b2:0']);
  });

  it('a row BigQuery refuses for good does not hold back players tracked after it', async () => {
    const { executor, tracker: t } = tracker({});
    t.track('loganwebb', 'pitcher');
    // The table refuses this row every time (e.g. a column too narrow for its source).
    executor.insertPlan.push({ kind: 'reject-rows', indexes: [0], reason: 'invalid' });
    expect((await t.flush()).error).toBeDefined();
    t.track('aaronjudge', 'batter');
    executor.insertPlan.push({ kind: 'reject-rows', indexes: [0], reason: 'invalid' });
    const second = await t.flush();
    expect(second.error).toBeDefined();
    expect(second.flushed).toBe(1);
    expect(stored(executor)).toEqual(['aaronjudge:1']);
    expect(t.entries().map((e) => [e.playerLookup, e.pendingCount])).toEqual([['loganwebb', 1]]);
  });

  it('a clock that throws once does not wedge the tracker', async () => {
    let throwNext = false;
    const clock = fakeClock();
    const { executor, tracker: t } = tracker({
      clock: {
        now: () => {
          if (throwNext) {
            throwNext = false;
            throw new Error('clock read failed');
          }
          return clock.now();
        },
      },
    });
    t.track('loganwebb', 'pitcher');
    throwNext = true;
    const failed = await t.flush();
    expect(failed.error).toBeDefined();
    await t.flush();
    expect(stored(executor)).toEqual(['loganwebb:1']);
  });

  it('an executor that throws synchronously (not a rejection) is a flush error, entries kept', async () => {
    const { executor, tracker: t } = tracker({});
    const realInsert = executor.insertRows.bind(executor);
    let fail = true;
    executor.insertRows = ((...args: Parameters<typeof realInsert>) => {
      if (fail) {
        fail = false;
        throw new TypeError('boom');
      }
      return realInsert(...args);
    }) as typeof executor.insertRows;
    t.track('loganwebb', 'pitcher');
    expect((await t.flush()).error?.message).toContain('boom');
    expect(await t.flush()).toEqual({ flushed: 1, retained: 0 });
  });

  it('concurrent flushes with a throwing logger all resolve', async () => {
    const { executor, tracker: t } = tracker({ logger: brokenLogger(5) });
    t.track('a', 'pitcher');
    const results = await Promise.allSettled([t.flush(), t.flush(), t.flush()]);
    expect(results.every((r) => r.status === 'fulfilled')).toBe(true);
    t.track('b', 'pitcher');
    await t.flush();
    await t.flush();
    expect(stored(executor)).toEqual(['a:1', 'b:1']);
  });
});
