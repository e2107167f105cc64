import { describe, expect, it } from 'vitest';
import { CircuitBreaker, CircuitBreakerOpenError } from '../../../src/index.js';
import { createTestClock } from '../../../src/testing/index.js';
import { createMessageHandler, Phase2CompletionMessage } from '../../../src/validation/index.js';
import { RecordingTopic, recordingLogger } from './fakes.js';

const good = { processor_name: 'BdlGamesProcessor', game_date: '2026-01-23' };
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64');
const pushBody = (data: unknown, deliveryAttempt?: number) => ({
  message: { data: b64(data), messageId: 'm-1', attributes: { source: 'scraper' } },
  subscription: 'projects/p/subscriptions/s',
  ...(deliveryAttempt === undefined ? {} : { deliveryAttempt }),
});

describe('createMessageHandler: an open circuit breaker redelivers, it does not dead-letter', () => {
  it('a CircuitBreakerOpenError from the processing is a retry by default, dead-lettered only on maxDeliveryAttempts', async () => {
    const clock = createTestClock();
    const breaker = new CircuitBreaker({ failureThreshold: 1, clock });
    await expect(
      breaker.execute(() => Promise.reject(Object.assign(new Error('down'), { code: 14 }))),
    ).rejects.toThrow();
    const topic = new RecordingTopic();
    const handler = createMessageHandler(
      Phase2CompletionMessage,
      () => breaker.execute(async () => 'never called'),
      { deadLetterTopic: topic, maxDeliveryAttempts: 3, logger: recordingLogger(), shutdown: false },
    );
    const first = await handler.handle(pushBody(good, 1));
    expect(first).toMatchObject({ ack: false, outcome: 'retry' });
    expect(first.error).toBeInstanceOf(CircuitBreakerOpenError);
    expect(await handler.handle(pushBody(good, 2))).toMatchObject({ ack: false, outcome: 'retry' });
    expect(topic.published).toEqual([]);
    expect(await handler.handle(pushBody(good, 3))).toMatchObject({
      ack: true,
      outcome: 'dead_lettered',
      reason: 'max_delivery_attempts',
    });
  });

  it('a caller-given isTransient still decides (it may dead-letter an open breaker on purpose)', async () => {
    const topic = new RecordingTopic();
    const handler = createMessageHandler(
      Phase2CompletionMessage,
      () => {
        throw new CircuitBreakerOpenError('open', { retryAfterMs: 1000 });
      },
      { deadLetterTopic: topic, isTransient: () => false, logger: recordingLogger(), shutdown: false },
    );
    expect(await handler.handle(pushBody(good, 1))).toMatchObject({ outcome: 'dead_lettered' });
  });
});

describe('createMessageHandler.push: a body given as text or bytes (no JSON body parser)', () => {
  for (const [label, wrap] of [
    ['a string (express.text())', (body: unknown) => JSON.stringify(body)],
    ['a Buffer (express.raw())', (body: unknown) => Buffer.from(JSON.stringify(body))],
    ['an ArrayBuffer', (body: unknown) => new Uint8Array(Buffer.from(JSON.stringify(body))).buffer],
  ] as const) {
    it(`${label} holding the push envelope is that envelope: processed, 200`, async () => {
      const seen: unknown[] = [];
      const handler = createMessageHandler(
        Phase2CompletionMessage,
        (data, meta) => void seen.push([data, meta.attributes]),
        {
          deadLetterTopic: new RecordingTopic(),
          logger: recordingLogger(),
          shutdown: false,
        },
      );
      expect(await handler.push(wrap(pushBody(good)))).toEqual({ status: 200, outcome: 'processed' });
      expect(seen).toEqual([[expect.objectContaining(good), { source: 'scraper' }]]);
    });
  }

  it('an invalid message in a text body is dead-lettered with its own data and attributes, not the envelope', async () => {
    const topic = new RecordingTopic();
    const handler = createMessageHandler(Phase2CompletionMessage, () => undefined, {
      deadLetterTopic: topic,
      logger: recordingLogger(),
      shutdown: false,
    });
    const invalid = { processor_name: 'BdlGamesProcessor', game_date: '2026-02-30' };
    expect(await handler.push(JSON.stringify(pushBody(invalid)))).toMatchObject({
      status: 200,
      outcome: 'dead_lettered',
    });
    expect(topic.published).toHaveLength(1);
    expect(JSON.parse(topic.published[0]!.data.toString('utf8'))).toEqual(invalid);
    expect(topic.published[0]!.attributes).toMatchObject({ source: 'scraper' });
  });
});
