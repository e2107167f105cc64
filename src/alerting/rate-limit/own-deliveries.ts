/**
 * What this instance itself delivered, per alert key: the limit it still applies when the shared
 * store cannot answer. A store outage then turns the shared limit into a per-instance one instead of
 * none: the duplicates of one window are bounded by the number of instances, not by the number of
 * sends (every monitor run, every failed batch of every instance).
 * @module
 */
import type { WindowRule } from './state.js';

/** Keys held before the ones whose window has passed are swept away. */
const SWEEP_AT = 1000;

interface KeyDeliveries {
  windowMs: number;
  /** Delivery times, epoch ms, ascending; only those still in the window are kept. */
  times: number[];
}

/** This instance's deliveries per key, kept for the window of the key's rule. */
export class OwnDeliveries {
  readonly #byKey = new Map<string, KeyDeliveries>();

  /** A delivery of `key` at `at` (any kind: allowed, forced, or sent without the store). */
  record(key: string, rule: WindowRule, at: number): void {
    const entry = this.#byKey.get(key) ?? { windowMs: rule.windowMs, times: [] };
    entry.windowMs = rule.windowMs;
    entry.times = [...inWindow(entry.times, at, rule.windowMs), at].sort((a, b) => a - b).slice(-rule.max);
    this.#byKey.set(key, entry);
    if (this.#byKey.size > SWEEP_AT) this.#sweep(at);
  }

  /**
   * When this instance alone already filled `key`'s window at `now` (deliveries and reservations of
   * sends still running): how many, and when the next slot frees. `undefined` when it may send.
   */
  full(key: string, rule: WindowRule, now: number): { sent: number; nextAllowedAt: number } | undefined {
    const times = inWindow(this.#byKey.get(key)?.times ?? [], now, rule.windowMs);
    if (times.length < rule.max) return undefined;
    const oldest = times[times.length - rule.max] ?? now;
    return { sent: times.length, nextAllowedAt: oldest + rule.windowMs };
  }

  /**
   * Takes a slot of `key`'s window at `at` for a send about to run, so that sends of the same key
   * running at once on this instance cannot all pass `full`: the window is full, or the slot is
   * taken. Give it back with `release` when nothing was delivered.
   */
  reserve(key: string, rule: WindowRule, at: number): { sent: number; nextAllowedAt: number } | undefined {
    const full = this.full(key, rule, at);
    if (full === undefined) this.record(key, rule, at);
    return full;
  }

  /** Gives back a slot taken by `reserve` at `at` whose send delivered nothing. */
  release(key: string, at: number): void {
    const entry = this.#byKey.get(key);
    const index = entry?.times.lastIndexOf(at) ?? -1;
    if (entry !== undefined && index >= 0) entry.times.splice(index, 1);
  }

  #sweep(now: number): void {
    for (const [key, entry] of this.#byKey) {
      if (inWindow(entry.times, now, entry.windowMs).length === 0) this.#byKey.delete(key);
    }
  }
}

/**
 * The times inside the window that ends at `now`. A time ahead of `now` (the clock was stepped back)
 * is dropped: holding an alert back on it could last as long as the step; sending is the safe side.
 */
function inWindow(times: number[], now: number, windowMs: number): number[] {
  return times.filter((t) => t <= now && now - t < windowMs);
}
