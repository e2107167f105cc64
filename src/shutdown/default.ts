import { createShutdownCoordinator, type ShutdownCoordinator } from './coordinator.js';
import type { ShutdownTask, ShutdownTaskOptions } from './types.js';

let processCoordinator: ShutdownCoordinator | undefined;

/**
 * The process-wide coordinator behind {@link onShutdown} (SIGTERM and SIGINT, 8 s in total),
 * created on first use. Use it to wait for the tasks from your own signal handler, or to run them
 * at the end of a script.
 *
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * import { defaultShutdownCoordinator } from 'gcp-pipeline-resilience';
 *
 * const server = createServer().listen(8080);
 * process.on('SIGTERM', async () => {
 *   server.close();
 *   await defaultShutdownCoordinator().shutdown('SIGTERM'); // every flush finished or timed out
 *   process.exit(0);
 * });
 * ```
 */
export function defaultShutdownCoordinator(): ShutdownCoordinator {
  processCoordinator ??= createShutdownCoordinator();
  return processCoordinator;
}

/**
 * Joins the process-wide shutdown: when the process gets SIGTERM (Cloud Run's, Cloud Functions' and
 * Kubernetes' way of saying "stop") or SIGINT, every joined task runs at once, and the process exits
 * only when all of them have finished or 8 s have passed (Cloud Run kills at 10 s). Returns the
 * function that leaves again. Any component that must write or release something joins here; the
 * unresolved-player tracker's `flushOnExit()` does.
 *
 * @example
 * ```ts
 * import { onShutdown, UnresolvedPlayerTracker } from 'gcp-pipeline-resilience';
 * declare const nbaTracker: UnresolvedPlayerTracker, mlbTracker: UnresolvedPlayerTracker;
 *
 * const leave = onShutdown(() => nbaTracker.flush(), { name: 'nba unresolved players' });
 * onShutdown(() => mlbTracker.flush(), { name: 'mlb unresolved players' });
 * // both flush on SIGTERM; the process exits after the slower one
 * ```
 */
export function onShutdown(task: ShutdownTask, options?: ShutdownTaskOptions): () => void {
  return defaultShutdownCoordinator().onShutdown(task, options);
}
