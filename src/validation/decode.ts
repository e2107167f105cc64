import type { z } from 'zod';
import { decodeBody, type MessageMeta, maxBytesOption, readEnvelope } from './envelope.js';
import { parseMessage } from './parse.js';
import { assertZod4Schema } from './zod4-schema.js';

/**
 * Options of {@link decodePubSubMessage}.
 *
 * @example
 * ```ts
 * import { decodePubSubMessage, Phase2CompletionMessage } from 'gcp-pipeline-resilience';
 * declare const body: unknown; // a push request's body
 * decodePubSubMessage(Phase2CompletionMessage, body, { maxBytes: 1024 * 1024 });
 * ```
 */
export interface DecodeOptions {
  /** Refuse data larger than this many bytes (`too_large`). Default {@link DEFAULT_MAX_MESSAGE_BYTES} (10 MiB). */
  maxBytes?: number;
  /** The schema's name in error messages; defaults to its `title`. */
  name?: string;
}

/**
 * A decoded, validated message and what Pub/Sub said about it.
 *
 * @example
 * ```ts
 * import {
 *   type DecodedMessage,
 *   decodePubSubMessage,
 *   Phase2CompletionMessage,
 * } from 'gcp-pipeline-resilience';
 * declare const body: unknown; // a push request's body
 * const { data, messageId }: DecodedMessage<Phase2CompletionMessage> = decodePubSubMessage(Phase2CompletionMessage, body);
 * ```
 */
export interface DecodedMessage<T> extends MessageMeta {
  data: T;
}

/**
 * Decodes and validates a Pub/Sub message from whichever way it arrived:
 * - a push subscription body: `{ message: { data, attributes, messageId | message_id, publishTime | publish_time }, subscription, deliveryAttempt? }`;
 * - a CloudEvent from Eventarc (`event.data.message.data`), the structured event or the raw `{ data: { message } }`;
 * - a `Message` of `@google-cloud/pubsub` (duck-typed: `data` a Buffer, `id`, `attributes`, `publishTime`, `deliveryAttempt`);
 * - a Buffer / Uint8Array of the JSON bytes;
 * - a string: JSON text when it starts with `{` or `[`, otherwise the base64 `data` of a message;
 * - an already-parsed value (validated as is).
 *
 * Throws a permanent `MessageDecodeError` whose `reason` is `invalid_base64`, `invalid_utf8`,
 * `invalid_json`, `missing_data`, `too_large` or `unrecognized_input`, or a permanent
 * `MessageValidationError` listing every schema issue. Nothing else escapes.
 *
 * @example
 * ```ts
 * import { decodePubSubMessage, Phase2CompletionMessage } from 'gcp-pipeline-resilience';
 * declare const app: { post(path: string, route: (req: { body: unknown }) => void): void }; // e.g. Express
 * app.post('/pubsub', (req) => {
 *   const { data, messageId, deliveryAttempt } = decodePubSubMessage(Phase2CompletionMessage, req.body);
 *   // data.processor_name, data.game_date, data.record_count ...
 * });
 * ```
 */
export function decodePubSubMessage<S extends z.ZodType>(
  schema: S,
  input: unknown,
  options?: DecodeOptions,
): DecodedMessage<z.output<S>> {
  assertZod4Schema(schema, 'decodePubSubMessage');
  const maxBytes = maxBytesOption(options?.maxBytes, 'decodePubSubMessage');
  const envelope = readEnvelope(input);
  const payload = decodeBody(envelope, maxBytes);
  const data = parseMessage(
    schema,
    payload,
    options?.name === undefined ? undefined : { name: options.name },
  );
  return {
    data,
    attributes: envelope.attributes,
    messageId: envelope.messageId,
    publishTime: envelope.publishTime,
    deliveryAttempt: envelope.deliveryAttempt,
  };
}
