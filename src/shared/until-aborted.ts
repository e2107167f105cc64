import { abortReason } from '../retry/clock.js';
import { onAbort } from './abort-fanout.js';

/**
 * `work`, or a rejection with the signal's reason as soon as `signal` aborts: a call that does not
 * listen to the signal (a gRPC call in flight, a channel that ignores it) cannot hold its caller past
 * the abort. `work` itself goes on; only the wait for it ends. Internal: not exported from the package.
 */
export async function untilAborted<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return work;
  if (signal.aborted) {
    // The work still runs: a rejection of it nobody waits for must not end the process.
    work.catch(() => undefined);
    throw abortReason(signal);
  }
  // Through the fan-out: one listener on a signal many calls share (a run's alerts, its checks).
  let unsubscribe = (): void => {};
  const aborted = new Promise<never>((_, reject) => {
    unsubscribe = onAbort(signal, () => reject(abortReason(signal)));
  });
  try {
    return await Promise.race([work, aborted]);
  } finally {
    // No catch on `work` here: the race already handles its later rejection.
    unsubscribe();
  }
}
