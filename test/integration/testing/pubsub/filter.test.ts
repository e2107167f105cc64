import type { Message, PubSub, Subscription } from '@google-cloud/pubsub';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PubSubStandIn, startPubSubStandIn } from '../../../../src/testing/pubsub/index.js';
import { collect, until, within } from './helpers.js';

let standIn: PubSubStandIn;
let pubsub: PubSub;

beforeAll(async () => {
  standIn = await startPubSubStandIn({ projectId: 'filter-test' });
  pubsub = standIn.client();
});

afterAll(async () => {
  await pubsub.close();
  await standIn.close();
});

const EVENTS: Array<Record<string, string>> = [
  { type: 'order', region: 'eu-west' },
  { type: 'refund', region: 'eu-north' },
  { type: 'order', region: 'us-east' },
  { region: 'eu-south' },
];

let topics = 0;

/** Creates a subscription with `filter`, publishes {@link EVENTS}, and answers how many it holds. */
async function delivered(filter: string): Promise<number> {
  const name = `filtered-${++topics}`;
  const [topic] = await pubsub.createTopic(name);
  await topic.createSubscription(`${name}-sub`, { filter });
  for (const [i, attributes] of EVENTS.entries()) {
    await topic.publishMessage({ data: Buffer.from(String(i)), attributes });
  }
  return standIn.subscriptionStats(`${name}-sub`)!.undelivered;
}

describe('Pub/Sub stand-in: subscription filters, through the real client', () => {
  it.each([
    ['attributes.type = "order"', 2],
    ['attributes.type != "order"', 2],
    ['attributes:type', 3],
    ['NOT attributes:type', 1],
    ['hasPrefix(attributes.region, "eu-")', 3],
    ['attributes.type = "order" AND hasPrefix(attributes.region, "eu")', 1],
    ['attributes.type = "refund" OR attributes.region = "us-east"', 2],
    ['(attributes.type = "order" OR attributes.type = "refund") AND NOT attributes.region = "us-east"', 2],
  ])('%s keeps %i of 4 messages', async (filter, count) => {
    expect(await delivered(filter)).toBe(count);
  });

  it('delivers only matching messages to subscription.on("message"); the filter is returned by getMetadata', async () => {
    const [topic] = await pubsub.createTopic('streamed');
    const [sub] = await topic.createSubscription('streamed-sub', { filter: 'attributes.type = "order"' });
    const [metadata] = await sub.getMetadata();
    expect(metadata.filter).toBe('attributes.type = "order"');
    for (const attributes of EVENTS)
      await topic.publishMessage({ data: Buffer.from(attributes.type ?? '-'), attributes });
    const subscription: Subscription = pubsub.subscription('streamed-sub');
    const got = collect(subscription, (message: Message, all) => {
      message.ack();
      return all.length >= 2;
    });
    try {
      const messages = await within(got, 5000, 'two orders');
      expect(messages.map((m) => m.attributes.region)).toEqual(['eu-west', 'us-east']);
      await until(() => standIn.subscriptionStats('streamed-sub')?.acked === 2, 5000, 'the two acks');
      expect(standIn.subscriptionStats('streamed-sub')).toMatchObject({ undelivered: 0, outstanding: 0 });
    } finally {
      await subscription.close();
    }
  });

  it.each([
    ['attributes.type = "a" AND attributes.b = "c" OR attributes:d', 'must not be mixed'],
    ['type = "order"', 'expected "attributes"'],
    ['attributes.type = order', 'quoted string'],
    ['attributes.type > "a"', 'unexpected ">"'],
    ['attributes.type', 'expected "=" or "!="'],
    [`attributes.k = "${'x'.repeat(260)}"`, 'longer than 256 bytes'],
  ])('refuses the filter %s with INVALID_ARGUMENT', async (filter, why) => {
    const [topic] = await pubsub.createTopic(`refused-${++topics}`);
    await expect(
      topic.createSubscription(`${topic.name.split('/').pop()}-sub`, { filter }),
    ).rejects.toMatchObject({
      code: 3,
      details: expect.stringContaining(why),
    });
  });
});
