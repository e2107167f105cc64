import type { PubSub } from '@google-cloud/pubsub';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PubSubStandIn, startPubSubStandIn } from '../../../../src/testing/pubsub/index.js';
import { until, within } from './helpers.js';

let standIn: PubSubStandIn;
let pubsub: PubSub;

beforeAll(async () => {
  standIn = await startPubSubStandIn({ projectId: 'admin-test' });
  pubsub = standIn.client();
});

afterAll(async () => {
  await pubsub.close();
  await standIn.close();
});

describe('Pub/Sub stand-in: topics and subscriptions', () => {
  it('reports its endpoint and project, and points the client at them', () => {
    expect(standIn.endpoint).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(standIn.projectId).toBe('admin-test');
    expect(pubsub.isEmulator).toBe(true);
    expect(pubsub.projectId).toBe('admin-test');
  });

  it('creates, gets, lists and deletes topics', async () => {
    const [topic] = await pubsub.createTopic('inventory');
    expect(topic.name).toBe('projects/admin-test/topics/inventory');
    expect((await topic.exists())[0]).toBe(true);
    const [topics] = await pubsub.getTopics();
    expect(topics.map((t) => t.name)).toContain(topic.name);
    await expect(pubsub.createTopic('inventory')).rejects.toMatchObject({ code: 6 });

    await topic.delete();
    expect((await topic.exists())[0]).toBe(false);
  });

  it('creates a subscription with its ack deadline and dead-letter policy (0 attempts means 5)', async () => {
    const [topic] = await pubsub.createTopic('events');
    const [dlq] = await pubsub.createTopic('events-dlq');
    const [sub] = await topic.createSubscription('events-sub', {
      ackDeadlineSeconds: 45,
      deadLetterPolicy: { deadLetterTopic: dlq.name, maxDeliveryAttempts: 0 },
    });
    const [metadata] = await sub.getMetadata();

    expect(metadata.topic).toBe(topic.name);
    expect(metadata.ackDeadlineSeconds).toBe(45);
    expect(metadata.deadLetterPolicy).toMatchObject({ deadLetterTopic: dlq.name, maxDeliveryAttempts: 5 });
    const [subscriptions] = await pubsub.getSubscriptions();
    expect(subscriptions.map((s) => s.name)).toContain(sub.name);
    const [ofTopic] = await topic.getSubscriptions();
    expect(ofTopic.map((s) => s.name)).toEqual([sub.name]);

    await sub.delete();
    expect((await sub.exists())[0]).toBe(false);
    expect(standIn.subscriptionStats('events-sub')).toBeUndefined();
  });

  it('rejects what Pub/Sub rejects: bad dead-letter policies, ack deadlines and names', async () => {
    const [topic] = await pubsub.createTopic('strict');
    await expect(
      topic.createSubscription('strict-a', {
        deadLetterPolicy: { deadLetterTopic: 'projects/admin-test/topics/nowhere', maxDeliveryAttempts: 5 },
      }),
    ).rejects.toMatchObject({ code: 5 });
    await expect(
      topic.createSubscription('strict-b', {
        deadLetterPolicy: { deadLetterTopic: topic.name, maxDeliveryAttempts: 3 },
      }),
    ).rejects.toMatchObject({ code: 3 });
    await expect(topic.createSubscription('strict-c', { ackDeadlineSeconds: 5 })).rejects.toMatchObject({
      code: 3,
    });
    await expect(pubsub.createTopic('ab')).rejects.toMatchObject({ code: 3 });
    await expect(pubsub.topic('missing').createSubscription('orphan')).rejects.toMatchObject({ code: 5 });
  });

  it('publishing to a missing topic fails with NOT_FOUND', async () => {
    await expect(
      pubsub.topic('no-such-topic').publishMessage({ data: Buffer.from('x') }),
    ).rejects.toMatchObject({
      code: 5,
    });
  });

  it('fans a publish out only to subscriptions that existed at publish time', async () => {
    const [topic] = await pubsub.createTopic('timeline');
    await topic.createSubscription('timeline-early');
    await topic.publishMessage({ data: Buffer.from('1') });
    await topic.createSubscription('timeline-late');

    expect(standIn.subscriptionStats('timeline-early')?.undelivered).toBe(1);
    expect(standIn.subscriptionStats('timeline-late')?.undelivered).toBe(0);
  });

  it('answers RPCs it does not implement with UNIMPLEMENTED, and logs them', async () => {
    const [topic] = await pubsub.createTopic('labeled');
    await expect(topic.setMetadata({ labels: { team: 'data' } })).rejects.toMatchObject({ code: 12 });
    expect(standIn.requests.at(-1)?.method).toBe('UpdateTopic');
  });

  it('a subscriber of a missing subscription gets NOT_FOUND as an error event', async () => {
    const subscription = pubsub.subscription('never-created');
    // The subscriber only opens its streams once a message listener is attached.
    subscription.on('message', () => {});
    try {
      const error = await within(
        new Promise<{ code?: number }>((resolve) => subscription.once('error', resolve)),
        5000,
        'the error event',
      );
      expect(error.code).toBe(5);
    } finally {
      await subscription.close();
    }
  });

  it('close() ends open streams promptly and is idempotent', async () => {
    const other = await startPubSubStandIn();
    const client = other.client();
    const [topic] = await client.createTopic('closing');
    await topic.createSubscription('closing-sub');
    const subscription = client.subscription('closing-sub');
    subscription.on('error', () => {});
    subscription.on('message', () => {});
    try {
      await until(
        () => other.requests.filter((r) => r.method === 'StreamingPull').length >= 5,
        5000,
        'streams',
      );
      await within(other.close(), 2000, 'close()');
      await within(other.close(), 2000, 'a second close()');
      await expect(other.waitForPublished('closing')).rejects.toThrow(/closed/);
    } finally {
      await subscription.close();
      await client.close();
    }
  });
});
