import { describe, expect, it } from 'vitest';
import { usePubSubWithSubscriber } from './helpers.js';

const f = usePubSubWithSubscriber('ack-ids-test');

async function pulledOne(topicName: string, subName: string) {
  const [topic] = await f.pubsub.createTopic(topicName);
  const [sub] = await topic.createSubscription(subName, { ackDeadlineSeconds: 60 });
  await topic.publishMessage({ data: Buffer.from('payload') });
  const [pulled] = await f.client.pull({ subscription: sub.name, maxMessages: 10 });
  const received = pulled.receivedMessages![0]!;
  return { sub, ackId: received.ackId!, messageId: received.message!.messageId! };
}

describe('Pub/Sub stand-in: ack ids it never issued, through the generated v1 client', () => {
  it('refuses a message id passed as an ack id (Acknowledge) with INVALID_ARGUMENT; the message stays leased', async () => {
    const { sub, messageId } = await pulledOne('mixed-up', 'mixed-up-sub');
    await expect(f.client.acknowledge({ subscription: sub.name, ackIds: [messageId] })).rejects.toMatchObject(
      {
        code: 3,
        details: expect.stringContaining(`invalid ack ID to the service (ack_id=${messageId})`),
      },
    );
    expect(f.standIn.subscriptionStats('mixed-up-sub')).toMatchObject({ acked: 0, outstanding: 1 });
  });

  it("refuses another subscription's ack id and an unknown one on ModifyAckDeadline, and applies none of the request", async () => {
    const a = await pulledOne('first', 'first-sub');
    const b = await pulledOne('second', 'second-sub');
    await expect(
      f.client.modifyAckDeadline({
        subscription: a.sub.name,
        ackIds: [a.ackId, b.ackId],
        ackDeadlineSeconds: 0,
      }),
    ).rejects.toMatchObject({ code: 3 });
    await expect(
      f.client.acknowledge({ subscription: a.sub.name, ackIds: ['first-sub-999999'] }),
    ).rejects.toMatchObject({ code: 3 });
    // The valid ack id in the refused request was not nacked.
    expect(f.standIn.subscriptionStats('first-sub')).toMatchObject({ nacked: 0, outstanding: 1 });
  });

  it('accepts a stale ack id it issued (Pub/Sub ignores it) and the current one acks', async () => {
    const { sub, ackId } = await pulledOne('stale', 'stale-sub');
    await f.client.modifyAckDeadline({ subscription: sub.name, ackIds: [ackId], ackDeadlineSeconds: 0 });
    const [again] = await f.client.pull({ subscription: sub.name, maxMessages: 10 });
    await expect(f.client.acknowledge({ subscription: sub.name, ackIds: [ackId] })).resolves.toBeDefined();
    await f.client.acknowledge({ subscription: sub.name, ackIds: [again.receivedMessages![0]!.ackId!] });
    expect(f.standIn.subscriptionStats('stale-sub')).toMatchObject({
      acked: 1,
      outstanding: 0,
      undelivered: 0,
    });
  });
});
