/**
 * Virtual time for tests: a {@link Clock} whose sleeps and timers run without waiting.
 * @module
 */
import { abortReason } from '../retry/clock.js';
import type { Clock } from '../retry/index.js';

/**
 * A {@link Clock} for tests: virtual time that only moves when told to.
 *
 * @example
 * ```ts
 * import { createTestClock } from 'gcp-pipeline-resilience/testing';
 *
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
 * import { createTestClock } from 'gcp-pipeline-resilience/testing';
 *
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

/** A NaN or infinite time would make `now()` NaN or Infinity for the rest of the test, silently. */
function finite(what: string, ms: number): number {
  if (!Number.isFinite(ms))
    throw new RangeError(`createTestClock: ${what} must be a finite number, got ${ms}`);
  return ms;
}

/**
 * Creates a {@link TestClock}. `sleep(ms)` resolves at once and advances `now()` by `ms` (firing any
 * timer that falls due), so `retry` runs to completion without real time; it records each requested
 * sleep in `.sleeps` and honors a signal that is already aborted by rejecting with its reason.
 * `schedule` registers a virtual timer that fires when `advance` or `sleep` moves time past it.
 *
 * @example
 * ```ts
 * import { retry, ServiceUnavailableError } from 'gcp-pipeline-resilience';
 * import { createTestClock } from 'gcp-pipeline-resilience/testing';
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
  let current = finite('startMs', options.startMs ?? 0);
  let seq = 0;
  const sleeps: number[] = [];
  const timers: VirtualTimer[] = [];

  const advance = (ms: number): void => {
    const target = current + Math.max(0, finite('advance: ms', ms));
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
      if (signal?.aborted) return Promise.reject(abortReason(signal));
      try {
        advance(finite('sleep: ms', ms));
      } catch (error) {
        return Promise.reject(error);
      }
      return Promise.resolve();
    },
    schedule(ms: number, callback: () => void): () => void {
      // Infinity is a timer that never fires (a timeout switched off); NaN is a mistake.
      if (Number.isNaN(ms)) throw new RangeError(`createTestClock: schedule: ms must be a number, got ${ms}`);
      const timer: VirtualTimer = { dueAt: current + Math.max(0, ms), seq: seq++, callback };
      timers.push(timer);
      return () => {
        const i = timers.indexOf(timer);
        if (i !== -1) timers.splice(i, 1);
      };
    },
  };
}
