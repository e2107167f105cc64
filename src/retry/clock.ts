import { onAbort } from '../shared/abort-fanout.js';

/**
 * The source of time for the retry engine and the circuit breaker. Inject `createTestClock()` (from
 * `gcp-pipeline-resilience/testing`) in tests so that nothing really sleeps.
 *
 * @example
 * ```ts
 * import { type Clock, systemClock } from 'gcp-pipeline-resilience';
 * const clock: Clock = systemClock;
 * const controller = new AbortController();
 * await clock.sleep(250, controller.signal); // rejects with signal.reason if aborted meanwhile
 * ```
 */
export interface Clock {
  /** Milliseconds since some fixed origin (only differences matter). */
  now(): number;
  /**
   * Resolves after `ms`. If `signal` aborts first, rejects at once with `signal.reason` and leaves
   * no timer behind; if it is already aborted, rejects without waiting.
   */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /**
   * Runs `callback` after `ms` and returns a function that cancels it. Used for attempt timeouts
   * and deadlines. Optional: when a custom clock leaves it out, the global `setTimeout` is used.
   */
  schedule?(ms: number, callback: () => void): () => void;
}

/**
 * @internal What an aborted `signal` rejects with: its `reason`, or, from a polyfill that leaves it
 * undefined, a `DOMException` 'AbortError' as Node's own `abort()` gives, so that `catch (e)` never
 * gets undefined. A caller's explicit `null` is theirs and stays.
 */
export const abortReason = (signal: AbortSignal): unknown => {
  if (signal.reason !== undefined) return signal.reason;
  // One per signal, as a platform signal keeps its one reason: every layer rejects with the same
  // object, so `thrown === abortReason(signal)` tells the caller's abort from a failure.
  let made = madeReasons.get(signal);
  if (made === undefined) {
    made = new DOMException('This operation was aborted', 'AbortError');
    madeReasons.set(signal, made);
  }
  return made;
};

const madeReasons = /* @__PURE__ */ new WeakMap<AbortSignal, DOMException>();

/**
 * The real clock: `Date.now()` and `setTimeout`. Sleeps are cancellable and clear their timer on
 * abort, so an aborted retry keeps nothing alive.
 *
 * @example
 * ```ts
 * import { retry, systemClock } from 'gcp-pipeline-resilience';
 * declare function getGames(): Promise<Response>; // must throw on a failed status: fetch resolves on a 503
 * await retry(getGames, { clock: systemClock }); // the default
 * ```
 */
export const systemClock: Clock = /* @__PURE__ */ Object.freeze({
  now: () => Date.now(),
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal === undefined) return new Promise<void>((resolve) => setTimeout(resolve, ms));
    if (signal.aborted) return Promise.reject(abortReason(signal));
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        unsubscribe();
        resolve();
      }, ms);
      // One listener on the signal however many calls sleep on it (see abort-fanout.ts).
      const unsubscribe = onAbort(signal, () => {
        clearTimeout(timer);
        reject(abortReason(signal));
      });
    });
  },
  schedule(ms: number, callback: () => void): () => void {
    const timer = setTimeout(callback, ms);
    return () => clearTimeout(timer);
  },
});
