import { describe, expect, it } from 'vitest';
import { PipelineError } from '../../../src/errors/index.js';
import { replayMessage } from '../../../src/monitoring/replay-attributes.js';
import { deadLetterMessage } from '../../../src/validation/dead-letter.js';
import { readEnvelope } from '../../../src/validation/envelope.js';
import { PUBSUB_DEAD_LETTER_ATTRIBUTES } from '../../../src/validation/index.js';

const own = (count: number) =>
  Object.fromEntries(Array.from({ length: count }, (_, i) => [`a${i}`, `v${i}`]));
const forwarded = (attributes: Record<string, string>) => ({
  ...attributes,
  ...Object.fromEntries(Object.values(PUBSUB_DEAD_LETTER_ATTRIBUTES).map((name) => [name, '5'])),
});
const folded = (info: Record<string, string>) => ({ dead_letter: JSON.stringify(info) });

describe('replayMessage', () => {
  it('restores exactly the attributes the message had, and replay_count first when room is short', () => {
    const out = replayMessage(
      { ...own(99), ...folded({ dead_letter_reason: 'handler_failed' }) },
      'orders-dlq-sub',
      'dlq-7',
    );
    expect(out.attributes).toEqual({ ...own(99), replay_count: '1' });
    const two = replayMessage({ ...own(98), ...folded({ dead_letter_reason: 'x' }) }, 's', 'dlq-8');
    expect(two.attributes).toEqual({ ...own(98), replay_count: '1', replayed_message_id: 'dlq-8' });
  });

  it("never drops one of the message's own attributes: with 100 of its own it refuses (no place for replay_count)", () => {
    expect(() => replayMessage(forwarded(own(100)), 'orders-dlq-sub', 'dlq-7')).toThrow(PipelineError);
    expect(() => replayMessage(forwarded(own(100)), 'orders-dlq-sub', 'dlq-7')).toThrow(/replay_count/);
  });

  it('keeps every own attribute when they fit, and counts an earlier replay', () => {
    const out = replayMessage(
      forwarded({ ...own(97), replay_count: '2', replayed_from: 'old', dead_letter_reason: 'x' }),
      's',
      'id',
    );
    expect(out.attributes).toEqual({
      ...own(97),
      replay_count: '3',
      replayed_from: 's',
      replayed_message_id: 'id',
    });
    expect(out).not.toHaveProperty('orderingKey');
  });

  it('keeps an own attribute named like ours when ours were folded', () => {
    const out = replayMessage(
      { error_code: 'E42', ...folded({ dead_letter_reason: 'invalid_json', error_code: 'MESSAGE_DECODE' }) },
      's',
      'id',
    );
    expect(out.attributes).toEqual({
      error_code: 'E42',
      replay_count: '1',
      replayed_from: 's',
      replayed_message_id: 'id',
    });
  });

  it('hands back the ordering key, separate or folded, and refuses a message whose key could not be kept', () => {
    expect(replayMessage({ source_ordering_key: 'game-0042', dead_letter_reason: 'x' }, 's', 'id')).toEqual({
      attributes: { replay_count: '1', replayed_from: 's', replayed_message_id: 'id' },
      orderingKey: 'game-0042',
    });
    expect(replayMessage(folded({ source_ordering_key: 'game-0042' }), 's', 'id').orderingKey).toBe(
      'game-0042',
    );
    expect(() => replayMessage(folded({ source_ordering_key_omitted: 'true' }), 's', 'id')).toThrow(
      /ordering key/,
    );
  });
});

describe('replayMessage gives back attributes named like ours that are the message’s own', () => {
  const error = new PipelineError('boom', { code: 'WORK_FAILED', transient: false });
  const deadLettered = (attributes: Record<string, string>) =>
    deadLetterMessage(
      readEnvelope({ message: { data: 'e30=', attributes, messageId: '9' } }),
      'handler_failed',
      error,
    )!.attributes;

  it('an own source_ordering_key stays an attribute; it does not become the ordering key', () => {
    const out = replayMessage(deadLettered({ source_ordering_key: 'theirs', keep: '1' }), 's', 'id');
    expect(out).toEqual({
      attributes: {
        source_ordering_key: 'theirs',
        keep: '1',
        replay_count: '1',
        replayed_message_id: 'id',
        replayed_from: 's',
      },
    });
  });

  it('an own delivery_attempt and source_subscription (named like ours this message does not get) are kept', () => {
    const out = replayMessage(
      deadLettered({ delivery_attempt: 'upstream-3', source_subscription: 'theirs' }),
      's',
      'id',
    );
    expect(out.attributes).toMatchObject({ delivery_attempt: 'upstream-3', source_subscription: 'theirs' });
  });

  it('an own dead_letter attribute is kept through the DLQ and the replay when ours fit beside it', () => {
    const dead = deadLetterMessage(
      readEnvelope({
        message: {
          data: 'e30=',
          attributes: { dead_letter: 'true', tenant: 'nba' },
          messageId: '9',
          orderingKey: 'game-3',
        },
      }),
      'handler_failed',
      error,
    )!.attributes;
    expect(dead).toMatchObject({ dead_letter: 'true', dead_letter_reason: 'handler_failed' });
    expect(replayMessage(dead, 's', 'id')).toEqual({
      attributes: {
        dead_letter: 'true',
        tenant: 'nba',
        replay_count: '1',
        replayed_message_id: 'id',
        replayed_from: 's',
      },
      orderingKey: 'game-3',
    });
  });

  it("a message Pub/Sub's own policy forwarded keeps its error_code, dead_letter and other attributes named like ours", () => {
    const theirs = { error_code: 'E42', source_input: 'csv', dead_letter: 'yes', source_message_id: 'up-1' };
    const out = replayMessage(forwarded(theirs), 's', 'id');
    expect(out.attributes).toEqual({
      ...theirs,
      replay_count: '1',
      replayed_message_id: 'id',
      replayed_from: 's',
    });
  });
});

describe('replayMessage reads a folded dead_letter with a field it does not know', () => {
  it('still takes it for ours (the ordering key restored, dead_letter removed)', () => {
    const out = replayMessage(
      {
        tenant: 'nba',
        ...folded({ source_ordering_key: 'game-1', dead_letter_reason: 'x', source_publish_time: 't' }),
      },
      's',
      'id',
    );
    expect(out).toEqual({
      attributes: { tenant: 'nba', replay_count: '1', replayed_message_id: 'id', replayed_from: 's' },
      orderingKey: 'game-1',
    });
  });
});
