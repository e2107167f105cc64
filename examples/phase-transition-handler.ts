/**
 * Example: the phase-transition function that consumes `Phase2CompletionMessage`s from a
 * streaming-pull subscription.
 *
 * `createMessageHandler` makes the decisions the original left to each function (and got wrong: it
 * validated softly and passed the raw dict on):
 * - undecodable or invalid data -> acked and published to the dead-letter topic with the reason as
 *   attributes (redelivering it could never succeed);
 * - the processor succeeds -> acked;
 * - the processor throws a transient error (503, reset, rows `stopped`, ...) -> nacked, Pub/Sub
 *   redelivers; on `maxDeliveryAttempts` it is dead-lettered instead of looping for ever;
 * - the processor throws a permanent error -> acked and dead-lettered.
 *
 * @example
 * ```ts
 * import { PubSub } from '@google-cloud/pubsub';
 * const pubsub = new PubSub();
 * const stop = subscribePhaseTransition(pubsub.subscription('mlb-phase2-raw-complete-sub'), {
 *   deadLetterTopic: pubsub.topic('mlb-phase2-raw-complete-dlq'),
 *   process: async (message) => console.log('phase 2 done for', message.game_date),
 * });
 * // ... on shutdown:
 * await stop();
 * ```
 */
import type { Message, Subscription } from '@google-cloud/pubsub';
import {
  createMessageHandler,
  type HandlingResult,
  type Logger,
  type MessageMeta,
  type MessagePublisher,
  Phase2CompletionMessage,
} from '../src/index.js';

/** Options of {@link subscribePhaseTransition}. */
export interface PhaseTransitionOptions {
  /** The work for one valid message. Throw to have it redelivered (transient) or dead-lettered. */
  process: (message: Phase2CompletionMessage, meta: MessageMeta) => Promise<unknown>;
  /** Where invalid and permanently failing messages go. */
  deadLetterTopic: MessagePublisher;
  /** Match the subscription's dead-letter policy (Pub/Sub reports delivery attempts only with one). */
  maxDeliveryAttempts?: number;
  logger?: Logger;
  /** Called once per delivery with what the handler decided (for metrics; the demo counts them). */
  onOutcome?: (message: Message, result: HandlingResult) => void;
}

/**
 * Wires a subscription to a `Phase2CompletionMessage` handler. Resolves nothing; returns a function
 * that stops the stream and waits for the deliveries in flight.
 *
 * @example
 * ```ts
 * const stop = subscribePhaseTransition(subscription, { deadLetterTopic, process });
 * ```
 */
export function subscribePhaseTransition(
  subscription: Subscription,
  options: PhaseTransitionOptions,
): () => Promise<void> {
  const handler = createMessageHandler(Phase2CompletionMessage, options.process, {
    deadLetterTopic: options.deadLetterTopic,
    maxDeliveryAttempts: options.maxDeliveryAttempts ?? 5,
    // Names the CONSUMER span and its messaging.destination.subscription.name.
    subscription: subscription.name,
    ...(options.logger ? { logger: options.logger } : {}),
  });
  const inFlight = new Set<Promise<void>>();

  const onMessage = (message: Message): void => {
    // `handler.subscription(message)` does exactly this; `handle` is used to report the outcome.
    const delivery = handler.handle(message).then((result) => {
      if (result.ack) message.ack();
      else message.nack();
      options.onOutcome?.(message, result);
    });
    inFlight.add(delivery);
    void delivery.finally(() => inFlight.delete(delivery));
  };
  const onError = (error: Error): void => {
    // The client reconnects on its own; a stream error is worth a log line, not a crash.
    options.logger?.warn('subscription stream error', { error });
  };
  subscription.on('message', onMessage);
  subscription.on('error', onError);

  return async () => {
    subscription.off('message', onMessage);
    await Promise.allSettled([...inFlight]);
    await subscription.close();
    subscription.off('error', onError);
  };
}
