/**
 * The rate-limit record of one alert key and the pure steps of the claim -> send -> confirm protocol.
 * The stores only keep the record's text under compare-and-set; every decision is made here.
 * @module
 */

/** How many deliveries of one key a window allows. */
export interface WindowRule {
  windowMs: number;
  max: number;
}

/** A slot of the window taken by an instance that is sending now, until `until` (epoch ms). */
export interface Claim {
  id: string;
  until: number;
}

/** What the store keeps for one key. */
export interface RateLimitState {
  /** Epoch ms of the deliveries recorded in the window, oldest first. */
  sent: number[];
  claims: Claim[];
}

const EMPTY: RateLimitState = /* @__PURE__ */ Object.freeze({ sent: [], claims: [] }) as RateLimitState;

/**
 * Reads a stored record. Text that is not a record (written by something else, cut, hand-edited)
 * reads as empty: the alert is then sent and the record rewritten, rather than held back forever.
 */
export function parseState(text: string | undefined): RateLimitState {
  if (text === undefined || text === '') return EMPTY;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return EMPTY;
  }
  const value = raw as { sent?: unknown; claims?: unknown };
  const sent = Array.isArray(value?.sent)
    ? value.sent.filter((t): t is number => typeof t === 'number' && Number.isFinite(t))
    : [];
  const claims = Array.isArray(value?.claims)
    ? value.claims.filter(
        (c): c is Claim =>
          typeof c === 'object' &&
          c !== null &&
          typeof (c as Claim).id === 'string' &&
          typeof (c as Claim).until === 'number',
      )
    : [];
  return { sent: [...sent].sort((a, b) => a - b), claims };
}

export function serializeState(state: RateLimitState): string {
  return JSON.stringify({
    sent: state.sent,
    claims: state.claims.map((c) => ({ id: c.id, until: c.until })),
  });
}

/**
 * How far ahead of this instance's clock another writer's may run and its times still count. A time
 * further ahead is garbage (or a clock that is badly wrong): counting it would hold an alert back until
 * that time, possibly forever.
 */
export const MAX_CLOCK_AHEAD_MS = 3_600_000;

/** The longest lease a claim may take (`claimLeaseMs` at most). */
export const MAX_CLAIM_LEASE_MS = 3_600_000;

/**
 * Drops deliveries older than the window and claims whose lease ran out, and times too far in the
 * future to come from a live instance: a delivery more than `MAX_CLOCK_AHEAD_MS` ahead, a claim
 * that ends more than that plus `MAX_CLAIM_LEASE_MS` ahead. So a bad record holds an alert back
 * for at most a window and an hour, never for good.
 */
export function prune(state: RateLimitState, now: number, windowMs: number): RateLimitState {
  const latestSent = now + MAX_CLOCK_AHEAD_MS;
  const latestUntil = latestSent + MAX_CLAIM_LEASE_MS;
  return {
    sent: state.sent.filter((t) => t > now - windowMs && t <= latestSent),
    claims: state.claims.filter((c) => c.until > now && c.until <= latestUntil),
  };
}

/** What `decide` found. */
export type Decision =
  /** The claim is (already) in the record: this instance may send. */
  | { kind: 'mine'; sent: number }
  /** A free slot: write `next` (with the claim) under compare-and-set, then send. */
  | { kind: 'claim'; next: RateLimitState; sent: number }
  /** The window is full of recorded deliveries. */
  | { kind: 'limited'; sent: number; nextAllowedAt: number }
  /** The free slots are held by other instances' live claims. */
  | { kind: 'in_flight'; sent: number; until: number };

/**
 * Whether `claimId` may take a slot of the window at `now`. `force` takes one even when the window
 * is full, so a forced delivery is still recorded and counts against the sends that follow it.
 */
export function decide(
  stored: RateLimitState,
  claimId: string,
  rule: WindowRule,
  now: number,
  leaseMs: number,
  force: boolean,
): Decision {
  const state = prune(stored, now, rule.windowMs);
  const sent = state.sent.length;
  if (state.claims.some((c) => c.id === claimId)) return { kind: 'mine', sent };
  if (!force && sent + state.claims.length >= rule.max) {
    if (sent >= rule.max) {
      const oldest = state.sent[state.sent.length - rule.max] ?? now;
      return { kind: 'limited', sent, nextAllowedAt: oldest + rule.windowMs };
    }
    return { kind: 'in_flight', sent, until: Math.min(...state.claims.map((c) => c.until)) };
  }
  return {
    kind: 'claim',
    sent,
    next: { sent: state.sent, claims: [...state.claims, { id: claimId, until: now + leaseMs }] },
  };
}

/**
 * The record once the claim's delivery at `sentAt` is recorded (also when its lease already ran out),
 * or `undefined` when it already is (a retried write whose first answer was lost). Only the newest
 * `rule.max` deliveries are kept: no decision needs more, and forced sends cannot grow the record
 * without bound.
 */
export function confirm(
  stored: RateLimitState,
  claimId: string,
  sentAt: number,
  now: number,
  rule: WindowRule,
): RateLimitState | undefined {
  const claimed = stored.claims.some((c) => c.id === claimId);
  if (!claimed && stored.sent.includes(sentAt)) return undefined;
  const state = prune(stored, now, rule.windowMs);
  const sent = [...state.sent, sentAt].sort((a, b) => a - b).slice(-rule.max);
  return { sent, claims: state.claims.filter((c) => c.id !== claimId) };
}

/**
 * The record with `times` added: deliveries this instance made while the store could not be asked,
 * written back once it answers, so that every instance counts them. Only times still in the window and
 * not in the record yet are added (a retried write-back adds nothing twice); `undefined` when there
 * are none. Like `confirm`, only the newest `rule.max` deliveries are kept.
 */
export function withDeliveries(
  stored: RateLimitState,
  times: readonly number[],
  now: number,
  rule: WindowRule,
): RateLimitState | undefined {
  const state = prune(stored, now, rule.windowMs);
  const missing = times.filter((t) => t > now - rule.windowMs && t <= now && !state.sent.includes(t));
  if (missing.length === 0) return undefined;
  const sent = [...state.sent, ...missing].sort((a, b) => a - b).slice(-rule.max);
  return { sent, claims: state.claims };
}

/** The record without the claim (its slot is free at once for the next sender), or `undefined` when it holds none. */
export function release(
  stored: RateLimitState,
  claimId: string,
  now: number,
  windowMs: number,
): RateLimitState | undefined {
  if (!stored.claims.some((c) => c.id === claimId)) return undefined;
  const state = prune(stored, now, windowMs);
  return { sent: state.sent, claims: state.claims.filter((c) => c.id !== claimId) };
}
