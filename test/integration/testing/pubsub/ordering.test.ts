import type { Message, Subscription } from '@google-cloud/pubsub';
import { describe, expect, it } from 'vitest';
import { collect, usePubSubWithSubscriber, within } from './helpers.js';

const f = usePubSubWithSubscriber('ordering-test');

/** A topic with an ordered publisher, one subscription, and `a1 a2 a3` on key `a` with `b1` on key `b`. */
async function published(name: string, enableMessageOrdering: boolean) {
  const [created] = await f.pubsub.createTopic(name);
  const [sub] = await created.createSubscription(`${name}-sub`, {
    ackDeadlineSeconds: 60,
    enableMessageOrdering,
  });
  const topic = f.pubsub.topic(created.name, { messageOrdering: true });
  for (const [key, text] of [
    ['a', 'a1'],
    ['a', 'a2'],
    ['b', 'b1'],
    ['a', 'a3'],
  ] as const) {
    await topic.publishMessage({ data: Buffer.from(text), orderingKey: key });
  }
  return sub;
}

async function pullTexts(subscription: string) {
  const [response] = await f.client.pull({ subscription, maxMessages: 100 });
  return (response.receivedMessages ?? []).map((r) => ({
    text: Buffer.from(r.message!.data as Uint8Array).toString(),
    ackId: r.ackId!,
  }));
}

describe('Pub/Sub stand-in: ordered subscriptions redeliver a key in order', () => {
  it('a nack redelivers that message and every later one of its key, in publish order; other keys stay leased', async () => {
    const sub = await published('ordered', true);
    const first = await pullTexts(sub.name);
    expect(first.map((m) => m.text)).toEqual(['a1', 'a2', 'b1', 'a3']);
    await f.client.modifyAckDeadline({
      subscription: sub.name,
      ackIds: [first[0]!.ackId],
      ackDeadlineSeconds: 0,
    });
    const again = await pullTexts(sub.name);
    expect(again.map((m) => m.text)).toEqual(['a1', 'a2', 'a3']);
    // The superseded ack ids of a2 and a3 no longer ack; b1's still does.
    await f.client.acknowledge({ subscription: sub.name, ackIds: [first[1]!.ackId, first[2]!.ackId] });
    expect(f.standIn.subscriptionStats('ordered-sub')).toMatchObject({ acked: 1, outstanding: 3 });
  });

  it('a later message of the key that was already acked is redelivered too', async () => {
    const sub = await published('reacked', true);
    const first = await pullTexts(sub.name);
    await f.client.acknowledge({ subscription: sub.name, ackIds: [first[1]!.ackId, first[2]!.ackId] });
    await f.client.modifyAckDeadline({
      subscription: sub.name,
      ackIds: [first[0]!.ackId],
      ackDeadlineSeconds: 0,
    });
    expect((await pullTexts(sub.name)).map((m) => m.text)).toEqual(['a1', 'a2', 'a3']);
  });

  it('a nack on an unordered subscription redelivers that message alone', async () => {
    const sub = await published('unordered', false);
    const first = await pullTexts(sub.name);
    await f.client.modifyAckDeadline({
      subscription: sub.name,
      ackIds: [first[1]!.ackId],
      ackDeadlineSeconds: 0,
    });
    expect((await pullTexts(sub.name)).map((m) => m.text)).toEqual(['a2']);
  });

  it('the real subscriber sees a key in order again after nacking its first message', async () => {
    await published('streamed', true);
    const subscription: Subscription = f.pubsub.subscription('streamed-sub');
    let nacked = false;
    const seen = collect(subscription, (message: Message, all) => {
      if (!nacked && message.data.toString() === 'a1') {
        nacked = true;
        message.nack();
      } else message.ack();
      return all.filter((m) => m.orderingKey === 'a').length >= 6;
    });
    try {
      const messages = await within(seen, 10_000, 'six deliveries of key a');
      expect(messages.filter((m) => m.orderingKey === 'a').map((m) => m.data.toString())).toEqual([
        'a1',
        'a2',
        'a3',
        'a1',
        'a2',
        'a3',
      ]);
    } finally {
      await subscription.close();
    }
  });

  it('a failed ordered publish stores nothing; with client 5.3.1 the key is not paused once its queue drained', async () => {
    const [created] = await f.pubsub.createTopic('paused');
    const topic = f.pubsub.topic(created.name, { messageOrdering: true });
    f.standIn.faults.add({ method: 'Publish', times: 1, code: 'INVALID_ARGUMENT', message: 'refused' });
    await expect(topic.publishMessage({ data: Buffer.from('k1'), orderingKey: 'k' })).rejects.toMatchObject({
      code: 3,
      details: 'refused',
    });
    expect(f.standIn.published('paused')).toHaveLength(0);
    // The client drops a key's queue when it drains (publisher/index.js: once('drain') deletes it),
    // failed or not, so the next message of the key is sent: what the stand-in stores shows it.
    await topic.publishMessage({ data: Buffer.from('k2'), orderingKey: 'k' });
    expect(f.standIn.published('paused').map((m) => [m.orderingKey, m.data.toString()])).toEqual([
      ['k', 'k2'],
    ]);
  });
});
