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
