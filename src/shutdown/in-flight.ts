import type { ShutdownCoordinator } from './coordinator.js';

/**
 * Runs `work` as a task of `coordinator` for as long as it is in flight: a SIGTERM that arrives
 * meanwhile waits for it to settle (done, or failed and reported to its caller) before the process
 * exits, instead of cutting it off half-way. The task only waits; it never aborts `work`, which
 * would leave the very half-done state the wait avoids. The task leaves once `work` settles.
 */
export async function whileInFlight<T>(
  coordinator: ShutdownCoordinator,
  name: string,
  work: () => Promise<T>,
): Promise<T> {
  let settled = (): void => {};
  const finished = new Promise<void>((resolve) => {
    settled = resolve;
  });
  const leave = coordinator.onShutdown(() => finished, { name });
  try {
    return await work();
  } finally {
    settled();
    leave();
  }
}
