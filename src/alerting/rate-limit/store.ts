/**
 * A compare-and-set register per alert key: what the shared rate limit keeps its records in.
 *
 * `read` returns the record's text and an opaque `version`; `write` replaces it only if the version is
 * still the one read (`undefined`: only if there is no record yet), and answers `false` when another
 * writer came first. Nothing else is asked of a store, so any service with a conditional write fits:
 * a GCS object generation ({@link gcsRateLimitStore}), a Firestore update time, a Redis `WATCH`, a SQL
 * row version. A store that throws (or does not answer in time) makes the alert manager send anyway and
 * say so (`rateLimit: 'unavailable'`), within a limit per instance.
 *
 * @example
 * ```ts
 * import { createAlertManager, type RateLimitStore } from 'gcp-pipeline-resilience';
 * const records = new Map<string, { text: string; version: string }>();
 * let version = 0;
 * const store: RateLimitStore = {
 *   name: 'my-store',
 *   async read(key) {
 *     return records.get(key);
 *   },
 *   async write(key, text, expectedVersion) {
 *     if (records.get(key)?.version !== expectedVersion) return false;
 *     records.set(key, { text, version: String(++version) });
 *     return true;
 *   },
 * };
 * const alerts = createAlertManager({ store });
 * ```
 */
export interface RateLimitStore {
  /** For results and logs: `'memory'`, `'gcs'`, ... */
  readonly name: string;
  read(key: string, signal?: AbortSignal): Promise<StoredRecord | undefined>;
  /** Writes `text` if the record's version is still `expectedVersion`; `false` when it is not. */
  write(
    key: string,
    text: string,
    expectedVersion: string | undefined,
    signal?: AbortSignal,
  ): Promise<boolean>;
}

/**
 * One record as a store returns it.
 *
 * @example
 * ```ts
 * import { createAlertManager, type RateLimitStore, type StoredRecord } from 'gcp-pipeline-resilience';
 * // A store over a Map, versioned by a counter (compare-and-set, as a shared store must be).
 * const records = new Map<string, StoredRecord>();
 * let version = 0;
 * const store: RateLimitStore = {
 *   name: 'map',
 *   async read(key) {
 *     return records.get(key);
 *   },
 *   async write(key, text, expectedVersion) {
 *     if (records.get(key)?.version !== expectedVersion) return false;
 *     records.set(key, { text, version: String(++version) });
 *     return true;
 *   },
 * };
 * const alerts = createAlertManager({ store });
 * ```
 */
export interface StoredRecord {
  text: string;
  /** Opaque; compared for equality only. */
  version: string;
}
