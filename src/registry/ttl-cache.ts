import type { Clock } from '../retry/index.js';

interface CacheEntry<V> {
  value: V;
  writtenAt: number;
}

/**
 * A bounded TTL map. Expired entries are dropped when read; past `maxEntries` the least recently
 * written entry goes first (a Map keeps insertion order, and a write re-inserts).
 *
 * @internal
 */
export class TtlCache<V> {
  readonly #entries = new Map<string, CacheEntry<V>>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries: number,
    private readonly clock: Pick<Clock, 'now'>,
  ) {}

  get size(): number {
    return this.#entries.size;
  }

  /** The live value, or `undefined` when absent or expired. */
  get(key: string): { value: V } | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    // Live only within the TTL after it was written. A time before that (the clock was stepped back)
    // is expired too: kept, the entry would live as long as the step (an hour's stale miss).
    const age = this.clock.now() - entry.writtenAt;
    if (!(age >= 0 && age < this.ttlMs)) {
      this.#entries.delete(key);
      return undefined;
    }
    return { value: entry.value };
  }

  set(key: string, value: V): void {
    if (this.ttlMs <= 0) return;
    this.#entries.delete(key);
    this.#entries.set(key, { value, writtenAt: this.clock.now() });
    while (this.#entries.size > this.maxEntries) {
      const oldest = this.#entries.keys().next();
      if (oldest.done) break;
      this.#entries.delete(oldest.value);
    }
  }

  clear(): void {
    this.#entries.clear();
  }
}
