import type { v1 } from '@google-cloud/pubsub';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { pullBatch } from '../../../src/monitoring/dead-letters/pull.js';
import { SAMPLE_DATA_CHARS, toSample } from '../../../src/monitoring/dead-letters/sample.js';
import { mulberry32 } from '../../../src/testing/shared/prng.js';

/** A message as the wire gives it (bytes over gRPC, base64 text over REST), through pullBatch's decoding. */
async function pulled(data: Uint8Array | string, attributes: Record<string, string> = {}) {
  const subscriber = {
    pull: async () => [{ receivedMessages: [{ ackId: 'a', message: { messageId: 'm', data, attributes } }] }],
  } as unknown as v1.SubscriberClient;
  const [message] = await pullBatch(subscriber, 'projects/p/subscriptions/s', 1);
  return message!;
}

/** What the sample must show: the first 200 characters of the whole data, decoded whole. */
function reference(bytes: Buffer): string {
  const chars = Array.from(bytes.toString('utf8'));
  return chars.length <= SAMPLE_DATA_CHARS
    ? chars.join('')
    : `${chars.slice(0, SAMPLE_DATA_CHARS).join('')}…`;
}

/** The largest input, in bytes or base64 characters, any UTF-8 or base64 decoding was given meanwhile. */
function watchDecoding() {
  let largest = 0;
  const note = (size: number) => {
    largest = Math.max(largest, size);
  };
  const decode = TextDecoder.prototype.decode;
  vi.spyOn(TextDecoder.prototype, 'decode').mockImplementation(function (this: TextDecoder, input, options) {
    note((input as ArrayBufferView | undefined)?.byteLength ?? 0);
    return decode.call(this, input, options);
  });
  const bufferText = Buffer.prototype.toString;
  vi.spyOn(Buffer.prototype, 'toString').mockImplementation(function (this: Buffer, ...args) {
    if (args[0] === undefined || /^utf-?8$/i.test(String(args[0]))) note(this.length);
    return bufferText.apply(this, args as Parameters<Buffer['toString']>);
  });
  const from = Buffer.from;
  vi.spyOn(Buffer, 'from').mockImplementation(((value: unknown, ...rest: unknown[]) => {
    if (typeof value === 'string' && rest[0] === 'base64') note(value.length);
    return (from as (...a: unknown[]) => Buffer)(value, ...rest);
  }) as typeof Buffer.from);
  return () => largest;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('a dead-letter sample of a large message', () => {
  const tenMegabytes = Buffer.alloc(10 * 1024 * 1024, 'é');

  it('decodes only what it shows of a 10 MB body sent as bytes', async () => {
    const message = await pulled(tenMegabytes);
    const largest = watchDecoding();
    const sample = toSample(message);
    expect(largest()).toBeLessThanOrEqual(1024);
    expect(sample.data).toBe(`${'é'.repeat(SAMPLE_DATA_CHARS)}…`);
    expect(sample.dataBytes).toBe(tenMegabytes.length);
  });

  it('decodes only what it shows of a 10 MB body sent as base64 text, and the replay still has all of it', async () => {
    const message = await pulled(tenMegabytes.toString('base64'));
    const largest = watchDecoding();
    const sample = toSample(message);
    expect(largest()).toBeLessThanOrEqual(1500);
    vi.restoreAllMocks();
    expect(sample.data).toBe(`${'é'.repeat(SAMPLE_DATA_CHARS)}…`);
    expect(sample.dataBytes).toBe(tenMegabytes.length);
    expect(message.data.equals(tenMegabytes)).toBe(true);
  });

  it.each([
    ['three-byte characters cut at the byte limit', Buffer.from(`a${'€'.repeat(300)}`)],
    ['four-byte characters', Buffer.from('😀'.repeat(300))],
    ['exactly 200 four-byte characters', Buffer.from('😀'.repeat(200))],
    ['201 four-byte characters', Buffer.from('😀'.repeat(201))],
    ['invalid bytes only', Buffer.alloc(5000, 0xff)],
    ['stray continuation bytes', Buffer.alloc(5000, 0x80)],
    [
      'a lead byte with no continuation at the limit',
      Buffer.concat([Buffer.alloc(803, 0x61), Buffer.from([0xf0, 0x61])]),
    ],
    ['a byte-order mark first', Buffer.from(`\uFEFF${'x'.repeat(300)}`)],
    ['control characters', Buffer.from('\u0000\u001b[31m\r\n'.repeat(100))],
    ['nothing', Buffer.alloc(0)],
  ])('shows what decoding the whole body shows: %s', async (_name, bytes) => {
    for (const wire of [bytes, bytes.toString('base64')]) {
      const sample = toSample(await pulled(wire));
      expect(sample.data).toBe(reference(bytes));
      expect(sample.data.includes('\uFFFD') && !reference(bytes).includes('\uFFFD')).toBe(false);
      expect(sample.dataBytes).toBe(bytes.length);
    }
  });

  it('shows what decoding the whole body shows for 2,000 seeded random bodies around the cut', async () => {
    const random = mulberry32(7);
    // Bytes drawn from ASCII, lead bytes of each width, continuation bytes and invalid ones.
    const alphabet = [0x61, 0x7f, 0xc3, 0xa9, 0xe2, 0x82, 0xac, 0xf0, 0x9f, 0x98, 0x80, 0xff, 0xc0];
    for (let i = 0; i < 2000; i++) {
      const length = 780 + Math.floor(random() * 60);
      const bytes = Buffer.from(
        Array.from({ length }, () => alphabet[Math.floor(random() * alphabet.length)]!),
      );
      const wire = i % 2 === 0 ? bytes : bytes.toString('base64');
      expect(toSample(await pulled(wire)).data).toBe(reference(bytes));
    }
  });
});

describe('a dead-letter sample of a message with huge attributes', () => {
  it('keeps the attributes that say why first, cuts long values and says what was left out', async () => {
    const attributes: Record<string, string> = {};
    // 10 MB of attributes: 1000 of 10 kB each, received before the ones that explain the failure.
    for (let i = 0; i < 1000; i += 1) attributes[`padding_${i}`] = 'x'.repeat(10 * 1024);
    attributes.dead_letter_reason = 'handler_failed';
    attributes.error_code = 'E'.repeat(5000);
    attributes.source_message_id = '42';
    const sample = toSample(await pulled('{}', attributes));
    const kept = Object.keys(sample.attributes);
    expect(kept.slice(0, 3)).toEqual(['dead_letter_reason', 'error_code', 'source_message_id']);
    expect(JSON.stringify(sample).length).toBeLessThan(20_000);
    expect(sample.attributes.dead_letter_reason).toBe('handler_failed');
    expect(sample.attributes.error_code).toBe(`${'E'.repeat(SAMPLE_DATA_CHARS)}…`);
    expect(sample.errorCode).toBe(`${'E'.repeat(SAMPLE_DATA_CHARS)}…`);
    expect(sample.attributesOmitted).toBe(1003 - kept.length);
    expect(sample.attributesCut).toContain('error_code');
    expect(sample.attributesCut).toContain('padding_0');
  });

  it('leaves a message of ordinary attributes whole and says nothing was cut', async () => {
    const sample = toSample(await pulled('{}', { dead_letter_reason: 'invalid_json', team: 'LAL' }));
    expect(sample.attributes).toEqual({ dead_letter_reason: 'invalid_json', team: 'LAL' });
    expect(sample.attributesOmitted).toBeUndefined();
    expect(sample.attributesCut).toBeUndefined();
  });
});

describe('a dead-letter sample of a message holding a credential', () => {
  it('shows neither the token in its data, its error message nor its attributes', async () => {
    const token = 'ya29.a0AfB_dead-lettered-token';
    const sample = toSample(
      await pulled(`{"url":"https://api.example.com/v1?access_token=${token}"}`, {
        dead_letter_reason: 'handler_failed',
        error_message: `GET https://api.example.com failed: Authorization: Bearer ${token}`,
        callback: `https://hooks.slack.com/services/T0AAA/B0BBB/zzDeadLetterWebhookzz`,
      }),
    );
    const printed = JSON.stringify(sample);
    expect(printed).not.toContain(token);
    expect(printed).not.toContain('zzDeadLetterWebhookzz');
    expect(sample.deadLetterReason).toBe('handler_failed');
  });

  it('removes an API key its data holds across the 200-character cut', async () => {
    const key = `AIzaSy${'K'.repeat(33)}`;
    const sample = toSample(
      await pulled(Buffer.from(`${'x'.repeat(SAMPLE_DATA_CHARS - 10)} key ${key} and more`)),
    );
    expect(sample.data).not.toContain('AIzaSy');
    // The cut runs through the marker, which is shown whole (a few characters over the limit).
    expect(sample.data).toBe(`${'x'.repeat(SAMPLE_DATA_CHARS - 10)} key [REDACTED]…`);
  });

  it('removes a URL password longer than 40 characters that the 200-character cut runs through', async () => {
    // Redacting a fixed margin past the cut was not enough: a password longer than the margin still
    // had no `@` in what was read, was not recognized, and its start was shown.
    const password = 'zQ9'.repeat(84);
    const fillers = [(n: number) => 'x'.repeat(n), (n: number) => '😀'.repeat(n)];
    for (const filler of fillers) {
      for (let start = SAMPLE_DATA_CHARS - 20; start <= SAMPLE_DATA_CHARS; start++) {
        const data = `${filler(start - 13)} https://svc:${password}@db.example.com/ and more`;
        const sample = toSample(await pulled(Buffer.from(data)));
        for (const pair of ['zQ', 'Q9', '9z']) expect(sample.data).not.toContain(pair);
        expect(sample.data).not.toMatch(/[Q9]…$/);
        expect(sample.data.endsWith('…')).toBe(true);
      }
    }
  });

  it('removes a credential the 200-character cut runs through, in its error message and attributes', async () => {
    // An API key and a URL's password that start before the cut and end after it: cut first, what
    // is left of them is no longer recognizable as a credential and would be shown.
    const key = `AIzaSy${'K'.repeat(33)}`;
    const filler = 'x'.repeat(SAMPLE_DATA_CHARS - 10);
    const sample = toSample(
      await pulled('{}', {
        dead_letter_reason: 'handler_failed',
        error_message: `${filler} key ${key} was refused`,
        upstream: `${filler} https://svc:zzPasswordOfTheUpstreamzz@db.example.com/`,
      }),
    );
    const printed = JSON.stringify(sample);
    expect(printed).not.toContain('AIzaSy');
    expect(printed).not.toContain('zzPassword');
    expect(sample.errorMessage).toBe(`${`${filler} key [REDACTED]`.slice(0, SAMPLE_DATA_CHARS)}…`);
    expect(sample.attributesCut).toEqual(['error_message', 'upstream']);
  });
});

describe('a dead-letter sample of a message with an attribute named __proto__', () => {
  // As the wire (and JSON.parse) gives it: `__proto__` an own key, user data like any other.
  const attributes = JSON.parse('{"__proto__":"nba","dead_letter_reason":"handler_failed","tenant":"t1"}');

  it('shows it as an own attribute, in order, and sets no prototype', async () => {
    const sample = toSample(await pulled('x', attributes));
    expect(Object.entries(sample.attributes)).toEqual([
      ['dead_letter_reason', 'handler_failed'],
      ['__proto__', 'nba'],
      ['tenant', 't1'],
    ]);
    expect(Object.getPrototypeOf(sample.attributes)).toBe(Object.prototype);
    expect(sample.attributesOmitted).toBeUndefined();
    expect(JSON.stringify(sample.attributes)).toContain('"__proto__":"nba"');
  });

  it('one whose value is an object (a hand-made message) pollutes nothing', async () => {
    const hostile = JSON.parse(
      '{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}}}',
    );
    const sample = toSample(await pulled('x', hostile));
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(sample.attributes)).toBe(Object.prototype);
    expect(Object.keys(sample.attributes)).toEqual(['__proto__', 'constructor']);
  });
});
