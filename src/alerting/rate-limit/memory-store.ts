import type { RateLimitStore, StoredRecord } from './store.js';

/**
 * A {@link RateLimitStore} in this process's memory: for tests and for a single long-lived process.
 * It is **not shared**: every instance of a Cloud Run service or Cloud Function has its own, and a
 * cold start begins empty, so N instances may each send the same alert. Give instances a shared
 * store such as {@link gcsRateLimitStore} instead.
 *
 * @example
 * ```ts
 * import { createAlertManager, memoryRateLimitStore } from 'gcp-pipeline-resilience';
 * const store = memoryRateLimitStore();
 * const a = createAlertManager({ store });
 * const b = createAlertManager({ store }); // shares a's limits (same process)
 * ```
 */
export function memoryRateLimitStore(): RateLimitStore {
  const records = new Map<string, StoredRecord>();
  let version = 0;
  return {
    name: 'memory',
    async read(key) {
      const record = records.get(key);
      return record && { ...record };
    },
    async write(key, text, expectedVersion) {
      if (records.get(key)?.version !== expectedVersion) return false;
      version++;
      records.set(key, { text, version: String(version) });
      return true;
    },
  };
}
