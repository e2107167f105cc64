import type { Bucket, Storage, StorageOptions } from '@google-cloud/storage';
import * as z from 'zod';
import { PreconditionFailedError, toPipelineError } from '../../errors/index.js';
import { removeSecrets } from '../../errors/redact.js';
import { lazy } from '../../shared/lazy.js';
import { nodeCrypto } from '../../shared/node-crypto.js';
import { parseOptions, positiveInt } from '../checks.js';
import type { GcsStorageClient } from './client-types.js';
import type { RateLimitStore } from './store.js';

/**
 * Options of {@link gcsRateLimitStore}.
 *
 * @example
 * ```ts
 * import { createAlertManager, gcsRateLimitStore, type GcsRateLimitStoreOptions } from 'gcp-pipeline-resilience';
 * import { Storage } from '@google-cloud/storage';
 * const stateIn = (bucket: string): GcsRateLimitStoreOptions => ({ storage: new Storage(), bucket });
 * const alerts = createAlertManager({ store: gcsRateLimitStore(stateIn('my-project-alert-state')) });
 * ```
 */
export interface GcsRateLimitStoreOptions {
  /** A `Storage` client of `@google-cloud/storage` (an optional peer); its credentials and endpoint are used. */
  storage: GcsStorageClient;
  /** The bucket (it must exist; the identity needs `storage.objects.get` and `storage.objects.create`). */
  bucket: string;
  /** Object name prefix. Default `'gpr-alert-rate-limits/'`. */
  prefix?: string;
  /**
   * Per request, ms. Default 2000. The client's own retries are off: the alert manager asks again
   * after a request that timed out, for as long as its `storeTimeoutMs` lasts.
   */
  requestTimeoutMs?: number;
}

const schema = lazy(() =>
  z.strictObject({
    storage: z.custom<GcsStorageClient>(
      (v) => typeof v === 'object' && v !== null && typeof (v as GcsStorageClient).bucket === 'function',
      { message: 'expected a Storage client of @google-cloud/storage' },
    ),
    bucket: z.string().regex(/^[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]$/, {
      message: 'expected a bucket name (3-222 lower-case letters, digits, . _ -)',
    }),
    prefix: z.string().max(200).optional(),
    requestTimeoutMs: positiveInt(120_000).optional(),
  }),
);

/** The record lives in this custom metadata key: one GET reads it with the object's generation. */
const STATE_KEY = 'gpr-rate-limit';

/**
 * The characters of a key that are %-escaped: all but these, taken a code point at a time (the `u`
 * flag), so an emoji is escaped whole and not as two halves, which `encodeURIComponent` refuses.
 */
const SAFE = /[^A-Za-z0-9._:-]/gu;

/**
 * One character of a key, escaped: UTF-8 %-escapes, or `%u` and the code unit for a lone surrogate
 * (half an emoji, which has no UTF-8 form; `%u` never comes out of `encodeURIComponent`, so no two
 * keys share an object).
 */
function escapeChar(c: string): string {
  if (c.length === 1 && /\p{Surrogate}/u.test(c)) {
    return `%u${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
  }
  return encodeURIComponent(c);
}

/**
 * The object of `key`: readable when short, a hash suffix keeps long keys within GCS's 1024 bytes.
 * A key holding a credential (a URL's password, `?api_key=`) is named by its redacted text and a hash
 * of the whole key: object names show in every bucket listing, and two such keys must still differ.
 */
export function objectNameOf(prefix: string, key: string): string {
  const shown = removeSecrets(key);
  const escaped = shown.replace(SAFE, escapeChar);
  if (escaped.length <= 200 && shown === key) return prefix + escaped;
  const digest = nodeCrypto().createHash('sha256').update(key).digest('hex').slice(0, 32);
  return `${prefix}${escaped.slice(0, 160)}~${digest}`;
}

interface StorageInternals {
  apiEndpoint?: string;
  projectId?: string;
  universeDomain?: string;
  authClient?: unknown;
  providedUserAgent?: string;
  customEndpoint?: boolean;
  useAuthWithCustomEndpoint?: boolean;
}

/**
 * A sibling of the user's client with the client's own retries off (they would retry for up to 600 s)
 * and a per-request timeout; same credentials, endpoint and project. The user's client is untouched.
 */
function siblingWithoutRetries(storage: GcsStorageClient, timeout: number): Storage {
  const s = storage as unknown as StorageInternals;
  const Ctor = storage.constructor as new (options: StorageOptions) => Storage;
  const options: StorageOptions & Record<string, unknown> = { retryOptions: { autoRetry: false }, timeout };
  if (s.authClient !== undefined) options.authClient = s.authClient as StorageOptions['authClient'];
  if (s.apiEndpoint) options.apiEndpoint = s.apiEndpoint;
  if (s.projectId && s.projectId !== '{{projectId}}') options.projectId = s.projectId;
  if (s.universeDomain) options.universeDomain = s.universeDomain;
  if (s.providedUserAgent) options.userAgent = s.providedUserAgent;
  if (s.useAuthWithCustomEndpoint !== undefined)
    options.useAuthWithCustomEndpoint = s.useAuthWithCustomEndpoint;
  return new Ctor(options);
}

/**
 * A {@link RateLimitStore} in Cloud Storage, shared by every instance and surviving cold starts: one
 * object per alert key, its record in the object's custom metadata, written with the generation
 * precondition `ifGenerationMatch` (`0`: create only if absent). A precondition that fails (412)
 * means another instance wrote first. Needs `@google-cloud/storage` (an optional peer) and a bucket;
 * give the bucket a lifecycle rule that deletes objects a few days old to keep it tidy. GCS allows
 * about one write per second per object, far above what alerts need.
 *
 * @example
 * ```ts
 * import { createAlertManager, gcsRateLimitStore, slackChannel } from 'gcp-pipeline-resilience';
 * import { Storage } from '@google-cloud/storage';
 * const alerts = createAlertManager({
 *   channels: [slackChannel({ webhookUrl: process.env.SLACK_WEBHOOK_URL! })],
 *   store: gcsRateLimitStore({ storage: new Storage(), bucket: 'my-project-alert-state' }),
 * });
 * ```
 */
export function gcsRateLimitStore(options: GcsRateLimitStoreOptions): RateLimitStore {
  const o = parseOptions(schema(), options, '');
  const prefix = o.prefix ?? 'gpr-alert-rate-limits/';
  let bucket: Bucket | undefined;
  const bucketOf = () => {
    bucket ??= siblingWithoutRetries(o.storage, o.requestTimeoutMs ?? 2000).bucket(o.bucket);
    return bucket;
  };
  return {
    name: 'gcs',
    async read(key) {
      const file = bucketOf().file(objectNameOf(prefix, key));
      try {
        const [metadata] = await file.getMetadata();
        const text = metadata.metadata?.[STATE_KEY];
        return { text: typeof text === 'string' ? text : '', version: String(metadata.generation) };
      } catch (error) {
        if ((error as { code?: unknown }).code === 404) return undefined;
        throw toPipelineError(error);
      }
    },
    async write(key, text, expectedVersion) {
      const file = bucketOf().file(objectNameOf(prefix, key));
      try {
        await file.save(text, {
          resumable: false,
          contentType: 'application/json',
          metadata: { cacheControl: 'no-store', metadata: { [STATE_KEY]: text } },
          preconditionOpts: {
            ifGenerationMatch: expectedVersion === undefined ? 0 : Number(expectedVersion),
          },
        });
        return true;
      } catch (error) {
        const typed = toPipelineError(error);
        if (typed instanceof PreconditionFailedError) return false;
        throw typed;
      }
    },
  };
}
