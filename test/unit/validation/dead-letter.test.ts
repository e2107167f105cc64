import { describe, expect, it } from 'vitest';
import { MessageDecodeError } from '../../../src/errors/index.js';
import { deadLetterMessage, truncateUtf8 } from '../../../src/validation/dead-letter.js';
import { readEnvelope } from '../../../src/validation/envelope.js';
import { deadLetterAttributes } from '../../../src/validation/index.js';

describe('truncateUtf8', () => {
  it('leaves short text alone', () => {
    expect(truncateUtf8('short', 1024)).toBe('short');
  });

  it('never splits a multi-byte character and marks the cut', () => {
    const cut = truncateUtf8('😀'.repeat(300), 1024);
    expect(Buffer.byteLength(cut, 'utf8')).toBeLessThanOrEqual(1024);
    expect(cut.endsWith('…')).toBe(true);
    // 255 emoji of 4 bytes + a 3-byte ellipsis = 1023 bytes.
    expect(cut.slice(0, -1)).toBe('😀'.repeat(255));
  });
});

describe('deadLetterAttributes', () => {
  it('keeps an original attribute named like ours (a message from another replay tool) and folds ours', () => {
    const envelope = readEnvelope({
      message: { data: 'e30=', attributes: { dead_letter_reason: 'forged', keep: 'me' }, messageId: '9' },
    });
    const error = new MessageDecodeError('bad', { reason: 'invalid_json' });
    const out = deadLetterAttributes(envelope, 'invalid_json', error);
    expect(out).toMatchObject({ keep: 'me', dead_letter_reason: 'forged' });
    expect(JSON.parse(out.dead_letter!)).toEqual({
      dead_letter_reason: 'invalid_json',
      error_code: 'MESSAGE_DECODE',
      error_message: 'bad',
      source_input: 'push',
      source_message_id: '9',
    });
  });

  it('sends ours as separate attributes when there is room and no clash', () => {
    const envelope = readEnvelope({ message: { data: 'e30=', attributes: { keep: 'me' }, messageId: '9' } });
    const error = new MessageDecodeError('bad', { reason: 'invalid_json' });
    expect(deadLetterAttributes(envelope, 'invalid_json', error)).toEqual({
      keep: 'me',
      dead_letter_reason: 'invalid_json',
      error_code: 'MESSAGE_DECODE',
      error_message: 'bad',
      source_input: 'push',
      source_message_id: '9',
    });
  });
});

describe('deadLetterAttributes keeps every attribute of the message', () => {
  const own = (count: number) =>
    Object.fromEntries(Array.from({ length: count }, (_, i) => [`a${String(i).padStart(2, '0')}`, `v${i}`]));
  const pushed = (attributes: Record<string, string>, extra: Record<string, unknown> = {}) =>
    readEnvelope({
      message: { data: 'e30=', attributes, messageId: '7', ...extra },
      subscription: 'projects/p/subscriptions/s',
    });
  const error = new MessageDecodeError('x'.repeat(5000), { reason: 'invalid_json' });

  it('with 95 of its own, keeps all 95 and folds ours into one dead_letter attribute within 1024 bytes', () => {
    const out = deadLetterAttributes(pushed(own(95)), 'invalid_json', error);
    expect(Object.keys(out)).toHaveLength(96);
    expect(out).toMatchObject(own(95));
    expect(Buffer.byteLength(out.dead_letter!, 'utf8')).toBeLessThanOrEqual(1024);
    const info = JSON.parse(out.dead_letter!);
    expect(info).toMatchObject({
      dead_letter_reason: 'invalid_json',
      source_message_id: '7',
      source_subscription: 'projects/p/subscriptions/s',
      error_code: 'MESSAGE_DECODE',
    });
    expect(info.error_message).toMatch(/^x+…$/);
  });

  it('with 100 of its own, keeps them all and adds nothing (no place is left)', () => {
    expect(deadLetterAttributes(pushed(own(100)), 'invalid_json', error)).toEqual(own(100));
  });

  it('keeps an attribute of the message named like one of ours, folding ours', () => {
    const out = deadLetterAttributes(pushed({ error_code: 'E42', keep: 'me' }), 'invalid_json', error);
    expect(out).toMatchObject({ error_code: 'E42', keep: 'me' });
    expect(JSON.parse(out.dead_letter!).error_code).toBe('MESSAGE_DECODE');
  });

  it('keeps the ordering key (source_ordering_key), first in line when folded', () => {
    const key = 'k'.repeat(900);
    expect(
      deadLetterAttributes(pushed({}, { orderingKey: 'game-0042' }), 'invalid_json', error),
    ).toMatchObject({
      source_ordering_key: 'game-0042',
    });
    const folded = deadLetterAttributes(pushed(own(99), { orderingKey: key }), 'invalid_json', error);
    expect(Object.keys(folded)).toHaveLength(100);
    expect(JSON.parse(folded.dead_letter!)).toMatchObject({
      source_ordering_key: key,
      dead_letter_reason: 'invalid_json',
    });
    const tooLong = deadLetterAttributes(
      pushed(own(99), { orderingKey: 'k'.repeat(1024) }),
      'invalid_json',
      error,
    );
    expect(JSON.parse(tooLong.dead_letter!)).toMatchObject({ source_ordering_key_omitted: 'true' });
  });
});

describe('deadLetterMessage stays within the 10 MB request limit', () => {
  const limit = 10 * 1024 * 1024 - 1024;
  const bodyOf = (bytes: number, attributes: Record<string, string> = {}, orderingKey?: string) =>
    readEnvelope({
      message: {
        data: Buffer.alloc(bytes, 0x61).toString('base64'),
        attributes,
        messageId: '7',
        ...(orderingKey === undefined ? {} : { orderingKey }),
      },
      subscription: 'projects/p/subscriptions/s',
    });
  const error = new MessageDecodeError('y'.repeat(1000), { reason: 'invalid_json' });
  const size = (m: { data: Buffer; attributes: Record<string, string> }) =>
    m.data.length + Object.entries(m.attributes).reduce((n, [k, v]) => n + k.length + v.length, 0);

  it('sends every attribute separately when they fit', () => {
    const message = deadLetterMessage(bodyOf(1000), 'invalid_json', error)!;
    expect(message.attributes.error_message).toBe('y'.repeat(1000));
  });

  it('folds ours, cut to the room left, for a message near the limit', () => {
    const message = deadLetterMessage(bodyOf(limit - 400, { tenant: 'nba' }), 'invalid_json', error)!;
    expect(size(message)).toBeLessThanOrEqual(limit);
    expect(message.attributes.tenant).toBe('nba');
    expect(JSON.parse(message.attributes.dead_letter!).dead_letter_reason).toBe('invalid_json');
  });

  it('sends its own attributes alone when ours cannot fit, and nothing when that would lose its ordering key', () => {
    const bare = deadLetterMessage(bodyOf(limit - 10, { tenant: 'nba' }), 'invalid_json', error)!;
    expect(bare.attributes).toEqual({ tenant: 'nba' });
    expect(deadLetterMessage(bodyOf(limit - 10, {}, 'game-0042'), 'invalid_json', error)).toBeUndefined();
    expect(deadLetterMessage(bodyOf(limit + 1), 'invalid_json', error)).toBeUndefined();
  });
});
