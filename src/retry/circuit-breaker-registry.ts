import { CircuitBreaker, type CircuitBreakerOptions, type CircuitState } from './circuit-breaker.js';

/**
 * One {@link CircuitBreaker} per key, created on first use with shared defaults.
 * Keep one registry per process.
 *
 * @example
 * ```ts
 * import { CircuitBreakerRegistry, cloudLoggingLogger, retry } from 'gcp-pipeline-resilience';
 * declare function scrape(scraper: string): Promise<object[]>;
 *
 * const breakers = new CircuitBreakerRegistry({ openMs: 120_000, logger: cloudLoggingLogger() });
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
   * import { CircuitBreakerRegistry } from 'gcp-pipeline-resilience';
   * const registry = new CircuitBreakerRegistry();
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
   * import { CircuitBreakerRegistry } from 'gcp-pipeline-resilience';
   * const registry = new CircuitBreakerRegistry();
   * registry.get('retired_scraper');
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
   * import { CircuitBreakerRegistry } from 'gcp-pipeline-resilience';
   * const registry = new CircuitBreakerRegistry();
   * registry.get('bdl_boxscores');
   * registry.states(); // { bdl_boxscores: 'closed' }
   * ```
   */
  states(): Record<string, CircuitState> {
    // fromEntries defines own properties: a key such as `__proto__` is listed, not made the prototype.
    return Object.fromEntries([...this.#breakers].map(([key, breaker]) => [key, breaker.state]));
  }
}
