import { describe, expect, it } from 'vitest';
import { createShutdownCoordinator } from '../../../src/shutdown/index.js';
import { createTestClock } from '../../../src/testing/clock.js';
import { FakeProcess } from '../../helpers/fake-process.js';
import { recordingLogger } from '../../helpers/recording-logger.js';

async function settle(): Promise<void> {
  for (let i = 0; i < 40; i += 1) await Promise.resolve();
}

function coordinatorWithClock() {
  const clock = createTestClock();
  const coordinator = createShutdownCoordinator({
    process: new FakeProcess(7),
    clock,
    signals: [],
    logger: recordingLogger(),
  });
  return { clock, coordinator };
}

describe('a task joined after a finished shutdown', () => {
  it('does not run when it leaves right after joining (its start is queued, not yet made)', async () => {
    const { coordinator } = coordinatorWithClock();
    coordinator.onShutdown(() => {}, { name: 'first' });
    await coordinator.shutdown();
    const ran: string[] = [];
    const leave = coordinator.onShutdown(() => void ran.push('leaver'), { name: 'leaver' });
    leave();
    await settle();
    expect(ran).toEqual([]);
    const report = await coordinator.shutdown();
    expect(report.tasks.map((t) => t.name)).toEqual(['first']);
    expect(coordinator.size).toBe(0);
  });

  it("shutdown() afterwards reports every task that ran, the first shutdown's ones first", async () => {
    const { clock, coordinator } = coordinatorWithClock();
    coordinator.onShutdown(() => {}, { name: 'flush' });
    coordinator.onShutdown(
      () => {
        throw new Error('close failed');
      },
      { name: 'close' },
    );
    const first = await coordinator.shutdown('manual');
    expect(first.tasks.map((t) => [t.name, t.status])).toEqual([
      ['flush', 'completed'],
      ['close', 'failed'],
    ]);
    // A miss recorded after the shutdown: its flush runs on its own, held by the clock.
    let release: () => void = () => {};
    coordinator.onShutdown(() => new Promise<void>((resolve) => (release = resolve)), { name: 'late-flush' });
    coordinator.onShutdown(() => new Promise<void>(() => {}), { name: 'stuck', timeoutMs: 50 });
    await settle();
    const pending = coordinator.shutdown();
    release();
    clock.advance(50);
    await settle();
    const report = await pending;
    expect(report.trigger).toBe('manual');
    expect(report.tasks.map((t) => [t.name, t.status])).toEqual([
      ['flush', 'completed'],
      ['close', 'failed'],
      ['late-flush', 'completed'],
      ['stuck', 'timed_out'],
    ]);
    expect(await coordinator.shutdown()).toEqual(report);
  });
});
