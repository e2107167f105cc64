import { Duration, type Message, type v1 } from '@google-cloud/pubsub';
import { describe, expect, it } from 'vitest';
import { collect, usePubSubWithSubscriber, within } from './helpers.js';

const f = usePubSubWithSubscriber('stream-deadlines-test');

interface Delivery {
  ackId: string;
  deliveryAttempt: number;
}

/**
 * Opens a raw StreamingPull stream with the generated client and writes `first` to it. Resolves
 * `status` with the stream's error (a status object) or `'open'` once the first delivery arrived.
 */
function openStream(client: v1.SubscriberClient, first: Record<string, unknown>) {
  const stream = client.streamingPull();
  const deliveries: Delivery[] = [];
  let onDelivery: (() => void) | undefined;
  const failed = new Promise<{ code?: number; details?: string }>((resolve) => {
    stream.on('error', (error: { code?: number; details?: string }) => resolve(error));
  });
  stream.on('data', (response: { receivedMessages: Delivery[] }) => {
    deliveries.push(...response.receivedMessages);
    onDelivery?.();
  });
  const delivered = (count: number) =>
    within(
      new Promise<void>((resolve) => {
        onDelivery = () => {
          if (deliveries.length >= count) resolve();
        };
        onDelivery();
      }),
      5000,
      `${count} deliveries`,
    );
  stream.write(first);
  return { stream, deliveries, failed, delivered };
}

async function topicWithSubscription(name: string) {
  const [topic] = await f.pubsub.createTopic(name);
  const [dlq] = await f.pubsub.createTopic(`${name}-dlq`);
  const [sub] = await topic.createSubscription(`${name}-sub`, {
    deadLetterPolicy: { deadLetterTopic: dlq.name },
  });
  return { topic, sub };
}

const RANGE = 'stream_ack_deadline_seconds must be between 10 and 600 seconds';

describe('Pub/Sub stand-in: StreamingPull ack deadlines are range-checked as Pub/Sub does', () => {
  it.each([
    [5, 'under 10 s'],
    [601, 'over 600 s'],
    [-1, 'negative'],
    [0, 'missing (the field is required on the first request)'],
  ])('refuses a first request with streamAckDeadlineSeconds %d (%s): INVALID_ARGUMENT', async (seconds) => {
    const { sub } = await topicWithSubscription(`first-${seconds < 0 ? 'neg' : seconds}`);
    const { stream, failed } = openStream(f.client, {
      subscription: sub.name,
      streamAckDeadlineSeconds: seconds,
    });
    try {
      const status = await within(failed, 5000, 'the stream to be refused');
      expect(status).toMatchObject({ code: 3, details: expect.stringContaining(RANGE) });
    } finally {
      stream.end();
    }
  });

  it.each([10, 600])(
    'accepts a first request with streamAckDeadlineSeconds %d and delivers',
    async (seconds) => {
      const { topic, sub } = await topicWithSubscription(`bounds-${seconds}`);
      const { stream, deliveries, delivered } = openStream(f.client, {
        subscription: sub.name,
        streamAckDeadlineSeconds: seconds,
      });
      try {
        await topic.publishMessage({ data: Buffer.from('x') });
        await delivered(1);
        expect(deliveries).toHaveLength(1);
      } finally {
        stream.end();
      }
    },
  );

  it('a later request may leave the deadline unset (keep-alive) but not set it out of range', async () => {
    const { topic, sub } = await topicWithSubscription('later');
    const { stream, failed, delivered } = openStream(f.client, {
      subscription: sub.name,
      streamAckDeadlineSeconds: 60,
    });
    try {
      stream.write({});
      stream.write({ streamAckDeadlineSeconds: 30 });
      await topic.publishMessage({ data: Buffer.from('x') });
      await delivered(1);
      stream.write({ streamAckDeadlineSeconds: 9 });
      const status = await within(failed, 5000, 'the stream to be aborted');
      expect(status).toMatchObject({ code: 3, details: expect.stringContaining(RANGE) });
    } finally {
      stream.end();
    }
  });

  it('a negative modifyDeadlineSeconds aborts the stream and applies no entry of that request', async () => {
    const { topic, sub } = await topicWithSubscription('modify-negative');
    const { stream, deliveries, failed, delivered } = openStream(f.client, {
      subscription: sub.name,
      streamAckDeadlineSeconds: 60,
    });
    try {
      await topic.publishMessage({ data: Buffer.from('a') });
      await topic.publishMessage({ data: Buffer.from('b') });
      await delivered(2);
      stream.write({
        modifyDeadlineAckIds: [deliveries[0]!.ackId, deliveries[1]!.ackId],
        modifyDeadlineSeconds: [0, -1],
      });
      const status = await within(failed, 5000, 'the stream to be aborted');
      expect(status).toMatchObject({ code: 3 });
      // The valid first entry (a nack) was not applied either.
      expect(f.standIn.subscriptionStats('modify-negative-sub')).toMatchObject({ nacked: 0, outstanding: 2 });
    } finally {
      stream.end();
    }
  });

  it('a malformed ack id on the stream aborts it with INVALID_ARGUMENT, as the reference says', async () => {
    const { topic, sub } = await topicWithSubscription('bad-ack-id');
    const { stream, deliveries, failed, delivered } = openStream(f.client, {
      subscription: sub.name,
      streamAckDeadlineSeconds: 60,
    });
    try {
      const id = await topic.publishMessage({ data: Buffer.from('a') });
      await delivered(1);
      // A message id passed where an ack id belongs, with a valid ack id beside it.
      stream.write({ ackIds: [deliveries[0]!.ackId, id] });
      const status = await within(failed, 5000, 'the stream to be aborted');
      expect(status).toMatchObject({ code: 3, details: expect.stringContaining('invalid ack ID') });
      expect(f.standIn.subscriptionStats('bad-ack-id-sub')).toMatchObject({ acked: 0, outstanding: 1 });
    } finally {
      stream.end();
    }
  });

  it('the real client with a maxAckDeadline under 10 s gets the INVALID_ARGUMENT as an error event', async () => {
    const { topic } = await topicWithSubscription('client-short');
    const subscription = f.pubsub.subscription('client-short-sub', {
      maxAckDeadline: Duration.from({ seconds: 5 }),
    });
    try {
      const errored = new Promise<{ code?: number; details?: string }>((resolve) => {
        subscription.on('error', resolve);
      });
      const received: Message[] = [];
      subscription.on('message', (message: Message) => received.push(message));
      await topic.publishMessage({ data: Buffer.from('x') });
      const error = await within(errored, 5000, 'the error event');
      expect(error).toMatchObject({ code: 3, details: expect.stringContaining(RANGE) });
      expect(received).toEqual([]);
    } finally {
      await subscription.close();
    }
  });

  it('the real client with the default deadlines still receives and acks', async () => {
    const { topic } = await topicWithSubscription('client-default');
    const subscription = f.pubsub.subscription('client-default-sub');
    try {
      const received = collect(subscription, (message) => {
        message.ack();
        return true;
      });
      await topic.publishMessage({ data: Buffer.from('x') });
      const [message] = await within(received, 5000, 'the message');
      expect(message?.data.toString()).toBe('x');
    } finally {
      await subscription.close();
    }
  });
});
