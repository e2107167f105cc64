import { DEAD_LETTER_ATTRIBUTE_NAMES, PUBSUB_DEAD_LETTER_ATTRIBUTES } from '../validation/index.js';
import { MAX_ATTRIBUTES } from '../validation/pubsub-limits.js';
import { REPLAY_COUNT_ATTRIBUTE, replayCountOf } from './dead-letters/sample.js';

/**
 * The attributes a replayed message carries: where it was replayed from (the dead-letter
 * subscription), how many times it has been replayed (1 on the first replay), and the id it had in
 * the dead-letter queue. A consumer can de-duplicate on `replayed_message_id`: a replay interrupted
 * between its publish and its ack publishes the same message again on the next run.
 *
 * @example
 * ```ts
 * import type { Message } from '@google-cloud/pubsub';
 * import { REPLAY_ATTRIBUTES } from 'gcp-pipeline-resilience';
 * const seen = new Set<string>();
 * function isDuplicateReplay(message: Message): boolean {
 *   const original = message.attributes[REPLAY_ATTRIBUTES.replayedMessageId];
 *   if (original === undefined) return false;
 *   if (seen.has(original)) return true;
 *   seen.add(original);
 *   return false;
 * }
 * ```
 */
export const REPLAY_ATTRIBUTES = {
  replayedFrom: 'replayed_from',
  replayCount: REPLAY_COUNT_ATTRIBUTE,
  replayedMessageId: 'replayed_message_id',
} as const;

const DROPPED: ReadonlySet<string> = new Set<string>([
  ...DEAD_LETTER_ATTRIBUTE_NAMES,
  ...Object.values(PUBSUB_DEAD_LETTER_ATTRIBUTES),
]);

/**
 * The attributes to republish a dead-lettered message with: its own attributes without the ones
 * dead-lettering added (`dead_letter_reason`, `error_*`, `source_*`, `delivery_attempt` and Pub/Sub's
 * `CloudPubSubDeadLetterSource*`), plus {@link REPLAY_ATTRIBUTES}, within Pub/Sub's 100 attributes per message.
 */
export function replayAttributes(
  attributes: Record<string, string>,
  from: string,
  dlqMessageId: string,
): Record<string, string> {
  const ours: Record<string, string> = {
    [REPLAY_ATTRIBUTES.replayedFrom]: from,
    [REPLAY_ATTRIBUTES.replayCount]: String(replayCountOf(attributes) + 1),
    [REPLAY_ATTRIBUTES.replayedMessageId]: dlqMessageId,
  };
  // Pub/Sub refuses a message with more than MAX_ATTRIBUTES: a message that came with 98-100 of its
  // own (Pub/Sub's dead-letter policy adds its four beyond them) could otherwise never be replayed.
  // As when dead-lettering, ours win and the message's own are kept in order up to the room left.
  const room = MAX_ATTRIBUTES - Object.keys(ours).length;
  const kept = Object.entries(attributes)
    .filter(([name]) => !DROPPED.has(name) && !(name in ours))
    .slice(0, room);
  return { ...Object.fromEntries(kept), ...ours };
}
