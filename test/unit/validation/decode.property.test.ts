import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MessageDecodeError, MessageValidationError } from '../../../src/errors/index.js';
import { decodePubSubMessage, Phase2CompletionMessage } from '../../../src/validation/index.js';

/** The one contract: a decoded message, or one of the two typed permanent errors. Nothing else. */
function returnsOrThrowsTyped(input: unknown, maxBytes?: number): void {
  try {
    const decoded = decodePubSubMessage(
      Phase2CompletionMessage,
      input,
      maxBytes === undefined ? {} : { maxBytes },
    );
    expect(typeof decoded.data.processor_name).toBe('string');
  } catch (error) {
    if (error instanceof MessageDecodeError || error instanceof MessageValidationError) {
      expect(error.transient).toBe(false);
      return;
    }
    throw error;
  }
}

const validPayload = fc.record(
  {
    processor_name: fc.string({ minLength: 1 }),
    game_date: fc
      .date({ min: new Date('1900-01-01'), max: new Date('2199-12-31'), noInvalidDate: true })
      .map((d) => d.toISOString().slice(0, 10)),
    status: fc.constantFrom('success', 'partial', 'failed', 'skipped'),
    record_count: fc.nat(),
    correlation_id: fc.option(fc.string(), { nil: null }),
  },
  { requiredKeys: ['processor_name', 'game_date'] },
);

/** Anything that may end up in message.data: good base64, broken base64, bytes, junk. */
const dataField = fc.oneof(
  validPayload.map((p) => Buffer.from(JSON.stringify(p)).toString('base64')),
  fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes).toString('base64')),
  fc.string().map((s) => Buffer.from(s).toString('base64')),
  fc.string(),
  fc.uint8Array({ maxLength: 64 }),
  fc.anything(),
);

const attributes = fc.oneof(fc.dictionary(fc.string(), fc.string()), fc.anything());

const pushEnvelope = fc.record(
  {
    message: fc.record(
      {
        data: dataField,
        attributes,
        messageId: fc.oneof(fc.string(), fc.anything()),
        message_id: fc.string(),
        publishTime: fc.oneof(
          fc.date().map((d) => (Number.isNaN(d.getTime()) ? 'x' : d.toISOString())),
          fc.anything(),
        ),
        publish_time: fc.string(),
      },
      { requiredKeys: [] },
    ),
    subscription: fc.oneof(fc.string(), fc.anything()),
    deliveryAttempt: fc.oneof(fc.integer(), fc.anything()),
  },
  { requiredKeys: ['message'] },
);

const cloudEvent = pushEnvelope.chain((body) =>
  fc.record(
    { specversion: fc.constant('1.0'), id: fc.oneof(fc.string(), fc.anything()), data: fc.constant(body) },
    { requiredKeys: ['data'] },
  ),
);

const subscriberMessage = fc.record({
  id: fc.string(),
  data: fc.oneof(
    validPayload.map((p) => Buffer.from(JSON.stringify(p))),
    fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b)),
  ),
  attributes,
  publishTime: fc.oneof(fc.date(), fc.anything()),
  deliveryAttempt: fc.oneof(fc.nat(), fc.anything()),
});

describe('decodePubSubMessage property: returns or throws one of the two typed errors, nothing else', () => {
  it('push envelopes (2,500 cases)', () => {
    fc.assert(
      fc.property(pushEnvelope, (input) => returnsOrThrowsTyped(input)),
      { numRuns: 2_500 },
    );
  });

  it('CloudEvents and streaming-pull messages (2,500 cases)', () => {
    fc.assert(
      fc.property(fc.oneof(cloudEvent, subscriberMessage), (input) => returnsOrThrowsTyped(input)),
      { numRuns: 2_500 },
    );
  });

  it('strings and byte arrays (2,500 cases)', () => {
    const input = fc.oneof(
      fc.string(),
      fc.string({ unit: 'binary' }),
      fc.uint8Array({ maxLength: 256 }),
      fc.uint8Array({ maxLength: 256 }).map((b) => Buffer.from(b)),
      fc.uint8Array({ maxLength: 256 }).map((b) => Buffer.from(b).toString('base64')),
      fc.json(),
      validPayload.map((p) => JSON.stringify(p)),
    );
    fc.assert(
      fc.property(input, fc.option(fc.nat({ max: 300 }), { nil: undefined }), (value, maxBytes) =>
        returnsOrThrowsTyped(value, maxBytes),
      ),
      { numRuns: 2_500 },
    );
  });

  it('arbitrary values (1,500 cases)', () => {
    fc.assert(
      fc.property(
        fc.anything({
          withBigInt: true,
          withDate: true,
          withMap: true,
          withSet: true,
          withTypedArray: true,
          withNullPrototype: true,
          withSparseArray: true,
          withBoxedValues: true,
        }),
        (value) => returnsOrThrowsTyped(value),
      ),
      {
        numRuns: 1_500,
      },
    );
  });

  it('valid payloads survive every envelope unchanged (1,000 cases)', () => {
    fc.assert(
      fc.property(validPayload, fc.nat({ max: 4 }), (payload, form) => {
        const bytes = Buffer.from(JSON.stringify(payload));
        const inputs = [
          { message: { data: bytes.toString('base64'), messageId: 'm' }, subscription: 's' },
          { data: { message: { data: bytes.toString('base64'), messageId: 'm' } } },
          { id: 'm', data: bytes, attributes: {}, ack() {}, nack() {} },
          bytes,
          JSON.stringify(payload),
        ];
        const decoded = decodePubSubMessage(Phase2CompletionMessage, inputs[form]);
        expect(decoded.data).toMatchObject(payload);
      }),
      { numRuns: 1_000 },
    );
  });
});
