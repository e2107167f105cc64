/**
 * The names of the attributes {@link deadLetterAttributes} adds to a dead-lettered message (in the
 * order it adds them). A replay removes them before republishing.
 *
 * @example
 * ```ts
 * import { DEAD_LETTER_ATTRIBUTE_NAMES } from 'gcp-pipeline-resilience';
 * const isOurs = (name: string) => (DEAD_LETTER_ATTRIBUTE_NAMES as readonly string[]).includes(name);
 * ```
 */
export const DEAD_LETTER_ATTRIBUTE_NAMES = [
  'dead_letter_reason',
  'error_code',
  'error_message',
  'source_input',
  'source_message_id',
  'delivery_attempt',
  'source_subscription',
] as const;

/**
 * The attributes Pub/Sub itself adds to a message its dead-letter policy forwards: the delivery
 * count, the source subscription's id and project, and the first publish time.
 *
 * @example
 * ```ts
 * import type { Message } from '@google-cloud/pubsub';
 * import { PUBSUB_DEAD_LETTER_ATTRIBUTES } from 'gcp-pipeline-resilience';
 * const attemptsOf = (message: Message) =>
 *   Number(message.attributes[PUBSUB_DEAD_LETTER_ATTRIBUTES.deliveryCount] ?? 0);
 * ```
 */
export const PUBSUB_DEAD_LETTER_ATTRIBUTES = {
  deliveryCount: 'CloudPubSubDeadLetterSourceDeliveryCount',
  subscription: 'CloudPubSubDeadLetterSourceSubscription',
  subscriptionProject: 'CloudPubSubDeadLetterSourceSubscriptionProject',
  topicPublishTime: 'CloudPubSubDeadLetterSourceTopicPublishTime',
} as const;
