import type { PubSub } from '@google-cloud/pubsub';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MessageValidationError } from '../../../src/errors/index.js';
import { type PubSubStandIn, startPubSubStandIn } from '../../../src/testing/pubsub/index.js';
import { Phase2CompletionMessage, publishValidated } from '../../../src/validation/index.js';
import { caught } from '../../helpers/caught.js';

/**
 * An ordering key Pub/Sub refuses (over 1,024 bytes of UTF-8) used to be found out by the Publish
 * request, after the client had queued the message under the key; one that is not a string, or that
 * has no UTF-8 form (a lone surrogate), was published under another key. publishValidated checks
 * the key before publishing, with the same typed error as a bad attribute, and sends nothing.
 */
describe('publishValidated checks the ordering key before publishing', () => {
  let standIn: PubSubStandIn;
  let pubsub: PubSub;
  const good = { processor_name: 'BdlPlayerBoxscoresProcessor', game_date: '2026-01-23', record_count: 240 };
  beforeAll(async () => {
    standIn = await startPubSubStandIn({ projectId: 'ordering-key-test' });
    pubsub = standIn.client();
  });
  afterAll(async () => {
    await pubsub.close();
    await standIn.close();
  });
  const publishCalls = (from: number) => standIn.requests.slice(from).filter((r) => r.method === 'Publish');

  let topicNo = 0;
  const orderedTopic = async () => {
    const name = `ordered-${++topicNo}`;
    await pubsub.createTopic(name);
    return { name, topic: pubsub.topic(name, { messageOrdering: true }) };
  };

  for (const [what, key, says] of [
    ['over 1,024 bytes of UTF-8', 'k'.repeat(1025), 'at most 1024 bytes of UTF-8, got 1025'],
    ['of 513 characters but 1,026 bytes', 'é'.repeat(513), 'at most 1024 bytes of UTF-8, got 1026'],
    ['not a string', 42, 'must be a string, got a number'],
    ['holding a lone surrogate', 'game-\uD83D', 'lone surrogate'],
  ] as const) {
    it(`a key ${what} is a MessageValidationError naming orderingKey, nothing published`, async () => {
      const { name, topic } = await orderedTopic();
      const from = standIn.requests.length;
      const error = await caught(
        publishValidated(topic, Phase2CompletionMessage, good, {}, { orderingKey: key as string }),
      );
      expect(error).toBeInstanceOf(MessageValidationError);
      expect((error as MessageValidationError).issues).toEqual([
        expect.objectContaining({ path: ['orderingKey'], message: expect.stringContaining(says) }),
      ]);
      expect(publishCalls(from)).toHaveLength(0);
      expect(standIn.published(name)).toHaveLength(0);
      // Nothing was queued under the key: the next message with a good key goes.
      await publishValidated(topic, Phase2CompletionMessage, good, {}, { orderingKey: 'game-1' });
      expect(standIn.published(name).map((m) => m.orderingKey)).toEqual(['game-1']);
    });
  }

  it('a key of exactly 1,024 bytes, and the empty key (no key), are published as given', async () => {
    const { name, topic } = await orderedTopic();
    const longest = `${'é'.repeat(511)}ab`;
    expect(Buffer.byteLength(longest, 'utf8')).toBe(1024);
    await publishValidated(topic, Phase2CompletionMessage, good, {}, { orderingKey: longest });
    await publishValidated(topic, Phase2CompletionMessage, good, {}, { orderingKey: '' });
    expect(standIn.published(name).map((m) => m.orderingKey)).toEqual([longest, '']);
  });

  it('a keyed publish through a Topic opened without messageOrdering goes out with its key (the Node client does not refuse it)', async () => {
    const name = `unordered-${++topicNo}`;
    const [topic] = await pubsub.createTopic(name);
    await publishValidated(topic, Phase2CompletionMessage, good, {}, { orderingKey: 'game-7' });
    expect(standIn.published(name).map((m) => m.orderingKey)).toEqual(['game-7']);
  });
});
