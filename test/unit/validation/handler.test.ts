import { describe, expect, it, vi } from 'vitest';
import {
  BadRequestError,
  MessageValidationError,
  PipelineError,
  ServiceUnavailableError,
} from '../../../src/errors/index.js';
import {
  createMessageHandler,
  type MessageMeta,
  Phase2CompletionMessage,
} from '../../../src/validation/index.js';
import { grpcError, RecordingTopic, recordingLogger, subscriberMessage } from './fakes.js';

const good = { processor_name: 'BdlGamesProcessor', game_date: '2026-01-23' };
const b64 = (value: unknown) =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64');

function push(data: unknown, deliveryAttempt?: number) {
  return {
    message: {
      data,
      attributes: { origin: 'scraper' },
      messageId: 'm-1',
      publishTime: '2026-01-24T04:00:00Z',
    },
    subscription: 'projects/test-project/subscriptions/phase2-push',
    ...(deliveryAttempt === undefined ? {} : { deliveryAttempt }),
  };
}

describe('createMessageHandler: success', () => {
  it('passes typed data and meta to the handler and acks (push 200, cloudEvent resolves, ack())', async () => {
    const seen: Array<[unknown, MessageMeta]> = [];
    const handler = createMessageHandler(
      Phase2CompletionMessage,
      (data, meta) => {
        seen.push([data, meta]);
      },
      { onInvalid: 'nack' },
    );

    expect(await handler.push(push(b64(good), 2))).toEqual({ status: 200, outcome: 'processed' });
    await expect(handler.cloudEvent({ id: 'ce', data: push(b64(good)) })).resolves.toBeUndefined();
    const message = subscriberMessage(Buffer.from(JSON.stringify(good)));
    await handler.subscription(message);
    expect([message.acks, message.nacks]).toEqual([1, 0]);

    expect(seen).toHaveLength(3);
    expect(seen[0]?.[0]).toMatchObject({ ...good, status: 'success', record_count: 0 });
    expect(seen[0]?.[1]).toEqual({
      messageId: 'm-1',
      attributes: { origin: 'scraper' },
      publishTime: new Date('2026-01-24T04:00:00Z'),
      deliveryAttempt: 2,
    });
    expect(seen[2]?.[1].messageId).toBe('sub-1');
  });

  it('logs one debug entry per processed message, silently by default', async () => {
    const logger = recordingLogger();
    const handler = createMessageHandler(Phase2CompletionMessage, () => {}, { logger, onInvalid: 'nack' });
    await handler.push(push(b64(good), 1));
    expect(logger.entries).toEqual([
      {
        level: 'debug',
        message: 'Phase2CompletionMessage message processed',
        fields: {
          schema: 'Phase2CompletionMessage',
          messageId: 'm-1',
          deliveryAttempt: 1,
          outcome: 'processed',
        },
      },
    ]);
    await expect(
      createMessageHandler(Phase2CompletionMessage, () => {}, { onInvalid: 'nack' }).push(push(b64(good))),
    ).resolves.toEqual({
      status: 200,
      outcome: 'processed',
    });
  });
});

describe('createMessageHandler: messages that can never succeed', () => {
  it.each([
    ['invalid base64', '!!!not-base64!!!', 'invalid_base64'],
    ['invalid UTF-8', Buffer.from([0xff, 0xfe]).toString('base64'), 'invalid_utf8'],
    ['invalid JSON', b64('{"processor_name":'), 'invalid_json'],
    ['no data', undefined, 'missing_data'],
    ['a schema failure', b64({ game_date: '2026-02-30' }), 'validation_failed'],
  ])(
    'acks %s and dead-letters the raw data with the reason, never calling the handler',
    async (_label, data, reason) => {
      const deadLetterTopic = new RecordingTopic();
      const logger = recordingLogger();
      const work = vi.fn();
      const handler = createMessageHandler(Phase2CompletionMessage, work, { deadLetterTopic, logger });

      expect(await handler.push(push(data, 3))).toEqual({ status: 200, outcome: 'dead_lettered' });
      expect(work).not.toHaveBeenCalled();
      expect(deadLetterTopic.published).toHaveLength(1);
      const [dead] = deadLetterTopic.published;
      expect(dead!.attributes).toMatchObject({
        origin: 'scraper',
        dead_letter_reason: reason,
        error_code: reason === 'validation_failed' ? 'MESSAGE_VALIDATION' : 'MESSAGE_DECODE',
        source_message_id: 'm-1',
        delivery_attempt: '3',
        source_subscription: 'projects/test-project/subscriptions/phase2-push',
        source_input: 'push',
      });
      expect(dead!.attributes?.error_message?.length).toBeGreaterThan(0);
      if (reason === 'invalid_base64') expect(dead!.data.toString()).toBe('!!!not-base64!!!');
      if (reason === 'validation_failed')
        expect(JSON.parse(dead!.data.toString())).toEqual({ game_date: '2026-02-30' });

      expect(logger.entries).toHaveLength(1);
      expect(logger.entries[0]).toMatchObject({
        level: 'error',
        fields: { messageId: 'm-1', deliveryAttempt: 3, outcome: 'dead_lettered', reason },
      });
      expect(logger.entries[0]?.fields.code).toMatch(/^MESSAGE_(DECODE|VALIDATION)$/);
    },
  );

  it('says which fields failed in the dead-letter error_message', async () => {
    const deadLetterTopic = new RecordingTopic();
    const handler = createMessageHandler(Phase2CompletionMessage, () => {}, { deadLetterTopic });
    await handler.push(push(b64({ game_date: '2026-01-23', record_count: -1 })));
    expect(deadLetterTopic.published[0]?.attributes?.error_message).toBe(
      'Phase2CompletionMessage: 2 issues: processor_name: Required; record_count: must be >= 0',
    );
  });

  it("acks and logs (discarded) with onInvalid: 'ack-and-log' and no dead-letter topic", async () => {
    const logger = recordingLogger();
    const handler = createMessageHandler(Phase2CompletionMessage, () => {}, {
      logger,
      onInvalid: 'ack-and-log',
    });
    const message = subscriberMessage(Buffer.from('not json'));
    await handler.subscription(message);
    expect([message.acks, message.nacks]).toEqual([1, 0]);
    expect(logger.entries).toHaveLength(1);
    expect(logger.entries[0]).toMatchObject({
      level: 'error',
      fields: { outcome: 'discarded', reason: 'invalid_json', code: 'MESSAGE_DECODE', messageId: 'sub-1' },
    });
  });

  it('resolves a CloudEvent with a bad message once it is dead-lettered', async () => {
    const deadLetterTopic = new RecordingTopic();
    const handler = createMessageHandler(Phase2CompletionMessage, () => {}, { deadLetterTopic });
    await expect(handler.cloudEvent({ data: { message: { data: b64({}) } } })).resolves.toBeUndefined();
    expect(deadLetterTopic.published[0]?.attributes?.source_input).toBe('cloud_event');
  });
});

describe('createMessageHandler: handler failures', () => {
  it('redelivers on a transient error: push 503, cloudEvent rejects with the typed error, nack()', async () => {
    const deadLetterTopic = new RecordingTopic();
    const logger = recordingLogger();
    const handler = createMessageHandler(
      Phase2CompletionMessage,
      () => {
        throw grpcError(14, 'UNAVAILABLE', 'BigQuery is busy');
      },
      { deadLetterTopic, logger },
    );
    expect(await handler.push(push(b64(good), 1))).toEqual({ status: 503, outcome: 'retry' });
    await expect(handler.cloudEvent({ data: push(b64(good)) })).rejects.toBeInstanceOf(
      ServiceUnavailableError,
    );
    const message = subscriberMessage(Buffer.from(JSON.stringify(good)));
    await handler.subscription(message);
    expect([message.acks, message.nacks]).toEqual([0, 1]);
    expect(deadLetterTopic.published).toEqual([]);
    expect(logger.entries.map((entry) => [entry.level, entry.fields.outcome, entry.fields.code])).toEqual([
      ['warn', 'retry', 'SERVICE_UNAVAILABLE'],
      ['warn', 'retry', 'SERVICE_UNAVAILABLE'],
      ['warn', 'retry', 'SERVICE_UNAVAILABLE'],
    ]);
  });

  it('acks and dead-letters on a permanent error (handler_failed)', async () => {
    const deadLetterTopic = new RecordingTopic();
    const handler = createMessageHandler(
      Phase2CompletionMessage,
      async () => {
        throw new BadRequestError('Table not partitioned as expected', { httpStatus: 400 });
      },
      { deadLetterTopic },
    );
    const message = subscriberMessage(Buffer.from(JSON.stringify(good)), 2);
    await handler.subscription(message);
    expect([message.acks, message.nacks]).toEqual([1, 0]);
    expect(deadLetterTopic.published[0]?.attributes).toMatchObject({
      dead_letter_reason: 'handler_failed',
      error_code: 'BAD_REQUEST',
      error_message: 'Table not partitioned as expected',
      source_message_id: 'sub-1',
      delivery_attempt: '2',
      source_input: 'subscriber_message',
    });
    expect(JSON.parse(deadLetterTopic.published[0]!.data.toString())).toEqual(good);
  });

  it('treats a plain Error as permanent (isTransientError) and honors a custom isTransient', async () => {
    const work = () => {
      throw new Error('boom');
    };
    expect(
      await createMessageHandler(Phase2CompletionMessage, work, {
        onInvalid: 'ack-and-log',
        logger: recordingLogger(),
      }).push(push(b64(good))),
    ).toEqual({
      status: 200,
      outcome: 'discarded',
    });
    const retrying = createMessageHandler(Phase2CompletionMessage, work, {
      isTransient: () => true,
      onInvalid: 'nack',
    });
    expect(await retrying.push(push(b64(good)))).toEqual({ status: 503, outcome: 'retry' });
  });

  it('dead-letters a transient failure on maxDeliveryAttempts instead of redelivering it', async () => {
    const deadLetterTopic = new RecordingTopic();
    const handler = createMessageHandler(
      Phase2CompletionMessage,
      () => {
        throw new ServiceUnavailableError('still down', { httpStatus: 503 });
      },
      { deadLetterTopic, maxDeliveryAttempts: 3 },
    );
    expect(await handler.push(push(b64(good), 2))).toEqual({ status: 503, outcome: 'retry' });
    expect(deadLetterTopic.published).toHaveLength(0);
    expect(await handler.push(push(b64(good), 3))).toEqual({ status: 200, outcome: 'dead_lettered' });
    expect(await handler.push(push(b64(good), 7))).toEqual({ status: 200, outcome: 'dead_lettered' });
    expect(deadLetterTopic.published.map((m) => m.attributes?.dead_letter_reason)).toEqual([
      'max_delivery_attempts',
      'max_delivery_attempts',
    ]);
    expect(deadLetterTopic.published[0]?.attributes?.error_code).toBe('SERVICE_UNAVAILABLE');
  });

  it('keeps redelivering at maxDeliveryAttempts when the attempt is unknown or there is no dead-letter topic', async () => {
    const failing = () => {
      throw new ServiceUnavailableError('down', { httpStatus: 503 });
    };
    const withTopic = createMessageHandler(Phase2CompletionMessage, failing, {
      deadLetterTopic: new RecordingTopic(),
      maxDeliveryAttempts: 2,
    });
    expect((await withTopic.push(push(b64(good)))).outcome).toBe('retry');
    const withoutTopic = createMessageHandler(Phase2CompletionMessage, failing, {
      maxDeliveryAttempts: 2,
      onInvalid: 'nack',
    });
    expect((await withoutTopic.push(push(b64(good), 9))).outcome).toBe('retry');
  });

  it('refuses a maxDeliveryAttempts that is not a positive integer', () => {
    for (const bad of [0, -1, 2.5, Number.NaN]) {
      expect(() =>
        createMessageHandler(Phase2CompletionMessage, () => {}, {
          maxDeliveryAttempts: bad,
          onInvalid: 'nack',
        }),
      ).toThrow(RangeError);
    }
  });
});

describe('createMessageHandler: the dead-letter publish fails', () => {
  it('does not ack: push 500, cloudEvent rejects, nack(); logged once with both codes', async () => {
    const deadLetterTopic = new RecordingTopic().failWith(
      grpcError(14, 'UNAVAILABLE'),
      grpcError(14, 'UNAVAILABLE'),
      grpcError(7, 'PERMISSION_DENIED'),
    );
    const logger = recordingLogger();
    const handler = createMessageHandler(Phase2CompletionMessage, () => {}, { deadLetterTopic, logger });
    const bad = b64({ game_date: 'never' });

    expect(await handler.push(push(bad, 4))).toEqual({ status: 500, outcome: 'dead_letter_failed' });
    await expect(handler.cloudEvent({ data: push(bad) })).rejects.toBeInstanceOf(PipelineError);
    const message = subscriberMessage(Buffer.from('{}'));
    await handler.subscription(message);
    expect([message.acks, message.nacks]).toEqual([0, 1]);
    expect(deadLetterTopic.published).toHaveLength(0);

    expect(logger.entries).toHaveLength(3);
    expect(logger.entries[0]).toMatchObject({
      level: 'error',
      fields: {
        outcome: 'dead_letter_failed',
        messageId: 'm-1',
        deliveryAttempt: 4,
        code: 'MESSAGE_VALIDATION',
        deadLetterCode: 'SERVICE_UNAVAILABLE',
      },
    });
    expect(logger.entries[2]?.fields.deadLetterCode).toBe('FORBIDDEN');
  });

  it('is handled the same way for a permanent handler error', async () => {
    const deadLetterTopic = new RecordingTopic().failWith(grpcError(5, 'NOT_FOUND'));
    const handler = createMessageHandler(
      Phase2CompletionMessage,
      () => {
        throw new MessageValidationError('nested payload invalid', { issues: [] });
      },
      { deadLetterTopic },
    );
    const result = await handler.handle(push(b64(good)));
    expect(result).toMatchObject({ ack: false, outcome: 'dead_letter_failed', reason: 'handler_failed' });
    expect(result.error?.code).toBe('NOT_FOUND');
  });
});

describe('createMessageHandler: robustness', () => {
  it('acks a processed message even when the logger itself throws (log calls are isolated)', async () => {
    const throwingLogger = {
      debug() {
        throw new Error('log sink down');
      },
      info() {},
      warn() {},
      error() {},
    };
    const handler = createMessageHandler(Phase2CompletionMessage, () => {}, {
      logger: throwingLogger,
      onInvalid: 'nack',
    });
    const message = subscriberMessage(Buffer.from(JSON.stringify(good)));
    await expect(handler.subscription(message)).resolves.toBeUndefined();
    expect([message.acks, message.nacks]).toEqual([1, 0]);
  });

  it('keeps the original attributes within Pub/Sub limit of 100 and cuts error_message to 1024 bytes', async () => {
    const deadLetterTopic = new RecordingTopic();
    const attributes = Object.fromEntries(Array.from({ length: 120 }, (_, i) => [`a${i}`, 'v']));
    const handler = createMessageHandler(
      Phase2CompletionMessage,
      () => {
        throw new BadRequestError('é'.repeat(2000), { httpStatus: 400 });
      },
      { deadLetterTopic },
    );
    await handler.push({ message: { data: b64(good), attributes, messageId: 'x' }, subscription: 's' });
    const sent = deadLetterTopic.published[0]!.attributes!;
    // 120 can only come from a hand-made push body: 99 are kept, ours folded into the last place.
    expect(Object.keys(sent)).toHaveLength(100);
    expect(Buffer.byteLength(sent.dead_letter!, 'utf8')).toBeLessThanOrEqual(1024);
    const ours = JSON.parse(sent.dead_letter!);
    expect(ours.error_message.endsWith('…')).toBe(true);
    expect(ours.dead_letter_reason).toBe('handler_failed');
  });
});

describe('createMessageHandler: the dead letter is the message as it arrived', () => {
  it("a handler that changes meta.attributes does not change the dead letter's attributes", async () => {
    // The handler's meta.attributes was the object the dead letter was later built from: an
    // attribute the handler deleted was gone from the only copy kept (a replay could not restore
    // it), and one it added was published as the message's own.
    const topic = new RecordingTopic();
    const handler = createMessageHandler(
      Phase2CompletionMessage,
      (_data, meta) => {
        delete meta.attributes.origin;
        meta.attributes.stage = 'enriched';
        throw new BadRequestError('refused downstream', { httpStatus: 400 });
      },
      { deadLetterTopic: topic, shutdown: false },
    );
    const body = push(b64(good));
    const result = await handler.handle(body);
    expect(result).toMatchObject({ ack: true, outcome: 'dead_lettered', reason: 'handler_failed' });
    expect(topic.published).toHaveLength(1);
    expect(topic.published[0]?.attributes).toMatchObject({ origin: 'scraper' });
    expect(topic.published[0]?.attributes).not.toHaveProperty('stage');
    expect(body.message.attributes).toEqual({ origin: 'scraper' });
  });

  it('each handler call gets its own attributes, an own __proto__ key included', async () => {
    const seen: Array<Record<string, string>> = [];
    const handler = createMessageHandler(
      Phase2CompletionMessage,
      (_data, meta) => {
        seen.push(meta.attributes);
        meta.attributes.touched = 'yes';
      },
      { onInvalid: 'nack', shutdown: false },
    );
    const body = JSON.parse(
      JSON.stringify({ message: { data: b64(good), messageId: 'p-1', attributes: { a: '1' } } }).replace(
        '"a":"1"',
        '"a":"1","__proto__":"kept"',
      ),
    );
    await handler.handle(body);
    expect(Object.keys(seen[0] ?? {})).toEqual(['a', '__proto__', 'touched']);
    expect(Object.getPrototypeOf(seen[0])).toBe(Object.prototype);
  });
});
