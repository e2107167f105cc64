import type { Message, PubSub, Subscription } from '@google-cloud/pubsub';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type PubSubStandIn, startPubSubStandIn } from '../../../../src/testing/pubsub/index.js';

/** Rejects if `promise` has not settled within `ms`: a guard, not an assertion on time. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const guard = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms);
  });
  return Promise.race([promise, guard]).finally(() => clearTimeout(timer));
}

/** Collects messages of a subscription until `done` says enough. */
function collect(subscription: Subscription, onMessage: (message: Message, all: Message[]) => boolean) {
  const all: Message[] = [];
  return new Promise<Message[]>((resolve, reject) => {
    subscription.on('error', reject);
    subscription.on('message', (message: Message) => {
      all.push(message);
      if (onMessage(message, all)) resolve(all);
    });
  });
}

let standIn: PubSubStandIn;
let pubsub: PubSub;
const opened: Subscription[] = [];

beforeAll(async () => {
  standIn = await startPubSubStandIn({ projectId: 'stand-in-test' });
  pubsub = standIn.client();
});

afterEach(async () => {
  standIn.faults.clear();
  await Promise.all(opened.splice(0).map((s) => s.close()));
});

afterAll(async () => {
  await pubsub.close();
  await standIn.close();
});

function subscribe(subscription: Subscription): Subscription {
  opened.push(subscription);
  return subscription;
}

describe('startPubSubStandIn with the real @google-cloud/pubsub client', () => {
  it('delivers a published message to subscription.on("message") and clears it on ack', async () => {
    const [topic] = await pubsub.createTopic('orders');
    const [created] = await topic.createSubscription('orders-sub');
    const subscription = subscribe(pubsub.subscription(created.name));
    const received = collect(subscription, (message) => {
      message.ack();
      return true;
    });
    const id = await topic.publishMessage({ json: { order: 1 }, attributes: { source: 'test' } });
    const [message] = await within(received, 5000, 'the message');
    expect(message?.id).toBe(id);
    expect(JSON.parse(message!.data.toString())).toEqual({ order: 1 });
    expect(message?.attributes).toEqual({ source: 'test' });
    expect(message?.deliveryAttempt).toBe(0);
    await within(
      (async () => {
        while (!standIn.requests.some((r) => r.method === 'Acknowledge'))
          await new Promise((r) => setImmediate(r));
      })(),
      5000,
      'the Acknowledge RPC',
    );
    expect(standIn.subscriptionStats('orders-sub')).toMatchObject({
      acked: 1,
      outstanding: 0,
      undelivered: 0,
    });
  });
});
