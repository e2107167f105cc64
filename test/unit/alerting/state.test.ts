import { describe, expect, it } from 'vitest';
import {
  confirm,
  decide,
  parseState,
  prune,
  release,
  serializeState,
  withDeliveries,
} from '../../../src/alerting/rate-limit/state.js';

const rule = { windowMs: 60_000, max: 1 };

describe('rate-limit record', () => {
  it('reads garbage, cut or foreign text as an empty record (the alert is sent, not held back forever)', () => {
    for (const text of [
      undefined,
      '',
      '{',
      'null',
      '[]',
      '{"sent":"x","claims":{}}',
      '{"sent":[1,"a",null],"claims":[{"id":1}]}',
    ]) {
      const state = parseState(text);
      expect(state.claims).toEqual([]);
      expect(state.sent.every((t) => typeof t === 'number')).toBe(true);
    }
    expect(parseState(serializeState({ sent: [3, 1], claims: [{ id: 'a', until: 9 }] }))).toEqual({
      sent: [1, 3],
      claims: [{ id: 'a', until: 9 }],
    });
  });

  it('forgets deliveries older than the window and claims whose lease ran out', () => {
    expect(
      prune(
        {
          sent: [10, 50, 100],
          claims: [
            { id: 'a', until: 100 },
            { id: 'b', until: 101 },
          ],
        },
        100,
        60,
      ),
    ).toEqual({
      sent: [50, 100],
      claims: [{ id: 'b', until: 101 }],
    });
  });

  it('claims a free slot, refuses a full window with the time it frees, and sees a live claim as in flight', () => {
    const empty = parseState(undefined);
    const first = decide(empty, 'me', rule, 1000, 30_000, false);
    expect(first).toMatchObject({ kind: 'claim', sent: 0 });
    const claimed = first.kind === 'claim' ? first.next : empty;
    expect(decide(claimed, 'other', rule, 2000, 30_000, false)).toEqual({
      kind: 'in_flight',
      sent: 0,
      until: 31_000,
    });
    expect(decide(claimed, 'me', rule, 2000, 30_000, false)).toEqual({ kind: 'mine', sent: 0 });
    const recorded = confirm(claimed, 'me', 1500, 2000, rule);
    expect(recorded).toEqual({ sent: [1500], claims: [] });
    expect(decide(recorded!, 'other', rule, 3000, 30_000, false)).toEqual({
      kind: 'limited',
      sent: 1,
      nextAllowedAt: 61_500,
    });
    expect(decide(recorded!, 'other', rule, 61_501, 30_000, false)).toMatchObject({ kind: 'claim', sent: 0 });
  });

  it('lets a sender through once the claim of an instance that died has expired', () => {
    const claimed = { sent: [], claims: [{ id: 'dead', until: 31_000 }] };
    expect(decide(claimed, 'next', rule, 30_999, 30_000, false).kind).toBe('in_flight');
    expect(decide(claimed, 'next', rule, 31_000, 30_000, false).kind).toBe('claim');
  });

  it('force takes a slot in a full window, and the record keeps only the newest max deliveries', () => {
    const full = { sent: [1000], claims: [] };
    const forced = decide(full, 'f', rule, 2000, 30_000, true);
    expect(forced.kind).toBe('claim');
    const next = confirm(forced.kind === 'claim' ? forced.next : full, 'f', 2000, 2000, rule);
    expect(next).toEqual({ sent: [2000], claims: [] });
  });

  it('confirm and release are no-ops when repeated (a retried write whose first answer was lost)', () => {
    const recorded = { sent: [1500], claims: [] };
    expect(confirm(recorded, 'me', 1500, 2000, rule)).toBeUndefined();
    expect(release(recorded, 'me', 2000, rule.windowMs)).toBeUndefined();
    expect(release({ sent: [], claims: [{ id: 'me', until: 9000 }] }, 'me', 2000, rule.windowMs)).toEqual({
      sent: [],
      claims: [],
    });
  });

  it('with max 5 counts live claims and deliveries together', () => {
    const five = { windowMs: 60_000, max: 5 };
    const state = {
      sent: [1, 2, 3],
      claims: [
        { id: 'a', until: 9000 },
        { id: 'b', until: 9000 },
      ],
    };
    expect(decide(state, 'c', five, 10, 1000, false)).toMatchObject({ kind: 'in_flight', sent: 3 });
    expect(decide({ ...state, claims: [state.claims[0]!] }, 'c', five, 10, 1000, false).kind).toBe('claim');
  });
});

describe('rate-limit record from the future (garbage, or a writer whose clock is far ahead)', () => {
  const hour = 3_600_000;
  const lease = 60_000;

  it('a delivery time far in the future does not hold the alert back forever', () => {
    const now = Date.parse('2026-12-01T10:00:00Z');
    const garbage = parseState(JSON.stringify({ sent: [1e15], claims: [] }));
    expect(decide(garbage, 'me', rule, now, lease, false).kind).toBe('claim');
    // A writer a few seconds ahead is a clock skew, not garbage: its delivery still counts.
    const skewed = parseState(JSON.stringify({ sent: [now + 5000], claims: [] }));
    expect(decide(skewed, 'me', rule, now, lease, false).kind).toBe('limited');
    // Up to an hour ahead is tolerated as skew; further is dropped.
    expect(decide({ sent: [now + hour], claims: [] }, 'me', rule, now, lease, false).kind).toBe('limited');
    expect(decide({ sent: [now + hour + 1], claims: [] }, 'me', rule, now, lease, false).kind).toBe('claim');
  });

  it('a claim whose lease ends far in the future does not hold the alert back forever', () => {
    const now = Date.parse('2026-12-01T10:00:00Z');
    const garbage = { sent: [], claims: [{ id: 'ghost', until: 1e15 }] };
    expect(decide(garbage, 'me', rule, now, lease, false).kind).toBe('claim');
    // The longest lease an instance may take, from a clock an hour ahead, is still a live claim.
    const longest = { sent: [], claims: [{ id: 'slow', until: now + 2 * hour }] };
    expect(decide(longest, 'me', rule, now, lease, false).kind).toBe('in_flight');
    const beyond = { sent: [], claims: [{ id: 'ghost', until: now + 2 * hour + 1 }] };
    expect(decide(beyond, 'me', rule, now, lease, false).kind).toBe('claim');
    expect(confirm(beyond, 'me', now, now, rule)).toEqual({ sent: [now], claims: [] });
  });

  it('withDeliveries adds outage deliveries in the window once, keeps claims, and keeps the newest max', () => {
    const now = 100_000;
    const five = { windowMs: 60_000, max: 5 };
    const stored = { sent: [50_000], claims: [{ id: 'c', until: now + 1 }] };
    // 10_000 is out of the window, 200_000 ahead of now (a stepped clock): neither is written.
    expect(withDeliveries(stored, [10_000, 60_000, 200_000], now, five)).toEqual({
      sent: [50_000, 60_000],
      claims: [{ id: 'c', until: now + 1 }],
    });
    // Already in the record: nothing to write (a retried write-back adds nothing twice).
    expect(withDeliveries({ sent: [50_000, 60_000], claims: [] }, [60_000], now, five)).toBeUndefined();
    expect(withDeliveries({ sent: [], claims: [] }, [], now, five)).toBeUndefined();
    expect(
      withDeliveries({ sent: [70_000], claims: [] }, [80_000, 90_000], now, { windowMs: 60_000, max: 2 })
        ?.sent,
    ).toEqual([80_000, 90_000]);
  });
});
