import { describe, expect, it } from 'vitest';
import type { Logger } from '../../../src/logging/index.js';
import { PlayerRegistryReader, UnresolvedPlayerTracker } from '../../../src/registry/index.js';
import { createShutdownCoordinator, type ShutdownCoordinator } from '../../../src/shutdown/index.js';
import { createTestClock } from '../../../src/testing/clock.js';
import { FakeProcess } from '../../helpers/fake-process.js';
import { recordingLogger } from '../../helpers/recording-logger.js';
import { MemoryExecutor } from './memory-executor.js';

/** Lets queued promise callbacks run. */
async function settle(): Promise<void> {
  for (let i = 0; i < 40; i += 1) await Promise.resolve();
}

function setUp(flushOnExit?: boolean) {
  const target = new FakeProcess();
  const coordinator = createShutdownCoordinator({ process: target, clock: createTestClock() });
  const executor = new MemoryExecutor();
  const tracker = new UnresolvedPlayerTracker({
    executor,
    sport: 'mlb',
    source: 'mlb_game_processor',
    env: {},
    flushOnExit: flushOnExit === false ? false : { coordinator },
  });
  return { target, coordinator, executor, tracker };
}

describe('a tracker joins the shutdown by itself while it holds rows (option flushOnExit, default true)', () => {
  it('holds no listener while empty, joins on the first miss, and a SIGTERM writes what nobody flushed', async () => {
    const { target, coordinator, executor, tracker } = setUp();
    expect(coordinator.size).toBe(0);
    expect(target.listenerCount('SIGTERM')).toBe(0);

    tracker.track('loganwebb', 'pitcher');
    tracker.track('shoheiohtani');
    expect(coordinator.size).toBe(1);
    expect(target.listenerCount('SIGTERM')).toBe(1);

    target.emit('SIGTERM');
    await settle();
    expect(executor.rowsInTable().map((row) => row.player_lookup)).toEqual(['loganwebb', 'shoheiohtani']);
    expect(tracker.size).toBe(0);
    expect(target.kills).toEqual([[4242, 'SIGTERM']]);
  });

  it('leaves once a flush empties it, and joins again on the next miss', async () => {
    const { target, coordinator, tracker } = setUp();
    tracker.track('loganwebb');
    await tracker.flush();
    expect(coordinator.size).toBe(0);
    expect(target.listenerCount('SIGTERM')).toBe(0);

    tracker.track('blakesnell');
    expect(coordinator.size).toBe(1);
  });

  it('stays joined after a flush that kept rows, and writes them at shutdown', async () => {
    const { target, coordinator, executor, tracker } = setUp();
    tracker.track('loganwebb');
    executor.insertPlan.push({ kind: 'throw', error: new Error('socket hang up') });
    const result = await tracker.flush();
    expect(result.retained).toBe(1);
    expect(coordinator.size).toBe(1);

    target.emit('SIGTERM');
    await settle();
    expect(executor.rowsInTable()).toEqual([expect.objectContaining({ player_lookup: 'loganwebb' })]);
  });

  it('stays joined when misses arrive while a flush runs', async () => {
    const { coordinator, executor, tracker } = setUp();
    tracker.track('loganwebb');
    executor.duringInsert = () => {
      executor.duringInsert = () => undefined;
      // Tracked after the batch was frozen: the flush's second round writes it.
      tracker.track('late');
    };
    await tracker.flush();
    expect(tracker.size).toBe(0);
    expect(coordinator.size).toBe(0);
  });

  it.each(['SIGTERM', 'beforeExit'] as const)(
    'misses recorded while the %s flush runs join the running shutdown and land too',
    async (event) => {
      const { target, coordinator, executor, tracker } = setUp();
      tracker.track('a');
      // Each insert records one more miss: b during the first, c during the second (a request a
      // service still answers after SIGTERM).
      const later = ['b', 'c'];
      executor.duringInsert = () => {
        const next = later.shift();
        if (next !== undefined) tracker.track(next);
      };
      target.emit(event);
      const report = await coordinator.shutdown();
      await settle();
      expect(executor.rowsInTable().map((row) => row.player_lookup)).toEqual(['a', 'b', 'c']);
      expect(report.tasks.map((task) => task.status)).not.toContain('failed');
      expect(tracker.size).toBe(0);
    },
  );

  it('a flushOnExit() call while another shutdown task runs joins it and flushes', async () => {
    const { target, coordinator, executor, tracker } = setUp(false);
    tracker.track('a');
    let release: () => void = () => undefined;
    coordinator.onShutdown(() => new Promise<void>((resolve) => (release = resolve)), { name: 'other' });
    target.emit('SIGTERM');
    await settle();
    tracker.flushOnExit({ coordinator });
    release();
    const report = await coordinator.shutdown();
    expect(report.tasks.map((task) => task.status)).toEqual(['completed', 'completed']);
    expect(executor.rowsInTable()).toEqual([expect.objectContaining({ player_lookup: 'a' })]);
  });

  it('never joins with flushOnExit: false', () => {
    const { target, coordinator, tracker } = setUp(false);
    tracker.track('loganwebb');
    expect(coordinator.size).toBe(0);
    expect(target.listenerCount('SIGTERM')).toBe(0);
  });

  it('a flushOnExit() call replaces the join it made by itself, and stays when the tracker empties', async () => {
    const { coordinator, tracker } = setUp();
    tracker.track('loganwebb');
    const target = new FakeProcess();
    const own = createShutdownCoordinator({ process: target, clock: createTestClock() });
    const unhook = tracker.flushOnExit({ coordinator: own, name: 'mlb misses' });
    expect(coordinator.size).toBe(0);
    expect(own.size).toBe(1);
    expect(tracker.flushOnExit()).toBe(unhook);

    await tracker.flush();
    expect(own.size).toBe(1);
    unhook();
    expect(own.size).toBe(0);
  });

  it('a coordinator that throws on join neither fails track nor loses the miss, and says so', () => {
    const errors: string[] = [];
    const logger: Logger = {
      debug: () => undefined,
      info: () => undefined,
      warn: () => undefined,
      error: (message) => errors.push(message),
    };
    const broken = {
      onShutdown: () => {
        throw new Error('closed');
      },
    } as unknown as ShutdownCoordinator;
    const tracker = new UnresolvedPlayerTracker({
      executor: new MemoryExecutor(),
      sport: 'mlb',
      source: 'x',
      env: {},
      logger,
      flushOnExit: { coordinator: broken },
    });
    expect(tracker.track('loganwebb')).toBe(true);
    expect(tracker.size).toBe(1);
    expect(errors).toEqual([expect.stringContaining('could not join the shutdown')]);
  });

  it('refuses an option that is neither a boolean nor flushOnExit options, when the tracker is made', () => {
    const make = (flushOnExit: unknown) => () =>
      new UnresolvedPlayerTracker({
        executor: new MemoryExecutor(),
        sport: 'mlb',
        source: 'x',
        env: {},
        flushOnExit: flushOnExit as boolean,
      });
    expect(make('yes')).toThrow(TypeError);
    expect(make({ timeOutMs: 5 })).toThrow(/timeOutMs/);
    expect(make({ timeoutMs: -1 })).toThrow(RangeError);
  });

  it('refuses flushOnExit on a reader given its tracker, where it would do nothing', () => {
    const { tracker } = setUp();
    expect(
      () =>
        new PlayerRegistryReader({
          executor: new MemoryExecutor(),
          sport: 'mlb',
          source: 'x',
          env: {},
          tracker,
          flushOnExit: false,
        }),
    ).toThrow(/tracker and flushOnExit exclude each other/);
  });

  it("the reader's own tracker joins on a miss, with the reader's flushOnExit option", async () => {
    const target = new FakeProcess();
    const coordinator = createShutdownCoordinator({ process: target, clock: createTestClock() });
    const executor = new MemoryExecutor();
    const reader = new PlayerRegistryReader({
      executor,
      sport: 'mlb',
      source: 'mlb_game_processor',
      env: {},
      flushOnExit: { coordinator },
    });
    expect(await reader.getUniversalId('nobodyknown', { required: false })).toBeNull();
    expect(coordinator.size).toBe(1);
    target.emit('SIGTERM');
    await settle();
    expect(executor.rowsInTable()).toEqual([expect.objectContaining({ player_lookup: 'nobodyknown' })]);
  });

  it('a miss recorded after a manual shutdown finished is flushed at once, not left to die with the process', async () => {
    const target = new FakeProcess();
    const coordinatorLog = recordingLogger();
    const trackerLog = recordingLogger();
    const coordinator = createShutdownCoordinator({
      process: target,
      clock: createTestClock(),
      logger: coordinatorLog,
    });
    const executor = new MemoryExecutor();
    const tracker = new UnresolvedPlayerTracker({
      executor,
      sport: 'mlb',
      source: 'mlb_game_processor',
      env: {},
      logger: trackerLog,
      flushOnExit: { coordinator },
    });
    // A job that shuts down by hand at the end of a batch, then keeps going (a reused instance).
    await coordinator.shutdown();
    expect(coordinator.state).toBe('done');
    expect(tracker.track('loganwebb')).toBe(true);
    // It used to join a coordinator that ran nothing more: the row was lost at exit, said at error.
    await coordinator.shutdown();
    await settle();
    expect(executor.rowsInTable().map((r) => r.player_lookup)).toEqual(['loganwebb']);
    // A later miss joins again and is flushed the same way.
    expect(tracker.track('blakesnell')).toBe(true);
    await coordinator.shutdown();
    await settle();
    expect(executor.rowsInTable().map((r) => r.player_lookup)).toEqual(['loganwebb', 'blakesnell']);
    expect(tracker.size).toBe(0);
    target.emit('exit');
    expect(coordinatorLog.entries.filter((e) => e.level === 'error')).toEqual([]);
    expect(trackerLog.entries.filter((e) => e.level === 'error')).toEqual([]);
  });
});
