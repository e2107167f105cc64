import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { MessageDecodeError, MessageValidationError } from '../../../src/errors/index.js';
import {
  DEFAULT_MAX_MESSAGE_BYTES,
  decodePubSubMessage,
  Phase2CompletionMessage,
} from '../../../src/validation/index.js';

const payload = { processor_name: 'BdlGamesProcessor', game_date: '2026-01-23', record_count: 12 };
const parsed = {
  processor_name: 'BdlGamesProcessor',
  game_date: '2026-01-23',
  phase: 'phase_2_raw',
  execution_id: null,
  correlation_id: null,
  output_table: null,
  output_dataset: null,
  status: 'success',
  record_count: 12,
  timestamp: null,
};
const base64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64');

function pushBody(data: unknown, extra: Record<string, unknown> = {}) {
  return {
    message: {
      data,
      attributes: { source: 'bdl', ignored: 5 },
      messageId: '1234567890',
      publishTime: '2026-01-24T04:12:33.123Z',
    },
    subscription: 'projects/nba-props-platform/subscriptions/phase2-push',
    ...extra,
  };
}

function decodeFailure(input: unknown, maxBytes?: number): MessageDecodeError {
  try {
    decodePubSubMessage(Phase2CompletionMessage, input, maxBytes === undefined ? undefined : { maxBytes });
  } catch (error) {
    expect(error).toBeInstanceOf(MessageDecodeError);
    expect((error as MessageDecodeError).transient).toBe(false);
    return error as MessageDecodeError;
  }
  throw new Error('expected a MessageDecodeError');
}

describe('decodePubSubMessage: push subscription bodies', () => {
  it('decodes data, attributes, id, publish time and delivery attempt', () => {
    expect(
      decodePubSubMessage(Phase2CompletionMessage, pushBody(base64(payload), { deliveryAttempt: 3 })),
    ).toEqual({
      data: parsed,
      attributes: { source: 'bdl' },
      messageId: '1234567890',
      publishTime: new Date('2026-01-24T04:12:33.123Z'),
      deliveryAttempt: 3,
    });
  });

  it('reads the snake_case aliases Pub/Sub also sends (message_id, publish_time)', () => {
    const decoded = decodePubSubMessage(Phase2CompletionMessage, {
      message: { data: base64(payload), message_id: '42', publish_time: '2026-01-24T00:00:00Z' },
      subscription: 's',
    });
    expect(decoded.messageId).toBe('42');
    expect(decoded.publishTime).toEqual(new Date('2026-01-24T00:00:00Z'));
    expect(decoded.deliveryAttempt).toBeUndefined();
    expect(decoded.attributes).toEqual({});
  });

  it('accepts URL-safe and unpadded base64', () => {
    const standard = base64({ ...payload, correlation_id: '??>>??' });
    const urlSafe = standard.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
    expect(decodePubSubMessage(Phase2CompletionMessage, pushBody(urlSafe)).data.correlation_id).toBe(
      '??>>??',
    );
  });

  it.each([
    ['not base64!', 'invalid_base64'],
    ['abcde', 'invalid_base64'],
    ['ab=c', 'invalid_base64'],
    [42, 'invalid_base64'],
    [{ nested: true }, 'invalid_base64'],
    [undefined, 'missing_data'],
    [null, 'missing_data'],
    ['', 'missing_data'],
    [Buffer.from([0xff, 0xfe, 0xfd]).toString('base64'), 'invalid_utf8'],
    [Buffer.from('{"processor_name": ').toString('base64'), 'invalid_json'],
    [Buffer.from('   ').toString('base64'), 'missing_data'],
  ])('refuses message.data %j with reason %s', (data, reason) => {
    const error = decodeFailure(pushBody(data));
    expect(error.reason).toBe(reason);
    expect(error.message).toContain('push 1234567890');
  });

  it('fails validation with every issue when the JSON is not the schema', () => {
    try {
      decodePubSubMessage(Phase2CompletionMessage, pushBody(base64({ record_count: -3, status: 'nope' })));
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(MessageValidationError);
      expect((error as MessageValidationError).issues.map((issue) => issue.path[0])).toEqual([
        'processor_name',
        'game_date',
        'status',
        'record_count',
      ]);
    }
  });
});

describe('decodePubSubMessage: CloudEvents from Eventarc', () => {
  const message = {
    data: base64(payload),
    attributes: { a: 'b' },
    messageId: '777',
    publishTime: '2026-01-24T04:00:00Z',
  };

  it('decodes a structured CloudEvent (event.data.message.data)', () => {
    const event = {
      specversion: '1.0',
      type: 'google.cloud.pubsub.topic.v1.messagePublished',
      source: '//pubsub.googleapis.com/projects/nba-props-platform/topics/nba-phase2-raw-complete',
      id: '777',
      data: { message, subscription: 'projects/p/subscriptions/eventarc-sub' },
    };
    const decoded = decodePubSubMessage(Phase2CompletionMessage, event);
    expect(decoded).toMatchObject({ data: parsed, messageId: '777', attributes: { a: 'b' } });
  });

  it('decodes the raw { data: { message } } form and falls back to the event id', () => {
    const { messageId: _id, ...withoutId } = message;
    const decoded = decodePubSubMessage(Phase2CompletionMessage, {
      id: 'ce-1',
      data: { message: withoutId },
    });
    expect(decoded.messageId).toBe('ce-1');
    expect(decoded.data).toEqual(parsed);
  });

  it('refuses an event whose message has no data', () => {
    expect(decodeFailure({ data: { message: { attributes: { a: 'b' } } } }).reason).toBe('missing_data');
  });

  describe('an event whose data was not parsed as JSON', () => {
    // The Functions Framework parses a binary-mode event's body by its content type: text/* gives a
    // string, an unknown type a Buffer; a structured event with binary data carries data_base64. The
    // Buffer form was taken for a streaming-pull Message (data bytes and an id), the others for a
    // bare object: the push body was validated as the message and every delivery dead-lettered.
    const pushBody = JSON.stringify({ message, subscription: 'projects/p/subscriptions/eventarc-sub' });
    const event = (fields: Record<string, unknown>) => ({
      specversion: '1.0',
      type: 'google.cloud.pubsub.topic.v1.messagePublished',
      source: '//pubsub.googleapis.com/projects/p/topics/t',
      id: '777',
      ...fields,
    });
    it.each([
      ['a string (text/plain)', event({ data: pushBody })],
      ['a Buffer (application/octet-stream)', event({ data: Buffer.from(pushBody) })],
      ['a Uint8Array', event({ data: new Uint8Array(Buffer.from(pushBody)) })],
      [
        'data_base64 (structured, binary data)',
        event({ data_base64: Buffer.from(pushBody).toString('base64') }),
      ],
    ])('%s: decoded as the push body it holds', (_what, input) => {
      const decoded = decodePubSubMessage(Phase2CompletionMessage, input);
      expect(decoded).toMatchObject({ data: parsed, messageId: '777', attributes: { a: 'b' } });
    });

    it('data that is not a push body is still what it was (an event without a message)', () => {
      const decoded = decodePubSubMessage(
        z.object({ specversion: z.string(), data: z.string() }),
        event({ data: 'hello' }),
      );
      expect(decoded.data).toEqual({ specversion: '1.0', data: 'hello' });
      expect(() =>
        decodePubSubMessage(Phase2CompletionMessage, event({ data: Buffer.from('{"not":"a push body"}') })),
      ).toThrow(MessageValidationError);
    });
  });
});

describe('decodePubSubMessage: @google-cloud/pubsub Message, bytes, strings, objects', () => {
  it('decodes a streaming-pull Message (duck-typed)', () => {
    const publishTime = new Date('2026-01-24T04:12:33Z');
    const message = {
      id: '55',
      ackId: 'ack-55',
      data: Buffer.from(JSON.stringify(payload)),
      attributes: { x: 'y' },
      publishTime,
      deliveryAttempt: 2,
      ack() {},
      nack() {},
    };
    expect(decodePubSubMessage(Phase2CompletionMessage, message)).toEqual({
      data: parsed,
      attributes: { x: 'y' },
      messageId: '55',
      publishTime,
      deliveryAttempt: 2,
    });
  });

  it('reports deliveryAttempt 0 (no dead-letter policy) as unknown', () => {
    const message = {
      id: '1',
      data: Buffer.from(JSON.stringify(payload)),
      attributes: {},
      deliveryAttempt: 0,
    };
    expect(decodePubSubMessage(Phase2CompletionMessage, message).deliveryAttempt).toBeUndefined();
  });

  it('decodes a Buffer, a Uint8Array and an ArrayBuffer of JSON bytes', () => {
    const bytes = Buffer.from(JSON.stringify(payload));
    expect(decodePubSubMessage(Phase2CompletionMessage, bytes).data).toEqual(parsed);
    expect(decodePubSubMessage(Phase2CompletionMessage, new Uint8Array(bytes)).data).toEqual(parsed);
    const arrayBuffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length);
    expect(decodePubSubMessage(Phase2CompletionMessage, arrayBuffer).data).toEqual(parsed);
  });

  it('decodes a string of JSON text and a string of base64', () => {
    expect(decodePubSubMessage(Phase2CompletionMessage, `  ${JSON.stringify(payload)}`).data).toEqual(parsed);
    expect(decodePubSubMessage(Phase2CompletionMessage, base64(payload)).data).toEqual(parsed);
  });

  it('validates an already-parsed object as is', () => {
    expect(decodePubSubMessage(Phase2CompletionMessage, payload)).toEqual({
      data: parsed,
      attributes: {},
      messageId: undefined,
      publishTime: undefined,
      deliveryAttempt: undefined,
    });
  });

  it('strips a UTF-8 byte order mark', () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify(payload))]);
    expect(decodePubSubMessage(Phase2CompletionMessage, bytes).data).toEqual(parsed);
  });

  it.each([
    [Buffer.from([0xc3, 0x28]), 'invalid_utf8'],
    [Buffer.alloc(0), 'missing_data'],
    ['{"a":', 'invalid_json'],
    ['', 'missing_data'],
    ['%%%', 'invalid_base64'],
    [undefined, 'missing_data'],
    [null, 'missing_data'],
    [() => payload, 'unrecognized_input'],
    [Symbol('x'), 'unrecognized_input'],
    [10n, 'unrecognized_input'],
  ])('refuses %s with reason %s', (input, reason) => {
    expect(decodeFailure(input).reason).toBe(reason);
  });

  it('treats numbers and booleans as parsed values that fail the schema', () => {
    expect(() => decodePubSubMessage(Phase2CompletionMessage, 5)).toThrow(MessageValidationError);
    expect(() => decodePubSubMessage(Phase2CompletionMessage, true)).toThrow(MessageValidationError);
  });

  it('works with any zod schema, not only the library ones', () => {
    const Custom = z.object({ id: z.string() });
    expect(decodePubSubMessage(Custom, '{"id":"x","more":1}').data).toEqual({ id: 'x' });
  });
});

describe('decodePubSubMessage: size limit', () => {
  it('defaults to 10 MiB, Pub/Sub limit', () => {
    expect(DEFAULT_MAX_MESSAGE_BYTES).toBe(10 * 1024 * 1024);
  });

  it('refuses data over maxBytes in every form, before parsing it', () => {
    const json = JSON.stringify({ ...payload, correlation_id: 'x'.repeat(200) });
    const max = 100;
    expect(decodeFailure(Buffer.from(json), max).reason).toBe('too_large');
    expect(decodeFailure(json, max).reason).toBe('too_large');
    expect(decodeFailure(pushBody(Buffer.from(json).toString('base64')), max).reason).toBe('too_large');
    expect(decodeFailure(pushBody(Buffer.from(json).toString('base64')), max).message).toMatch(
      /over the 100-byte limit/,
    );
  });

  it('accepts data of exactly maxBytes', () => {
    const json = JSON.stringify(payload);
    const size = Buffer.byteLength(json);
    expect(decodePubSubMessage(Phase2CompletionMessage, Buffer.from(json), { maxBytes: size }).data).toEqual(
      parsed,
    );
    expect(
      decodePubSubMessage(Phase2CompletionMessage, pushBody(base64(payload)), { maxBytes: size }).data,
    ).toEqual(parsed);
  });

  it('refuses a 10 MiB + 1 byte payload with the default limit', () => {
    const big = Buffer.alloc(DEFAULT_MAX_MESSAGE_BYTES + 1, 0x20);
    expect(decodeFailure(big).reason).toBe('too_large');
  });
});

describe('decodePubSubMessage: size limit with base64 padding', () => {
  it.each([1, 2, 3, 4])('counts the decoded bytes, not the padded text (%i bytes over the JSON)', (extra) => {
    const json = JSON.stringify({ ...payload, correlation_id: 'x'.repeat(extra) });
    const size = Buffer.byteLength(json);
    const data = Buffer.from(json).toString('base64');
    expect(
      decodePubSubMessage(Phase2CompletionMessage, pushBody(data), { maxBytes: size }).data.correlation_id,
    ).toBe('x'.repeat(extra));
    expect(decodeFailure(pushBody(data), size - 1).reason).toBe('too_large');
  });
});
