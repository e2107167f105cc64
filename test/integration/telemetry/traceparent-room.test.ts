import type { PubSub } from '@google-cloud/pubsub';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PubSubStandIn, startPubSubStandIn } from '../../../src/testing/pubsub/index.js';
import { createMessageHandler, Phase2CompletionMessage } from '../../../src/validation/index.js';
import { type OtelHarness, registerOtel } from '../../helpers/otel.js';

let otel: OtelHarness;
let standIn: PubSubStandIn;
let pubsub: PubSub;

beforeAll(async () => {
  otel = registerOtel();
  standIn = await startPubSubStandIn({ projectId: 'traceparent-room' });
  pubsub = standIn.client();
});

afterAll(async () => {
  await pubsub.close();
  await standIn.close();
  await otel.stop();
});

describe('the traceparent a traced publish adds never pushes a message over 100 attributes', () => {
  it('a message with 100 attributes of its own is dead-lettered with tracing on (it was refused for good)', async () => {
    const [dlq] = await pubsub.createTopic('room-dlq');
    const handler = createMessageHandler(Phase2CompletionMessage, () => {}, { deadLetterTopic: dlq });
    const attributes = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`a${i}`, 'x']));
    const result = await handler.handle({
      message: { data: Buffer.from('{"game_date": 7}').toString('base64'), messageId: 'm-1', attributes },
      subscription: 'projects/traceparent-room/subscriptions/room-sub',
    });
    expect(result).toMatchObject({ ack: true, outcome: 'dead_lettered', reason: 'validation_failed' });
    const [dead] = standIn.published('room-dlq');
    // Every attribute of its own is kept; no place is left for ours, nor for the traceparent.
    expect(dead!.attributes).toEqual(attributes);
  });
});
