import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { MessageDecodeError, MessageValidationError } from '../../../src/errors/index.js';
import {
  createMessageHandler,
  decodePubSubMessage,
  Phase2CompletionMessage,
  parseMessage,
} from '../../../src/validation/index.js';

const good = Buffer.from('{"processor_name":"p","game_date":"2026-01-24"}').toString('base64');

/** The error `decodePubSubMessage` throws for `input`. */
function decodeFailure(input: unknown): unknown {
  try {
    decodePubSubMessage(Phase2CompletionMessage, input);
  } catch (error) {
    return error;
  }
  throw new Error('expected decoding to fail');
}

describe('decodePubSubMessage on inputs that cannot be read', () => {
  const revocable = Proxy.revocable({}, {});
  revocable.revoke();
  const cases: Array<[string, unknown]> = [
    [
      'a message whose data getter throws',
      {
        id: '1',
        ack() {},
        get data(): never {
          throw new Error('boom');
        },
      },
    ],
    [
      'a push body whose attributes getter throws',
      {
        message: {
          data: good,
          get attributes(): never {
            throw new Error('boom');
          },
        },
      },
    ],
    [
      'a Proxy whose every trap throws',
      new Proxy(
        {},
        {
          get() {
            throw new Error('get');
          },
          getPrototypeOf() {
            throw new Error('getPrototypeOf');
          },
          has() {
            throw new Error('has');
          },
        },
      ),
    ],
    ['a revoked Proxy', revocable.proxy],
  ];
  for (const [what, input] of cases) {
    it(`${what}: MessageDecodeError unrecognized_input, not the getter's error`, () => {
      const error = decodeFailure(input);
      expect(error).toBeInstanceOf(MessageDecodeError);
      expect(error).toMatchObject({ reason: 'unrecognized_input', transient: false });
      expect((error as Error).message).toMatch(/cannot be read/);
    });
  }
});

describe('a schema whose own code throws', () => {
  const thrown = new Error('lookup table not loaded');
  const refining = z.object({ id: z.string() }).refine(() => {
    throw thrown;
  });
  const transforming = z.object({ id: z.string() }).transform((): never => {
    throw thrown;
  });
  const asyncRefining = z.object({ id: z.string() }).refine(async () => true);

  for (const [what, schema] of [
    ['a refinement', refining],
    ['a transform', transforming],
    ['an async refinement (zod parses synchronously here)', asyncRefining],
  ] as const) {
    it(`${what}: MessageValidationError naming the schema failure, with the thrown value as cause`, () => {
      let caught: unknown;
      try {
        parseMessage(schema, { id: 'a' }, { name: 'Order' });
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(MessageValidationError);
      const error = caught as MessageValidationError;
      expect(error.transient).toBe(false);
      expect(error.message).toMatch(/^Order: 1 issue: \(root\): the schema threw/);
      expect(error.issues).toEqual([
        { path: [], code: 'custom', message: expect.stringMatching(/^the schema threw/) },
      ]);
      expect(error.cause).toBeDefined();
    });
  }

  it('decodePubSubMessage reports it as a MessageValidationError too', () => {
    expect(() => decodePubSubMessage(refining, '{"id":"a"}')).toThrow(MessageValidationError);
  });
});

describe('maxBytes must be a usable limit', () => {
  const body = { message: { data: good, messageId: '1' } };
  for (const maxBytes of [Number.NaN, -1, Number.NEGATIVE_INFINITY]) {
    it(`decodePubSubMessage refuses maxBytes ${maxBytes} with a RangeError naming it`, () => {
      expect(() => decodePubSubMessage(Phase2CompletionMessage, body, { maxBytes })).toThrow(
        expect.objectContaining({
          name: 'RangeError',
          message: expect.stringMatching(/^decodePubSubMessage: maxBytes must be/),
        }),
      );
    });
    it(`createMessageHandler refuses maxBytes ${maxBytes} at construction`, () => {
      expect(() =>
        createMessageHandler(Phase2CompletionMessage, () => undefined, { onInvalid: 'nack', maxBytes }),
      ).toThrow(
        expect.objectContaining({
          name: 'RangeError',
          message: expect.stringMatching(/^createMessageHandler: maxBytes must be/),
        }),
      );
    });
  }
  it('decodePubSubMessage refuses a maxBytes that is a string (it would compare as NaN)', () => {
    const maxBytes = 'ten megabytes' as unknown as number;
    expect(() => decodePubSubMessage(Phase2CompletionMessage, body, { maxBytes })).toThrow(
      /^decodePubSubMessage: maxBytes must be a number of bytes >= 0, received a string$/,
    );
  });
  it('accepts a number of bytes, Infinity (no limit of its own) and 0 (refuses any data)', () => {
    expect(decodePubSubMessage(Phase2CompletionMessage, body, { maxBytes: 1024 }).messageId).toBe('1');
    expect(() => decodePubSubMessage(Phase2CompletionMessage, body, { maxBytes: 0 })).toThrow(
      expect.objectContaining({ reason: 'too_large' }),
    );
    expect(
      decodePubSubMessage(Phase2CompletionMessage, body, { maxBytes: Number.POSITIVE_INFINITY }).messageId,
    ).toBe('1');
  });
});

describe('counts beyond the safe integer range', () => {
  it('say the limit instead of "must be an integer" (the value is an integer, too large to carry exactly)', () => {
    const text = '{"processor_name":"p","game_date":"2026-01-24","record_count":9007199254740993}';
    let caught: unknown;
    try {
      decodePubSubMessage(Phase2CompletionMessage, text);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(MessageValidationError);
    expect((caught as MessageValidationError).issues).toEqual([
      {
        path: ['record_count'],
        code: 'too_big',
        message: 'must be at most 9007199254740991 (a larger integer cannot be carried exactly in JSON)',
      },
    ]);
  });

  it('a fraction and a number JSON cannot hold are still "must be an integer"', () => {
    for (const count of ['1.5', '1e400']) {
      const text = `{"processor_name":"p","game_date":"2026-01-24","record_count":${count}}`;
      expect(() => decodePubSubMessage(Phase2CompletionMessage, text)).toThrow(
        'Phase2CompletionMessage: 1 issue: record_count: must be an integer',
      );
    }
  });
});

describe('invalid JSON: the error does not quote the data', () => {
  // V8's SyntaxError quotes up to ten characters either side of the fault: a producer that templated
  // a value in without quotes (`{"password": ${pw}}`) put the start of the secret in the error, cut
  // so that the key name no longer told the redaction what it was. The error goes to logs and to
  // the dead letter's `error_message`; the data itself is in the dead letter already.
  const cases: Array<[string, string]> = [
    ['an unquoted password', '{"processor_name":"p","password": hunter2secret}'],
    ['an unquoted value alone', 'hunter2secret'],
    ['a short text', '{"pw": s3cr3t}'],
  ];
  for (const [what, text] of cases) {
    it(`${what}: invalid_json without the text around the fault, in the message or the cause`, async () => {
      const body = { message: { data: Buffer.from(text).toString('base64'), messageId: '1' } };
      const error = decodeFailure(body) as MessageDecodeError;
      expect(error).toBeInstanceOf(MessageDecodeError);
      expect(error.reason).toBe('invalid_json');
      expect(error.message).toMatch(
        /data is not JSON \(Unexpected token 'h'|data is not JSON \(Unexpected token 's'/,
      );
      for (const shown of [error.message, String((error.cause as Error | undefined)?.message)]) {
        expect(shown).not.toMatch(/unter2|3cr3t|ecret/);
      }
      const logged: string[] = [];
      const capture = (message: string, fields?: Record<string, unknown>) =>
        logged.push(
          message,
          JSON.stringify(fields, (_k, v) =>
            v instanceof Error ? `${v.message} ${String((v.cause as Error | undefined)?.message)}` : v,
          ),
        );
      const handler = createMessageHandler(Phase2CompletionMessage, () => undefined, {
        onInvalid: 'ack-and-log',
        logger: { debug: capture, info: capture, warn: capture, error: capture },
        shutdown: false,
      });
      await handler.handle(body);
      expect(logged.join('\n')).toContain('invalid_json');
      expect(logged.join('\n')).not.toMatch(/unter2|3cr3t|ecret/);
    });
  }
  it('keeps what V8 says without quoting data (a position, an unexpected end)', () => {
    const at = decodeFailure({ message: { data: Buffer.from('{"a":1} x').toString('base64') } }) as Error;
    expect(at.message).toContain('Unexpected non-whitespace character after JSON at position 8');
    const end = decodeFailure({ message: { data: Buffer.from('{"a":').toString('base64') } }) as Error;
    expect(end.message).toContain('Unexpected end of JSON input');
  });
});

describe('a UTF-8 byte-order mark', () => {
  const json = '{"processor_name":"p","game_date":"2026-01-24"}';
  it('is stripped from JSON text given as a string, as it is from bytes', () => {
    // `buffer.toString()` of a file saved with a BOM keeps it as U+FEFF: the same message as bytes
    // decoded, as text it failed as invalid_json and was dead-lettered.
    const fromBytes = decodePubSubMessage(Phase2CompletionMessage, Buffer.from(`\ufeff${json}`, 'utf8'));
    const fromText = decodePubSubMessage(
      Phase2CompletionMessage,
      Buffer.from(`\ufeff${json}`, 'utf8').toString(),
    );
    expect(fromText.data).toEqual(fromBytes.data);
    expect(fromText.data.processor_name).toBe('p');
  });
  it('only one, and only at the start: a BOM inside the text is still not JSON', () => {
    const error = decodeFailure(
      `{"processor_name":\ufeff"p","game_date":"2026-01-24"}`,
    ) as MessageDecodeError;
    expect(error.reason).toBe('invalid_json');
    expect((decodeFailure(`\ufeff\ufeff${json}`) as MessageDecodeError).reason).toBe('invalid_json');
  });
});
