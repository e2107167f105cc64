import { describe, expect, it } from 'vitest';
import { replayAttributes } from '../../../src/monitoring/replay-attributes.js';
import { PUBSUB_DEAD_LETTER_ATTRIBUTES } from '../../../src/validation/index.js';

const own = (count: number) =>
  Object.fromEntries(Array.from({ length: count }, (_, i) => [`a${i}`, `v${i}`]));
const forwarded = (attributes: Record<string, string>) => ({
  ...attributes,
  ...Object.fromEntries(Object.values(PUBSUB_DEAD_LETTER_ATTRIBUTES).map((name) => [name, '5'])),
});

describe('replayAttributes', () => {
  it("stays within Pub/Sub's 100 attributes for a message that came with 100 of its own", () => {
    // Pub/Sub's dead-letter policy forwarded it with its four attributes beyond the 100.
    const out = replayAttributes(forwarded(own(100)), 'orders-dlq-sub', 'dlq-7');
    expect(Object.keys(out)).toHaveLength(100);
    expect(out).toMatchObject({
      replayed_from: 'orders-dlq-sub',
      replay_count: '1',
      replayed_message_id: 'dlq-7',
    });
    // The message's own attributes are kept in order up to the room left: the last three go.
    expect(Object.keys(out).filter((k) => k.startsWith('a'))).toEqual(Object.keys(own(97)));
    for (const name of Object.values(PUBSUB_DEAD_LETTER_ATTRIBUTES)) expect(out).not.toHaveProperty(name);
  });

  it('keeps every own attribute when they fit, and counts an earlier replay', () => {
    const out = replayAttributes(
      forwarded({ ...own(97), replay_count: '2', replayed_from: 'old' }),
      's',
      'id',
    );
    expect(Object.keys(out)).toHaveLength(100);
    expect(out).toMatchObject({
      ...own(97),
      replay_count: '3',
      replayed_from: 's',
      replayed_message_id: 'id',
    });
  });
});
