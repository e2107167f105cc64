import type { DecodeFailure, PipelineError } from '../errors/index.js';
import { CUT_MARK } from '../shared/first-chars.js';
import {
  DEAD_LETTER_ATTRIBUTE_NAMES,
  DEAD_LETTER_INFO_ATTRIBUTE,
  deadLetterInfoOf,
  foldedInfo,
  ORDERING_KEY_OMITTED,
} from './dead-letter-attributes.js';
import { type Envelope, rawBytes } from './envelope.js';
import {
  MAX_ATTRIBUTE_KEY_BYTES,
  MAX_ATTRIBUTE_VALUE_BYTES,
  MAX_ATTRIBUTES,
  MAX_PUBLISH_REQUEST_BYTES,
  publishedBytes,
  REQUEST_OVERHEAD_ALLOWANCE,
} from './pubsub-limits.js';

/**
 * Why a message went to the dead-letter topic (the `dead_letter_reason` attribute): a decode failure
 * (`invalid_base64`, `invalid_utf8`, `invalid_json`, `missing_data`, `too_large`,
 * `unrecognized_input`), `validation_failed`, `handler_failed` (a permanent error from the handler) or
 * `max_delivery_attempts` (a transient error on the last allowed attempt).
 *
 * @example
 * ```ts
 * import { replayDeadLetters, type DeadLetterReason } from 'gcp-pipeline-resilience';
 * // Replay what failed for a passing reason; a message that is invalid would only fail again.
 * const worthReplaying = new Set<DeadLetterReason>(['max_delivery_attempts', 'handler_failed']);
 * await replayDeadLetters({
 *   from: 'nba-phase2-raw-complete-dlq-sub',
 *   to: 'nba-phase2-raw-complete',
 *   filter: (m) => worthReplaying.has(m.deadLetterReason as DeadLetterReason),
 *   dryRun: true,
 * });
 * ```
 */
export type DeadLetterReason =
  | DecodeFailure
  | 'validation_failed'
  | 'handler_failed'
  | 'max_delivery_attempts';

/**
 * The attributes a dead-lettered message carries: every attribute of the message itself, whole, and
 * ours: `dead_letter_reason`, `error_code`, `error_message` (cut to Pub/Sub's 1024-byte limit),
 * `source_message_id`, `delivery_attempt`, `source_subscription`, `source_input` and
 * `source_ordering_key` when known. When the message has too many attributes of its own for ours to
 * fit within Pub/Sub's 100 (or one named like ours), ours are folded into the single attribute
 * `dead_letter`, a JSON object with the same names, within 1024 bytes: what is cut to fit is our own
 * diagnostic text (`error_message` first), never an attribute of the message, never its ordering
 * key. A message with 100 attributes of its own leaves no place for ours: it is dead-lettered with
 * its own alone (the reason is in the handler's error log line). Attributes Pub/Sub would refuse (an
 * empty key, or one over 256 bytes: only a hand-made push body can carry them) are left out, and a
 * value over 1024 bytes is cut to it, so the dead-letter publish itself is never refused for its
 * attributes (a refused one would be redelivered and refused again, for ever).
 *
 * @example
 * ```ts
 * import { deadLetterAttributes, type Envelope, MessageValidationError } from 'gcp-pipeline-resilience';
 * declare const envelope: Envelope; // the message as the handler took it apart
 * const error = new MessageValidationError('Phase2CompletionMessage: game_date: Required', { issues: [] });
 * deadLetterAttributes(envelope, 'validation_failed', error);
 * // { dead_letter_reason: 'validation_failed', error_code: 'MESSAGE_VALIDATION', error_message: '...', source_message_id: '42', ... }
 * ```
 */
export function deadLetterAttributes(
  envelope: Envelope,
  reason: DeadLetterReason,
  error: PipelineError,
): Record<string, string> {
  return combined(ownAttributes(envelope), ourAttributes(envelope, reason, error));
}

/** `own` and `ours` side by side when they fit and do not clash, else ours folded (see above). */
function combined(own: Record<string, string>, ours: Record<string, string>): Record<string, string> {
  // Every name of ours counts, not only those this message gets: an own `source_ordering_key` (or
  // `delivery_attempt`) beside ours would be read back as ours, by a replay too.
  // An own `dead_letter` that readers cannot take for ours (see `foldedInfo`) stays beside ours.
  const clash =
    DEAD_LETTER_ATTRIBUTE_NAMES.some((name) => Object.hasOwn(own, name)) || foldedInfo(own) !== undefined;
  if (!clash && Object.keys(own).length + Object.keys(ours).length <= MAX_ATTRIBUTES)
    return { ...own, ...ours };
  return withFolded(own, ours, MAX_ATTRIBUTE_VALUE_BYTES);
}

/**
 * The message to publish to the dead-letter topic, within Pub/Sub's 10 MB per request (a message near
 * the limit plus our 1-2 KB of attributes would be refused, and redelivered for ever): the data as it
 * arrived with {@link deadLetterAttributes}; if that is too large, ours folded into `dead_letter` and
 * cut to the room left; if even that cannot fit, the message's own attributes alone, unless it has
 * an ordering key (which would then be lost): `undefined` then, and when the data and its own
 * attributes alone exceed the limit (a hand-made push body: Pub/Sub never delivered such a message).
 *
 * @internal
 */
export function deadLetterMessage(
  envelope: Envelope,
  reason: DeadLetterReason,
  error: PipelineError,
): { data: Buffer; attributes: Record<string, string> } | undefined {
  const data = Buffer.from(rawBytes(envelope));
  const budget = MAX_PUBLISH_REQUEST_BYTES - REQUEST_OVERHEAD_ALLOWANCE;
  const own = ownAttributes(envelope);
  const ours = ourAttributes(envelope, reason, error);
  const full = combined(own, ours);
  if (publishedBytes({ data, attributes: full }) <= budget) return { data, attributes: full };
  const ownBytes = publishedBytes({ data, attributes: own });
  if (Object.keys(own).length < MAX_ATTRIBUTES) {
    const room = budget - ownBytes - Buffer.byteLength(DEAD_LETTER_INFO_ATTRIBUTE, 'utf8');
    const folded = withFolded(own, ours, Math.min(room, MAX_ATTRIBUTE_VALUE_BYTES));
    const info = deadLetterInfoOf(folded);
    const keyKept = envelope.orderingKey === undefined || info.source_ordering_key !== undefined;
    if (
      info.dead_letter_reason !== undefined &&
      keyKept &&
      publishedBytes({ data, attributes: folded }) <= budget
    ) {
      return { data, attributes: folded };
    }
  }
  if (envelope.orderingKey !== undefined || ownBytes > budget) return undefined;
  return { data, attributes: own };
}

/** The message's own attributes that Pub/Sub could have delivered, whole (see `deadLetterAttributes`). */
function ownAttributes(envelope: Envelope): Record<string, string> {
  const valid = Object.entries(envelope.attributes).filter(
    ([key]) => key !== '' && Buffer.byteLength(key, 'utf8') <= MAX_ATTRIBUTE_KEY_BYTES,
  );
  // More than 100 can only come from a hand-made push body (Pub/Sub refuses them): one place is
  // kept for ours.
  const kept = valid.length > MAX_ATTRIBUTES ? valid.slice(0, MAX_ATTRIBUTES - 1) : valid;
  return Object.fromEntries(
    kept.map(([key, value]) => [key, truncateUtf8(value, MAX_ATTRIBUTE_VALUE_BYTES)]),
  );
}

/**
 * Our attributes, in the order they are kept when room is short: the ordering key (a replay needs it
 * to republish the message as it was), why, which message, then the error's text.
 */
function ourAttributes(
  envelope: Envelope,
  reason: DeadLetterReason,
  error: PipelineError,
): Record<string, string> {
  const ours: Record<string, string> = {};
  const key = envelope.orderingKey;
  if (key !== undefined && key !== '') ours.source_ordering_key = key;
  ours.dead_letter_reason = reason;
  if (envelope.messageId !== undefined)
    ours.source_message_id = truncateUtf8(envelope.messageId, MAX_ATTRIBUTE_VALUE_BYTES);
  if (envelope.deliveryAttempt !== undefined) ours.delivery_attempt = String(envelope.deliveryAttempt);
  if (envelope.subscription !== undefined) {
    ours.source_subscription = truncateUtf8(envelope.subscription, MAX_ATTRIBUTE_VALUE_BYTES);
  }
  ours.source_input = envelope.kind;
  ours.error_code = truncateUtf8(error.code, MAX_ATTRIBUTE_VALUE_BYTES);
  ours.error_message = truncateUtf8(error.message, MAX_ATTRIBUTE_VALUE_BYTES);
  return ours;
}

/** Texts of ours that may be cut to fit (the others are kept whole or left out). */
const CUTTABLE: ReadonlySet<string> = new Set(['error_message', 'error_code', 'source_subscription']);

/**
 * `own` plus ours folded into one `dead_letter` JSON object of at most `maxBytes`, or `own` alone
 * when not even that fits (no place left, or no room for any of ours).
 */
function withFolded(
  own: Record<string, string>,
  ours: Record<string, string>,
  maxBytes: number,
): Record<string, string> {
  const rest = { ...own };
  delete rest[DEAD_LETTER_INFO_ATTRIBUTE];
  if (Object.keys(rest).length >= MAX_ATTRIBUTES) return rest;
  const folded: Record<string, string> = {};
  const size = (extra: Record<string, string>) =>
    Buffer.byteLength(JSON.stringify({ ...folded, ...extra }), 'utf8');
  for (const [name, value] of Object.entries(ours)) {
    if (size({ [name]: value }) <= maxBytes) {
      folded[name] = value;
    } else if (name === 'source_ordering_key') {
      if (size({ [ORDERING_KEY_OMITTED]: 'true' }) <= maxBytes) folded[ORDERING_KEY_OMITTED] = 'true';
    } else if (CUTTABLE.has(name)) {
      const cut = cutToFit(value, (text) => size({ [name]: text }), maxBytes);
      if (cut !== undefined) folded[name] = cut;
    }
  }
  if (Object.keys(folded).length === 0) return rest;
  return { ...rest, [DEAD_LETTER_INFO_ATTRIBUTE]: JSON.stringify(folded) };
}

/** The longest cut of `text` (marked with `…`) whose `sizeOf` is at most `max`, or `undefined`. */
function cutToFit(text: string, sizeOf: (text: string) => number, max: number): string | undefined {
  let bytes = Buffer.byteLength(text, 'utf8');
  while (bytes > 0) {
    const cut = truncateUtf8(text, bytes);
    const over = sizeOf(cut) - max;
    if (over <= 0) return cut;
    // Each byte cut shortens the JSON by at least one byte (escapes only make it longer).
    bytes = Math.min(bytes, Buffer.byteLength(cut, 'utf8')) - over;
  }
  return undefined;
}

/**
 * Cuts `text` to at most `maxBytes` of UTF-8 without splitting a character, marking the cut with `…`.
 *
 * @internal
 */
export function truncateUtf8(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text, 'utf8') <= maxBytes) return text;
  let budget = maxBytes - Buffer.byteLength(CUT_MARK, 'utf8');
  let out = '';
  for (const char of text) {
    const size = Buffer.byteLength(char, 'utf8');
    if (size > budget) break;
    budget -= size;
    out += char;
  }
  return out + CUT_MARK;
}
