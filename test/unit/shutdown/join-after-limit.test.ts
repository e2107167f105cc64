import { describe, expect, it } from 'vitest';
import { createShutdownCoordinator } from '../../../src/shutdown/index.js';
import { createTestClock } from '../../../src/testing/clock.js';
import { FakeProcess } from '../../helpers/fake-process.js';
import { recordingLogger } from '../../helpers/recording-logger.js';

async function settle(): Promise<void> {
  for (let i = 0; i < 40; i += 1) await Promise.resolve();
}

const never = (): Promise<void> => new Promise(() => undefined);

describe('a task that joins once the total limit has passed', () => {
  it('is timed out at once (called with its signal already aborted) instead of holding the shutdown open for ever', async () => {
    const target = new FakeProcess(7);
    const clock = createTestClock();
    const logger = recordingLogger();
    const coordinator = createShutdownCoordinator({ process: target, clock, timeoutMs: 1_000, logger });
    let lateAbortedWhenCalled: boolean | undefined;
    coordinator.onShutdown(
      (context) => {
        // Told it is out of time, the task hands its leftovers to another task (which would hang).
        context.signal.addEventListener('abort', () => {
          coordinator.onShutdown(
            (late) => {
              lateAbortedWhenCalled = late.signal.aborted;
              return never();
            },
            { name: 'late' },
          );
        });
        return never();
      },
      { name: 'hung' },
    );
    let report: unknown;
    target.emit('SIGTERM');
    void coordinator.shutdown().then((r) => (report = r));
    await settle();
    clock.advance(1_000);
    await settle();
    // Before, the run waited for 'late' with no limit left: no report, SIGTERM never raised again.
    expect(report).toEqual({
      trigger: 'SIGTERM',
      tasks: [
        { name: 'hung', status: 'timed_out' },
        { name: 'late', status: 'timed_out' },
      ],
    });
    // Called all the same (a task that keeps state learns it ran), already told it has no time.
    expect(lateAbortedWhenCalled).toBe(true);
    expect(target.kills).toEqual([[7, 'SIGTERM']]);
    expect(coordinator.state).toBe('done');
    expect(clock.pendingTimers).toBe(0);
    expect(logger.entries.filter((e) => e.level === 'error').map((e) => e.message)).toEqual([
      "shutdown task 'hung' did not finish within its limit",
      "shutdown task 'late' did not finish within its limit",
    ]);
  });

  it('a task joined before the limit passed still runs, and is timed out with the others', async () => {
    const target = new FakeProcess(7);
    const clock = createTestClock();
    const coordinator = createShutdownCoordinator({ process: target, clock, timeoutMs: 1_000 });
    coordinator.onShutdown(never, { name: 'hung' });
    const report = coordinator.shutdown();
    await settle();
    clock.advance(500);
    let lateRan = false;
    coordinator.onShutdown(
      () => {
        lateRan = true;
        return never();
      },
      { name: 'late' },
    );
    await settle();
    expect(lateRan).toBe(true);
    clock.advance(500);
    expect((await report).tasks).toEqual([
      { name: 'hung', status: 'timed_out' },
      { name: 'late', status: 'timed_out' },
    ]);
  });
});
