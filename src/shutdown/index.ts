/**
 * The shutdown coordinator: components join it, and on SIGTERM / SIGINT the process exits only when
 * every joined task has finished or the time limit has passed. A leaf every layer may use.
 * @packageDocumentation
 */
export {
  createShutdownCoordinator,
  DEFAULT_SHUTDOWN_TIMEOUT_MS,
  type ShutdownCoordinator,
  type ShutdownCoordinatorOptions,
} from './coordinator.js';
export { defaultShutdownCoordinator, onShutdown } from './default.js';
export type {
  ShutdownContext,
  ShutdownProcess,
  ShutdownReport,
  ShutdownTask,
  ShutdownTaskOptions,
  ShutdownTaskOutcome,
  ShutdownTrigger,
} from './types.js';
