import { removeSecrets } from '../../errors/redact.js';
import { firstChars } from '../../shared/first-chars.js';
import { nodeCrypto } from '../../shared/node-crypto.js';
import { deadLetterInfoOf } from '../../validation/dead-letter-attributes.js';
import { REPLAY_ATTRIBUTES } from '../replay-attributes.js';
import type { PulledMessage } from './pull.js';
import { SAMPLE_DATA_CHARS } from './sample.js';

/**
 * What makes two dead-lettered messages copies of one message, with the same data (compared by
 * digest) in both cases:
 * - a message that came from an earlier replay: the same `replayed_from` and `replayed_message_id`
 *   (one DLQ message republished twice, after a lost publish answer, then dead-lettered again);
 * - otherwise the same `source_message_id` and `source_subscription` (a message id is unique only
 *   within its topic): one source message dead-lettered twice, e.g. after a redelivery raced the
 *   first dead-letter publish.
 * Messages that differ in any of these are never taken for one another, so a replay that acks a
 * copy can never drop a different message. `undefined` when the message names neither (Pub/Sub's own
 * dead-letter policy gives a forwarded message a new id and names no source): it is never a copy.
 */
export function copyKeyOf(message: PulledMessage): string | undefined {
  const a = message.attributes;
  const replayedId = a[REPLAY_ATTRIBUTES.replayedMessageId];
  const replayedFrom = a[REPLAY_ATTRIBUTES.replayedFrom];
  const info = deadLetterInfoOf(a);
  const sourceId = info.source_message_id;
  let origin: string;
  if (replayedId !== undefined && replayedId !== '' && replayedFrom !== undefined) {
    origin = `replayed\u0000${replayedFrom}\u0000${replayedId}`;
  } else if (sourceId !== undefined && sourceId !== '') {
    origin = `source\u0000${info.source_subscription ?? ''}\u0000${sourceId}`;
  } else {
    return undefined;
  }
  return `${origin}\u0000${nodeCrypto().createHash('sha256').update(message.data).digest('base64')}`;
}

/**
 * The source message id a copy names, as the result, the log and `gpr` show it: credentials removed
 * and cut at 200 characters, as in a sample (`DeadLetterSample.sourceMessageId`). It is an attribute
 * anyone publishing to the DLQ topic can set; the key above compares the value as it is.
 */
export function sourceMessageIdOf(message: PulledMessage): string {
  return firstChars(
    removeSecrets(deadLetterInfoOf(message.attributes).source_message_id ?? ''),
    SAMPLE_DATA_CHARS,
  );
}
