import type { DecodeFailure, PipelineError } from '../errors/index.js';
import { CUT_MARK } from '../shared/first-chars.js';
import type { Envelope } from './envelope.js';
import { MAX_ATTRIBUTE_KEY_BYTES, MAX_ATTRIBUTE_VALUE_BYTES, MAX_ATTRIBUTES } from './pubsub-limits.js';

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
 * The attributes a dead-lettered message carries: the message's own attributes, then ours (which win on a
 * name clash): `dead_letter_reason`, `error_code`, `error_message` (cut to Pub/Sub's 1024-byte limit),
 * `source_message_id`, `delivery_attempt`, `source_subscription` and `source_input` when known.
 * The message's own attributes beyond Pub/Sub's limit of 100 are left out, as are those Pub/Sub would
 * refuse (an empty key, or one over 256 bytes: only a hand-made push body can carry them), and a value
 * over 1024 bytes is cut to it, so the dead-letter publish itself can never be refused for its
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
  const ours: Record<string, string> = {
    dead_letter_reason: reason,
    error_code: truncateUtf8(error.code, MAX_ATTRIBUTE_VALUE_BYTES),
    error_message: truncateUtf8(error.message, MAX_ATTRIBUTE_VALUE_BYTES),
    source_input: envelope.kind,
  };
  if (envelope.messageId !== undefined)
    ours.source_message_id = truncateUtf8(envelope.messageId, MAX_ATTRIBUTE_VALUE_BYTES);
  if (envelope.deliveryAttempt !== undefined) ours.delivery_attempt = String(envelope.deliveryAttempt);
  if (envelope.subscription !== undefined) {
    ours.source_subscription = truncateUtf8(envelope.subscription, MAX_ATTRIBUTE_VALUE_BYTES);
  }
  const room = MAX_ATTRIBUTES - Object.keys(ours).length;
  const kept = Object.entries(envelope.attributes)
    .filter(
      ([key]) => !(key in ours) && key !== '' && Buffer.byteLength(key, 'utf8') <= MAX_ATTRIBUTE_KEY_BYTES,
    )
    .slice(0, room)
    .map(([key, value]) => [key, truncateUtf8(value, MAX_ATTRIBUTE_VALUE_BYTES)]);
  return { ...Object.fromEntries(kept), ...ours };
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
