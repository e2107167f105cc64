import { describe, expect, it } from 'vitest';
import { MessageDecodeError } from '../../../src/errors/index.js';
import { truncateUtf8 } from '../../../src/validation/dead-letter.js';
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
  it('lets our attributes win over an original attribute of the same name', () => {
    const envelope = readEnvelope({
      message: { data: 'e30=', attributes: { dead_letter_reason: 'forged', keep: 'me' }, messageId: '9' },
    });
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
