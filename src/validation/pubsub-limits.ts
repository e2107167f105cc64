/**
 * Pub/Sub's limits on a published message (https://cloud.google.com/pubsub/quotas#resource_limits):
 * one home for the library's own checks (validated publish, dead-letter attributes) and for the
 * Pub/Sub stand-in, which refuses what Pub/Sub refuses.
 * @module
 */

/** Attributes per message. */
export const MAX_ATTRIBUTES = 100;
/** Bytes of UTF-8 in an attribute key. */
export const MAX_ATTRIBUTE_KEY_BYTES = 256;
/** Bytes of UTF-8 in an attribute value. */
export const MAX_ATTRIBUTE_VALUE_BYTES = 1024;
/** Bytes of UTF-8 in an ordering key. */
export const MAX_ORDERING_KEY_BYTES = 1024;
/** Messages in one Publish request. */
export const MAX_MESSAGES_PER_PUBLISH = 1000;
/** Bytes of one Publish request (data, attribute keys and values, ordering keys). */
export const MAX_PUBLISH_REQUEST_BYTES = 10 * 1024 * 1024;

/**
 * The bytes one message adds to a Publish request as Pub/Sub counts them (its data, every attribute
 * key and value, its ordering key): the sum the stand-in checks against `MAX_PUBLISH_REQUEST_BYTES`.
 */
export function publishedBytes(message: {
  data: Uint8Array;
  attributes?: Record<string, string>;
  orderingKey?: string;
}): number {
  let bytes = message.data.length + Buffer.byteLength(message.orderingKey ?? '', 'utf8');
  for (const [key, value] of Object.entries(message.attributes ?? {})) {
    bytes += Buffer.byteLength(key, 'utf8') + Buffer.byteLength(value, 'utf8');
  }
  return bytes;
}

/**
 * Room the library keeps free under `MAX_PUBLISH_REQUEST_BYTES` for what a request carries besides
 * its messages' fields (the topic's name, protobuf framing), which Pub/Sub's documented accounting
 * leaves open: a dead letter is fitted to the limit less this.
 */
export const REQUEST_OVERHEAD_ALLOWANCE = 1024;
