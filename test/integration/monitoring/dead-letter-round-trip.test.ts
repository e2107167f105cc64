import { v1 } from '@google-cloud/pubsub';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createMessageHandler,
  type HandlingResult,
  Phase2CompletionMessage,
  replayDeadLetters,
} from '../../../src/index.js';
import { createPipeline, type Gcp, startGcp } from './helpers.js';

// The whole loop with the real clients on the stand-ins: a message published to a topic, pulled,
// dead-lettered by the handler, replayed, pulled and dead-lettered again.
const PROJECT = 'dl-round-trip';
let gcp: Gcp;
let subscriber: v1.SubscriberClient;

beforeAll(async () => {
  gcp = await startGcp(PROJECT);
  subscriber = new v1.SubscriberClient({
    ...gcp.pubsubClient.options,
    port: Number(gcp.pubsubClient.options.port),
  });
});

afterAll(async () => {
  await subscriber.close();
  await gcp.close();
});

const own = (count: number) =>
  Object.fromEntries(
    Array.from({ length: count }, (_, i) => [`a${String(i).padStart(2, '0')}`, `value-${i}`]),
  );
const data = Buffer.from(JSON.stringify({ processor_name: 'p', game_date: '2026-11-28' }));

let pipelines = 0;
async function pipeline() {
  const name = `games-${++pipelines}`;
  await createPipeline(gcp.pubsubClient, name);
  const handler = createMessageHandler(
    Phase2CompletionMessage,
    () => {
      throw new Error('permanent');
    },
    { deadLetterTopic: gcp.pubsubClient.topic(`${name}-dlq`), shutdown: false },
  );
  /** Pulls the one message waiting on the source subscription and hands it to the handler as a push body. */
  const deliver = async (): Promise<HandlingResult> => {
    const subscription = `projects/${PROJECT}/subscriptions/${name}-sub`;
    const [response] = await subscriber.pull({ subscription, maxMessages: 10 });
    const received = response.receivedMessages ?? [];
    expect(received).toHaveLength(1);
    const { ackId, message } = received[0]!;
    await subscriber.acknowledge({ subscription, ackIds: [ackId!] });
    return handler.handle({
      message: {
        data: Buffer.from(message!.data as Uint8Array).toString('base64'),
        messageId: message!.messageId,
        attributes: message!.attributes ?? {},
        orderingKey: message!.orderingKey ?? '',
      },
      subscription,
    });
  };
  const replay = (maxReplays = 3) =>
    replayDeadLetters(
      { projectId: PROJECT, from: `${name}-dlq-sub`, to: name, maxReplays },
      { clients: gcp.clients, shutdown: false },
    );
  const last = (topic: string) => gcp.pubsub.published(topic).at(-1)!;
  return { name, deliver, replay, last };
}

describe('dead letters keep every attribute and the ordering key, through a replay', () => {
  it('a message with 100 attributes of its own keeps all of them in the DLQ', async () => {
    const p = await pipeline();
    await gcp.pubsubClient.topic(p.name).publishMessage({ data, attributes: own(100) });
    expect((await p.deliver()).outcome).toBe('dead_lettered');
    expect(p.last(`${p.name}-dlq`).attributes).toEqual(own(100));
    // No place is left for replay_count, so the replay refuses it rather than drop an attribute.
    const result = await p.replay();
    expect(result.replayed).toEqual([]);
    expect(result.failed).toMatchObject([{ stage: 'publish', error: { code: 'REPLAY_NOT_POSSIBLE' } }]);
  });

  it('with 96 of its own, replay restores exactly them, replay_count survives dead-lettering, and maxReplays stops the loop', async () => {
    const p = await pipeline();
    await gcp.pubsubClient
      .topic(p.name)
      .publishMessage({ data, attributes: own(96), orderingKey: 'game-0042' });
    for (let round = 1; round <= 2; round++) {
      expect((await p.deliver()).outcome).toBe('dead_lettered');
      const dead = p.last(`${p.name}-dlq`).attributes;
      expect(dead).toMatchObject(own(96));
      if (round > 1) expect(dead.replay_count).toBe(String(round - 1));
      const result = await p.replay(2);
      expect(result.failed).toEqual([]);
      expect(result.replayed).toHaveLength(1);
      const republished = p.last(p.name);
      expect(republished.orderingKey).toBe('game-0042');
      expect(republished.data.equals(data)).toBe(true);
      const { replay_count, replayed_from, replayed_message_id, ...rest } = republished.attributes;
      expect(rest).toEqual(own(96));
      expect(replay_count).toBe(String(round));
      expect(replayed_from).toBe(`${p.name}-dlq-sub`);
      expect(replayed_message_id).toBe(p.last(`${p.name}-dlq`).messageId);
    }
    // Dead-lettered a third time: replayed twice already, it stays in the DLQ.
    expect((await p.deliver()).outcome).toBe('dead_lettered');
    const result = await p.replay(2);
    expect(result.replayed).toEqual([]);
    expect(result.exhausted).toHaveLength(1);
  });

  it('the ordering key of an ordinary message survives the DLQ and the replay', async () => {
    const p = await pipeline();
    await gcp.pubsubClient
      .topic(p.name)
      .publishMessage({ data, attributes: { tenant: 'nba' }, orderingKey: 'game-0007' });
    expect((await p.deliver()).outcome).toBe('dead_lettered');
    expect(p.last(`${p.name}-dlq`).attributes).toMatchObject({
      tenant: 'nba',
      source_ordering_key: 'game-0007',
    });
    await p.replay();
    expect(p.last(p.name)).toMatchObject({
      orderingKey: 'game-0007',
      attributes: { tenant: 'nba', replay_count: '1' },
    });
    expect(p.last(p.name).attributes).not.toHaveProperty('source_ordering_key');
  });

  it('a replayed message filled to 100 attributes is dead-lettered again, and not replayed without its ordering key', async () => {
    const p = await pipeline();
    await gcp.pubsubClient
      .topic(p.name)
      .publishMessage({ data, attributes: own(99), orderingKey: 'game-0099' });
    expect((await p.deliver()).outcome).toBe('dead_lettered');
    expect((await p.replay()).replayed).toHaveLength(1);
    // 99 of its own plus replay_count: no place is left for ours, source_ordering_key included.
    expect(p.last(p.name)).toMatchObject({ orderingKey: 'game-0099', attributes: { replay_count: '1' } });
    expect((await p.deliver()).outcome).toBe('dead_lettered');
    const before = gcp.pubsub.published(p.name).length;
    const result = await p.replay();
    expect(result.replayed).toEqual([]);
    expect(result.failed).toMatchObject([{ stage: 'publish', error: { code: 'REPLAY_NOT_POSSIBLE' } }]);
    expect(gcp.pubsub.published(p.name)).toHaveLength(before);
  });

  it("the ordering key of a message Pub/Sub's own dead-letter policy forwarded survives the replay", async () => {
    const p = await pipeline();
    await gcp.pubsubClient
      .topic(p.name)
      .publishMessage({ data, attributes: { tenant: 'nba' }, orderingKey: 'game-0009' });
    // Nacked on each of the subscription's 5 attempts: Pub/Sub forwards it to the DLQ, key and all.
    const subscription = `projects/${PROJECT}/subscriptions/${p.name}-sub`;
    for (let attempt = 1; attempt <= 5; attempt++) {
      const [response] = await subscriber.pull({ subscription, maxMessages: 10 });
      const ackIds = (response.receivedMessages ?? []).map((m) => m.ackId!);
      expect(ackIds).toHaveLength(1);
      await subscriber.modifyAckDeadline({ subscription, ackIds, ackDeadlineSeconds: 0 });
    }
    expect(p.last(`${p.name}-dlq`).orderingKey).toBe('game-0009');
    const result = await p.replay();
    expect(result.replayed).toHaveLength(1);
    expect(p.last(p.name)).toMatchObject({
      orderingKey: 'game-0009',
      attributes: { tenant: 'nba', replay_count: '1' },
    });
  });

  it('a message near 10 MB is dead-lettered with ours folded; one with no room left is a distinct outcome', async () => {
    const p = await pipeline();
    // Room for 200 bytes of attributes under the limit (less 1 KiB kept for the request's framing):
    // ours in full (some 300 bytes) do not fit.
    const near = Buffer.alloc(10 * 1024 * 1024 - 1024 - 200, 0x61);
    await gcp.pubsubClient.topic(p.name).publishMessage({ data: near, attributes: { tenant: 'nba' } });
    expect((await p.deliver()).outcome).toBe('dead_lettered');
    const dead = p.last(`${p.name}-dlq`);
    expect(dead.data.length).toBe(near.length);
    expect(dead.attributes.tenant).toBe('nba');
    expect(JSON.parse(dead.attributes.dead_letter!).dead_letter_reason).toBe('invalid_json');

    const full = Buffer.alloc(10 * 1024 * 1024 - 40, 0x61);
    await gcp.pubsubClient.topic(p.name).publishMessage({ data: full, orderingKey: 'game-0042' });
    const before = gcp.pubsub.published(`${p.name}-dlq`).length;
    const result = await p.deliver();
    expect(result).toMatchObject({
      ack: false,
      outcome: 'dead_letter_too_large',
      error: { code: 'DEAD_LETTER_TOO_LARGE' },
    });
    expect(gcp.pubsub.published(`${p.name}-dlq`)).toHaveLength(before);
  });
});
