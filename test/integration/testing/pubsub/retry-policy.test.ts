import { type Message, type PubSub, type Subscription, v1 } from '@google-cloud/pubsub';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestClock, type TestClock } from '../../../../src/testing/clock.js';
import { type PubSubStandIn, startPubSubStandIn } from '../../../../src/testing/pubsub/index.js';
import { until } from './helpers.js';

// The stand-in's timers (ack deadlines, retry backoff) run on this virtual clock: no test waits
// for a backoff in real time.
let clock: TestClock;
let standIn: PubSubStandIn;
let pubsub: PubSub;
const opened: Subscription[] = [];

beforeAll(async () => {
  clock = createTestClock();
  standIn = await startPubSubStandIn({ projectId: 'retry-policy-test', clock });
  pubsub = standIn.client();
});

afterEach(async () => {
  await Promise.all(opened.splice(0).map((s) => s.close()));
});

afterAll(async () => {
  await pubsub.close();
  await standIn.close();
});

/** Subscribes and nacks every delivery; resolves the count of deliveries seen so far on demand. */
function nackEverything(name: string): { deliveries: () => number } {
  const subscription = pubsub.subscription(name);
  opened.push(subscription);
  let deliveries = 0;
  subscription.on('message', (message: Message) => {
    deliveries += 1;
    message.nack();
  });
  return { deliveries: () => deliveries };
}

const SECOND = 1000;

describe('Pub/Sub stand-in: a subscription retry policy delays redelivery as Pub/Sub does', () => {
  it('waits minimumBackoff after the first nack, doubling per failed delivery up to maximumBackoff', async () => {
    const [topic] = await pubsub.createTopic('backoff');
    await topic.createSubscription('backoff-sub', {
      retryPolicy: { minimumBackoff: { seconds: 10 }, maximumBackoff: { seconds: 40 } },
    });
    const sub = nackEverything('backoff-sub');
    await topic.publishMessage({ data: Buffer.from('fails every time') });
    const stats = () => standIn.subscriptionStats('backoff-sub')!;

    // Expected waits before the 2nd, 3rd, 4th and 5th delivery: 10 s, 20 s, 40 s, 40 s (capped).
    const waits = [10, 20, 40, 40];
    for (const [i, wait] of waits.entries()) {
      await until(() => stats().nacked === i + 1, 10_000, `nack ${i + 1}`);
      // Nacked and held back: waiting, not leased, not handed to the subscriber.
      expect(stats()).toMatchObject({ undelivered: 1, outstanding: 0 });
      clock.advance(wait * SECOND - 1);
      expect(stats()).toMatchObject({ undelivered: 1, outstanding: 0 });
      clock.advance(1);
      // Due now: delivered at once (the broker hands it to the open stream when its timer fires).
      expect(stats()).toMatchObject({ undelivered: 0 });
      await until(() => sub.deliveries() === i + 2, 10_000, `delivery ${i + 2}`);
    }
  });

  it('an empty retry policy uses Pub/Sub’s defaults: 10 s minimum', async () => {
    const [topic] = await pubsub.createTopic('defaults');
    await topic.createSubscription('defaults-sub', { retryPolicy: {} });
    const sub = nackEverything('defaults-sub');
    await topic.publishMessage({ data: Buffer.from('x') });
    await until(() => standIn.subscriptionStats('defaults-sub')?.nacked === 1, 10_000, 'the nack');
    clock.advance(10 * SECOND - 1);
    expect(standIn.subscriptionStats('defaults-sub')).toMatchObject({ undelivered: 1, outstanding: 0 });
    clock.advance(1);
    await until(() => sub.deliveries() === 2, 10_000, 'the redelivery');
  });

  it('an expired ack deadline is held back by the retry policy too (unary Pull sees nothing meanwhile)', async () => {
    const [topic] = await pubsub.createTopic('expiry');
    await topic.createSubscription('expiry-sub', {
      ackDeadlineSeconds: 10,
      retryPolicy: { minimumBackoff: { seconds: 30 }, maximumBackoff: { seconds: 60 } },
    });
    const raw = new v1.SubscriberClient({ ...pubsub.options, port: Number(pubsub.options.port) });
    try {
      const pull = async () => {
        const [response] = await raw.pull({
          subscription: 'projects/retry-policy-test/subscriptions/expiry-sub',
          maxMessages: 10,
        });
        return response.receivedMessages ?? [];
      };
      await topic.publishMessage({ data: Buffer.from('never acked') });
      expect(await pull()).toHaveLength(1);
      clock.advance(10 * SECOND);
      expect(standIn.subscriptionStats('expiry-sub')).toMatchObject({ expired: 1, undelivered: 1 });
      clock.advance(30 * SECOND - 1);
      expect(await pull()).toHaveLength(0);
      clock.advance(1);
      expect(await pull()).toHaveLength(1);
    } finally {
      await raw.close();
    }
  });

  it('ordered: the later messages of a held message’s key wait behind it; other keys do not', async () => {
    const [topic] = await pubsub.createTopic('ordered', {});
    await topic.createSubscription('ordered-sub', {
      enableMessageOrdering: true,
      retryPolicy: { minimumBackoff: { seconds: 10 }, maximumBackoff: { seconds: 60 } },
    });
    const raw = new v1.SubscriberClient({ ...pubsub.options, port: Number(pubsub.options.port) });
    const subscription = 'projects/retry-policy-test/subscriptions/ordered-sub';
    try {
      const pull = async () => {
        const [response] = await raw.pull({ subscription, maxMessages: 10 });
        return (response.receivedMessages ?? []).map((m) => ({
          ackId: m.ackId!,
          data: Buffer.from(m.message!.data as Uint8Array).toString(),
        }));
      };
      const ordered = pubsub.topic('ordered', { messageOrdering: true });
      await ordered.publishMessage({ data: Buffer.from('k1'), orderingKey: 'k' });
      await ordered.publishMessage({ data: Buffer.from('k2'), orderingKey: 'k' });
      const first = await pull();
      expect(first.map((m) => m.data)).toEqual(['k1', 'k2']);
      await raw.modifyAckDeadline({ subscription, ackIds: [first[0]!.ackId], ackDeadlineSeconds: 0 });
      await ordered.publishMessage({ data: Buffer.from('other'), orderingKey: 'j' });
      // k2 was outstanding: it comes back with k1, after k1's backoff; the key j is not held.
      expect((await pull()).map((m) => m.data)).toEqual(['other']);
      clock.advance(10 * SECOND);
      expect((await pull()).map((m) => m.data)).toEqual(['k1', 'k2']);
    } finally {
      await raw.close();
    }
  });

  it('without a retry policy a nacked message comes back at once, with no time passing', async () => {
    const [topic] = await pubsub.createTopic('immediate');
    await topic.createSubscription('immediate-sub');
    const sub = nackEverything('immediate-sub');
    await topic.publishMessage({ data: Buffer.from('x') });
    const before = clock.now();
    await until(() => sub.deliveries() >= 3, 10_000, 'three deliveries');
    expect(clock.now()).toBe(before);
  });
});
