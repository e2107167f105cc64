/**
 * The names of the attributes {@link deadLetterAttributes} adds to a dead-lettered message when it has
 * room for them (in the order it adds them). A replay removes them before republishing. When room is
 * short they are folded, under the same names, into the one attribute `dead_letter` (a JSON object;
 * see {@link DEAD_LETTER_INFO_ATTRIBUTE}).
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
  'source_ordering_key',
] as const;

/**
 * The attribute that holds a dead-lettered message's diagnostics as one compact JSON object (keys
 * from {@link DEAD_LETTER_ATTRIBUTE_NAMES}) when the message has too many attributes of its own, or one
 * whose name clashes with ours, for them to be separate: every attribute of the message is kept and
 * ours take one place. A replay removes it. A message that arrives with an attribute of this name
 * keeps it when ours fit as separate attributes; when they must be folded it is replaced (it is the
 * one name reserved).
 *
 * @example
 * ```ts
 * import type { Message } from '@google-cloud/pubsub';
 * import { DEAD_LETTER_INFO_ATTRIBUTE } from 'gcp-pipeline-resilience';
 * const reasonOf = (message: Message): string | undefined =>
 *   message.attributes.dead_letter_reason ??
 *   JSON.parse(message.attributes[DEAD_LETTER_INFO_ATTRIBUTE] ?? '{}').dead_letter_reason;
 * ```
 */
export const DEAD_LETTER_INFO_ATTRIBUTE = 'dead_letter';

/**
 * Set (to `'true'`) in the folded `dead_letter` object when the message's ordering key was too long
 * to fit in it: a replay then refuses the message rather than republish it without its key.
 *
 * @internal
 */
export const ORDERING_KEY_OMITTED = 'source_ordering_key_omitted';

/** One of the names {@link deadLetterAttributes} sets. */
type DeadLetterAttributeName = (typeof DEAD_LETTER_ATTRIBUTE_NAMES)[number];

/**
 * The folded `dead_letter` object when the attribute is ours: a JSON object naming the reason or the
 * ordering key (every fold the handler publishes has one of them first), its string values. A
 * `dead_letter` attribute of the message's own (one Pub/Sub's dead-letter policy forwarded, or
 * another tool's) is not ours and stays the message's.
 *
 * @internal
 */
export function foldedInfo(attributes: Record<string, string>): Record<string, string> | undefined {
  let value: unknown;
  try {
    value = JSON.parse(attributes[DEAD_LETTER_INFO_ATTRIBUTE] ?? '');
  } catch {
    return undefined; // absent, or not JSON
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const info: Record<string, string> = Object.fromEntries(
    Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
  );
  const marker = info.dead_letter_reason ?? info.source_ordering_key ?? info[ORDERING_KEY_OMITTED];
  return marker === undefined ? undefined : info;
}

/*
 * Separate attributes named like ours are ours only next to `dead_letter_reason`:
 * `deadLetterAttributes` always sets it when it adds them, and folds them whenever the message has
 * an attribute of one of our names. Without it they are the message's own (a message forwarded by
 * Pub/Sub's own dead-letter policy carrying an `error_code` of its own, say): read as ours, they
 * would be dropped by a replay, and an own `source_ordering_key` would become the republished
 * message's ordering key.
 */

/**
 * The diagnostics a dead-lettered message carries, whichever form they took (separate attributes or
 * the folded `dead_letter` object); `{}` for a message that carries none of ours (one forwarded by
 * Pub/Sub's own dead-letter policy). Values are strings, as attributes are.
 *
 * @internal
 */
export function deadLetterInfoOf(
  attributes: Record<string, string>,
): Partial<Record<DeadLetterAttributeName | typeof ORDERING_KEY_OMITTED, string>> {
  const folded = foldedInfo(attributes);
  if (folded !== undefined) return folded;
  const info: Partial<Record<DeadLetterAttributeName, string>> = {};
  if (attributes.dead_letter_reason === undefined) return info;
  for (const name of DEAD_LETTER_ATTRIBUTE_NAMES) {
    const value = attributes[name];
    if (value !== undefined) info[name] = value;
  }
  return info;
}

/**
 * The attributes the message had before it was dead-lettered: without ours (the folded `dead_letter`
 * object, or the separate ones when there is none) and without Pub/Sub's `CloudPubSubDeadLetterSource*`.
 * An attribute named like ours that is not ours (see `deadLetterInfoOf`) is kept.
 *
 * @internal
 */
export function ownAttributesOf(attributes: Record<string, string>): Record<string, string> {
  const ours = new Set<string>(Object.values(PUBSUB_DEAD_LETTER_ATTRIBUTES));
  if (foldedInfo(attributes) !== undefined) ours.add(DEAD_LETTER_INFO_ATTRIBUTE);
  else if (attributes.dead_letter_reason !== undefined)
    for (const name of DEAD_LETTER_ATTRIBUTE_NAMES) ours.add(name);
  return Object.fromEntries(Object.entries(attributes).filter(([name]) => !ours.has(name)));
}

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
