import { describe, expect, it, vi } from 'vitest';
import {
  createShutdownCoordinator,
  DEFAULT_SHUTDOWN_TIMEOUT_MS,
  type ShutdownContext,
} from '../../../src/shutdown/index.js';
import { createTestClock } from '../../../src/testing/clock.js';
import { FakeProcess } from '../../helpers/fake-process.js';
import { recordingLogger } from '../../helpers/recording-logger.js';

async function settle(): Promise<void> {
  for (let i = 0; i < 40; i += 1) await Promise.resolve();
}

/** A task the test finishes (or fails) by hand. */
function manualTask() {
  let finish: () => void = () => undefined;
  let fail: (error: unknown) => void = () => undefined;
  const contexts: ShutdownContext[] = [];
  const task = (context: ShutdownContext) => {
    contexts.push(context);
    return new Promise<void>((resolve, reject) => {
      finish = resolve;
      fail = reject;
    });
  };
  return { task, contexts, finish: () => finish(), fail: (e: unknown) => fail(e) };
}

function setup(options: { timeoutMs?: number; signals?: NodeJS.Signals[]; runOnBeforeExit?: boolean } = {}) {
  const target = new FakeProcess(7);
  const clock = createTestClock();
  const coordinator = createShutdownCoordinator({ process: target, clock, ...options });
  return { target, clock, coordinator };
}

describe('shutdown coordinator', () => {
  it('adds no listener until a task joins, and removes them when the last one leaves', () => {
    const { target, coordinator } = setup();
    expect(target.listenerCount('SIGTERM')).toBe(0);
    const leaveA = coordinator.onShutdown(() => undefined);
    const leaveB = coordinator.onShutdown(() => undefined);
    expect(['SIGTERM', 'SIGINT', 'beforeExit'].map((e) => target.listenerCount(e))).toEqual([1, 1, 1]);
    leaveA();
    expect(target.listenerCount('SIGTERM')).toBe(1);
    leaveB();
    leaveB();
    expect(['SIGTERM', 'SIGINT', 'beforeExit'].map((e) => target.listenerCount(e))).toEqual([0, 0, 0]);
  });

  it('defaults to 8 s in total', () => {
    expect(DEFAULT_SHUTDOWN_TIMEOUT_MS).toBe(8_000);
    expect(setup().coordinator.timeoutMs).toBe(8_000);
  });

  it('on SIGTERM runs every task at once and re-raises the signal only when all have finished', async () => {
    const { target, coordinator } = setup();
    const fast = manualTask();
    const slow = manualTask();
    coordinator.onShutdown(fast.task, { name: 'fast' });
    coordinator.onShutdown(slow.task, { name: 'slow' });
    target.emit('SIGTERM');
    await settle();
    expect(fast.contexts).toHaveLength(1);
    expect(slow.contexts).toHaveLength(1);
    expect(fast.contexts[0]?.trigger).toBe('SIGTERM');
    fast.finish();
    await settle();
    expect(target.kills).toEqual([]);
    slow.finish();
    await settle();
    expect(target.kills).toEqual([[7, 'SIGTERM']]);
    expect(target.listenerCount('SIGTERM')).toBe(0);
    expect(coordinator.state).toBe('done');
  });

  it('SIGINT does the same and re-raises SIGINT', async () => {
    const { target, coordinator } = setup();
    coordinator.onShutdown(() => undefined);
    target.emit('SIGINT');
    await settle();
    expect(target.kills).toEqual([[7, 'SIGINT']]);
  });

  it('the total limit lets the process go when a task hangs; the task is told through its signal', async () => {
    const { clock, coordinator } = setup({ timeoutMs: 8_000 });
    const hung = manualTask();
    const done = manualTask();
    coordinator.onShutdown(hung.task, { name: 'hung' });
    coordinator.onShutdown(done.task, { name: 'done' });
    const report = coordinator.shutdown('SIGTERM');
    await settle();
    done.finish();
    clock.advance(7_999);
    await settle();
    expect(hung.contexts[0]?.signal.aborted).toBe(false);
    clock.advance(1);
    expect(await report).toEqual({
      trigger: 'SIGTERM',
      tasks: [
        { name: 'hung', status: 'timed_out' },
        { name: 'done', status: 'completed' },
      ],
    });
    expect(hung.contexts[0]?.signal.aborted).toBe(true);
    expect(clock.pendingTimers).toBe(0);
  });

  it("a task's own limit applies within the total", async () => {
    const { clock, coordinator } = setup();
    const slow = manualTask();
    coordinator.onShutdown(slow.task, { name: 'slow', timeoutMs: 1_000 });
    const report = coordinator.shutdown();
    clock.advance(1_000);
    expect((await report).tasks).toEqual([{ name: 'slow', status: 'timed_out' }]);
  });

  it('a task that throws or rejects is reported; the others still run', async () => {
    const { target, coordinator } = setup();
    const boom = new Error('pool already closed');
    coordinator.onShutdown(
      () => {
        throw boom;
      },
      { name: 'sync' },
    );
    coordinator.onShutdown(() => Promise.reject(boom), { name: 'async' });
    let ran = false;
    coordinator.onShutdown(
      () => {
        ran = true;
      },
      { name: 'ok' },
    );
    const report = await coordinator.shutdown('SIGTERM');
    expect(ran).toBe(true);
    expect(report.tasks).toEqual([
      { name: 'sync', status: 'failed', error: boom },
      { name: 'async', status: 'failed', error: boom },
      { name: 'ok', status: 'completed' },
    ]);
    expect(target.kills).toEqual([]);
  });

  it('without a logger, a task that failed or timed out is still written to stderr (at ERROR), nothing else is', async () => {
    const { clock, coordinator } = setup({ timeoutMs: 1_000 });
    const lines: string[] = [];
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: unknown) => {
      lines.push(String(chunk));
      return true;
    });
    try {
      coordinator.onShutdown(() => Promise.reject(new Error('BigQuery unavailable')), { name: 'mlb flush' });
      coordinator.onShutdown(() => new Promise(() => {}), { name: 'hangs' });
      coordinator.onShutdown(() => undefined, { name: 'fine' });
      const done = coordinator.shutdown('SIGTERM');
      await settle();
      clock.advance(1_000);
      await done;
    } finally {
      spy.mockRestore();
    }
    const entries = lines.map((line) => JSON.parse(line) as { severity: string; message: string });
    expect(entries.map((e) => [e.severity, e.message])).toEqual([
      ['ERROR', "shutdown task 'mlb flush' failed"],
      ['ERROR', "shutdown task 'hangs' did not finish within its limit"],
    ]);
    expect(lines[0]).toContain('BigQuery unavailable');
  });

  it('a task that joins while a shutdown runs is started at once and waited for', async () => {
    const { target, coordinator } = setup();
    const late = manualTask();
    coordinator.onShutdown(() => {
      coordinator.onShutdown(late.task, { name: 'late' });
    });
    target.emit('SIGTERM');
    await settle();
    expect(late.contexts).toHaveLength(1);
    expect(target.kills).toEqual([]);
    late.finish();
    await settle();
    expect(target.kills).toEqual([[7, 'SIGTERM']]);
  });

  it('a task that joins while a shutdown runs starts after onShutdown has returned its leave function', async () => {
    const { target, coordinator } = setup();
    const first = manualTask();
    coordinator.onShutdown(first.task, { name: 'first' });
    target.emit('SIGTERM');
    await settle();
    // A joiner whose task reads what onShutdown returned (a tracker compares its unhook function).
    let leave: (() => void) | undefined;
    let sawLeave: boolean | undefined;
    leave = coordinator.onShutdown(
      () => {
        sawLeave = leave !== undefined;
      },
      { name: 'late' },
    );
    expect(sawLeave).toBeUndefined();
    await settle();
    expect(sawLeave).toBe(true);
    first.finish();
    const report = await coordinator.shutdown();
    expect(report.tasks.map((task) => [task.name, task.status])).toEqual([
      ['first', 'completed'],
      ['late', 'completed'],
    ]);
  });

  describe('a task that joins after a shutdown finished runs at once, its work not lost', () => {
    it('after a manual shutdown(): started on the next microtask, waited for by shutdown(), reported', async () => {
      const { target, coordinator } = setup();
      coordinator.onShutdown(() => undefined, { name: 'first' });
      await coordinator.shutdown();
      expect(coordinator.state).toBe('done');
      const late = manualTask();
      let leave: (() => void) | undefined;
      let sawLeave: boolean | undefined;
      leave = coordinator.onShutdown(
        (context) => {
          sawLeave = leave !== undefined;
          return late.task(context);
        },
        { name: 'late flush' },
      );
      // Not inside onShutdown: the joiner may compare what the call returns.
      expect(sawLeave).toBeUndefined();
      expect(coordinator.state).toBe('running');
      await settle();
      expect(sawLeave).toBe(true);
      expect(late.contexts).toHaveLength(1);
      expect(late.contexts[0]?.trigger).toBe('manual');
      const report = coordinator.shutdown();
      late.finish();
      expect(await report).toEqual({
        trigger: 'manual',
        // The first shutdown's tasks too: every task that ran, in the order they ran.
        tasks: [
          { name: 'first', status: 'completed' },
          { name: 'late flush', status: 'completed' },
        ],
      });
      expect(coordinator.state).toBe('done');
      expect(coordinator.size).toBe(0);
      expect(target.kills).toEqual([]);
    });

    it('within the same limit on the injected clock: a late task that hangs is timed out and told', async () => {
      const logger = recordingLogger();
      const target = new FakeProcess(7);
      const clock = createTestClock();
      const coordinator = createShutdownCoordinator({ process: target, clock, timeoutMs: 5_000, logger });
      await coordinator.shutdown();
      const hung = manualTask();
      coordinator.onShutdown(hung.task, { name: 'hung' });
      const report = coordinator.shutdown();
      await settle();
      clock.advance(4_999);
      await settle();
      expect(hung.contexts[0]?.signal.aborted).toBe(false);
      clock.advance(1);
      expect(await report).toEqual({ trigger: 'manual', tasks: [{ name: 'hung', status: 'timed_out' }] });
      expect(hung.contexts[0]?.signal.aborted).toBe(true);
      expect(clock.pendingTimers).toBe(0);
      expect(logger.entries.filter((e) => e.level === 'error').map((e) => e.message)).toEqual([
        "shutdown task 'hung' did not finish within its limit",
      ]);
    });

    it('after a signal the application handles itself: the task runs, with that signal as its trigger', async () => {
      const { target, coordinator } = setup();
      target.on('SIGTERM', () => undefined);
      coordinator.onShutdown(() => undefined);
      target.emit('SIGTERM');
      await settle();
      expect(coordinator.state).toBe('done');
      const ran: string[] = [];
      coordinator.onShutdown(({ trigger }) => void ran.push(trigger), { name: 'late' });
      await settle();
      expect(ran).toEqual(['SIGTERM']);
      expect(coordinator.state).toBe('done');
      expect(target.kills).toEqual([]);
    });

    it('a SIGTERM while such a task runs waits for it, then is raised again', async () => {
      const { target, coordinator } = setup();
      coordinator.onShutdown(() => undefined);
      await coordinator.shutdown();
      const late = manualTask();
      coordinator.onShutdown(late.task, { name: 'late' });
      await settle();
      target.emit('SIGTERM');
      await settle();
      expect(target.kills).toEqual([]);
      late.finish();
      await settle();
      expect(target.kills).toEqual([[7, 'SIGTERM']]);
      expect(late.contexts).toHaveLength(1);
    });

    it('a failing late task is reported at error; an exit while one runs names it', async () => {
      const logger = recordingLogger();
      const target = new FakeProcess(7);
      const coordinator = createShutdownCoordinator({ process: target, clock: createTestClock(), logger });
      await coordinator.shutdown();
      coordinator.onShutdown(
        () => {
          throw new Error('BigQuery unavailable');
        },
        { name: 'failing' },
      );
      const slow = manualTask();
      coordinator.onShutdown(slow.task, { name: 'slow' });
      await settle();
      target.emit('exit', 0);
      const errors = logger.entries.filter((e) => e.level === 'error').map((e) => e.message);
      expect(errors).toEqual(["process exited while shutdown task 'slow' was still running"]);
      slow.finish();
      expect((await coordinator.shutdown()).tasks.map((t) => [t.name, t.status])).toEqual([
        ['failing', 'failed'],
        ['slow', 'completed'],
      ]);
      expect(logger.entries.filter((e) => e.level === 'error').map((e) => e.message)).toContain(
        "shutdown task 'failing' failed",
      );
    });
  });

  it('a second SIGTERM while running neither restarts the tasks nor kills early', async () => {
    const { target, coordinator } = setup();
    const task = manualTask();
    coordinator.onShutdown(task.task);
    target.emit('SIGTERM');
    target.emit('SIGTERM');
    await settle();
    expect(task.contexts).toHaveLength(1);
    expect(target.kills).toEqual([]);
    task.finish();
    await settle();
    expect(target.kills).toEqual([[7, 'SIGTERM']]);
  });

  it("leaves the exit to the application's own listener, which can await the same shutdown", async () => {
    const { target, coordinator } = setup();
    const task = manualTask();
    coordinator.onShutdown(task.task);
    let appDone = false;
    target.on('SIGTERM', async () => {
      await coordinator.shutdown('SIGTERM');
      appDone = true;
    });
    target.emit('SIGTERM');
    await settle();
    expect(appDone).toBe(false);
    task.finish();
    await settle();
    expect(appDone).toBe(true);
    expect(target.kills).toEqual([]);
    expect(task.contexts).toHaveLength(1);
  });

  it('two coordinators on one process: the signal is re-raised once, by the last to finish', async () => {
    const target = new FakeProcess(7);
    const a = createShutdownCoordinator({ process: target, clock: createTestClock() });
    const b = createShutdownCoordinator({ process: target, clock: createTestClock() });
    const slow = manualTask();
    a.onShutdown(() => undefined);
    b.onShutdown(slow.task);
    target.emit('SIGTERM');
    await settle();
    expect(target.kills).toEqual([]);
    slow.finish();
    await settle();
    expect(target.kills).toEqual([[7, 'SIGTERM']]);
  });

  it('beforeExit runs the tasks once and re-raises nothing; the coordinator can be joined again', async () => {
    const { target, coordinator } = setup();
    let runs = 0;
    coordinator.onShutdown(() => {
      runs++;
    });
    target.emit('beforeExit');
    await settle();
    target.emit('beforeExit');
    await settle();
    expect(runs).toBe(1);
    expect(target.kills).toEqual([]);
    expect(coordinator.state).toBe('idle');
    expect(target.listenerCount('beforeExit')).toBe(0);
    coordinator.onShutdown(() => {
      runs++;
    });
    target.emit('SIGTERM');
    await settle();
    expect(runs).toBe(2);
  });

  it('a SIGTERM that arrives while a shutdown started by shutdown() or beforeExit runs is not swallowed: it is raised again when the run ends', async () => {
    for (const start of ['manual', 'beforeExit'] as const) {
      const { target, coordinator } = setup();
      const task = manualTask();
      coordinator.onShutdown(task.task);
      if (start === 'manual') void coordinator.shutdown();
      else target.emit('beforeExit');
      await settle();
      target.emit('SIGTERM');
      await settle();
      expect(task.contexts).toHaveLength(1);
      expect(target.kills).toEqual([]);
      task.finish();
      await settle();
      expect(target.kills).toEqual([[7, 'SIGTERM']]);
      expect(coordinator.state).toBe('done');
      expect(target.listenerCount('SIGTERM')).toBe(0);
    }
  });

  it('a process that exits (process.exit) before its tasks ran or finished says so at ERROR, naming them', () => {
    const target = new FakeProcess(7);
    const logger = recordingLogger();
    const coordinator = createShutdownCoordinator({ process: target, clock: createTestClock(), logger });
    coordinator.onShutdown(() => undefined, { name: 'mlb unresolved players' });
    coordinator.onShutdown(() => undefined, { name: 'nba unresolved players' });
    target.emit('exit', 0);
    const errors = logger.entries.filter((e) => e.level === 'error');
    expect(errors.map((e) => e.message)).toEqual([
      "process exited before shutdown task 'mlb unresolved players' ran (process.exit() skips the shutdown)",
      "process exited before shutdown task 'nba unresolved players' ran (process.exit() skips the shutdown)",
    ]);
    // A task that joined and left again is not reported; nor is anything once the tasks ran.
    const quiet = recordingLogger();
    const other = createShutdownCoordinator({
      process: new FakeProcess(8),
      clock: createTestClock(),
      logger: quiet,
    });
    other.onShutdown(() => undefined)();
    expect(quiet.entries.filter((e) => e.level === 'error')).toEqual([]);
  });

  it('a process that exits while a task still runs says so at ERROR', async () => {
    const { target } = setup();
    const logger = recordingLogger();
    const coordinator = createShutdownCoordinator({ process: target, clock: createTestClock(), logger });
    const task = manualTask();
    coordinator.onShutdown(task.task, { name: 'slow flush' });
    void coordinator.shutdown();
    await settle();
    target.emit('exit', 0);
    expect(logger.entries.filter((e) => e.level === 'error').map((e) => e.message)).toEqual([
      "process exited while shutdown task 'slow flush' was still running",
    ]);
  });

  it('listens only to the configured signals', async () => {
    const { target, coordinator } = setup({ signals: ['SIGTERM'], runOnBeforeExit: false });
    coordinator.onShutdown(() => undefined);
    expect(['SIGTERM', 'SIGINT', 'beforeExit'].map((e) => target.listenerCount(e))).toEqual([1, 0, 0]);
  });

  it('refuses bad options with a hint', () => {
    const target = new FakeProcess(7);
    expect(() => createShutdownCoordinator({ process: target, timeout: 5 } as never)).toThrow(
      /unknown option 'timeout'/,
    );
    expect(() => createShutdownCoordinator({ process: target, timeoutMs: 0 })).toThrow(RangeError);
    const coordinator = createShutdownCoordinator({ process: target });
    expect(() => coordinator.onShutdown('flush' as never)).toThrow(TypeError);
    expect(() => coordinator.onShutdown(() => undefined, { nmae: 'x' } as never)).toThrow(
      /Did you mean 'name'/,
    );
  });
});
