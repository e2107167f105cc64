import { abortReason } from '../retry/clock.js';

/** One caller waiting in a FIFO queue, removable when its signal aborts. */
export interface Waiter {
  resolve(): void;
  reject(reason: unknown): void;
  /** Detaches the abort listener once the waiter is served. */
  done(): void;
}

/**
 * Queues a waiter and returns its promise. An abort of `signal` takes it out of the queue and rejects
 * with the signal's reason; `onAbort` then lets the owner serve the next waiter.
 */
export function enqueue(
  queue: Waiter[],
  signal: AbortSignal | undefined,
  onAbort: () => void,
): Promise<void> {
  if (signal?.aborted) return Promise.reject(abortReason(signal));
  return new Promise<void>((resolve, reject) => {
    const abort = (): void => {
      const index = queue.indexOf(waiter);
      if (index !== -1) queue.splice(index, 1);
      // Only ever added to a signal, so `signal` is set here.
      reject(abortReason(signal as AbortSignal));
      onAbort();
    };
    const waiter: Waiter = {
      resolve,
      reject,
      done: () => signal?.removeEventListener('abort', abort),
    };
    signal?.addEventListener('abort', abort, { once: true });
    queue.push(waiter);
  });
}
