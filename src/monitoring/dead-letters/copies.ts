import { createHash } from 'node:crypto';
import type { PulledMessage } from './pull.js';

/** The attributes `deadLetterAttributes` sets that name the message that failed. */
const SOURCE_MESSAGE_ID = 'source_message_id';
const SOURCE_SUBSCRIPTION = 'source_subscription';

/**
 * What makes two dead-lettered messages copies of one source message (dead-lettered twice, e.g.
 * after a redelivery raced the first dead-letter publish): the same `source_message_id`, the same
 * `source_subscription` (a message id is unique only within its topic) and the same data. Two
 * messages that differ in any of them are never taken for one another, so a replay that acks a copy
 * can never drop a different message. `undefined` when the message names no source message id (it
 * was dead-lettered by Pub/Sub's own policy, or by another tool): it is never a copy.
 */
export function copyKeyOf(message: PulledMessage): string | undefined {
  const sourceId = message.attributes[SOURCE_MESSAGE_ID];
  if (sourceId === undefined || sourceId === '') return undefined;
  const digest = createHash('sha256').update(message.data).digest('base64');
  return `${message.attributes[SOURCE_SUBSCRIPTION] ?? ''}\u0000${sourceId}\u0000${digest}`;
}

/** The source message id a copy names (for the result), when it names one. */
export function sourceMessageIdOf(message: PulledMessage): string {
  return message.attributes[SOURCE_MESSAGE_ID] ?? '';
}
