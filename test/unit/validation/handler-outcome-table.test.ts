import { describe, expect, it } from 'vitest';
import { BadRequestError, ServiceUnavailableError } from '../../../src/errors/index.js';
import {
  createMessageHandler,
  type HandlingOutcome,
  type InvalidMessagePolicy,
  type MessageHandlerOptions,
  Phase2CompletionMessage,
} from '../../../src/validation/index.js';
import { RecordingTopic, recordingLogger } from './fakes.js';

const good = { processor_name: 'BdlGamesProcessor', game_date: '2026-01-23' };
const MAX_ATTEMPTS = 5;

type FailureKind = 'invalid' | 'permanent' | 'transient exhausted';

/** One delivery of the kind, on the last attempt allowed (`maxDeliveryAttempts`). */
function deliveryOf(kind: FailureKind) {
  const data = kind === 'invalid' ? { game_date: '2026-01-23' } : good;
  return {
    message: { data: Buffer.from(JSON.stringify(data)).toString('base64'), messageId: 'm-1' },
    subscription: 'projects/test-project/subscriptions/phase2',
    deliveryAttempt: MAX_ATTEMPTS,
  };
}

function work(kind: FailureKind) {
  return () => {
    if (kind === 'permanent') throw new BadRequestError('Table not partitioned', { httpStatus: 400 });
    throw new ServiceUnavailableError('BigQuery 503', { httpStatus: 503 });
  };
}

// onInvalid is about bad data. A valid message that failed goes to the dead-letter topic whenever
// there is one; without a topic, onInvalid decides for every kind.
const table: Array<[InvalidMessagePolicy, boolean, FailureKind, HandlingOutcome, string | undefined]> = [
  ['dead-letter', true, 'invalid', 'dead_lettered', 'validation_failed'],
  ['dead-letter', true, 'permanent', 'dead_lettered', 'handler_failed'],
  ['dead-letter', true, 'transient exhausted', 'dead_lettered', 'max_delivery_attempts'],
  ['nack', true, 'invalid', 'nacked', undefined],
  ['nack', true, 'permanent', 'dead_lettered', 'handler_failed'],
  ['nack', true, 'transient exhausted', 'dead_lettered', 'max_delivery_attempts'],
  ['ack-and-log', true, 'invalid', 'discarded', undefined],
  ['ack-and-log', true, 'permanent', 'dead_lettered', 'handler_failed'],
  ['ack-and-log', true, 'transient exhausted', 'dead_lettered', 'max_delivery_attempts'],
  ['nack', false, 'invalid', 'nacked', undefined],
  ['nack', false, 'permanent', 'nacked', undefined],
  ['nack', false, 'transient exhausted', 'retry', undefined],
  ['ack-and-log', false, 'invalid', 'discarded', undefined],
  ['ack-and-log', false, 'permanent', 'discarded', undefined],
  ['ack-and-log', false, 'transient exhausted', 'retry', undefined],
];

describe('createMessageHandler: the outcome of every onInvalid x deadLetterTopic x failure kind', () => {
  it.each(table)(
    'onInvalid %s, topic %s, %s -> %s (dead-letter reason %s)',
    async (onInvalid, hasTopic, kind, outcome, published) => {
      const topic = new RecordingTopic();
      const options = {
        onInvalid,
        logger: recordingLogger(),
        maxDeliveryAttempts: MAX_ATTEMPTS,
        shutdown: false,
        ...(hasTopic ? { deadLetterTopic: topic } : {}),
      } as MessageHandlerOptions;
      const handler = createMessageHandler(Phase2CompletionMessage, work(kind), options);
      const result = await handler.handle(deliveryOf(kind));
      expect(result.outcome).toBe(outcome);
      expect(result.ack).toBe(outcome === 'dead_lettered' || outcome === 'discarded');
      expect(topic.published.map((m) => m.attributes?.dead_letter_reason)).toEqual(
        published === undefined ? [] : [published],
      );
    },
  );

  it("a valid message failing transiently on its last attempt, with a topic and onInvalid 'ack-and-log', is published to the topic, not discarded", async () => {
    const topic = new RecordingTopic();
    const logger = recordingLogger();
    const handler = createMessageHandler(Phase2CompletionMessage, work('transient exhausted'), {
      deadLetterTopic: topic,
      onInvalid: 'ack-and-log',
      maxDeliveryAttempts: MAX_ATTEMPTS,
      logger,
      shutdown: false,
    });
    expect(await handler.handle(deliveryOf('transient exhausted'))).toMatchObject({
      ack: true,
      outcome: 'dead_lettered',
      reason: 'max_delivery_attempts',
    });
    expect(JSON.parse(topic.published[0]!.data.toString())).toEqual(good);
    expect(logger.entries.map((e) => e.fields.outcome)).toEqual(['dead_lettered']);
  });
});
