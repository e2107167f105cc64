import { PipelineError } from '../errors/index.js';
import {
  deadLetterInfoOf,
  ORDERING_KEY_OMITTED,
  ownAttributesOf,
} from '../validation/dead-letter-attributes.js';
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

/**
 * The message to republish for a dead-lettered one: exactly the attributes it had before it was
 * dead-lettered (without ours, folded or not, and without Pub/Sub's `CloudPubSubDeadLetterSource*`),
 * plus {@link REPLAY_ATTRIBUTES} within Pub/Sub's 100 attributes per message (`replay_count` first,
 * then `replayed_message_id`, then `replayed_from`, as room allows: the count is what lets
 * `maxReplays` stop a loop), and its ordering key when it had one. Throws (the message stays in the
 * DLQ, reported as failed) when it cannot be republished as it was: 100 attributes of its own leave no
 * place for `replay_count`, its ordering key was too long to be kept when it was dead-lettered, or
 * it was dead-lettered with 100 attributes of its own and none of ours (whether it had a key is not
 * known).
 * `orderingKey` is the DLQ message's own: Pub/Sub's dead-letter policy forwards a message with its
 * key (and none of our attributes), so it is the key to restore when ours name none.
 */
export function replayMessage(
  attributes: Record<string, string>,
  from: string,
  dlqMessageId: string,
  orderingKey = '',
): { attributes: Record<string, string>; orderingKey?: string } {
  const info = deadLetterInfoOf(attributes);
  if (info[ORDERING_KEY_OMITTED] === 'true') {
    throw notPossible(dlqMessageId, 'its ordering key was too long to be kept');
  }
  const own = ownAttributesOf(attributes);
  // 100 of its own and none of ours: the handler dead-lettered it with its own alone (a replayed
  // message's replay_count can be the 100th), leaving no place for source_ordering_key, so whether
  // it had a key is not known. (One Pub/Sub's policy forwarded lost 4 to its attributes.)
  const unknownKey = Object.keys(own).length >= MAX_ATTRIBUTES && Object.keys(info).length === 0;
  for (const name of Object.values(REPLAY_ATTRIBUTES)) delete own[name];
  const ours: Array<[string, string]> = [
    [REPLAY_ATTRIBUTES.replayCount, String(replayCountOf(attributes) + 1)],
    [REPLAY_ATTRIBUTES.replayedMessageId, dlqMessageId],
    [REPLAY_ATTRIBUTES.replayedFrom, from],
  ];
  const room = MAX_ATTRIBUTES - Object.keys(own).length;
  if (room < 1 || unknownKey) {
    throw notPossible(
      dlqMessageId,
      `${MAX_ATTRIBUTES} attributes of its own leave no place for replay_count or an ordering key`,
    );
  }
  const key = info.source_ordering_key ?? orderingKey;
  return {
    attributes: { ...own, ...Object.fromEntries(ours.slice(0, room)) },
    ...(key === undefined || key === '' ? {} : { orderingKey: key }),
  };
}

/** Why a dead-lettered message cannot be republished as it was (it stays in the DLQ). */
function notPossible(id: string, why: string): PipelineError {
  return new PipelineError(
    `dead-lettered message ${id} cannot be replayed as it was: ${why}; republish it by hand`,
    {
      code: 'REPLAY_NOT_POSSIBLE',
      transient: false,
    },
  );
}
