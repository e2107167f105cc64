import type { ShutdownCoordinator } from '../shutdown/index.js';

/**
 * Options of `tracker.flushOnExit()`.
 *
 * @example
 * ```ts
 * import { createShutdownCoordinator, type FlushOnExitOptions, type UnresolvedPlayerTracker } from 'gcp-pipeline-resilience';
 * declare const tracker: UnresolvedPlayerTracker;
 * // A Cloud Run service with a 30 s termination grace: a longer total limit, 5 s for this flush.
 * const options: FlushOnExitOptions = { coordinator: createShutdownCoordinator({ timeoutMs: 20_000 }), timeoutMs: 5_000 };
 * tracker.flushOnExit(options);
 * ```
 */
export interface FlushOnExitOptions {
  /**
   * The shutdown to join. Default: the process-wide one (`onShutdown`: SIGTERM and SIGINT, 8 s in
   * total), which every other tracker and component of the process joins too.
   */
  coordinator?: ShutdownCoordinator;
  /** This flush's own limit, ms, within the coordinator's total. Default: the total. */
  timeoutMs?: number;
  /** Its name in shutdown logs and reports. Default `unresolved players (<table>)`. */
  name?: string;
}
