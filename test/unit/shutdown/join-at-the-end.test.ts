import { describe, expect, it } from 'vitest';
import { createShutdownCoordinator, type ShutdownReport } from '../../../src/shutdown/index.js';
import { createTestClock } from '../../../src/testing/clock.js';
import { FakeProcess } from '../../helpers/fake-process.js';
import { recordingLogger } from '../../helpers/recording-logger.js';

async function settle(): Promise<void> {
  for (let i = 0; i < 40; i += 1) await Promise.resolve();
}

/**
 * A task that joins d microtasks after the last running task ended: while the run collects its
 * report, or just after it, when the signal is raised again. Whenever it started before the process
 * was killed, the kill must wait for it.
 */
async function joinAfter(d: number, trigger: 'signal' | 'manual') {
  const events: string[] = [];
  const fake = new (class extends FakeProcess {
    override kill(pid: number, signal: NodeJS.Signals): boolean {
      events.push('kill');
      return super.kill(pid, signal);
    }
  })();
  const coordinator = createShutdownCoordinator({
    process: fake,
    signals: ['SIGTERM'],
    clock: createTestClock(),
    logger: recordingLogger(),
  });
  let finishFirst: () => void = () => {};
  let finishLate: () => void = () => {};
  coordinator.onShutdown(
    () =>
      new Promise<void>((resolve) => {
        finishFirst = resolve;
      }),
    { name: 'first' },
  );
  let report: Promise<ShutdownReport> | undefined;
  if (trigger === 'signal') fake.emit('SIGTERM');
  else {
    report = coordinator.shutdown();
    fake.emit('SIGTERM');
  }
  await settle();
  finishFirst();
  for (let i = 0; i < d; i++) await Promise.resolve();
  coordinator.onShutdown(
    () => {
      events.push('late started');
      return new Promise<void>((resolve) => {
        finishLate = () => {
          events.push('late finished');
          resolve();
        };
      });
    },
    { name: 'late' },
  );
  await settle();
  finishLate();
  await settle();
  await report;
  return events;
}

describe('a task joined as a run ends', () => {
  for (const trigger of ['signal', 'manual'] as const) {
    it(`is waited for before the signal is raised again, whatever microtask it joins in (run started by ${trigger})`, async () => {
      for (let d = 0; d <= 30; d++) {
        const events = await joinAfter(d, trigger);
        expect({ d, kills: events.filter((e) => e === 'kill').length }).toEqual({ d, kills: 1 });
        // Started before the kill: finished before it too.
        if (events.indexOf('late started') < events.indexOf('kill')) {
          expect({ d, events }).toEqual({ d, events: ['late started', 'late finished', 'kill'] });
        }
      }
    });
  }
});
