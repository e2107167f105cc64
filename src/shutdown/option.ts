import type { ShutdownCoordinator } from './coordinator.js';

/**
 * Checks a `shutdown` option: a coordinator (anything with `onShutdown`), `false` (join none), or
 * absent (the process-wide one). Anything else is a TypeError naming `where`.
 */
export function shutdownOption(value: unknown, where: string): ShutdownCoordinator | false | undefined {
  if (value === undefined || value === false) return value;
  if (
    typeof value !== 'object' ||
    value === null ||
    typeof (value as Partial<ShutdownCoordinator>).onShutdown !== 'function'
  ) {
    throw new TypeError(
      `${where}: option shutdown must be a shutdown coordinator (with onShutdown) or false, got ${value === true ? 'true' : typeof value}`,
    );
  }
  return value as ShutdownCoordinator;
}
