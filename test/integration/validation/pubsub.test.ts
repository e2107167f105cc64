import type { Message, PubSub, Subscription, Topic } from '@google-cloud/pubsub';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  BadRequestError,
  MessageValidationError,
  ServiceUnavailableError,
} from '../../../src/errors/index.js';
import { type PubSubStandIn, startPubSubStandIn } from '../../../src/testing/pubsub/index.js';
import {
  createMessageHandler,
  decodePubSubMessage,
  type MessagePublisher,
  Phase2CompletionMessage,
  publishValidated,
} from '../../../src/validation/index.js';

let standIn: PubSubStandIn;
let pubsub: PubSub;
const opened: Subscription[] = [];

beforeAll(async () => {
  standIn = await startPubSubStandIn({ projectId: 'validation-test' });
  pubsub = standIn.client();
});

afterEach(async () => {
  standIn.faults.clear();
  await Promise.all(opened.splice(0).map((subscription) => subscription.close()));
});

afterAll(async () => {
  await pubsub.close();
  await standIn.close();
});

const good = { processor_name: 'BdlPlayerBoxscoresProcessor', game_date: '2026-01-23', record_count: 240 };

/** Rejects if `promise` has not settled within `ms`: a guard against hangs, not a timing assertion. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const guard = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, guard]).finally(() => clearTimeout(timer));
}

/** Resolves once `condition()` holds, polling; rejects after `ms`. */
function until(condition: () => boolean, ms: number, what: string): Promise<void> {
  return within(
    (async () => {
      while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
    })(),
    ms,
    what,
  );
}

function open(name: string): Subscription {
  const subscription = pubsub.subscription(name);
  opened.push(subscription);
  subscription.on('error', (error) => {
    throw error;
  });
  return subscription;
}

function publishCalls(from: number) {
  return standIn.requests.slice(from).filter((request) => request.method === 'Publish');
}

async function topicWithSubscription(
  name: string,
  deadLetter?: { topic: Topic; maxDeliveryAttempts: number },
) {
  const [topic] = await pubsub.createTopic(name);
  await topic.createSubscription(
    `${name}-sub`,
    deadLetter === undefined
      ? {}
      : {
          deadLetterPolicy: {
            deadLetterTopic: deadLetter.topic.name,
            maxDeliveryAttempts: deadLetter.maxDeliveryAttempts,
          },
        },
  );
  return topic;
}

describe('publishValidated with the real client', () => {
  it('publishes a validated message that arrives, and decodes from a real Message', async () => {
    const topic = await topicWithSubscription('phase2-complete');
    const publisher: MessagePublisher = topic; // a real Topic is a MessagePublisher
    const received = new Promise<Message>((resolve) =>
      open('phase2-complete-sub').on('message', (message: Message) => {
        message.ack();
        resolve(message);
      }),
    );

    const id = await publishValidated(publisher, Phase2CompletionMessage, good, { source: 'bdl' });
    const message = await within(received, 5000, 'the published message');

    expect(message.id).toBe(id);
    expect(message.attributes).toEqual({ source: 'bdl' });
    const decoded = decodePubSubMessage(Phase2CompletionMessage, message);
    expect(decoded).toMatchObject({
      messageId: id,
      attributes: { source: 'bdl' },
      data: { ...good, phase: 'phase_2_raw', status: 'success', correlation_id: null },
    });
    expect(decoded.publishTime?.getTime()).toBe(
      standIn.published('phase2-complete')[0]?.publishTime.getTime(),
    );
    expect(JSON.parse(standIn.published('phase2-complete')[0]!.data.toString())).toEqual(decoded.data);
  });

  it('sends nothing to Pub/Sub when the payload is invalid', async () => {
    const [topic] = await pubsub.createTopic('never-published');
    const from = standIn.requests.length;
    await expect(
      publishValidated(topic, Phase2CompletionMessage, { processor_name: 'p', game_date: '2026-02-30' }),
    ).rejects.toBeInstanceOf(MessageValidationError);
    expect(publishCalls(from)).toHaveLength(0);
    expect(standIn.published('never-published')).toHaveLength(0);
  });

  it('the bytes the service stores are the parsed message, every field the caller gave included', async () => {
    const [topic] = await pubsub.createTopic('published-bytes');
    await publishValidated(topic, Phase2CompletionMessage, good);
    const [stored] = standIn.published('published-bytes');
    expect(JSON.parse(stored!.data.toString('utf8'))).toEqual({
      ...good,
      phase: 'phase_2_raw',
      execution_id: null,
      correlation_id: null,
      output_table: null,
      output_dataset: null,
      status: 'success',
      timestamp: null,
    });
  });

  it('refuses a payload with keys the schema would drop before any Publish RPC', async () => {
    const [topic] = await pubsub.createTopic('would-strip');
    const from = standIn.requests.length;
    const payload = { processor_name: 'bdl', game_date: '2026-11-28', recordCount: 412, output_rows: 9 };
    const failure = publishValidated(topic, Phase2CompletionMessage, payload);
    await expect(failure).rejects.toBeInstanceOf(MessageValidationError);
    await expect(failure).rejects.toThrow(/recordCount: .*did you mean 'record_count'/);
    expect(publishCalls(from)).toHaveLength(0);
    expect(standIn.published('would-strip')).toHaveLength(0);
  });

  it('survives UNAVAILABLE twice through the client retry (three Publish RPCs, one message)', async () => {
    const [topic] = await pubsub.createTopic('flaky-publish');
    standIn.faults.add({ method: 'Publish', times: 2, code: 'UNAVAILABLE' });
    const from = standIn.requests.length;

    const id = await within(publishValidated(topic, Phase2CompletionMessage, good), 15_000, 'the publish');

    expect(publishCalls(from).map((request) => request.fault?.code)).toEqual([14, 14, undefined]);
    expect(standIn.published('flaky-publish').map((message) => message.messageId)).toEqual([id]);
  });

  it('returns a non-retryable publish error as its typed class after one RPC', async () => {
    const [topic] = await pubsub.createTopic('refusing-publish');
    standIn.faults.add({ method: 'Publish', times: 1, code: 'INVALID_ARGUMENT', message: 'bad payload' });
    const from = standIn.requests.length;

    const failure = publishValidated(topic, Phase2CompletionMessage, good);
    await expect(failure).rejects.toBeInstanceOf(BadRequestError);
    await expect(failure).rejects.toMatchObject({ grpcCode: 3, transient: false });
    expect(publishCalls(from)).toHaveLength(1);
  });
});

describe('createMessageHandler().subscription with the real client', () => {
  it.each([
    ['bytes that are not JSON', Buffer.from('not json at all'), 'invalid_json'],
    [
      'a message that fails the schema',
      Buffer.from(JSON.stringify({ game_date: '2026-13-45' })),
      'validation_failed',
    ],
  ])('acks %s and puts it on the dead-letter topic with its reason', async (_label, data, reason) => {
    const name = `bad-${reason}`;
    const topic = await topicWithSubscription(name);
    const [deadLetterTopic] = await pubsub.createTopic(`${name}-dlq`);
    const calls: unknown[] = [];
    const handler = createMessageHandler(Phase2CompletionMessage, (message) => void calls.push(message), {
      deadLetterTopic,
    });
    open(`${name}-sub`).on('message', (message: Message) => void handler.subscription(message));

    const id = await topic.publishMessage({ data, attributes: { origin: 'scraper' } });
    const [dead] = await within(standIn.waitForPublished(`${name}-dlq`), 6000, 'the dead letter');
    await until(() => standIn.subscriptionStats(`${name}-sub`)?.acked === 1, 5000, 'the ack');

    expect(calls).toEqual([]);
    expect(dead?.data.equals(data)).toBe(true);
    expect(dead?.attributes).toMatchObject({
      origin: 'scraper',
      dead_letter_reason: reason,
      error_code: reason === 'invalid_json' ? 'MESSAGE_DECODE' : 'MESSAGE_VALIDATION',
      source_message_id: id,
      source_input: 'subscriber_message',
      // Read from the client's Message: a message id alone does not say which subscription failed it.
      source_subscription: `projects/validation-test/subscriptions/${name}-sub`,
    });
    if (reason === 'validation_failed')
      expect(dead?.attributes.error_message).toMatch(/game_date: must be a real calendar date/);
    expect(standIn.subscriptionStats(`${name}-sub`)).toMatchObject({ acked: 1, nacked: 0, outstanding: 0 });
  });

  it('redelivers a transiently failing message with a rising deliveryAttempt until the subscription dead-letters it', async () => {
    const [dlq] = await pubsub.createTopic('transient-dlq');
    const topic = await topicWithSubscription('transient', { topic: dlq, maxDeliveryAttempts: 5 });
    const attempts: Array<number | undefined> = [];
    const handler = createMessageHandler(
      Phase2CompletionMessage,
      (_data, meta) => {
        attempts.push(meta.deliveryAttempt);
        throw new ServiceUnavailableError('BigQuery is unavailable', { httpStatus: 503 });
      },
      // The subscription's own dead-letter policy takes what never succeeds.
      { onInvalid: 'nack' },
    );
    open('transient-sub').on('message', (message: Message) => void handler.subscription(message));

    await publishValidated(topic, Phase2CompletionMessage, good);
    const [dead] = await within(
      standIn.waitForPublished('transient-dlq', { timeoutMs: 9000 }),
      10_000,
      'dead letter',
    );

    expect(attempts).toEqual([1, 2, 3, 4, 5]);
    expect(JSON.parse(dead!.data.toString())).toMatchObject(good);
    expect(dead?.attributes.CloudPubSubDeadLetterSourceDeliveryCount).toBe('5');
    expect(standIn.subscriptionStats('transient-sub')).toMatchObject({
      nacked: 5,
      acked: 0,
      deadLettered: 1,
    });
  });

  it('dead-letters by itself on its own maxDeliveryAttempts, before the subscription would', async () => {
    const [subscriptionDlq] = await pubsub.createTopic('own-limit-policy-dlq');
    const [ourDlq] = await pubsub.createTopic('own-limit-dlq');
    const topic = await topicWithSubscription('own-limit', {
      topic: subscriptionDlq,
      maxDeliveryAttempts: 10,
    });
    const attempts: Array<number | undefined> = [];
    const handler = createMessageHandler(
      Phase2CompletionMessage,
      (_data, meta) => {
        attempts.push(meta.deliveryAttempt);
        throw new ServiceUnavailableError('still unavailable', { httpStatus: 503 });
      },
      { deadLetterTopic: ourDlq, maxDeliveryAttempts: 3 },
    );
    open('own-limit-sub').on('message', (message: Message) => void handler.subscription(message));

    const id = await publishValidated(topic, Phase2CompletionMessage, good);
    const [dead] = await within(standIn.waitForPublished('own-limit-dlq'), 8000, 'our dead letter');
    await until(() => standIn.subscriptionStats('own-limit-sub')?.acked === 1, 5000, 'the ack');

    expect(attempts).toEqual([1, 2, 3]);
    expect(dead?.attributes).toMatchObject({
      dead_letter_reason: 'max_delivery_attempts',
      error_code: 'SERVICE_UNAVAILABLE',
      delivery_attempt: '3',
      source_message_id: id,
    });
    expect(standIn.published('own-limit-policy-dlq')).toHaveLength(0);
  });

  it('does not ack a bad message while the dead-letter topic refuses it, and dead-letters it once it can', async () => {
    const [dlq] = await pubsub.createTopic('unlucky-policy-dlq');
    const topic = await topicWithSubscription('unlucky', { topic: dlq, maxDeliveryAttempts: 10 });
    // The dead-letter topic does not exist yet: Publish answers NOT_FOUND.
    const deadLetterTopic = pubsub.topic('unlucky-dlq');
    const outcomes: string[] = [];
    const handler = createMessageHandler(Phase2CompletionMessage, () => {}, {
      deadLetterTopic,
      logger: {
        debug() {},
        info() {},
        warn() {},
        error: (_message, fields) => void outcomes.push(String(fields?.outcome)),
      },
    });
    // The topic is created once the first attempt has been refused; later deliveries wait for it.
    let created: Promise<unknown> | undefined;
    open('unlucky-sub').on('message', (message: Message) => {
      void (async () => {
        if (created !== undefined) await created;
        await handler.subscription(message);
        created ??= pubsub.createTopic('unlucky-dlq');
      })();
    });

    const id = await topic.publishMessage({ data: Buffer.from('{"truncated":') });
    const [dead] = await within(standIn.waitForPublished('unlucky-dlq'), 8000, 'the dead letter');
    await until(() => standIn.subscriptionStats('unlucky-sub')?.acked === 1, 5000, 'the ack');

    expect(outcomes).toEqual(['dead_letter_failed', 'dead_lettered']);
    expect(dead?.attributes).toMatchObject({
      dead_letter_reason: 'invalid_json',
      source_message_id: id,
      delivery_attempt: '2',
    });
    expect(standIn.subscriptionStats('unlucky-sub')).toMatchObject({ nacked: 1, acked: 1, outstanding: 0 });
  });
});

describe('one handler on two subscriptions of one topic (real client, streaming pull)', () => {
  it('processes the message once per subscription: the same message id from another subscription is not a redelivery', async () => {
    const topic = await topicWithSubscription('fan-out');
    await topic.createSubscription('fan-out-other-sub');
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const seen: string[] = [];
    const handler = createMessageHandler(
      Phase2CompletionMessage,
      async (_data, meta) => {
        seen.push(String(meta.messageId));
        // Both deliveries are in flight at once, as with two subscriptions pulled side by side.
        if (seen.length === 2) release();
        await gate;
      },
      { onInvalid: 'nack', shutdown: false },
    );
    for (const name of ['fan-out-sub', 'fan-out-other-sub'])
      open(name).on('message', (message: Message) => void handler.subscription(message));

    const id = await publishValidated(topic, Phase2CompletionMessage, good);
    await within(gate, 5000, 'both subscriptions to reach the handler');
    for (const name of ['fan-out-sub', 'fan-out-other-sub'])
      await until(() => standIn.subscriptionStats(name)?.acked === 1, 5000, `the ack on ${name}`);

    expect(seen).toEqual([id, id]);
  });
});
