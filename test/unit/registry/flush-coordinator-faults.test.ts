import { describe, expect, it } from 'vitest';
import { UnresolvedPlayerTracker } from '../../../src/registry/index.js';
import { createShutdownCoordinator, type ShutdownCoordinator } from '../../../src/shutdown/index.js';
import { createTestClock } from '../../../src/testing/clock.js';
import { FakeProcess } from '../../helpers/fake-process.js';
import { recordingLogger } from '../../helpers/recording-logger.js';
import { MemoryExecutor } from './memory-executor.js';

describe("a coordinator of the caller's that misbehaves when the tracker leaves it", () => {
  it('a leave function that throws neither rejects flush() nor wedges the flushes after it', async () => {
    const real = createShutdownCoordinator({ process: new FakeProcess(), clock: createTestClock() });
    // Joins for real; its leave function throws (a coordinator already torn down, say).
    const coordinator: ShutdownCoordinator = {
      get state() {
        return real.state;
      },
      get size() {
        return real.size;
      },
      timeoutMs: real.timeoutMs,
      shutdown: (trigger) => real.shutdown(trigger),
      onShutdown: (task, options) => {
        real.onShutdown(task, options);
        return () => {
          throw new Error('coordinator closed');
        };
      },
    };
    const executor = new MemoryExecutor();
    const logger = recordingLogger();
    const tracker = new UnresolvedPlayerTracker({
      executor,
      sport: 'mlb',
      source: 'mlb_game_processor',
      env: {},
      logger,
      flushOnExit: { coordinator },
    });
    tracker.track('loganwebb');
    // Before, the flush wrote its row and then rejected with the leave function's error...
    const first = await tracker.flush();
    expect(first).toEqual({ flushed: 1, retained: 0 });
    tracker.track('blakesnell');
    // ...and every flush after it failed at once, waiting on the rejected one: nothing was written again.
    expect(await tracker.flush()).toEqual({ flushed: 1, retained: 0 });
    expect(executor.rowsInTable().map((row) => row.player_lookup)).toEqual(['loganwebb', 'blakesnell']);
    expect(logger.entries.filter((e) => e.level === 'error').map((e) => e.message)).toEqual([
      'unresolved players tracker could not leave the shutdown',
      'unresolved players tracker could not leave the shutdown',
    ]);
  });
});

describe('a miss recorded once the shutdown is out of time', () => {
  it('is not left with a tracker that believes it is joined: the next miss joins again and flushes both', async () => {
    const target = new FakeProcess();
    const clock = createTestClock();
    const coordinator = createShutdownCoordinator({ process: target, clock, timeoutMs: 1_000 });
    const executor = new MemoryExecutor();
    const insert = executor.insertRows.bind(executor);
    let hang = true;
    executor.insertRows = ((...args: Parameters<typeof insert>) =>
      hang ? new Promise(() => undefined) : insert(...args)) as typeof executor.insertRows;
    const tracker = new UnresolvedPlayerTracker({
      executor,
      sport: 'mlb',
      source: 'mlb_game_processor',
      env: {},
      clock,
      flushOnExit: { coordinator },
    });
    tracker.track('loganwebb');
    // A request handler still running when the limit passes records a miss in the abort's wake.
    coordinator.onShutdown((context) => {
      context.signal.addEventListener('abort', () => tracker.track('blakesnell'));
      return new Promise(() => undefined);
    });
    const report = coordinator.shutdown();
    await Promise.resolve();
    clock.advance(1_000);
    expect((await report).tasks.map((t) => t.status)).toEqual(['timed_out', 'timed_out', 'timed_out']);
    // The process lives on (a manual shutdown); BigQuery answers again, and a later miss arrives.
    hang = false;
    tracker.track('aaronjudge');
    for (let i = 0; i < 40; i += 1) await Promise.resolve();
    await coordinator.shutdown();
    // With the late task never started, the tracker still thought itself joined: nothing flushed.
    expect(executor.rowsInTable().map((row) => row.player_lookup)).toEqual([
      'loganwebb',
      'blakesnell',
      'aaronjudge',
    ]);
    expect(tracker.size).toBe(0);
  });
});
