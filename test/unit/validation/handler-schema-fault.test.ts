import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { UnsupportedSchemaError } from '../../../src/errors/index.js';
import { createMessageHandler } from '../../../src/validation/index.js';
import { RecordingTopic, recordingLogger } from './fakes.js';

function delivery(value: unknown, deliveryAttempt = 1) {
  return {
    message: { data: Buffer.from(JSON.stringify(value)).toString('base64'), messageId: 'm-1' },
    deliveryAttempt,
  };
}

const Order = z.object({ id: z.string() });

describe('createMessageHandler: a schema that throws is a configuration error, not bad data', () => {
  it('an async refinement is refused when the handler is made (zod would throw on every message)', () => {
    const schema = Order.refine(async (order) => order.id.length > 0);
    let caught: unknown;
    try {
      createMessageHandler(schema, () => undefined, { deadLetterTopic: new RecordingTopic() });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(UnsupportedSchemaError);
    expect(caught).toMatchObject({ kind: 'async', code: 'UNSUPPORTED_SCHEMA' });
    expect((caught as Error).message).toMatch(
      /async refinement or transform at checks\[0\]; validation is synchronous/,
    );
  });

  it('an async transform deep inside is refused too, with its path', () => {
    const schema = z.object({ order: Order.extend({ total: z.string().transform(async (s) => Number(s)) }) });
    expect(() => createMessageHandler(schema, () => undefined, { onInvalid: 'nack' })).toThrow(
      /async refinement or transform at order\.total/,
    );
  });

  it('a refinement that throws: logged at error level, redelivered, never dead-lettered as validation_failed; the handler does not run', async () => {
    const schema = Order.refine(() => {
      throw new Error('lookup table not loaded');
    });
    const topic = new RecordingTopic();
    const logger = recordingLogger();
    let calls = 0;
    const handler = createMessageHandler(schema, () => void calls++, {
      deadLetterTopic: topic,
      logger,
      name: 'Order',
      shutdown: false,
    });
    expect(await handler.push(delivery({ id: 'o-1' }))).toEqual({ status: 503, outcome: 'retry' });
    expect(topic.published).toEqual([]);
    expect(calls).toBe(0);
    expect(logger.entries).toHaveLength(1);
    expect(logger.entries[0]).toMatchObject({
      level: 'error',
      message: expect.stringMatching(/schema is broken \(a configuration error.*lookup table not loaded/),
      fields: { outcome: 'retry', code: 'SCHEMA_ERROR', messageId: 'm-1' },
    });
  });

  it('a Promise from a refinement not declared async: redelivered, and dead-lettered as max_delivery_attempts (replayable) on the last attempt', async () => {
    const schema = Order.refine(() => Promise.resolve(true) as unknown as boolean);
    const topic = new RecordingTopic();
    const handler = createMessageHandler(schema, () => undefined, {
      deadLetterTopic: topic,
      maxDeliveryAttempts: 3,
      shutdown: false,
    });
    expect(await handler.handle(delivery({ id: 'o-1' }, 1))).toMatchObject({
      ack: false,
      outcome: 'retry',
      error: { code: 'SCHEMA_ERROR', transient: true },
    });
    expect(topic.published).toEqual([]);
    expect(await handler.handle(delivery({ id: 'o-1' }, 3))).toMatchObject({
      ack: true,
      outcome: 'dead_lettered',
      reason: 'max_delivery_attempts',
    });
    expect(topic.published[0]?.attributes).toMatchObject({
      dead_letter_reason: 'max_delivery_attempts',
      error_code: 'SCHEMA_ERROR',
    });
  });

  it('a message the schema reports issues for is still dead-lettered as validation_failed', async () => {
    const topic = new RecordingTopic();
    const handler = createMessageHandler(Order, () => undefined, { deadLetterTopic: topic, shutdown: false });
    expect(await handler.handle(delivery({ id: 7 }))).toMatchObject({
      outcome: 'dead_lettered',
      reason: 'validation_failed',
    });
  });

  it('a recursive schema overflowing the stack on input nested too deep stays invalid data (the message, not the schema)', async () => {
    type Tree = { child?: Tree };
    const Tree: z.ZodType<Tree> = z.object({ child: z.lazy(() => Tree).optional() });
    const topic = new RecordingTopic();
    const handler = createMessageHandler(Tree, () => undefined, { deadLetterTopic: topic, shutdown: false });
    // 100 000 levels: JSON.parse takes it, the recursive schema overflows the stack.
    const text = `${'{"child":'.repeat(100_000)}{}${'}'.repeat(100_000)}`;
    const result = await handler.handle({
      message: { data: Buffer.from(text).toString('base64'), messageId: 'm-deep' },
    });
    expect(result).toMatchObject({ ack: true, outcome: 'dead_lettered', reason: 'validation_failed' });
  });
});
