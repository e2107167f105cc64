import { PipelineError } from '../errors/index.js';
import type { Envelope } from './envelope.js';
import { MAX_PUBLISH_REQUEST_BYTES } from './pubsub-limits.js';

/** The code of the error a handler reports when a message cannot be dead-lettered for its size. */
export const DEAD_LETTER_TOO_LARGE = 'DEAD_LETTER_TOO_LARGE';

/**
 * Why a message cannot be dead-lettered: its data and its own attributes (and ordering key) leave no
 * room within Pub/Sub's 10 MB per Publish request. Transient in effect (the message is redelivered,
 * for the subscription's own dead-letter policy to take), but flagged `transient: false` since
 * retrying it here can never help.
 */
export function deadLetterTooLarge(envelope: Envelope, name: string): PipelineError {
  return new PipelineError(
    `${name} message ${envelope.messageId ?? '(no id)'} cannot be dead-lettered within Pub/Sub's ${MAX_PUBLISH_REQUEST_BYTES}-byte request limit`,
    { code: DEAD_LETTER_TOO_LARGE, transient: false },
  );
}
