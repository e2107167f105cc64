import { describe, expect, it } from 'vitest';
import { UnresolvedPlayerTracker } from '../../../src/registry/index.js';
import { createShutdownCoordinator } from '../../../src/shutdown/index.js';
import { createTestClock } from '../../../src/testing/clock.js';
import { FakeProcess } from '../../helpers/fake-process.js';
import { MemoryExecutor } from './memory-executor.js';

/** Lets queued promise callbacks run. */
async function settle(): Promise<void> {
  for (let i = 0; i < 40; i += 1) await Promise.resolve();
}

function makeTracker(sport = 'mlb') {
  const executor = new MemoryExecutor();
  const tracker = new UnresolvedPlayerTracker({
    executor,
    sport,
    source: `${sport}_game_processor`,
    env: {},
    // Joined by the calls under test only (flush-on-exit-default.test.ts covers joining by itself).
    flushOnExit: false,
  });
  return { executor, tracker };
}

function coordinatorOn(target: FakeProcess) {
  const clock = createTestClock();
  return { clock, coordinator: createShutdownCoordinator({ process: target, clock }) };
}

describe('flushOnExit joins the shutdown coordinator', () => {
  it('joins once, however often it is called, and leaves on unhook', () => {
    const { tracker } = makeTracker();
    const target = new FakeProcess();
    const { coordinator } = coordinatorOn(target);
    const unhook = tracker.flushOnExit({ coordinator });
    expect(tracker.flushOnExit({ coordinator })).toBe(unhook);
    expect(coordinator.size).toBe(1);
    expect(target.listenerCount('SIGTERM')).toBe(1);
    unhook();
    unhook();
    expect(coordinator.size).toBe(0);
    expect(target.listenerCount('SIGTERM')).toBe(0);
  });

  it('flushes on SIGTERM, then re-raises the signal when no one else listens', async () => {
    const { executor, tracker } = makeTracker();
    const target = new FakeProcess();
    const { coordinator } = coordinatorOn(target);
    tracker.track('loganwebb', 'pitcher');
    tracker.flushOnExit({ coordinator });
    target.emit('SIGTERM');
    await settle();
    expect(executor.rowsInTable()).toEqual([expect.objectContaining({ player_lookup: 'loganwebb' })]);
    expect(target.kills).toEqual([[4242, 'SIGTERM']]);
    expect(target.listenerCount('SIGTERM')).toBe(0);
  });

  it('two trackers: the process is let go only after the slower flush, and the signal raised once', async () => {
    const nba = makeTracker('nba');
    const mlb = makeTracker('mlb');
    const target = new FakeProcess();
    const { coordinator } = coordinatorOn(target);
    nba.tracker.track('lebronjames');
    mlb.tracker.track('loganwebb', 'pitcher');
    let releaseMlb: () => void = () => undefined;
    mlb.executor.duringInsert = () => undefined;
    const realInsert = mlb.executor.insertRows.bind(mlb.executor);
    mlb.executor.insertRows = ((...args: Parameters<typeof realInsert>) =>
      new Promise<void>((resolve) => {
        releaseMlb = resolve;
      }).then(() => realInsert(...args))) as typeof realInsert;
    nba.tracker.flushOnExit({ coordinator });
    mlb.tracker.flushOnExit({ coordinator });

    target.emit('SIGTERM');
    await settle();
    expect(nba.executor.rowsInTable()).toHaveLength(1);
    expect(target.kills).toEqual([]);

    releaseMlb();
    await settle();
    expect(mlb.executor.rowsInTable()).toHaveLength(1);
    expect(target.kills).toEqual([[4242, 'SIGTERM']]);
  });

  it("leaves the exit to the application's own SIGTERM handler when there is one", async () => {
    const { executor, tracker } = makeTracker();
    const target = new FakeProcess();
    target.on('SIGTERM', () => {});
    const { coordinator } = coordinatorOn(target);
    tracker.track('loganwebb');
    tracker.flushOnExit({ coordinator });
    target.emit('SIGTERM');
    await settle();
    expect(executor.rowsInTable()).toHaveLength(1);
    expect(target.kills).toEqual([]);
  });

  it('flushes once on beforeExit, even if the event fires again after the flush', async () => {
    const { executor, tracker } = makeTracker();
    const target = new FakeProcess();
    const { coordinator } = coordinatorOn(target);
    tracker.track('loganwebb');
    executor.insertPlan.push({ kind: 'throw', error: new Error('socket hang up') });
    tracker.flushOnExit({ coordinator });
    target.emit('beforeExit');
    await settle();
    target.emit('beforeExit');
    await settle();
    expect(executor.inserts).toHaveLength(1);
    expect(tracker.size).toBe(1);
    expect(target.kills).toEqual([]);
  });

  it('a flush that could not write is reported as failed, with its error, not as completed', async () => {
    const { executor, tracker } = makeTracker();
    const target = new FakeProcess();
    const { coordinator } = coordinatorOn(target);
    tracker.track('loganwebb', 'pitcher');
    const refused = new Error('socket hang up');
    executor.insertPlan.push({ kind: 'throw', error: refused });
    tracker.flushOnExit({ coordinator, name: 'mlb unresolved' });
    target.emit('SIGTERM');
    await settle();
    const report = await coordinator.shutdown();
    expect(report.tasks).toEqual([
      { name: 'mlb unresolved', status: 'failed', error: expect.objectContaining({ cause: refused }) },
    ]);
    expect(tracker.size).toBe(1);
    expect(target.kills).toEqual([[4242, 'SIGTERM']]);
  });

  it('runs nothing after unhook', async () => {
    const { executor, tracker } = makeTracker();
    const target = new FakeProcess();
    const { coordinator } = coordinatorOn(target);
    tracker.track('loganwebb');
    tracker.flushOnExit({ coordinator })();
    target.emit('beforeExit');
    target.emit('SIGTERM');
    await settle();
    expect(executor.inserts).toHaveLength(0);
  });

  it('stops waiting for a flush that outlives its timeoutMs', async () => {
    const { executor, tracker } = makeTracker();
    const target = new FakeProcess();
    const { coordinator, clock } = coordinatorOn(target);
    executor.insertRows = (() => new Promise(() => {})) as typeof executor.insertRows;
    tracker.track('loganwebb');
    tracker.flushOnExit({ coordinator, timeoutMs: 3_000 });
    target.emit('SIGTERM');
    await settle();
    expect(target.kills).toEqual([]);
    clock.advance(3_000);
    await settle();
    expect(target.kills).toEqual([[4242, 'SIGTERM']]);
    expect(clock.pendingTimers).toBe(0);
  });

  it('a flush already running whose insert hangs does not hold the shutdown flush: the misses tracked since are written', async () => {
    const { executor, tracker } = makeTracker();
    const target = new FakeProcess();
    const { coordinator, clock } = coordinatorOn(target);
    const insert = executor.insertRows.bind(executor);
    let hungIds: string[] | undefined;
    // The periodic flush's insert never answers (a connection that hangs, within its 120 s limit).
    executor.insertRows = ((...args: Parameters<typeof insert>) => {
      if (hungIds) return insert(...args);
      const [, rows, options] = args;
      hungIds = rows.map((row, index) => options?.insertId?.(row, index) ?? '');
      return new Promise(() => {});
    }) as typeof executor.insertRows;
    tracker.track('loganwebb');
    const periodic = tracker.flush();
    await settle();
    tracker.track('blakesnell'); // after the periodic flush froze its batch
    tracker.flushOnExit({ coordinator });
    target.emit('SIGTERM');
    await settle();
    // Before, the shutdown flush waited for the hung one until the 8 s limit, then gave up on both.
    expect(executor.rowsInTable().map((row) => row.player_lookup)).toEqual(['loganwebb', 'blakesnell']);
    expect(tracker.size).toBe(0);
    expect(target.kills).toEqual([[4242, 'SIGTERM']]);
    // The periodic flush ends at once, saying it was cut; its rows were kept, then written.
    expect(await periodic).toMatchObject({ flushed: 0, error: { code: 'FLUSH_SUPERSEDED' } });
    // The hung insert and the re-send share insert ids: BigQuery would keep one copy.
    expect(hungIds).toHaveLength(1);
    expect(executor.inserts.at(-1)?.ids[0]).toBe(hungIds![0]);
    expect(clock.pendingTimers).toBe(0);
  });
});
