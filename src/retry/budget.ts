import { checkOptions, POLICY_ALIASES } from '../shared/check-options.js';
import { ATTR } from '../telemetry/attributes.js';
import { notify } from '../telemetry/listeners.js';
import { budgetExhaustions, budgetTokens, count, observeGauge } from '../telemetry/metrics.js';

function budgetReadings(budget: RetryBudget): Array<readonly [number, Record<string, string>]> {
  return [[budget.tokens, { [ATTR.budgetName]: budget.name ?? '(unnamed)' }]];
}

/**
 * Options of {@link RetryBudget}.
 *
 * @example
 * ```ts
 * import { retry, RetryBudget, type RetryBudgetOptions } from 'gcp-pipeline-resilience';
 * declare function getGames(): Promise<Response>; // must throw on a failed status: fetch resolves on a 503
 * const budgetFor = (callsPerRetry: number): RetryBudgetOptions => ({ maxTokens: 50, tokenRatio: 1 / callsPerRetry });
 * const budget = new RetryBudget(budgetFor(10)); // at most one retry per 10 successful calls, in an outage
 * await retry(getGames, { budget });
 * ```
 */
export interface RetryBudgetOptions {
  /** A name for metrics (`resilience.retry_budget.name`) and events: the downstream it guards. */
  name?: string;
  /** Called when the budget runs low enough to refuse retries. A listener that throws is ignored. */
  onExhausted?: (event: RetryBudgetEvent) => void;
  /** Called when successes have refilled it enough to allow retries again. A listener that throws is ignored. */
  onRecovered?: (event: RetryBudgetEvent) => void;
  /**
   * Size of the bucket, and its initial content, in [0.001, 1000] (gRPC A6 allows (0, 1000]; tokens
   * are counted in thousandths, so less than one would be an empty bucket). Default 50: with 10, the
   * random clusters of failures that a 5 % failure rate still produces drain the bucket to half and
   * refuse retries that would have succeeded (docs/decisions/retry.md).
   */
  maxTokens?: number;
  /** Tokens given back by each success (3 decimals, as in gRPC A6): at least 0.001. Default 0.1. */
  tokenRatio?: number;
}

/**
 * What `onExhausted` and `onRecovered` receive.
 *
 * @example
 * ```ts
 * import { RetryBudget, type RetryBudgetEvent } from 'gcp-pipeline-resilience';
 * const budget = new RetryBudget({
 *   name: 'bigquery',
 *   onExhausted: (e: RetryBudgetEvent) => console.warn(`${e.name}: retries paused (${e.tokens}/${e.maxTokens} tokens)`),
 * });
 * ```
 */
export interface RetryBudgetEvent {
  name: string | undefined;
  /** Tokens left when it happened. */
  tokens: number;
  maxTokens: number;
}

/**
 * 50, not 10: with 10 tokens, 16 of 20 seeded runs at 5 % failure lost successes that plain retry kept;
 * with 50, none (the retry-budget section of `npm run bench`).
 */
const DEFAULT_MAX_TOKENS = 50;

/** Tokens are kept in thousandths, as gRPC A6 does, so 0.1 + 0.1 + ... never drifts. */
const SCALE = 1000;

/**
 * A retry token bucket shared by many calls, after gRPC A6 retry throttling (and the SRE book's
 * "retry ratio below 10 %"): it starts full; each failed attempt that `retry` considered retryable
 * takes one token, each success gives back `tokenRatio`; no retry is made while half or fewer of the
 * tokens remain. With the defaults, a total outage costs about `maxTokens / 2` = 25 extra attempts
 * once, then one attempt per call instead of `maxAttempts`, while sparse failures are retried as usual. Share one per downstream
 * service (e.g. one per BigQuery project), not one per call.
 *
 * @example
 * ```ts
 * import { retry, RetryBudget } from 'gcp-pipeline-resilience';
 * const budget = new RetryBudget(); // { maxTokens: 50, tokenRatio: 0.1 }
 * declare function loadDay(date: string): Promise<void>;
 *
 * const dates = ['2026-11-27', '2026-11-28'];
 * await Promise.all(dates.map((d) => retry(() => loadDay(d), { budget })));
 * ```
 */
export class RetryBudget {
  /** The name given in the options. */
  declare readonly name: string | undefined;
  declare readonly maxTokens: number;
  declare readonly tokenRatio: number;
  #milli: number;
  readonly #maxMilli: number;
  readonly #ratioMilli: number;
  readonly #onExhausted: ((event: RetryBudgetEvent) => void) | undefined;
  readonly #onRecovered: ((event: RetryBudgetEvent) => void) | undefined;
  #observed = false;

  constructor(options: RetryBudgetOptions = {}) {
    // The copy as checked, each key read once: a getter cannot answer the check and then something else.
    const o = checkOptions(
      'new RetryBudget',
      options,
      {
        maxTokens: 'number',
        tokenRatio: 'number',
        name: 'string',
        onExhausted: 'function',
        onRecovered: 'function',
      },
      [POLICY_ALIASES],
    );
    const maxTokens = o.maxTokens ?? DEFAULT_MAX_TOKENS;
    const tokenRatio = o.tokenRatio ?? 0.1;
    // Tokens are counted in thousandths: below one, a maxTokens rounded to an empty bucket that never
    // retried, and a tokenRatio was raised to one thousandth, silently.
    if (!(maxTokens >= 0.001 && maxTokens <= 1000)) {
      throw new RangeError(`RetryBudget maxTokens must be in [0.001, 1000]; got ${maxTokens}`);
    }
    if (!(tokenRatio >= 0.001 && tokenRatio < Infinity)) {
      throw new RangeError(`RetryBudget tokenRatio must be a finite number >= 0.001; got ${tokenRatio}`);
    }
    // The public fields are declared, not defined, and assigned in the order declared: the same own
    // keys, without a field definition in the bundle.
    this.name = o.name;
    this.maxTokens = maxTokens;
    this.tokenRatio = tokenRatio;
    this.#maxMilli = Math.round(maxTokens * SCALE);
    this.#ratioMilli = Math.round(tokenRatio * SCALE);
    this.#milli = this.#maxMilli;
    this.#onExhausted = o.onExhausted;
    this.#onRecovered = o.onRecovered;
  }

  /**
   * Tokens left (3 decimals).
   *
   * @example
   * ```ts
   * import { RetryBudget } from 'gcp-pipeline-resilience';
   * new RetryBudget().tokens; // 50
   * ```
   */
  get tokens(): number {
    return this.#milli / SCALE;
  }

  /**
   * Whether a retry may be made now: more than half of the tokens remain.
   *
   * @example
   * ```ts
   * import { RetryBudget } from 'gcp-pipeline-resilience';
   * const budget = new RetryBudget();
   * if (!budget.canRetry()) console.warn('retries paused: the downstream service is failing');
   * ```
   */
  canRetry(): boolean {
    return this.#milli * 2 > this.#maxMilli;
  }

  /**
   * Records a failed (retryable) attempt: takes one token.
   *
   * @example
   * ```ts
   * import { RetryBudget } from 'gcp-pipeline-resilience';
   * const budget = new RetryBudget();
   * budget.onFailure();
   * ```
   */
  onFailure(): void {
    if (!this.#observed) this.#observe();
    const could = this.canRetry();
    this.#milli = Math.max(0, this.#milli - SCALE);
    if (could && !this.canRetry()) this.#crossed('exhausted');
  }

  /**
   * Records a successful attempt: gives back `tokenRatio` tokens, up to `maxTokens`.
   *
   * @example
   * ```ts
   * import { RetryBudget } from 'gcp-pipeline-resilience';
   * const budget = new RetryBudget();
   * budget.onSuccess();
   * ```
   */
  onSuccess(): void {
    if (!this.#observed) this.#observe();
    if (this.#milli < this.#maxMilli) {
      const could = this.canRetry();
      this.#milli = Math.min(this.#maxMilli, this.#milli + this.#ratioMilli);
      if (!could && this.canRetry()) this.#crossed('recovered');
    }
  }

  /** Joins the tokens gauge on first use, so that budgets made only to check options never show. */
  #observe(): void {
    this.#observed = true;
    observeGauge(budgetTokens, this, budgetReadings);
  }

  #crossed(what: 'exhausted' | 'recovered'): void {
    const name = this.name;
    if (what === 'exhausted') count(budgetExhaustions, 1, { [ATTR.budgetName]: name ?? '(unnamed)' });
    const event: RetryBudgetEvent = { name, tokens: this.tokens, maxTokens: this.maxTokens };
    // Listeners run in the middle of someone's retry: their failure is nobody's business but theirs.
    notify(what === 'exhausted' ? this.#onExhausted : this.#onRecovered, event, () => {});
  }
}
