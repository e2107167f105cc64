import { type Message, type PubSub, type Subscription, v1 } from '@google-cloud/pubsub';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type PubSubStandIn, startPubSubStandIn } from '../../../../src/testing/pubsub/index.js';
import { collect, until, within } from './helpers.js';

let standIn: PubSubStandIn;
let pubsub: PubSub;
const opened: Subscription[] = [];

beforeAll(async () => {
  standIn = await startPubSubStandIn({ projectId: 'delivery-test' });
  pubsub = standIn.client();
});

afterEach(async () => {
  await Promise.all(opened.splice(0).map((s) => s.close()));
});

afterAll(async () => {
  await pubsub.close();
  await standIn.close();
});

/** The generated (GAPIC) subscriber client, for the RPCs the handwritten Subscription does not expose. */
function rawSubscriber(): v1.SubscriberClient {
  return new v1.SubscriberClient({ ...pubsub.options, port: Number(pubsub.options.port) });
}

function open(name: string): Subscription {
  const subscription = pubsub.subscription(name);
  opened.push(subscription);
  return subscription;
}

describe('Pub/Sub stand-in: delivery to the real client', () => {
  it('delivers a published message to subscription.on("message") and clears it on ack', async () => {
    const [topic] = await pubsub.createTopic('orders');
    await topic.createSubscription('orders-sub');
    const received = collect(open('orders-sub'), (message) => {
      message.ack();
      return true;
    });
    const id = await topic.publishMessage({ json: { order: 1 }, attributes: { source: 'test' } });
    const [message] = await within(received, 15_000, 'the message');

    expect(message?.id).toBe(id);
    expect(JSON.parse(message!.data.toString())).toEqual({ order: 1 });
    expect(message?.attributes).toEqual({ source: 'test' });
    expect(message?.publishTime.getTime()).toBe(standIn.published('orders')[0]?.publishTime.getTime());
    // No dead-letter policy: Pub/Sub does not count delivery attempts.
    expect(message?.deliveryAttempt).toBe(0);
    await until(() => standIn.subscriptionStats('orders-sub')?.acked === 1, 15_000, 'the ack');
    expect(standIn.subscriptionStats('orders-sub')).toMatchObject({ outstanding: 0, undelivered: 0 });
  });

  it('opens several StreamingPull streams and delivers each message once', async () => {
    const [topic] = await pubsub.createTopic('fanout');
    await topic.createSubscription('fanout-a');
    await topic.createSubscription('fanout-b');
    const count = 20;
    const receivedA = collect(open('fanout-a'), (message, seen) => {
      message.ack();
      return seen.length === count;
    });
    const opening = () =>
      standIn.requests.filter(
        (r) =>
          r.method === 'StreamingPull' &&
          r.request.subscription === 'projects/delivery-test/subscriptions/fanout-a',
      );
    // The client opens five streams; each message must still reach exactly one of them.
    await until(() => opening().length === 5, 15_000, 'the streams to open');
    expect(opening()[0]?.request).toMatchObject({
      streamAckDeadlineSeconds: 10,
      maxOutstandingMessages: '1000',
    });

    const ids = await Promise.all(
      Array.from({ length: count }, (_, i) => topic.publishMessage({ data: Buffer.from(`m${i}`) })),
    );
    const seen = await within(receivedA, 15_000, `${count} messages`);

    expect(new Set(seen.map((m) => m.id))).toEqual(new Set(ids));
    await until(() => standIn.subscriptionStats('fanout-a')?.acked === count, 15_000, 'all acks');
    expect(standIn.subscriptionStats('fanout-a')).toMatchObject({ outstanding: 0, nacked: 0, expired: 0 });
    // Fan-out at publish time: the other subscription holds its own copy of every message.
    expect(standIn.subscriptionStats('fanout-b')?.undelivered).toBe(count);
  });

  it('redelivers a nacked message with a higher deliveryAttempt, then dead-letters it', async () => {
    const [topic] = await pubsub.createTopic('jobs');
    const [dlq] = await pubsub.createTopic('jobs-dlq');
    await topic.createSubscription('jobs-sub', {
      deadLetterPolicy: { deadLetterTopic: dlq.name, maxDeliveryAttempts: 5 },
    });
    const attempts: number[] = [];
    const subscription = open('jobs-sub');
    subscription.on('error', (error) => {
      throw error;
    });
    subscription.on('message', (message: Message) => {
      attempts.push(message.deliveryAttempt);
      message.nack();
    });
    const id = await topic.publishMessage({ data: Buffer.from('poison'), attributes: { kind: 'job' } });
    const [dead] = await within(
      standIn.waitForPublished('jobs-dlq', { timeoutMs: 8000 }),
      9000,
      'dead letter',
    );

    expect(attempts).toEqual([1, 2, 3, 4, 5]);
    expect(dead?.data.toString()).toBe('poison');
    expect(dead?.messageId).not.toBe(id);
    expect(dead?.attributes).toEqual({
      kind: 'job',
      CloudPubSubDeadLetterSourceDeliveryCount: '5',
      CloudPubSubDeadLetterSourceSubscription: 'jobs-sub',
      CloudPubSubDeadLetterSourceSubscriptionProject: 'delivery-test',
      CloudPubSubDeadLetterSourceTopicPublishTime: standIn.published('jobs')[0]?.publishTime.toISOString(),
    });
    expect(standIn.subscriptionStats('jobs-sub')).toMatchObject({
      nacked: 5,
      deadLettered: 1,
      outstanding: 0,
      undelivered: 0,
    });
  });

  it('delivers the dead-lettered message to a subscription of the dead-letter topic', async () => {
    const [topic] = await pubsub.createTopic('tasks');
    const [dlq] = await pubsub.createTopic('tasks-dlq');
    await dlq.createSubscription('tasks-dlq-sub');
    await topic.createSubscription('tasks-sub', {
      deadLetterPolicy: { deadLetterTopic: dlq.name, maxDeliveryAttempts: 5 },
    });
    open('tasks-sub').on('message', (message: Message) => message.nack());
    const arrived = collect(open('tasks-dlq-sub'), (message) => {
      message.ack();
      return true;
    });
    await topic.publishMessage({ data: Buffer.from('x') });
    const [dead] = await within(arrived, 8000, 'the dead letter');

    expect(dead?.data.toString()).toBe('x');
    expect(dead?.attributes.CloudPubSubDeadLetterSourceDeliveryCount).toBe('5');
  });

  it('serves unary Pull, ModifyAckDeadline and Acknowledge to the generated v1 client', async () => {
    const [topic] = await pubsub.createTopic('pulled');
    const [dlq] = await pubsub.createTopic('pulled-dlq');
    const [sub] = await topic.createSubscription('pulled-sub', {
      ackDeadlineSeconds: 30,
      deadLetterPolicy: { deadLetterTopic: dlq.name },
    });
    await topic.publishMessage({ data: Buffer.from('one') });
    const client = rawSubscriber();
    try {
      const [first] = await client.pull({ subscription: sub.name, maxMessages: 10 });
      expect(first.receivedMessages).toHaveLength(1);
      const received = first.receivedMessages![0]!;
      expect(received.deliveryAttempt).toBe(1);
      expect(Buffer.from(received.message!.data as Uint8Array).toString()).toBe('one');

      // Leased: nothing else to pull. Nack: redelivered at once, attempt 2.
      const [empty] = await client.pull({ subscription: sub.name, maxMessages: 10 });
      expect(empty.receivedMessages ?? []).toHaveLength(0);
      await client.modifyAckDeadline({
        subscription: sub.name,
        ackIds: [received.ackId!],
        ackDeadlineSeconds: 0,
      });
      const [second] = await client.pull({ subscription: sub.name, maxMessages: 10 });
      expect(second.receivedMessages?.[0]?.deliveryAttempt).toBe(2);

      // The stale ack id of the first delivery no longer acks; the current one does.
      await client.acknowledge({ subscription: sub.name, ackIds: [received.ackId!] });
      expect(standIn.subscriptionStats('pulled-sub')).toMatchObject({ acked: 0, outstanding: 1 });
      await client.acknowledge({ subscription: sub.name, ackIds: [second.receivedMessages![0]!.ackId!] });
      expect(standIn.subscriptionStats('pulled-sub')).toMatchObject({
        acked: 1,
        outstanding: 0,
        undelivered: 0,
      });
    } finally {
      await client.close();
    }
  });
});

describe('Pub/Sub stand-in: acks and deadlines sent over the StreamingPull stream', () => {
  it('applies modifyDeadlineAckIds (0 = nack) and ackIds written on the stream', async () => {
    const [topic] = await pubsub.createTopic('raw');
    const [dlq] = await pubsub.createTopic('raw-dlq');
    const [sub] = await topic.createSubscription('raw-sub', {
      deadLetterPolicy: { deadLetterTopic: dlq.name },
    });
    const client = rawSubscriber();
    const stream = client.streamingPull();
    try {
      const deliveries: { ackId: string; deliveryAttempt: number }[] = [];
      const arrivals: Array<() => void> = [];
      stream.on('error', () => {});
      stream.on('data', (response: { receivedMessages: { ackId: string; deliveryAttempt: number }[] }) => {
        deliveries.push(...response.receivedMessages);
        arrivals.shift()?.();
      });
      const next = () => within(new Promise<void>((resolve) => arrivals.push(resolve)), 15_000, 'a delivery');

      stream.write({ subscription: sub.name, streamAckDeadlineSeconds: 60 });
      const first = next();
      await topic.publishMessage({ data: Buffer.from('s') });
      await first;
      const second = next();
      stream.write({ modifyDeadlineAckIds: [deliveries[0]!.ackId], modifyDeadlineSeconds: [0] });
      await second;
      stream.write({ ackIds: [deliveries[1]!.ackId] });
      await until(() => standIn.subscriptionStats('raw-sub')?.acked === 1, 15_000, 'the ack');

      expect(deliveries.map((d) => d.deliveryAttempt)).toEqual([1, 2]);
      expect(standIn.subscriptionStats('raw-sub')).toMatchObject({
        nacked: 1,
        outstanding: 0,
        undelivered: 0,
      });
      const logged = standIn.requests.filter(
        (r) => r.method === 'StreamingPull' && r.request.subscription === '',
      );
      expect(logged.map((r) => r.request.ackIds)).toContainEqual([deliveries[1]!.ackId]);
    } finally {
      stream.end();
      await client.close();
    }
  });
});

describe('Pub/Sub stand-in: ack deadlines', () => {
  let fast: PubSubStandIn;
  let fastClient: PubSub;

  beforeAll(async () => {
    // 10 s deadlines last 100 ms, so expiry is observable without waiting real Pub/Sub minimums.
    fast = await startPubSubStandIn({ ackDeadlineScale: 0.01 });
    fastClient = fast.client();
  });

  afterAll(async () => {
    await fastClient.close();
    await fast.close();
  });

  it('redelivers a message whose ack deadline expired, counting the expiry as an attempt', async () => {
    const [topic] = await fastClient.createTopic('slow');
    const [dlq] = await fastClient.createTopic('slow-dlq');
    await topic.createSubscription('slow-sub', { deadLetterPolicy: { deadLetterTopic: dlq.name } });
    const subscription = fastClient.subscription('slow-sub');
    try {
      // The first delivery is held and never acked; the redelivery is acked.
      const received = collect(subscription, (message, seen) => {
        if (seen.length === 1) return false;
        message.ack();
        return true;
      });
      await topic.publishMessage({ data: Buffer.from('late') });
      const [first, second] = await within(received, 15_000, 'the redelivery');

      expect(second?.id).toBe(first?.id);
      expect([first?.deliveryAttempt, second?.deliveryAttempt]).toEqual([1, 2]);
      expect(second?.ackId).not.toBe(first?.ackId);
      await until(() => fast.subscriptionStats('slow-sub')?.acked === 1, 15_000, 'the ack');
      expect(fast.subscriptionStats('slow-sub')?.expired).toBeGreaterThanOrEqual(1);
    } finally {
      await subscription.close();
    }
  });
});
