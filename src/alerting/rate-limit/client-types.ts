/**
 * The part of a `Storage` client of `@google-cloud/storage` (an optional peer) that
 * `gcsRateLimitStore` needs, declared structurally so that the package's public types need no
 * optional peer. A real `Storage` is one (`test/types/client-types.ts` proves it). The store opens
 * its bucket through a sibling client of the same class (same credentials, endpoint and project, its
 * own retries off), so the given client is only read, never called.
 * @module
 */

/**
 * What the GCS rate-limit store reads from a `Storage` of `@google-cloud/storage`.
 *
 * @example
 * ```ts
 * import { Storage } from '@google-cloud/storage';
 * import { gcsRateLimitStore, type GcsStorageClient } from 'gcp-pipeline-resilience';
 * const storage: GcsStorageClient = new Storage(); // a real client is one
 * const store = gcsRateLimitStore({ storage, bucket: 'my-project-alert-state' });
 * ```
 */
export interface GcsStorageClient {
  bucket(name: string): {
    file(name: string): {
      getMetadata(): Promise<unknown>;
      save(data: string, options?: object): Promise<unknown>;
    };
  };
}
