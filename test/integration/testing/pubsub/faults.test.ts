import type { PubSub } from '@google-cloud/pubsub';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type PubSubStandIn, startPubSubStandIn } from '../../../../src/testing/pubsub/index.js';
import { collect, within } from './helpers.js';

let standIn: PubSubStandIn;
let pubsub: PubSub;

beforeAll(async () => {
  standIn = await startPubSubStandIn({ projectId: 'faults-test' });
  pubsub = standIn.client();
});

afterEach(() => {
  standIn.faults.clear();
});

afterAll(async () => {
  await pubsub.close();
  await standIn.close();
});

/** The requests logged for `method` from index `from` on. */
function calls(method: string, from: number) {
  return standIn.requests.slice(from).filter((r) => r.method === method);
}

describe('Pub/Sub stand-in: fault plan', () => {
  it('UNAVAILABLE twice on Publish is survived by the client retry: three Publish RPCs', async () => {
    const [topic] = await pubsub.createTopic('retried');
    standIn.faults.add({ method: 'Publish', times: 2, code: 'UNAVAILABLE' });
    const from = standIn.requests.length;
    const id = await within(topic.publishMessage({ data: Buffer.from('a') }), 10_000, 'the publish');

    const publishes = calls('Publish', from);
    expect(publishes).toHaveLength(3);
    expect(publishes.map((r) => r.fault?.code)).toEqual([14, 14, undefined]);
    expect(publishes[0]?.fault?.message).toBe('stand-in fault: UNAVAILABLE');
    expect(standIn.published('retried').map((m) => m.messageId)).toEqual([id]);
  });

  it('INVALID_ARGUMENT on Publish surfaces with code 3 after one attempt', async () => {
    const [topic] = await pubsub.createTopic('rejected');
    standIn.faults.add({ method: 'Publish', times: 1, code: 3, message: 'bad payload' });
    const from = standIn.requests.length;

    await expect(topic.publishMessage({ data: Buffer.from('a') })).rejects.toMatchObject({
      code: 3,
      details: 'bad payload',
    });
    expect(calls('Publish', from)).toHaveLength(1);
    expect(standIn.published('rejected')).toHaveLength(0);
  });

  it('a spent rule leaves the plan and lets the next call through', async () => {
    const [topic] = await pubsub.createTopic('spent');
    const denied = standIn.faults.add({ method: 'GetTopic', times: 1, code: 'PERMISSION_DENIED' });
    expect(standIn.faults.rules).toEqual([denied]);

    await expect(topic.getMetadata()).rejects.toMatchObject({ code: 7 });
    expect(denied).toMatchObject({ hits: 1, remaining: 0 });
    expect(standIn.faults.rules).toEqual([]);
    const [metadata] = await topic.getMetadata();
    expect(metadata.name).toBe('projects/faults-test/topics/spent');
  });

  it('an unbounded rule answers every call until removed', async () => {
    const [topic] = await pubsub.createTopic('unbounded');
    const exhausted = standIn.faults.add({ method: 'GetTopic', code: 'INVALID_ARGUMENT', message: 'no' });
    for (let i = 0; i < 3; i++)
      await expect(topic.getMetadata()).rejects.toMatchObject({ code: 3, details: 'no' });
    expect(exhausted.hits).toBe(3);

    exhausted.remove();
    await expect(topic.getMetadata()).resolves.toBeDefined();
  });

  it('a StreamingPull fault answers the stream as it opens; the subscriber reconnects and receives', async () => {
    const [topic] = await pubsub.createTopic('streamed');
    await topic.createSubscription('streamed-sub');
    standIn.faults.add({ method: 'StreamingPull', times: 3, code: 'UNAVAILABLE' });
    const from = standIn.requests.length;
    const subscription = pubsub.subscription('streamed-sub');
    try {
      const received = collect(subscription, (message) => {
        message.ack();
        return true;
      });
      await topic.publishMessage({ data: Buffer.from('after reconnect') });
      const [message] = await within(received, 8000, 'the message');

      expect(message?.data.toString()).toBe('after reconnect');
      expect(calls('StreamingPull', from).filter((r) => r.fault?.code === 14)).toHaveLength(3);
    } finally {
      await subscription.close();
    }
  });

  it('a seeded rate fails the same calls on every run', async () => {
    const [topic] = await pubsub.createTopic('seeded');
    const run = async () => {
      standIn.faults.clear();
      standIn.faults.add({ method: 'GetTopic', rate: 0.5, seed: 7, code: 'FAILED_PRECONDITION' });
      const outcomes: boolean[] = [];
      for (let i = 0; i < 16; i++) {
        outcomes.push(
          await topic.getMetadata().then(
            () => true,
            () => false,
          ),
        );
      }
      return outcomes;
    };
    const first = await run();
    const second = await run();

    expect(second).toEqual(first);
    expect(first).toContain(true);
    expect(first).toContain(false);
  });

  it('rejects rules naming an unknown RPC or status, or with out-of-range counts', () => {
    expect(() => standIn.faults.add({ method: 'Publsh', code: 'UNAVAILABLE' })).toThrow(
      /Unknown Pub\/Sub RPC 'Publsh'/,
    );
    expect(() => standIn.faults.add({ method: 'Publish', code: 'UNAVAILABLE_ISH' as 'UNAVAILABLE' })).toThrow(
      /Unknown gRPC status name/,
    );
    expect(() => standIn.faults.add({ method: 'Publish', code: 99 })).toThrow(/Unknown gRPC status code 99/);
    expect(() => standIn.faults.add({ method: 'Publish', code: 14, times: 0 })).toThrow(/positive integer/);
    expect(() => standIn.faults.add({ method: 'Publish', code: 14, rate: 1.5 })).toThrow(/between 0 and 1/);
  });
});
