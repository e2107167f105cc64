import { CircuitBreaker, type CircuitBreakerOptions, type CircuitState } from './circuit-breaker.js';

/**
 * One {@link CircuitBreaker} per key, created on first use with shared defaults: the original
 * system's `CircuitBreakerManager.get_breaker(scraper_name)`. Keep one registry per process.
 *
 * @example
 * ```ts
 * const breakers = new CircuitBreakerRegistry({ openMs: 120_000, logger });
 * await retry(() => scrape('bdl_boxscores'), { breaker: breakers.get('bdl_boxscores') });
 * ```
 */
export class CircuitBreakerRegistry {
  readonly #defaults: CircuitBreakerOptions;
  readonly #breakers = new Map<string, CircuitBreaker>();

  constructor(defaults: CircuitBreakerOptions = {}) {
    this.#defaults = { ...defaults };
    // Fail on bad defaults now, not on the first get().
    new CircuitBreaker(this.#defaults);
  }

  /**
   * The breaker for `key`, created with the registry's defaults the first time.
   *
   * @example
   * ```ts
   * registry.get('odds_api') === registry.get('odds_api'); // true
   * ```
   */
  get(key: string): CircuitBreaker {
    let breaker = this.#breakers.get(key);
    if (breaker === undefined) {
      breaker = new CircuitBreaker({ ...this.#defaults, key });
      this.#breakers.set(key, breaker);
    }
    return breaker;
  }

  /**
   * Forgets the breaker of `key` (the next `get` creates a fresh, closed one). For registries keyed
   * by something unbounded, such as the hosts a crawler meets. Returns whether there was one.
   *
   * @example
   * ```ts
   * registry.delete('retired_scraper'); // true
   * ```
   */
  delete(key: string): boolean {
    return this.#breakers.delete(key);
  }

  /**
   * The state of every breaker created so far, for a health endpoint.
   *
   * @example
   * ```ts
   * registry.states(); // { bdl_boxscores: 'closed', odds_api: 'open' }
   * ```
   */
  states(): Record<string, CircuitState> {
    const out: Record<string, CircuitState> = {};
    for (const [key, breaker] of this.#breakers) out[key] = breaker.state;
    return out;
  }
}
