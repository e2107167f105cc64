import type { NodeSignal } from '../shared/node-types.js';
/**
 * The part of `process` the shutdown coordinator uses: signal and `beforeExit` listeners and
 * `kill`. Tests pass an `EventEmitter` with a `kill` and a `pid`.
 *
 * @example
 * ```ts
 * import { createShutdownCoordinator, type ShutdownProcess } from 'gcp-pipeline-resilience';
 * // A process stand-in for a test: records listeners and kills instead of ending the run.
 * const listeners = new Map<string, () => void>();
 * const fake: ShutdownProcess = {
 *   on: (event, listener) => listeners.set(event, listener),
 *   off: (event) => listeners.delete(event),
 *   listenerCount: (event) => (listeners.has(event) ? 1 : 0),
 *   kill: () => true,
 *   pid: 1,
 * };
 * const coordinator = createShutdownCoordinator({ process: fake, signals: ['SIGTERM'] });
 * ```
 */
export interface ShutdownProcess {
  on(event: string, listener: () => void): unknown;
  off(event: string, listener: () => void): unknown;
  listenerCount(event: string): number;
  kill(pid: number, signal: NodeSignal): unknown;
  readonly pid: number;
}

/**
 * What started a shutdown: a signal, the event loop running empty (`beforeExit`), or a call to
 * `coordinator.shutdown()`.
 *
 * @example
 * ```ts
 * import { createShutdownCoordinator, type ShutdownTrigger } from 'gcp-pipeline-resilience';
 * const coordinator = createShutdownCoordinator();
 * async function drain(trigger: ShutdownTrigger) {
 *   const report = await coordinator.shutdown(trigger);
 *   return report.tasks.filter((t) => t.status !== 'completed');
 * }
 * process.once('SIGUSR2', () => void drain('SIGUSR2'));
 * ```
 */
export type ShutdownTrigger = NodeSignal | 'beforeExit' | 'manual';

/**
 * What a shutdown task receives: why the process is going down, and a signal that aborts when the
 * task's time is up (pass it on to the work so it stops).
 *
 * @example
 * ```ts
 * import { onShutdown, type ShutdownContext } from 'gcp-pipeline-resilience';
 * onShutdown(async ({ signal, trigger }: ShutdownContext) => {
 *   console.log(`draining after ${trigger}`);
 *   await fetch('http://127.0.0.1:8080/drain', { signal });
 * });
 * ```
 */
export interface ShutdownContext {
  readonly trigger: ShutdownTrigger;
  /** Aborts (with an `OperationTimeoutError`-like reason) when the task's time limit passes. */
  readonly signal: AbortSignal;
}

/**
 * A shutdown task: flush a buffer, close a pool, drain a subscription. It may return a promise; the
 * process waits for it (up to the time limit). A task that throws or rejects is reported, and the
 * other tasks still run.
 *
 * @example
 * ```ts
 * import { onShutdown, type ShutdownTask } from 'gcp-pipeline-resilience';
 * declare const pool: { end(): Promise<void> }; // e.g. a database pool
 * const closePool: ShutdownTask = async () => { await pool.end(); };
 * onShutdown(closePool, { name: 'db pool' });
 * ```
 */
export type ShutdownTask = (context: ShutdownContext) => unknown;

/**
 * Options of {@link ShutdownCoordinator.onShutdown}.
 *
 * @example
 * ```ts
 * import { onShutdown, type ShutdownTaskOptions, UnresolvedPlayerTracker } from 'gcp-pipeline-resilience';
 * declare const tracker: UnresolvedPlayerTracker;
 * const options: ShutdownTaskOptions = { name: 'flush nba unresolved players', timeoutMs: 5_000 };
 * onShutdown(() => tracker.flush(), options);
 * ```
 */
export interface ShutdownTaskOptions {
  /** The task's name in logs and in the report. Default `task-<n>`. */
  name?: string;
  /** The task's own limit, ms, within the coordinator's total limit. Default: the total limit. */
  timeoutMs?: number;
}

/**
 * How one task ended.
 *
 * @example
 * ```ts
 * import { createShutdownCoordinator, type ShutdownTaskOutcome } from 'gcp-pipeline-resilience';
 * const coordinator = createShutdownCoordinator();
 * const report = await coordinator.shutdown();
 * const unfinished: ShutdownTaskOutcome[] = report.tasks.filter((t) => t.status !== 'completed');
 * if (unfinished.length > 0) process.exitCode = 1;
 * ```
 */
export interface ShutdownTaskOutcome {
  name: string;
  status: 'completed' | 'failed' | 'timed_out';
  /** What the task threw or rejected with (`failed` only). */
  error?: unknown;
}

/**
 * What a shutdown did: every task and how it ended.
 *
 * @example
 * ```ts
 * import { createShutdownCoordinator } from 'gcp-pipeline-resilience';
 * const coordinator = createShutdownCoordinator();
 * const report = await coordinator.shutdown();
 * for (const t of report.tasks) if (t.status !== 'completed') console.error(t.name, t.status);
 * ```
 */
export interface ShutdownReport {
  trigger: ShutdownTrigger;
  tasks: ShutdownTaskOutcome[];
}
