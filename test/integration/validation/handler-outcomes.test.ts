import type { Message, PubSub, Subscription } from '@google-cloud/pubsub';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ServiceUnavailableError } from '../../../src/errors/index.js';
import { type PubSubStandIn, startPubSubStandIn } from '../../../src/testing/pubsub/index.js';
import { createMessageHandler, Phase2CompletionMessage } from '../../../src/validation/index.js';
import { recordingLogger } from '../../helpers/recording-logger.js';

let standIn: PubSubStandIn;
let pubsub: PubSub;
const opened: Subscription[] = [];

beforeAll(async () => {
  standIn = await startPubSubStandIn({ projectId: 'handler-outcomes' });
  pubsub = standIn.client();
});

afterEach(async () => {
  await Promise.all(opened.splice(0).map((subscription) => subscription.close()));
});

afterAll(async () => {
  await pubsub.close();
  await standIn.close();
});

const good = { processor_name: 'BdlPlayerBoxscoresProcessor', game_date: '2026-01-23' };

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

describe("onInvalid: 'ack-and-log' with a dead-letter topic (real client against the stand-in)", () => {
  it('a valid message that keeps failing transiently is published to the dead-letter topic on maxDeliveryAttempts, not discarded', async () => {
    const [policyDlq] = await pubsub.createTopic('exhausted-policy-dlq');
    const [ourDlq] = await pubsub.createTopic('exhausted-dlq');
    const [topic] = await pubsub.createTopic('exhausted');
    await topic.createSubscription('exhausted-sub', {
      deadLetterPolicy: { deadLetterTopic: policyDlq.name, maxDeliveryAttempts: 10 },
    });
    const attempts: Array<number | undefined> = [];
    const logger = recordingLogger();
    const handler = createMessageHandler(
      Phase2CompletionMessage,
      (_data, meta) => {
        attempts.push(meta.deliveryAttempt);
        throw new ServiceUnavailableError('BigQuery 503', { httpStatus: 503 });
      },
      {
        deadLetterTopic: ourDlq,
        // Invalid data is only logged; a valid message that used up its deliveries must be kept.
        onInvalid: 'ack-and-log',
        maxDeliveryAttempts: 3,
        logger,
        shutdown: false,
      },
    );
    const subscription = pubsub.subscription('exhausted-sub');
    opened.push(subscription);
    subscription.on('message', (message: Message) => void handler.subscription(message));

    const id = await topic.publishMessage({ data: Buffer.from(JSON.stringify(good)) });
    const [dead] = await within(standIn.waitForPublished('exhausted-dlq'), 8000, 'our dead letter');
    await until(() => standIn.subscriptionStats('exhausted-sub')?.acked === 1, 5000, 'the ack');

    expect(attempts).toEqual([1, 2, 3]);
    expect(JSON.parse(dead!.data.toString())).toEqual(good);
    expect(dead?.attributes).toMatchObject({
      dead_letter_reason: 'max_delivery_attempts',
      error_code: 'SERVICE_UNAVAILABLE',
      delivery_attempt: '3',
      source_message_id: id,
    });
    expect(logger.entries.map((e) => e.fields.outcome)).toEqual(['retry', 'retry', 'dead_lettered']);
    expect(standIn.published('exhausted-policy-dlq')).toHaveLength(0);
  });
});
