import type { Message, PubSub, Subscription } from '@google-cloud/pubsub';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PubSubStandIn, startPubSubStandIn } from '../../../src/testing/pubsub/index.js';
import {
  createMessageHandler,
  type MessageMeta,
  Phase2CompletionMessage,
  publishValidated,
} from '../../../src/validation/index.js';
import { until } from '../testing/pubsub/helpers.js';

let standIn: PubSubStandIn;
let pubsub: PubSub;
let subscription: Subscription | undefined;

beforeAll(async () => {
  standIn = await startPubSubStandIn({ projectId: 'handler-timeout' });
  pubsub = standIn.client();
});

afterAll(async () => {
  await subscription?.close();
  await pubsub.close();
  await standIn.close();
});

describe('createMessageHandler handlerTimeoutMs with the real streaming-pull client', () => {
  it('a delivery whose handler hangs is nacked at the timeout, redelivered and handled again', async () => {
    const [topic] = await pubsub.createTopic('hangs');
    await topic.createSubscription('hangs-sub');
    const calls: MessageMeta[] = [];
    const handler = createMessageHandler(
      Phase2CompletionMessage,
      (_data, meta) => {
        calls.push(meta);
        // The first call never settles (a hung connection); the redelivery's succeeds.
        return calls.length === 1 ? new Promise(() => {}) : undefined;
      },
      { onInvalid: 'nack', handlerTimeoutMs: 200 },
    );
    subscription = pubsub.subscription('hangs-sub');
    subscription.on('message', (message: Message) => void handler.subscription(message));
    await publishValidated(topic, Phase2CompletionMessage, {
      processor_name: 'BdlGamesProcessor',
      game_date: '2026-01-23',
    });
    await until(() => standIn.subscriptionStats('hangs-sub')?.acked === 1, 10_000, 'the redelivery acked');
    expect(calls).toHaveLength(2);
    expect(calls[0]?.signal?.aborted).toBe(true);
    expect(calls[1]?.signal?.aborted).toBe(false);
    expect(standIn.subscriptionStats('hangs-sub')).toMatchObject({ nacked: 1, acked: 1 });
  });
});
