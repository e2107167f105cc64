/**
 * The shared rate limit: claim a slot of the window with compare-and-set, send, then record the
 * delivery (or release the slot when nothing could be sent). Every store call is retried with our
 * `retry` for as long as the phase's budget lasts; a store that cannot answer within it makes the
 * claim `unavailable`.
 * @module
 */
import { OperationTimeoutError, type PipelineError, toPipelineError } from '../../errors/index.js';
import { removeSecrets } from '../../errors/redact.js';
import { type Clock, retry } from '../../retry/index.js';
import {
  confirm,
  decide,
  parseState,
  type RateLimitState,
  release,
  serializeState,
  type WindowRule,
  withDeliveries,
} from './state.js';
import type { RateLimitStore } from './store.js';

/** What a claim found. */
export type ClaimResult =
  | { decision: 'allowed' | 'forced'; claimId: string; sent: number }
  | { decision: 'limited'; sent: number; nextAllowedAt: number }
  | { decision: 'in_flight'; sent: number; until: number }
  | { decision: 'unavailable'; error: PipelineError };

export interface LimiterOptions {
  store: RateLimitStore;
  /** How long a claim holds its slot without being confirmed or released. */
  leaseMs: number;
  /**
   * Default budget of one phase (claim, confirm or release), compare-and-set rounds and retries
   * included; a call may give less (what is left of the send's deadline).
   */
  storeTimeoutMs: number;
  /** Wall-clock time, epoch ms: what records hold, so every instance reads them alike. */
  now: () => number;
  /** For the retries' sleeps and the phase budget. */
  clock: Clock;
  newClaimId: () => string;
}

/** Compare-and-set rounds a phase may lose to other writers before it gives up. */
const EXTRA_ROUNDS = 8;

export class RateLimiter {
  constructor(private readonly options: LimiterOptions) {}

  get storeName(): string {
    return this.options.store.name;
  }

  /**
   * Takes a slot of `key`'s window for this send, or says why not. Never rejects. `unrecorded` are
   * this instance's deliveries of `key` made while the store could not be asked: they are added to
   * the record first (written even when the decision is to hold the alert back), so they count.
   */
  async claim(
    key: string,
    rule: WindowRule,
    force: boolean,
    budgetMs = this.options.storeTimeoutMs,
    unrecorded: readonly number[] = [],
  ): Promise<ClaimResult> {
    const claimId = this.options.newClaimId();
    try {
      return await this.update(key, rule.max + EXTRA_ROUNDS, budgetMs, (stored, now) => {
        const merged = unrecorded.length > 0 ? withDeliveries(stored, unrecorded, now, rule) : undefined;
        const state = merged ?? stored;
        const decision = decide(state, claimId, rule, now, this.options.leaseMs, force);
        // Nothing to claim: the record is still written when it gained the unrecorded deliveries.
        const writeBack = merged === undefined ? {} : { next: merged };
        switch (decision.kind) {
          case 'mine':
            // Our own write whose answer was lost: the claim is in the record.
            return {
              ...writeBack,
              done: { decision: force ? 'forced' : 'allowed', claimId, sent: decision.sent } as ClaimResult,
            };
          case 'claim':
            return {
              next: decision.next,
              done: { decision: force ? 'forced' : 'allowed', claimId, sent: decision.sent } as ClaimResult,
            };
          case 'limited':
            return {
              ...writeBack,
              done: { decision: 'limited', sent: decision.sent, nextAllowedAt: decision.nextAllowedAt },
            };
          case 'in_flight':
            return {
              ...writeBack,
              done: { decision: 'in_flight', sent: decision.sent, until: decision.until },
            };
        }
      });
    } catch (error) {
      return { decision: 'unavailable', error: toPipelineError(error) };
    }
  }

  /** Records the delivery of `claimId` at `sentAt`. Resolves with the error when it could not. */
  async confirm(
    key: string,
    claimId: string,
    sentAt: number,
    rule: WindowRule,
    budgetMs = this.options.storeTimeoutMs,
  ): Promise<PipelineError | undefined> {
    return this.settle(key, rule, budgetMs, (state, now) => confirm(state, claimId, sentAt, now, rule));
  }

  /**
   * Adds deliveries of `key` made while the store could not be asked to its record. Resolves with
   * the error when it could not.
   */
  async writeBack(
    key: string,
    times: readonly number[],
    rule: WindowRule,
    budgetMs = this.options.storeTimeoutMs,
  ): Promise<PipelineError | undefined> {
    return this.settle(key, rule, budgetMs, (state, now) => withDeliveries(state, times, now, rule));
  }

  /** Frees the slot of `claimId` (nothing was sent). Resolves with the error when it could not. */
  async release(
    key: string,
    claimId: string,
    rule: WindowRule,
    budgetMs = this.options.storeTimeoutMs,
  ): Promise<PipelineError | undefined> {
    return this.settle(key, rule, budgetMs, (state, now) => release(state, claimId, now, rule.windowMs));
  }

  private async settle(
    key: string,
    rule: WindowRule,
    budgetMs: number,
    change: (state: RateLimitState, now: number) => RateLimitState | undefined,
  ): Promise<PipelineError | undefined> {
    try {
      await this.update(key, rule.max + EXTRA_ROUNDS, budgetMs, (state, now) => ({
        next: change(state, now),
        done: undefined,
      }));
      return undefined;
    } catch (error) {
      return toPipelineError(error);
    }
  }

  /**
   * Read, decide, write under compare-and-set; a lost race reads again. `step` returns the record to
   * write (if any) and the answer once written.
   */
  private async update<T>(
    key: string,
    rounds: number,
    budgetMs: number,
    step: (state: RateLimitState, now: number) => { next?: RateLimitState; done: T },
  ): Promise<T> {
    const { store, clock } = this.options;
    const deadline = clock.now() + budgetMs;
    const call = <R>(name: string, fn: (signal: AbortSignal) => Promise<R>): Promise<R> => {
      const left = deadline - clock.now();
      if (left <= 0) {
        return Promise.reject(
          new OperationTimeoutError(`rate-limit store ${store.name} did not answer within ${budgetMs} ms`, {
            timeoutMs: budgetMs,
          }),
        );
      }
      // The store's last answer (a refused connection, a 503) before the budget ran out.
      let lastAnswer: PipelineError | undefined;
      return retry(({ signal }) => fn(signal), {
        name: `rate-limit store ${store.name} ${name}`,
        // Bounded by the phase's budget, not by a count: a store slower than its per-request timeout
        // for a while (a loaded instance, a slow region) is still asked until the budget is spent.
        // Giving up earlier would send without the limit while storeTimeoutMs still allows waiting.
        maxAttempts: Number.POSITIVE_INFINITY,
        baseDelayMs: 100,
        maxDelayMs: 1000,
        deadlineMs: left,
        attemptTimeoutMs: left,
        clock,
        onRetry: ({ error }) => {
          lastAnswer = error;
        },
      }).catch((error: unknown) => {
        // A try cut off by the end of the budget says only that time ran out, which is true of any
        // store; a loaded instance cuts the refusal of an unreachable store on its way in. What the
        // store said is the reason to report: only a store that never answered is a timeout.
        if (lastAnswer !== undefined && error instanceof OperationTimeoutError && clock.now() >= deadline) {
          throw lastAnswer;
        }
        throw error;
      });
    };
    for (let round = 0; round < rounds; round++) {
      const record = await call('read', (signal) => store.read(key, signal));
      const { next, done } = step(parseState(record?.text), this.options.now());
      if (next === undefined) return done;
      const written = await call('write', (signal) =>
        store.write(key, serializeState(next), record?.version, signal),
      );
      if (written) return done;
    }
    throw new OperationTimeoutError(
      `rate-limit record ${removeSecrets(key)} changed under this instance ${rounds} times in a row (store ${store.name})`,
      { timeoutMs: budgetMs },
    );
  }
}
