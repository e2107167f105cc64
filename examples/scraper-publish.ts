/**
 * Example: a scraper announcing "phase 2 raw data for this date is loaded".
 *
 * `publishValidated` checks the payload against the same schema the consumer uses before anything
 * leaves the process: a bad payload throws `MessageValidationError` here, in the scraper's logs,
 * instead of becoming a dead letter downstream. Publish failures come back typed
 * (`ServiceUnavailableError`, ...) after the Pub/Sub client's own retries; there is deliberately no
 * second retry layer on top.
 *
 * Copy `publishCompletion`; `publishRaw` exists only so the demo can send what a broken producer
 * would.
 *
 * @example
 * ```ts
 * import { PubSub } from '@google-cloud/pubsub';
 * const topic = new PubSub().topic('mlb-phase2-raw-complete');
 * const id = await publishCompletion(topic, {
 *   processor_name: 'MlbPlayerGameLinesProcessor',
 *   game_date: '2026-04-01',
 *   record_count: 10,
 * });
 * ```
 */
import { type MessagePublisher, Phase2CompletionMessage, publishValidated } from '../src/index.js';

/** The scraper's completion payload, as the schema accepts it (defaults may be omitted). */
export type CompletionPayload = Parameters<typeof publishValidated<typeof Phase2CompletionMessage>>[2];

/**
 * Publishes one validated `Phase2CompletionMessage` and resolves to its message id.
 *
 * @example
 * ```ts
 * await publishCompletion(topic, { processor_name: 'MlbPlayerGameLinesProcessor', game_date: '2026-04-01' });
 * ```
 */
export function publishCompletion(
  topic: MessagePublisher,
  payload: CompletionPayload,
  attributes: Record<string, string> = {},
): Promise<string> {
  // The game date as ordering key would need an ordering-enabled topic; attributes are enough here.
  return publishValidated(topic, Phase2CompletionMessage, payload, {
    source: 'scraper-publish-example',
    ...attributes,
  });
}

/**
 * Publishes bytes as they are, with no validation: what a producer without this library might do.
 *
 * @example
 * ```ts
 * await publishRaw(topic, Buffer.from('{not json'));
 * ```
 */
export function publishRaw(topic: MessagePublisher, data: Buffer): Promise<string> {
  return topic.publishMessage({ data, attributes: { source: 'unvalidated-producer' } });
}
