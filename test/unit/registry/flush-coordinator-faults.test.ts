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
