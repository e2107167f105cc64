/**
 * The topic and subscription settings the Pub/Sub stand-in checks at creation: out of Pub/Sub's
 * ranges is INVALID_ARGUMENT; a setting that changes delivery and that the stand-in does not model is
 * UNIMPLEMENTED, naming it, so that a test never runs on a silently different behavior.
 * @module
 */
import { rpcError } from '../shared/grpc-status.js';

const MINUTE = 60;
const DAY = 86_400;

/** A `google.protobuf.Duration` as proto-loader decodes it, in seconds; `undefined` when unset. */
export function seconds(value: unknown): number | undefined {
  if (value === null || value === undefined) return undefined;
  const { seconds: whole, nanos } = value as { seconds?: unknown; nanos?: unknown };
  return Number(whole ?? 0) + Number(nanos ?? 0) / 1e9;
}

function checkRange(
  field: string,
  value: unknown,
  min: number,
  max: number,
  what: string,
): number | undefined {
  const s = seconds(value);
  if (s !== undefined && !(s >= min && s <= max)) {
    throw rpcError('INVALID_ARGUMENT', `${field} must be ${what}, got ${s} s`);
  }
  return s;
}

function checkRetention(resource: Record<string, unknown>): void {
  checkRange(
    'message_retention_duration',
    resource.messageRetentionDuration,
    10 * MINUTE,
    31 * DAY,
    'between 10 minutes and 31 days',
  );
}

/** Checks a topic at CreateTopic. */
export function checkTopicSettings(resource: Record<string, unknown>): void {
  const schema = resource.schemaSettings as { schema?: unknown } | null | undefined;
  if (schema?.schema) {
    throw rpcError(
      'UNIMPLEMENTED',
      'schema_settings: the Pub/Sub stand-in does not validate messages against a schema, so it does not create a topic that has one',
    );
  }
  checkRetention(resource);
}

/** Checks a subscription at CreateSubscription (push endpoints are refused by the broker itself). */
export function checkSubscriptionSettings(resource: Record<string, unknown>): void {
  if (resource.enableExactlyOnceDelivery === true) {
    throw rpcError(
      'UNIMPLEMENTED',
      'enable_exactly_once_delivery: exactly-once delivery (acks that can fail, per ack id) is not modeled by the Pub/Sub stand-in',
    );
  }
  const bigquery = resource.bigqueryConfig as { table?: unknown } | null | undefined;
  if (bigquery?.table) {
    throw rpcError(
      'UNIMPLEMENTED',
      'bigquery_config: export subscriptions are not supported by the Pub/Sub stand-in',
    );
  }
  const storage = resource.cloudStorageConfig as { bucket?: unknown } | null | undefined;
  if (storage?.bucket) {
    throw rpcError(
      'UNIMPLEMENTED',
      'cloud_storage_config: export subscriptions are not supported by the Pub/Sub stand-in',
    );
  }
  checkRetention(resource);
  const retry = resource.retryPolicy as
    | { minimumBackoff?: unknown; maximumBackoff?: unknown }
    | null
    | undefined;
  if (retry) {
    const min = checkRange(
      'retry_policy.minimum_backoff',
      retry.minimumBackoff,
      0,
      600,
      'between 0 and 600 seconds',
    );
    const max = checkRange(
      'retry_policy.maximum_backoff',
      retry.maximumBackoff,
      0,
      600,
      'between 0 and 600 seconds',
    );
    if (min !== undefined && max !== undefined && max < min) {
      throw rpcError(
        'INVALID_ARGUMENT',
        `retry_policy.maximum_backoff (${max} s) must not be less than retry_policy.minimum_backoff (${min} s)`,
      );
    }
  }
  const expiration = resource.expirationPolicy as { ttl?: unknown } | null | undefined;
  const ttl = seconds(expiration?.ttl);
  // An expiration policy without a ttl means "never expires".
  if (ttl !== undefined && ttl !== 0 && ttl < DAY) {
    throw rpcError('INVALID_ARGUMENT', `expiration_policy.ttl must be at least 1 day, got ${ttl} s`);
  }
}
