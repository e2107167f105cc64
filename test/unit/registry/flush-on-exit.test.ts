import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import {
  type ExitSignalTarget,
  hookFlushOnExit,
  UnresolvedPlayerTracker,
} from '../../../src/registry/index.js';
import { createTestClock } from '../../../src/retry/index.js';
import { MemoryExecutor } from './memory-executor.js';

class FakeProcess extends EventEmitter implements ExitSignalTarget {
  readonly pid = 4242;
  readonly kills: Array<[number, string]> = [];
  kill(pid: number, signal: 'SIGTERM'): boolean {
    this.kills.push([pid, signal]);
    return true;
  }
}

/** Lets queued promise callbacks run. */
async function settle(): Promise<void> {
  for (let i = 0; i < 20; i += 1) await Promise.resolve();
}

function makeTracker() {
  const executor = new MemoryExecutor();
  const tracker = new UnresolvedPlayerTracker({
    executor,
    sport: 'mlb',
    source: 'mlb_game_processor',
    env: {},
  });
  return { executor, tracker };
}

describe('flushOnExit', () => {
  it('hooks SIGTERM and beforeExit once, however often it is called', () => {
    const { tracker } = makeTracker();
    const target = new FakeProcess();
    const unhook = tracker.flushOnExit({ target });
    const again = tracker.flushOnExit({ target });

    expect(again).toBe(unhook);
    expect(target.listenerCount('SIGTERM')).toBe(1);
    expect(target.listenerCount('beforeExit')).toBe(1);

    unhook();
    unhook();
    expect(target.listenerCount('SIGTERM')).toBe(0);
    expect(target.listenerCount('beforeExit')).toBe(0);
  });

  it('can hook again after unhooking', () => {
    const { tracker } = makeTracker();
    const target = new FakeProcess();
    tracker.flushOnExit({ target })();
    tracker.flushOnExit({ target });
    expect(target.listenerCount('SIGTERM')).toBe(1);
  });

  it('flushes on SIGTERM, then re-raises the signal when no one else listens', async () => {
    const { executor, tracker } = makeTracker();
    const target = new FakeProcess();
    tracker.track('loganwebb', 'pitcher');
    tracker.flushOnExit({ target });

    target.emit('SIGTERM');
    await settle();

    expect(executor.rowsInTable()).toEqual([expect.objectContaining({ player_lookup: 'loganwebb' })]);
    expect(target.kills).toEqual([[4242, 'SIGTERM']]);
    expect(target.listenerCount('SIGTERM')).toBe(0);
  });

  it("leaves the exit to the application's own SIGTERM handler when there is one", async () => {
    const { executor, tracker } = makeTracker();
    const target = new FakeProcess();
    target.on('SIGTERM', () => {});
    tracker.track('loganwebb');
    tracker.flushOnExit({ target });

    target.emit('SIGTERM');
    await settle();

    expect(executor.rowsInTable()).toHaveLength(1);
    expect(target.kills).toEqual([]);
  });

  it('flushes once on beforeExit, even if the event fires again after the flush', async () => {
    const { executor, tracker } = makeTracker();
    const target = new FakeProcess();
    tracker.track('loganwebb');
    executor.insertPlan.push({ kind: 'throw', error: new Error('socket hang up') });
    tracker.flushOnExit({ target });

    target.emit('beforeExit');
    await settle();
    target.emit('beforeExit');
    await settle();

    expect(executor.inserts).toHaveLength(1);
    expect(tracker.size).toBe(1);
  });

  it('runs nothing after unhook', async () => {
    const { executor, tracker } = makeTracker();
    const target = new FakeProcess();
    tracker.track('loganwebb');
    tracker.flushOnExit({ target })();
    target.emit('beforeExit');
    await settle();
    expect(executor.inserts).toHaveLength(0);
  });

  it('stops waiting for a flush that outlives timeoutMs', async () => {
    const target = new FakeProcess();
    const clock = createTestClock();
    let flushes = 0;
    hookFlushOnExit(
      () => {
        flushes += 1;
        return new Promise(() => {});
      },
      { target, timeoutMs: 8_000, clock },
    );
    target.emit('SIGTERM');
    await settle();
    expect(flushes).toBe(1);
    expect(target.kills).toEqual([]);

    clock.advance(8_000);
    await settle();
    expect(target.kills).toEqual([[4242, 'SIGTERM']]);
    expect(clock.pendingTimers).toBe(0);
  });
});
