import { describe, expect, it } from 'vitest';
import { BadRequestError, type PipelineError } from '../../../src/errors/index.js';
import { createMessageHandler, Phase2CompletionMessage } from '../../../src/validation/index.js';
import { RecordingTopic, recordingLogger } from './fakes.js';

const good = Buffer.from(JSON.stringify({ processor_name: 'BdlGamesProcessor', game_date: '2026-01-23' }));

function delivery(deliveryAttempt: number) {
  return { message: { data: good.toString('base64'), messageId: 'm-1' }, deliveryAttempt };
}

const permanent = () => {
  throw new BadRequestError('Table not partitioned', { httpStatus: 400 });
};

function handlerWith(isTransient: (error: PipelineError) => boolean) {
  const topic = new RecordingTopic();
  const logger = recordingLogger();
  const handler = createMessageHandler(Phase2CompletionMessage, permanent, {
    deadLetterTopic: topic,
    maxDeliveryAttempts: 3,
    isTransient,
    logger,
    shutdown: false,
  });
  return { topic, logger, handler };
}

describe('createMessageHandler: isTransient must answer true or false, synchronously', () => {
  it('an async isTransient is refused when the handler is made (its Promise would count as true for every failure)', () => {
    const asyncPredicate = async () => false;
    expect(() =>
      createMessageHandler(Phase2CompletionMessage, permanent, {
        deadLetterTopic: new RecordingTopic(),
        isTransient: asyncPredicate as unknown as () => boolean,
      }),
    ).toThrow(/isTransient must be synchronous/);
  });

  it('a Promise from a function not declared async: logged at error level, redelivered, dead-lettered on maxDeliveryAttempts (not for ever)', async () => {
    const { topic, logger, handler } = handlerWith((() =>
      Promise.resolve(false)) as unknown as () => boolean);
    expect(await handler.handle(delivery(1))).toMatchObject({ ack: false, outcome: 'retry' });
    expect(logger.entries.filter((e) => e.level === 'error').map((e) => e.message)).toEqual([
      expect.stringMatching(/isTransient returned a Promise, not a boolean; counted as transient/),
    ]);
    expect(await handler.handle(delivery(3))).toMatchObject({
      ack: true,
      outcome: 'dead_lettered',
      reason: 'max_delivery_attempts',
    });
    expect(topic.published.map((m) => m.attributes?.error_code)).toEqual(['BAD_REQUEST']);
  });

  it('undefined (a missing return) is not taken for false: logged, redelivered rather than dead-lettered on a broken answer', async () => {
    const { topic, logger, handler } = handlerWith((() => undefined) as unknown as () => boolean);
    expect(await handler.handle(delivery(1))).toMatchObject({ ack: false, outcome: 'retry' });
    expect(topic.published).toEqual([]);
    expect(logger.entries.map((e) => e.message)).toContainEqual(
      expect.stringMatching(/isTransient returned undefined, not a boolean/),
    );
  });

  it('a rejected Promise from isTransient does not become an unhandled rejection', async () => {
    const { handler } = handlerWith((() =>
      Promise.reject(new Error('lookup failed'))) as unknown as () => boolean);
    expect(await handler.handle(delivery(1))).toMatchObject({ ack: false, outcome: 'retry' });
    // vitest fails the run on an unhandled rejection; give it the turn to surface.
    await new Promise((resolve) => setImmediate(resolve));
  });

  it('true and false still mean what they say', async () => {
    expect((await handlerWith(() => true).handler.handle(delivery(1))).outcome).toBe('retry');
    expect(await handlerWith(() => false).handler.handle(delivery(1))).toMatchObject({
      outcome: 'dead_lettered',
      reason: 'handler_failed',
    });
  });
});

describe('createMessageHandler: an isTransient that throws', () => {
  it('is logged at error level and counts as transient: redelivered, dead-lettered on maxDeliveryAttempts (not for ever, not silently)', async () => {
    const { topic, logger, handler } = handlerWith(() => {
      throw new TypeError("Cannot read properties of undefined (reading 'code')");
    });
    expect(await handler.handle(delivery(1))).toMatchObject({
      ack: false,
      outcome: 'retry',
      error: { code: 'BAD_REQUEST' },
    });
    expect(logger.entries.filter((e) => e.level === 'error').map((e) => e.message)).toEqual([
      expect.stringMatching(/isTransient threw TypeError: Cannot read properties.*counted as transient/),
    ]);
    expect(topic.published).toEqual([]);
    expect(await handler.handle(delivery(3))).toMatchObject({
      ack: true,
      outcome: 'dead_lettered',
      reason: 'max_delivery_attempts',
    });
    expect(topic.published.map((m) => m.attributes?.error_code)).toEqual(['BAD_REQUEST']);
  });
});
