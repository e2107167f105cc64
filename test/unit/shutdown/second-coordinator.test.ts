import { describe, expect, it } from 'vitest';
import { createShutdownCoordinator } from '../../../src/shutdown/index.js';
import { createTestClock } from '../../../src/testing/clock.js';
import { FakeProcess } from '../../helpers/fake-process.js';

async function settle(): Promise<void> {
  for (let i = 0; i < 40; i += 1) await Promise.resolve();
}

describe('a second coordinator joined after the signal arrived (a write in flight during the shutdown)', () => {
  it('does not swallow the signal: the process still ends once the tasks are done', async () => {
    const target = new FakeProcess(7);
    // The tracker's own coordinator (a longer limit), and the process-wide one every write joins.
    const own = createShutdownCoordinator({ process: target, clock: createTestClock() });
    const processWide = createShutdownCoordinator({ process: target, clock: createTestClock() });
    let finishFlush: () => void = () => undefined;
    own.onShutdown(() => new Promise<void>((resolve) => (finishFlush = resolve)), { name: 'flush' });
    target.emit('SIGTERM');
    await settle();
    // Meanwhile a request handler starts a write, which joins the process-wide coordinator.
    let finishWrite: () => void = () => undefined;
    const leave = processWide.onShutdown(() => new Promise<void>((resolve) => (finishWrite = resolve)), {
      name: 'a write in flight',
    });
    finishFlush();
    await settle();
    // Before, `own` saw the other coordinator's listener, took it for the application's, and left the
    // exit to it; that coordinator never saw the signal, so once the write left, nothing ended the
    // process: it ran on until SIGKILL (or for ever, after a Ctrl-C). Now it hands the signal over:
    // the process-wide coordinator waits for the write...
    expect(processWide.state).toBe('running');
    expect(target.kills).toEqual([]);
    // ...and raises the signal again, once, when the write is done.
    finishWrite();
    leave();
    await settle();
    expect(target.kills).toEqual([[7, 'SIGTERM']]);
    expect(target.listenerCount('SIGTERM')).toBe(0);
  });
});
