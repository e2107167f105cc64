import { type PubSub, type Topic, v1 } from '@google-cloud/pubsub';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { MessageValidationError } from '../../../src/errors/index.js';
import { type PubSubStandIn, startPubSubStandIn } from '../../../src/testing/pubsub/index.js';
import {
  createMessageHandler,
  Phase2CompletionMessage,
  publishValidated,
  type SubscriberMessage,
} from '../../../src/validation/index.js';

let standIn: PubSubStandIn;
let pubsub: PubSub;
let deadLetters: Topic;

beforeAll(async () => {
  standIn = await startPubSubStandIn({ projectId: 'hostile-input' });
  pubsub = standIn.client();
  [deadLetters] = await pubsub.createTopic('hostile-dlq');
});

afterAll(async () => {
  await pubsub.close();
  await standIn.close();
});

const good = Buffer.from('{"processor_name":"p","game_date":"2026-01-24"}').toString('base64');
const throwing = (what: string) => () => {
  throw new Error(`${what} getter failed`);
};

describe('createMessageHandler on inputs that cannot be read (real client dead-letter topic)', () => {
  it('handle() resolves, and an input whose data cannot be read is dead-lettered as unrecognized_input', async () => {
    let calls = 0;
    const handler = createMessageHandler(Phase2CompletionMessage, () => void calls++, {
      deadLetterTopic: deadLetters,
    });
    const input = Object.defineProperty({ id: 'm-1', ack() {} }, 'data', { get: throwing('data') });
    const result = await handler.handle(input);
    expect(result).toMatchObject({ ack: true, outcome: 'dead_lettered', reason: 'unrecognized_input' });
    expect(calls).toBe(0);
    const [stored] = await standIn.waitForPublished('hostile-dlq');
    expect(stored?.attributes).toMatchObject({ dead_letter_reason: 'unrecognized_input' });
  });

  it('subscription() never rejects on a message whose attributes cannot be read, and settles it', async () => {
    const handler = createMessageHandler(Phase2CompletionMessage, () => undefined, { onInvalid: 'nack' });
    const settled: string[] = [];
    const message = Object.defineProperty(
      {
        id: 'm-2',
        data: Buffer.from('{}'),
        ack: () => settled.push('ack'),
        nack: () => settled.push('nack'),
      },
      'attributes',
      { get: throwing('attributes') },
    ) as unknown as SubscriberMessage;
    await expect(handler.subscription(message)).resolves.toBeUndefined();
    expect(settled).toEqual(['nack']);
  });

  it('push() with request headers whose getters throw still handles the message (trace context is optional)', async () => {
    let calls = 0;
    const handler = createMessageHandler(Phase2CompletionMessage, () => void calls++, { onInvalid: 'nack' });
    const headers = Object.defineProperty({}, 'traceparent', {
      get: throwing('traceparent'),
      enumerable: true,
    });
    await expect(handler.push({ message: { data: good, messageId: 'm-3' } }, headers)).resolves.toEqual({
      status: 200,
      outcome: 'processed',
    });
    expect(calls).toBe(1);
  });
});

describe('createMessageHandler with a schema whose own code throws', () => {
  it('is a configuration error: the message is nacked and redelivered (never dead-lettered as invalid), and processed once the schema is fixed (real client, streaming pull)', async () => {
    const [policyDlq] = await pubsub.createTopic('schema-fault-policy-dlq');
    const [topic] = await pubsub.createTopic('schema-fault');
    // A dead-letter policy, so that Pub/Sub counts delivery attempts.
    await topic.createSubscription('schema-fault-sub', {
      deadLetterPolicy: { deadLetterTopic: policyDlq.name, maxDeliveryAttempts: 10 },
    });
    let broken = true;
    const schema = z.object({ id: z.string() }).refine(() => {
      if (broken) throw new Error('lookup table not loaded');
      return true;
    });
    const outcomes: Array<[string, number | undefined]> = [];
    const handler = createMessageHandler(schema, () => undefined, {
      deadLetterTopic: deadLetters,
      maxDeliveryAttempts: 5,
      name: 'Order',
      shutdown: false,
      onOutcome: (event) => {
        outcomes.push([event.outcome, event.deliveryAttempt]);
        // The deploy that fixes the schema, between two deliveries.
        broken = false;
      },
    });
    const before = standIn.published('hostile-dlq').length;
    const subscription = pubsub.subscription('schema-fault-sub');
    const settled = new Promise<void>((resolve) => {
      subscription.on('message', (message: SubscriberMessage) => {
        void handler.subscription(message).then(() => {
          // Done once the message is no longer redelivered (processed, or wrongly dead-lettered).
          if (outcomes.at(-1)?.[0] !== 'retry') resolve();
        });
      });
    });
    try {
      await topic.publishMessage({ data: Buffer.from('{"id":"a"}') });
      await settled;
    } finally {
      await subscription.close();
    }
    expect(outcomes).toEqual([
      ['retry', 1],
      ['processed', 2],
    ]);
    expect(standIn.published('hostile-dlq')).toHaveLength(before);
    expect(standIn.published('schema-fault-policy-dlq')).toHaveLength(0);
  });
});

describe('the same message delivered again while it is still being processed', () => {
  it('is processed once; both deliveries get its outcome and are acknowledged (real client, unary Pull)', async () => {
    const [topic] = await pubsub.createTopic('twice');
    await topic.createSubscription('twice-sub');
    const subscription = 'projects/hostile-input/subscriptions/twice-sub';
    const subscriber = new v1.SubscriberClient({ ...pubsub.options, port: Number(pubsub.options.port) });
    await topic.publishMessage({ data: Buffer.from('{"processor_name":"p","game_date":"2026-01-24"}') });

    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let calls = 0;
    const handler = createMessageHandler(
      Phase2CompletionMessage,
      async () => {
        calls += 1;
        await gate;
      },
      { onInvalid: 'nack' },
    );
    const settled: string[] = [];
    const acks: Array<Promise<unknown>> = [];
    const pullOne = async (): Promise<{ message: SubscriberMessage; ackId: string }> => {
      const [response] = await subscriber.pull({ subscription, maxMessages: 1 });
      const received = response.receivedMessages?.[0];
      if (!received?.ackId || !received.message) throw new Error('nothing pulled');
      const ackId = received.ackId;
      const message: SubscriberMessage = {
        id: String(received.message.messageId),
        data: Buffer.from(received.message.data ?? ''),
        attributes: { ...(received.message.attributes ?? {}) },
        ack: () => {
          settled.push(`ack ${ackId}`);
          acks.push(subscriber.acknowledge({ subscription, ackIds: [ackId] }));
        },
        nack: () => settled.push(`nack ${ackId}`),
      };
      return { message, ackId };
    };

    const first = await pullOne();
    const firstDone = handler.subscription(first.message);
    // The lease of the first delivery is given up (as when it expires): Pub/Sub delivers it again.
    await subscriber.modifyAckDeadline({ subscription, ackIds: [first.ackId], ackDeadlineSeconds: 0 });
    const second = await pullOne();
    expect(second.message.id).toBe(first.message.id);
    const secondDone = handler.subscription(second.message);
    release();
    await Promise.all([firstDone, secondDone]);

    await Promise.all(acks);
    await subscriber.close();
    expect(calls).toBe(1);
    expect(settled.filter((s) => s.startsWith('ack'))).toHaveLength(2);
    expect(standIn.subscriptionStats('twice-sub')).toMatchObject({ acked: 1, undelivered: 0 });
  });
});

describe('publishValidated checks attributes as Pub/Sub would, before anything is sent', () => {
  const payload = { processor_name: 'p', game_date: '2026-01-24' };
  const cases: Array<[string, unknown, string]> = [
    ['a number value', { n: 5 }, 'attributes.n: must be a string, got a number'],
    ['an undefined value', { a: undefined }, 'attributes.a: must be a string, got undefined'],
    ['an empty key', { '': 'x' }, '(root): attributes: a key must not be empty'],
    [
      'a value over 1024 bytes',
      { k: 'é'.repeat(513) },
      'attributes.k: must be at most 1024 bytes of UTF-8, got 1026',
    ],
    ['a key over 256 bytes', { ['k'.repeat(257)]: 'v' }, 'must be at most 256 bytes of UTF-8, got 257'],
    [
      'more than 100 attributes',
      Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`a${i}`, 'v'])),
      'attributes: at most 100 attributes, got 101',
    ],
    ['an array', ['x'], 'attributes: must be a plain object of strings, got an array'],
    // Object.entries of a Map is empty: it was published with no attributes at all, silently.
    ['a Map', new Map([['source', 'bdl']]), 'attributes: must be a plain object of strings, got a Map'],
    ['a Set', new Set(['source']), 'attributes: must be a plain object of strings, got a Set'],
  ];
  for (const [what, attributes, message] of cases) {
    it(`${what}: MessageValidationError naming it, and no Publish RPC`, async () => {
      const [topic] = await pubsub.createTopic(`attrs-${cases.findIndex((c) => c[0] === what)}`);
      const from = standIn.requests.length;
      let caught: unknown;
      try {
        await publishValidated(topic, Phase2CompletionMessage, payload, attributes as Record<string, string>);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(MessageValidationError);
      expect((caught as Error).message).toContain(message);
      expect(standIn.requests.slice(from).filter((r) => r.method === 'Publish')).toEqual([]);
    });
  }

  it('attributes at the limits are published as given', async () => {
    const [topic] = await pubsub.createTopic('attrs-at-limits');
    const attributes = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`a${i}`, 'é'.repeat(512)]));
    await publishValidated(topic, Phase2CompletionMessage, payload, attributes);
    expect(standIn.published('attrs-at-limits')[0]?.attributes).toEqual(attributes);
  });
});

describe('createMessageHandler: a push body whose attributes Pub/Sub would refuse (real client dead-letter topic)', () => {
  it('is dead-lettered with the attributes Pub/Sub accepts, not refused and redelivered for ever', async () => {
    const [topic] = await pubsub.createTopic('hostile-attributes-dlq');
    const handler = createMessageHandler(Phase2CompletionMessage, () => {}, {
      deadLetterTopic: topic,
      shutdown: false,
    });
    const result = await handler.push({
      message: {
        data: Buffer.from('{ not json').toString('base64'),
        messageId: 'm-attrs',
        attributes: { ['k'.repeat(300)]: 'long key', '': 'empty key', big: 'é'.repeat(800), tenant: 'nba' },
      },
      subscription: 'projects/hostile-input/subscriptions/push-sub',
    });
    expect(result).toEqual({ status: 200, outcome: 'dead_lettered' });
    const [stored] = standIn.published('hostile-attributes-dlq');
    expect(stored?.attributes).toMatchObject({ tenant: 'nba', dead_letter_reason: 'invalid_json' });
    expect(Buffer.byteLength(stored!.attributes.big!, 'utf8')).toBeLessThanOrEqual(1024);
    expect(Object.keys(stored!.attributes)).not.toContain('');
    expect(Object.keys(stored!.attributes).every((key) => key.length <= 256)).toBe(true);
  });
});
