import { describe, expect, it } from 'vitest';
import { createShutdownCoordinator } from '../../../src/shutdown/index.js';
import { createTestClock } from '../../../src/testing/clock.js';
import {
  createMessageHandler,
  type MessageMeta,
  Phase2CompletionMessage,
} from '../../../src/validation/index.js';
import { FakeProcess } from '../../helpers/fake-process.js';
import { RecordingTopic, recordingLogger, settle } from './fakes.js';

const good = Buffer.from(JSON.stringify({ processor_name: 'BdlGamesProcessor', game_date: '2026-01-23' }));

function delivery(deliveryAttempt: number) {
  return { message: { data: good.toString('base64'), messageId: 'm-1' }, deliveryAttempt };
}

/** A handler that does what fetch, timers/promises and most libraries do: reject with an AbortError. */
const abortable = (_data: unknown, meta: MessageMeta) =>
  new Promise<void>((_, reject) => {
    meta.signal?.addEventListener('abort', () =>
      reject(new DOMException('This operation was aborted', 'AbortError')),
    );
  });

describe('createMessageHandler: an AbortError caused by our own abort of meta.signal', () => {
  it('the shutdown cuts the handling off: the AbortError that follows is not a permanent failure, nothing is dead-lettered', async () => {
    const clock = createTestClock();
    const coordinator = createShutdownCoordinator({
      process: new FakeProcess(),
      signals: ['SIGTERM'],
      clock,
      logger: recordingLogger(),
    });
    const topic = new RecordingTopic();
    const logger = recordingLogger();
    const handler = createMessageHandler(Phase2CompletionMessage, abortable, {
      deadLetterTopic: topic,
      shutdown: coordinator,
      clock,
      logger,
    });
    const result = handler.handle(delivery(1));
    await settle();
    void coordinator.shutdown('SIGTERM');
    await settle();
    // The coordinator's limit is 8 s; the handlings' drain ends 1 s before it.
    clock.advance(7_000);
    expect(await result).toMatchObject({ ack: false, outcome: 'retry', error: { code: 'SHUTTING_DOWN' } });
    await settle();
    // Before the fix the AbortError was a CancelledError (permanent): published as handler_failed
    // while the message had been answered for redelivery.
    expect(topic.published).toEqual([]);
    expect(logger.entries.map((e) => [e.level, e.fields.outcome, e.fields.code])).not.toContainEqual([
      'error',
      'dead_lettered',
      'CANCELLED',
    ]);
    expect(logger.entries.map((e) => e.message)).toContainEqual(
      expect.stringMatching(/handling cut off by the shutdown ended after all \(retry\)/),
    );
  });

  it('our handler timeout aborts meta.signal: the AbortError that follows is a timeout (transient), redelivered, and dead-lettered only on maxDeliveryAttempts', async () => {
    const clock = createTestClock();
    const topic = new RecordingTopic();
    const handler = createMessageHandler(Phase2CompletionMessage, abortable, {
      deadLetterTopic: topic,
      maxDeliveryAttempts: 3,
      handlerTimeoutMs: 1_000,
      clock,
      shutdown: false,
    });
    const first = handler.handle(delivery(1));
    await settle();
    clock.advance(1_000);
    expect(await first).toMatchObject({ ack: false, outcome: 'retry', error: { code: 'OPERATION_TIMEOUT' } });
    await settle();
    expect(topic.published).toEqual([]);

    const last = handler.handle(delivery(3));
    await settle();
    clock.advance(1_000);
    expect(await last).toMatchObject({
      ack: true,
      outcome: 'dead_lettered',
      reason: 'max_delivery_attempts',
    });
    expect(topic.published.map((m) => m.attributes?.error_code)).toEqual(['OPERATION_TIMEOUT']);
  });

  it('an abort that is not ours stays what it is: a CancelledError, permanent, dead-lettered on the first attempt', async () => {
    const topic = new RecordingTopic();
    const handler = createMessageHandler(
      Phase2CompletionMessage,
      () => {
        // The handler's own AbortController (a request it gave up on), not meta.signal.
        throw new DOMException('This operation was aborted', 'AbortError');
      },
      { deadLetterTopic: topic, maxDeliveryAttempts: 3, shutdown: false },
    );
    expect(await handler.handle(delivery(1))).toMatchObject({
      ack: true,
      outcome: 'dead_lettered',
      reason: 'handler_failed',
    });
    expect(topic.published[0]?.attributes?.error_code).toBe('CANCELLED');
  });
});
