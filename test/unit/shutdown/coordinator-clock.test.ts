import { describe, expect, it } from 'vitest';
import { createShutdownCoordinator, type ShutdownContext } from '../../../src/shutdown/index.js';
import { createTestClock } from '../../../src/testing/clock.js';
import { FakeProcess } from '../../helpers/fake-process.js';
import { recordingLogger } from '../../helpers/recording-logger.js';

async function settle(): Promise<void> {
  for (let i = 0; i < 40; i += 1) await Promise.resolve();
}

/** A clock whose `schedule` hands back what `setTimeout` does: a handle, not a cancel function. */
function handleClock() {
  const clock = createTestClock();
  return {
    clock,
    misbehaving: {
      schedule: (ms: number, callback: () => void) => {
        clock.schedule(ms, callback);
        return { ref() {}, unref() {} } as unknown as () => void;
      },
    },
  };
}

describe('shutdown coordinator with a misbehaving clock', () => {
  it('a schedule that returns a timer handle still ends the shutdown and re-raises the signal', async () => {
    const target = new FakeProcess(7);
    const { misbehaving } = handleClock();
    const coordinator = createShutdownCoordinator({ process: target, clock: misbehaving });
    const ran: string[] = [];
    coordinator.onShutdown(() => void ran.push('flush'), { name: 'flush' });
    coordinator.onShutdown(async () => void ran.push('close'), { name: 'close', timeoutMs: 1_000 });
    target.emit('SIGTERM');
    await settle();
    expect(ran).toEqual(['flush', 'close']);
    expect(target.kills).toEqual([[7, 'SIGTERM']]);
    expect(coordinator.state).toBe('done');
  });

  it('a schedule that throws still runs every task, ends the shutdown and says so', async () => {
    const target = new FakeProcess(7);
    const logger = recordingLogger();
    const coordinator = createShutdownCoordinator({
      process: target,
      logger,
      clock: {
        schedule: () => {
          throw new Error('clock is closed');
        },
      },
    });
    const contexts: ShutdownContext[] = [];
    coordinator.onShutdown((context) => void contexts.push(context), { name: 'flush' });
    coordinator.onShutdown((context) => void contexts.push(context), { name: 'close', timeoutMs: 500 });
    const report = await coordinator.shutdown('SIGTERM');
    expect(report.tasks).toEqual([
      { name: 'flush', status: 'completed' },
      { name: 'close', status: 'completed' },
    ]);
    expect(contexts).toHaveLength(2);
    const warned = logger.entries.filter((e) => e.level === 'error' || e.level === 'warn');
    expect(warned.map((e) => e.message).join('\n')).toMatch(/clock is closed/);
  });

  it('a clock without a schedule function is refused when the coordinator is made', () => {
    expect(() =>
      createShutdownCoordinator({ clock: { schedule: 5 } as unknown as { schedule(): () => void } }),
    ).toThrow(/clock\.schedule must be a function/);
  });
});
