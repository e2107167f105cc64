import { onAbort } from '../shared/abort-fanout.js';

/**
 * The source of time for the retry engine and the circuit breaker. Inject {@link createTestClock}
 * in tests so that nothing really sleeps.
 *
 * @example
 * ```ts
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
 * The real clock: `Date.now()` and `setTimeout`. Sleeps are cancellable and clear their timer on
 * abort, so an aborted retry keeps nothing alive.
 *
 * @example
 * ```ts
 * await retry(() => fetch('https://api.example.com/v1/games'), { clock: systemClock }); // the default
 * ```
 */
export const systemClock: Clock = Object.freeze({
  now: () => Date.now(),
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal === undefined) return new Promise<void>((resolve) => setTimeout(resolve, ms));
    if (signal.aborted) return Promise.reject(signal.reason);
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        unsubscribe();
        resolve();
      }, ms);
      // One listener on the signal however many calls sleep on it (see abort-fanout.ts).
      const unsubscribe = onAbort(signal, () => {
        clearTimeout(timer);
        reject(signal.reason);
      });
    });
  },
  schedule(ms: number, callback: () => void): () => void {
    const timer = setTimeout(callback, ms);
    return () => clearTimeout(timer);
  },
});

/**
 * A {@link Clock} for tests: virtual time that only moves when told to.
 *
 * @example
 * ```ts
 * const clock = createTestClock();
 * await clock.sleep(1000);
 * clock.now();     // 1000
 * clock.sleeps;    // [1000]
 * ```
 */
export interface TestClock extends Clock {
  /** Every sleep requested, in order, in ms (including sleeps that were aborted up front). */
  readonly sleeps: number[];
  /** Timers scheduled with `schedule` that have neither fired nor been cancelled. */
  readonly pendingTimers: number;
  /** Moves time forward by `ms`, firing every scheduled timer that falls due, in order. */
  advance(ms: number): void;
  schedule(ms: number, callback: () => void): () => void;
}

/**
 * Options of {@link createTestClock}.
 *
 * @example
 * ```ts
 * const clock = createTestClock({ startMs: Date.parse('2026-01-24T00:00:00Z') });
 * ```
 */
export interface TestClockOptions {
  /** The initial value of `now()`. Default 0. */
  startMs?: number;
}

interface VirtualTimer {
  readonly dueAt: number;
  readonly seq: number;
  readonly callback: () => void;
}

/**
 * Creates a {@link TestClock}. `sleep(ms)` resolves at once and advances `now()` by `ms` (firing any
 * timer that falls due), so `retry` runs to completion without real time; it records each requested
 * sleep in `.sleeps` and honours a signal that is already aborted by rejecting with its reason.
 * `schedule` registers a virtual timer that fires when `advance` or `sleep` moves time past it.
 *
 * @example
 * ```ts
 * const clock = createTestClock();
 * let calls = 0;
 * const result = await retry(
 *   async () => {
 *     if (++calls < 3) throw new ServiceUnavailableError('backend busy');
 *     return 'ok';
 *   },
 *   { clock },
 * );
 * clock.sleeps.length; // 2: two waits, no real time spent
 * ```
 */
export function createTestClock(options: TestClockOptions = {}): TestClock {
  let current = options.startMs ?? 0;
  let seq = 0;
  const sleeps: number[] = [];
  const timers: VirtualTimer[] = [];

  const advance = (ms: number): void => {
    const target = current + Math.max(0, ms);
    for (;;) {
      let next: VirtualTimer | undefined;
      for (const t of timers) {
        if (
          t.dueAt <= target &&
          (next === undefined || t.dueAt < next.dueAt || (t.dueAt === next.dueAt && t.seq < next.seq))
        ) {
          next = t;
        }
      }
      if (next === undefined) break;
      timers.splice(timers.indexOf(next), 1);
      current = Math.max(current, next.dueAt);
      next.callback();
    }
    current = target;
  };

  return {
    sleeps,
    get pendingTimers() {
      return timers.length;
    },
    now: () => current,
    advance,
    sleep(ms: number, signal?: AbortSignal): Promise<void> {
      sleeps.push(ms);
      if (signal?.aborted) return Promise.reject(signal.reason);
      advance(ms);
      return Promise.resolve();
    },
    schedule(ms: number, callback: () => void): () => void {
      const timer: VirtualTimer = { dueAt: current + Math.max(0, ms), seq: seq++, callback };
      timers.push(timer);
      return () => {
        const i = timers.indexOf(timer);
        if (i !== -1) timers.splice(i, 1);
      };
    },
  };
}
