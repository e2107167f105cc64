/**
 * The part of `process` that {@link hookFlushOnExit} uses; tests pass an `EventEmitter` with a `kill`.
 *
 * @example
 * ```ts
 * import type { ExitSignalTarget } from 'gcp-pipeline-resilience';
 * const target: ExitSignalTarget = process;
 * ```
 */
export interface ExitSignalTarget {
  on(event: 'SIGTERM' | 'beforeExit', listener: () => void): unknown;
  off(event: 'SIGTERM' | 'beforeExit', listener: () => void): unknown;
  listenerCount(event: 'SIGTERM' | 'beforeExit'): number;
  kill(pid: number, signal: 'SIGTERM'): unknown;
  readonly pid: number;
}

/**
 * Options of `tracker.flushOnExit()`.
 *
 * @example
 * ```ts
 * import type { FlushOnExitOptions } from 'gcp-pipeline-resilience';
 * const options: FlushOnExitOptions = { timeoutMs: 5_000 };
 * ```
 */
export interface FlushOnExitOptions {
  /**
   * Longest wait for the flush before letting the process go. Default 8000: Cloud Run sends SIGKILL
   * 10 s after SIGTERM.
   */
  timeoutMs?: number;
  /** Where to listen; `process` by default. */
  target?: ExitSignalTarget;
  /** Times the wait (tests pass `createTestClock()`); an unref'd `setTimeout` by default. */
  clock?: { schedule?(ms: number, callback: () => void): () => void };
}

function unrefTimeout(ms: number, callback: () => void): () => void {
  const timer = setTimeout(callback, ms);
  // The timer must not keep alive a process that would otherwise exit.
  timer.unref?.();
  return () => clearTimeout(timer);
}

/**
 * Runs `flush` once when the process gets SIGTERM or empties its event loop (`beforeExit`), then
 * removes both listeners. Returns the function that removes them earlier.
 *
 * A SIGTERM listener replaces Node's default action (exit), so when ours was the only one, the
 * signal is raised again after the flush and the process ends as it would have without us.
 *
 * @example
 * ```ts
 * import { hookFlushOnExit } from 'gcp-pipeline-resilience';
 * const unhook = hookFlushOnExit(async () => console.log('flushing'));
 * unhook(); // before exit: nothing runs
 * ```
 */
export function hookFlushOnExit(flush: () => Promise<unknown>, options: FlushOnExitOptions = {}): () => void {
  const target = options.target ?? (process as unknown as ExitSignalTarget);
  const timeoutMs = options.timeoutMs ?? 8_000;
  const schedule = options.clock?.schedule?.bind(options.clock) ?? unrefTimeout;
  let hooked = true;

  const unhook = (): void => {
    if (!hooked) return;
    hooked = false;
    target.off('SIGTERM', onSigterm);
    target.off('beforeExit', onBeforeExit);
  };

  const flushWithin = async (): Promise<void> => {
    let cancel: (() => void) | undefined;
    const timeout = new Promise<void>((resolve) => {
      cancel = schedule(timeoutMs, resolve);
    });
    try {
      // A rejected flush must not become an unhandled rejection while the process is going down.
      const settled = flush().then(
        () => undefined,
        () => undefined,
      );
      await Promise.race([settled, timeout]);
    } finally {
      cancel?.();
    }
  };

  function onSigterm(): void {
    unhook();
    void flushWithin().then(() => {
      if (target.listenerCount('SIGTERM') === 0) target.kill(target.pid, 'SIGTERM');
    });
  }

  function onBeforeExit(): void {
    // The flush's own I/O makes the loop busy again and beforeExit fires once more afterwards;
    // unhooking first makes that second event a no-op, so a dead endpoint cannot loop forever.
    unhook();
    void flushWithin();
  }

  target.on('SIGTERM', onSigterm);
  target.on('beforeExit', onBeforeExit);
  return unhook;
}
