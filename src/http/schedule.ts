import type { Clock } from '../retry/index.js';

/**
 * Runs `callback` after `ms` on the clock's timers (virtual ones in tests), or on `setTimeout` when the
 * clock has none; returns the cancel function. The timer does not keep the process alive.
 */
export function scheduleOn(clock: Clock, ms: number, callback: () => void): () => void {
  if (clock.schedule !== undefined) return clock.schedule(ms, callback);
  const timer = setTimeout(callback, ms);
  timer.unref?.();
  return () => clearTimeout(timer);
}
