import { redactedStart, removeSecrets } from '../../errors/redact.js';
import { firstChars } from '../../shared/first-chars.js';
import {
  DEAD_LETTER_ATTRIBUTE_NAMES,
  DEAD_LETTER_INFO_ATTRIBUTE,
  deadLetterInfoOf,
  PUBSUB_DEAD_LETTER_ATTRIBUTES,
} from '../../validation/dead-letter-attributes.js';
import type { PulledMessage } from './pull.js';

/** The attribute a replay sets to how many times a message has been replayed. */
export const REPLAY_COUNT_ATTRIBUTE = 'replay_count';

/** How many characters of a message's data (and of each attribute's value) a sample shows. */
export const SAMPLE_DATA_CHARS = 200;

/** How many attributes a sample shows: those that say why it failed first (see `sampleAttributes`). */
export const SAMPLE_MAX_ATTRIBUTES = 30;

/** The attributes shown first: why the message was dead-lettered, by us and by Pub/Sub. */
const EXPLAINING: readonly string[] = [
  DEAD_LETTER_INFO_ATTRIBUTE,
  ...DEAD_LETTER_ATTRIBUTE_NAMES,
  ...Object.values(PUBSUB_DEAD_LETTER_ATTRIBUTES),
  REPLAY_COUNT_ATTRIBUTE,
];

/**
 * One dead-lettered message as the monitor shows it: ids, why it was dead-lettered (the attributes
 * `createMessageHandler` and Pub/Sub set), and the first 200 characters of its data.
 *
 * @example
 * ```ts
 * import { checkDeadLetters, type DeadLetterSample } from 'gcp-pipeline-resilience';
 * const line = (s: DeadLetterSample) => `${s.messageId} ${s.deadLetterReason ?? '?'} ${s.errorCode ?? ''}: ${s.data.slice(0, 80)}`;
 * const result = await checkDeadLetters({ sport: 'nba', sampleSize: 3 });
 * for (const q of result.subscriptions) for (const s of q.sample) console.log(q.subscription, line(s));
 * ```
 */
export interface DeadLetterSample {
  messageId: string;
  /** When it reached the dead-letter topic (ISO 8601). */
  publishTime?: string;
  /** `dead_letter_reason`: `validation_failed`, `invalid_json`, `handler_failed`, `max_delivery_attempts`, ... */
  deadLetterReason?: string;
  errorCode?: string;
  errorMessage?: string;
  /** The id of the message that failed (`source_message_id`). */
  sourceMessageId?: string;
  /** How often it was delivered before it was dead-lettered, when known. */
  deliveryAttempts?: number;
  /** How many times it has been replayed already. */
  replayCount: number;
  /**
   * The attributes, at most 30: those that say why it failed first (`dead_letter_reason`,
   * `error_code`, ..., Pub/Sub's `CloudPubSubDeadLetter*`), then the others in the order received.
   * A name or value over 200 characters is cut and ends with `…`. The replay sends every attribute
   * whole; only this view is bounded, so a report or an alert stays small whatever the message holds.
   */
  attributes: Record<string, string>;
  /** How many attributes were left out of `attributes`, when any were. */
  attributesOmitted?: number;
  /** The names (as shown) of the attributes whose name or value was cut, when any were. */
  attributesCut?: string[];
  /**
   * The first 200 characters of the data, as UTF-8 (invalid bytes shown as U+FFFD). Here, in
   * `errorMessage` and in `attributes`, credentials (tokens, keys, a webhook's secret) are replaced by
   * `[REDACTED]`: a sample goes on to reports and alerts. The replay sends the message as it was.
   */
  data: string;
  /** The data's full size in bytes. */
  dataBytes: number;
}

/** The replay count a message carries (0 when absent or not a non-negative integer). */
export function replayCountOf(attributes: Record<string, string>): number {
  const value = Number(attributes[REPLAY_COUNT_ATTRIBUTE]);
  return Number.isInteger(value) && value >= 0 ? value : 0;
}

/** The bounded view of a message's attributes (see {@link DeadLetterSample.attributes}). */
function sampleAttributes(
  all: Record<string, string>,
): Pick<DeadLetterSample, 'attributes' | 'attributesOmitted' | 'attributesCut'> {
  const names = Object.keys(all);
  const first = EXPLAINING.filter((name) => Object.hasOwn(all, name));
  const chosen = new Set(first);
  for (const name of names) {
    if (chosen.size >= SAMPLE_MAX_ATTRIBUTES) break;
    chosen.add(name);
  }
  const cut: string[] = [];
  // Built by fromEntries, which defines each name: an attribute named `__proto__` is user data, kept
  // as an own key (an assignment would have set the prototype, or dropped it).
  const attributes: Record<string, string> = Object.fromEntries(
    [...chosen].slice(0, SAMPLE_MAX_ATTRIBUTES).map((name) => {
      const shownName = firstChars(name, SAMPLE_DATA_CHARS);
      // Credentials go before the cut, from the whole value (Pub/Sub bounds it at 1 KB): a credential
      // the cut runs through is no longer recognizable.
      const redacted = removeSecrets(String(all[name]));
      const shownValue = firstChars(redacted, SAMPLE_DATA_CHARS);
      if (shownName !== name || shownValue !== redacted) cut.push(shownName);
      return [shownName, shownValue];
    }),
  );
  const omitted = names.length - Object.keys(attributes).length;
  return {
    attributes,
    ...(omitted > 0 ? { attributesOmitted: omitted } : {}),
    ...(cut.length > 0 ? { attributesCut: cut } : {}),
  };
}

/** The most bytes one character takes in UTF-8 (and one U+FFFD stands for, in invalid data). */
const MAX_UTF8_BYTES = 4;

/**
 * The start of UTF-8 `data` (invalid bytes shown as U+FFFD) that holds its first `count` characters
 * and one more, and whether more data follows, decoding only that much: `(count + 1) * 4` bytes and
 * one more to know whether the cut falls inside a character. A cut in the middle of a character is
 * moved back to its first byte, so the last character is never a U+FFFD made by the cut.
 */
export function decodedStart(
  data: Pick<PulledMessage, 'dataBytes' | 'dataPrefix'>,
  count: number,
): { text: string; more: boolean } {
  const limit = (count + 1) * MAX_UTF8_BYTES;
  const read = data.dataPrefix(limit + 1);
  let end = Math.min(read.length, limit);
  if (read.length > limit && (read[limit]! & 0xc0) === 0x80) {
    // Step back over the continuation bytes (10xxxxxx) to the first byte of the character cut.
    let start = limit - 1;
    while (start > limit - MAX_UTF8_BYTES && (read[start]! & 0xc0) === 0x80) start -= 1;
    if ((read[start]! & 0xc0) === 0xc0) end = start;
  }
  // ignoreBOM: a byte-order mark at the start is data, shown like the rest.
  const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(read.subarray(0, end));
  return { text, more: end < data.dataBytes };
}

/**
 * The first `count` characters of a message's data with its credentials removed, and `…` when there
 * is more (see `redactedStart`).
 */
export function sampleText(data: Pick<PulledMessage, 'dataBytes' | 'dataPrefix'>, count: number): string {
  const { text, more } = decodedStart(data, count);
  return redactedStart(text, count, more);
}

/** The sample view of a pulled message. */
export function toSample(message: PulledMessage): DeadLetterSample {
  const a = message.attributes;
  // Ours, whether separate attributes or folded into `dead_letter` (a message with many of its own).
  const info = deadLetterInfoOf(a);
  const attempts = Number(info.delivery_attempt ?? a[PUBSUB_DEAD_LETTER_ATTRIBUTES.deliveryCount]);
  const sample: DeadLetterSample = {
    messageId: message.messageId,
    replayCount: replayCountOf(a),
    ...sampleAttributes(a),
    data: sampleText(message, SAMPLE_DATA_CHARS),
    dataBytes: message.dataBytes,
  };
  if (message.publishTime) sample.publishTime = message.publishTime.toISOString();
  // Each is an attribute anyone publishing to the topic can set, and each goes on to reports and
  // alerts (the reasons into the finding's message): credentials removed, as from the data.
  const shown = (value: string) => firstChars(removeSecrets(value), SAMPLE_DATA_CHARS);
  if (info.dead_letter_reason) sample.deadLetterReason = shown(info.dead_letter_reason);
  if (info.error_code) sample.errorCode = shown(info.error_code);
  if (info.error_message) sample.errorMessage = shown(info.error_message);
  if (info.source_message_id) sample.sourceMessageId = shown(info.source_message_id);
  if (Number.isInteger(attempts) && attempts > 0) sample.deliveryAttempts = attempts;
  return sample;
}
