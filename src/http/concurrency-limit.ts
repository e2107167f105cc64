import { abortReason } from '../retry/clock.js';
import { enqueue, type Waiter } from './waiters.js';

/**
 * A FIFO semaphore: at most `max` holders at once; the others wait in arrival order. A waiter whose
 * signal aborts leaves the queue at once with the signal's reason and never holds a slot.
 *
 * @example
 * ```ts
 * import { ConcurrencyLimit } from 'gcp-pipeline-resilience';
 * const signal = AbortSignal.timeout(30_000);
 * const url = 'https://api.example.com/v1/games';
 * const limit = new ConcurrencyLimit(4);
 * await limit.acquire(signal);
 * try {
 *   await fetch(url, { signal });
 * } finally {
 *   limit.release();
 * }
 * ```
 */
export class ConcurrencyLimit {
  readonly max: number;
  #active = 0;
  readonly #queue: Waiter[] = [];
  /**
   * Held while callers wait: a slot may come back only on a timer that does not hold the process
   * (a live body's idle release), and a caller awaiting it must not see the process exit first.
   */
  #hold: ReturnType<typeof setInterval> | undefined;

  constructor(max: number) {
    if (!(Number.isInteger(max) && max >= 1)) {
      throw new RangeError(`maxConcurrent must be a positive integer; got ${String(max)}`);
    }
    this.max = max;
  }

  /** Holders right now. */
  get active(): number {
    return this.#active;
  }

  /** Callers waiting for a slot. */
  get queued(): number {
    return this.#queue.length;
  }

  /** Resolves when the caller holds a slot; pair every resolved call with one `release()`. */
  acquire(signal?: AbortSignal): Promise<void> {
    if (this.#active < this.max && this.#queue.length === 0) {
      if (signal?.aborted) return Promise.reject(abortReason(signal));
      this.#active++;
      return Promise.resolve();
    }
    const waiting = enqueue(this.#queue, signal, () => this.#letGo());
    if (this.#queue.length > 0) this.#hold ??= setInterval(() => {}, 2 ** 30);
    return waiting;
  }

  #letGo(): void {
    if (this.#queue.length > 0) return;
    clearInterval(this.#hold);
    this.#hold = undefined;
  }

  /** Gives the slot to the longest waiter, or frees it. */
  release(): void {
    const next = this.#queue.shift();
    this.#letGo();
    if (next === undefined) {
      this.#active = Math.max(0, this.#active - 1);
      return;
    }
    next.done();
    next.resolve();
  }
}
