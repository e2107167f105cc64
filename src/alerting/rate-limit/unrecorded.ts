/**
 * Deliveries this instance made while the shared store could not be asked, per alert key, until they
 * are written back to the store. Without them, the store's record of a key misses the outage's
 * deliveries, and once it answers again every instance (this one too) may send the key once more in
 * the same window.
 * @module
 */
import type { WindowRule } from './state.js';

/** Keys held before the ones whose window has passed are swept away (a long outage, many keys). */
const SWEEP_AT = 1000;

interface KeyTimes {
  rule: WindowRule;
  /** Delivery times, epoch ms. */
  times: number[];
}

/** Outage deliveries not yet in the store; each is kept only while it is in its key's window. */
export class UnrecordedDeliveries {
  readonly #byKey = new Map<string, KeyTimes>();

  /** A delivery of `key` at `at` that the store has not recorded. */
  add(key: string, rule: WindowRule, at: number): void {
    const entry = this.#byKey.get(key);
    if (entry === undefined) this.#byKey.set(key, { rule, times: [at] });
    else {
      entry.rule = rule;
      entry.times.push(at);
    }
    if (this.#byKey.size > SWEEP_AT) for (const each of [...this.#byKey.keys()]) this.of(each, at);
  }

  /** The unrecorded deliveries of `key` still in its window at `now` (the others are forgotten). */
  of(key: string, now: number): number[] {
    const entry = this.#byKey.get(key);
    if (entry === undefined) return [];
    entry.times = entry.times.filter((t) => now - t < entry.rule.windowMs);
    if (entry.times.length === 0) this.#byKey.delete(key);
    return [...entry.times];
  }

  /** Every key with unrecorded deliveries in its window at `now`, but `except`. */
  keys(now: number, except: string): Array<{ key: string; rule: WindowRule; times: number[] }> {
    const out: Array<{ key: string; rule: WindowRule; times: number[] }> = [];
    for (const [key, entry] of [...this.#byKey]) {
      if (key === except) continue;
      const times = this.of(key, now);
      if (times.length > 0) out.push({ key, rule: entry.rule, times });
    }
    return out;
  }

  /** `times` of `key` are in the store now. */
  written(key: string, times: readonly number[]): void {
    const entry = this.#byKey.get(key);
    if (entry === undefined) return;
    entry.times = entry.times.filter((t) => !times.includes(t));
    if (entry.times.length === 0) this.#byKey.delete(key);
  }
}
