import { HttpError, type PipelineError } from '../errors/index.js';
import { atRest } from '../retry/circuit-breaker.js';
import {
  type CircuitBreaker,
  type CircuitBreakerOptions,
  CircuitBreakerRegistry,
  type CircuitState,
  type Clock,
  RetryBudget,
  type RetryBudgetOptions,
  systemClock,
} from '../retry/index.js';
import { checkOptions, OPTION_ALIASES, type OptionSpec } from '../shared/check-options.js';
import { ConcurrencyLimit } from './concurrency-limit.js';
import { RateLimit, type RateLimitOptions } from './rate-limit.js';

/**
 * What each host (or scraper key) gets: a breaker, a retry budget, and optional concurrency and rate
 * limits. `false` switches a part off.
 *
 * @example
 * ```ts
 * import { HttpHostRegistry, resilientFetch, type HttpHostPolicy } from 'gcp-pipeline-resilience';
 * // The API's published limits, per scraper key.
 * const balldontlie: HttpHostPolicy = { maxConcurrent: 4, rateLimit: { requestsPerSecond: 5, burst: 5 } };
 * const hosts = new HttpHostRegistry({ hosts: { bdl: balldontlie } });
 * await resilientFetch('https://api.balldontlie.io/v1/games', {}, { hosts, key: 'bdl' });
 * ```
 */
export interface HttpHostPolicy {
  /**
   * Breaker options; default {@link CircuitBreaker}'s (5 failures in 60 s open it for 300 s; 3 half-open
   * successes close it), except that a 429 (or a rate-limit 403) that says when to come back, sooner
   * than `openMs`, is not a failure: the calls wait as it asks. An `isFailure` given here replaces
   * that rule.
   */
  breaker?: Omit<CircuitBreakerOptions, 'clock' | 'key'> | false;
  /** Retry budget options; default `RetryBudget`'s (50 tokens, 0.1 back per success). */
  budget?: RetryBudgetOptions | false;
  /** Requests in flight at once (headers and body); the others wait in arrival order. Default unlimited. */
  maxConcurrent?: number;
  /** Request starts per second, token bucket. Default unlimited. */
  rateLimit?: RateLimitOptions;
}

/**
 * Options of {@link HttpHostRegistry}: a policy for every host, overrides per key, and the clock.
 *
 * @example
 * ```ts
 * import { HttpHostRegistry, type HttpHostRegistryOptions } from 'gcp-pipeline-resilience';
 * const limits = (requestsPerSecond: number): HttpHostRegistryOptions => ({
 *   maxConcurrent: 8,
 *   hosts: { 'api.balldontlie.io': { rateLimit: { requestsPerSecond, burst: 5 } } },
 * });
 * const hosts = new HttpHostRegistry(limits(process.env.BDL_PAID ? 10 : 1));
 * ```
 */
export interface HttpHostRegistryOptions extends HttpHostPolicy {
  /**
   * Per key (a host such as `'api.example.com'` or `'localhost:8080'`, as a URL's `host` reads: no
   * scheme, no path, the default port left out; or a scraper key): replaces the fields it sets. Keys
   * are case-insensitive.
   */
  hosts?: Record<string, HttpHostPolicy>;
  /** Time for breakers and rate limits; default `systemClock`. */
  clock?: Clock;
  /**
   * How many keys the registry keeps before it forgets those at rest (breaker closed with no recent
   * failure, budget full, nothing in flight or queued, rate-limit bucket full): a crawler that meets
   * a new host on every page must not grow without bound. A key that holds state is never
   * forgotten, so the count can pass this while many hosts are failing. Default 10 000.
   */
  maxHosts?: number;
}

/**
 * What counts against a host's breaker unless its policy says otherwise: a transient failure, but not
 * a rate limit that says when to come back (a 429, or a rate-limit 403, with `retryAfterMs`) sooner
 * than the circuit would open for (`openMs`). Such a server is pacing its client, and every call
 * already waits as it asks; opening the circuit would turn a one-second limit into the breaker's
 * whole `openMs` without a call. One that asks for as long or longer (a quota spent for the hour)
 * counts: each call gives up at once, and only the open circuit keeps the next ones from asking
 * again, for no longer than the server said.
 */
const hostFailure =
  (openMs: number) =>
  (error: PipelineError): boolean =>
    error.transient &&
    !(
      error instanceof HttpError &&
      (error.retryAfterMs ?? openMs) < openMs &&
      (error.status === 429 || error.status === 403)
    );

/**
 * The shared state of one host (or key), as {@link HttpHostRegistry.get} returns it.
 *
 * @example
 * ```ts
 * import { HttpHostRegistry } from 'gcp-pipeline-resilience';
 * const hosts = new HttpHostRegistry();
 * const host = hosts.get('api.example.com');
 * host.breaker?.state; // 'closed'
 * ```
 */
export interface HttpHost {
  readonly key: string;
  readonly breaker: CircuitBreaker | undefined;
  readonly budget: RetryBudget | undefined;
  readonly concurrency: ConcurrencyLimit | undefined;
  readonly rateLimit: RateLimit | undefined;
}

/**
 * A health snapshot of one host.
 *
 * @example
 * ```ts
 * import { defaultHttpHosts, type HttpHostState } from 'gcp-pipeline-resilience';
 * import { createServer } from 'node:http';
 * const unhealthy = (s: HttpHostState) => s.breaker === 'open' || (s.budgetTokens ?? 1) < 1;
 * createServer((_req, res) => {
 *   const states = Object.entries(defaultHttpHosts().states());
 *   res.writeHead(states.some(([, s]) => unhealthy(s)) ? 503 : 200).end(JSON.stringify(Object.fromEntries(states)));
 * }).listen(8080);
 * ```
 */
export interface HttpHostState {
  breaker?: CircuitState;
  inFlight?: number;
  queued?: number;
  budgetTokens?: number;
}

/**
 * One breaker, retry budget, concurrency limit and rate limit per host (or per scraper `key`),
 * created on first use and shared by every `resilientFetch` call given this registry: one breaker per
 * scraper, so one failing API does not trip the others, plus the limits a scraper needs to stay within an
 * API's published quotas. Breakers come from a {@link CircuitBreakerRegistry}. Keep one registry per process
 * (the default one is), not one per call.
 *
 * @example
 * ```ts
 * import { HttpHostRegistry, resilientFetch } from 'gcp-pipeline-resilience';
 *
 * const hosts = new HttpHostRegistry({
 *   maxConcurrent: 4,
 *   hosts: { 'api.example.com': { rateLimit: { requestsPerSecond: 2, burst: 4 } } },
 * });
 * const response = await resilientFetch('https://api.example.com/v1/games', undefined, { hosts });
 * ```
 */
export class HttpHostRegistry {
  readonly #defaults: HttpHostPolicy;
  /** The per-key overrides, keys in lower case. */
  readonly #overrides = new Map<string, HttpHostPolicy>();
  readonly #clock: Clock;
  readonly #hosts = new Map<string, HttpHost>();
  /** The breakers of keys without a breaker override, and one registry per key that has one. */
  readonly #breakers: CircuitBreakerRegistry | undefined;
  readonly #overriddenBreakers = new Map<string, CircuitBreakerRegistry | undefined>();
  readonly #maxHosts: number;
  /** The size at which the next sweep for keys at rest runs. */
  #sweepAt: number;

  constructor(options: HttpHostRegistryOptions = {}) {
    // A misspelt limit ('maxConcurent') would otherwise leave the host unlimited without a word.
    checkOptions('HttpHostRegistry', options, REGISTRY_SPEC, OPTION_ALIASES);
    const { hosts, clock, maxHosts, ...defaults } = options;
    this.#defaults = defaults;
    this.#clock = clock ?? systemClock;
    this.#maxHosts = maxHosts ?? DEFAULT_MAX_HOSTS;
    if (!(Number.isInteger(this.#maxHosts) && this.#maxHosts > 0)) {
      throw new RangeError(`HttpHostRegistry maxHosts must be a positive integer; got ${String(maxHosts)}`);
    }
    this.#sweepAt = this.#maxHosts;
    // Every policy is checked here (the constructors throw precise RangeErrors), not on the first request.
    this.#breakers = this.#breakerRegistry(defaults.breaker);
    validateLimits(defaults);
    for (const [written, policy] of Object.entries(hosts ?? {})) {
      checkOptions(`HttpHostRegistry hosts['${written}']`, policy, POLICY_SPEC, OPTION_ALIASES);
      const key = overrideKey(written);
      if (this.#overrides.has(key)) {
        throw new TypeError(
          `HttpHostRegistry hosts key '${written}' is given twice (keys are case-insensitive)`,
        );
      }
      this.#overrides.set(key, policy);
      if (policy.breaker !== undefined)
        this.#overriddenBreakers.set(key, this.#breakerRegistry(policy.breaker));
      validateLimits(this.#policyOf(policy));
    }
  }

  /**
   * The state of `key` (a host or a scraper key, case-insensitive), created with its policy the
   * first time.
   *
   * @example
   * ```ts
   * import { HttpHostRegistry } from 'gcp-pipeline-resilience';
   * const hosts = new HttpHostRegistry();
   * hosts.get('api.example.com') === hosts.get('API.example.com'); // true
   * ```
   */
  get(key: string): HttpHost {
    // A URL's host is already in lower case: the usual lookup needs no conversion.
    const host = this.#hosts.get(key);
    if (host !== undefined) return host;
    const normal = key.toLowerCase();
    return this.#hosts.get(normal) ?? this.#add(normal);
  }

  /**
   * A snapshot of every host used so far, for a health endpoint.
   *
   * @example
   * ```ts
   * import { HttpHostRegistry } from 'gcp-pipeline-resilience';
   * const hosts = new HttpHostRegistry();
   * hosts.states(); // { 'api.example.com': { breaker: 'closed', inFlight: 2, queued: 0, budgetTokens: 50 } }
   * ```
   */
  states(): Record<string, HttpHostState> {
    // Entries, then fromEntries: own properties, so a key such as `__proto__` is listed as it is.
    const out: Array<[string, HttpHostState]> = [];
    for (const [key, host] of this.#hosts) {
      const state: HttpHostState = {};
      if (host.breaker) state.breaker = host.breaker.state;
      if (host.concurrency) state.inFlight = host.concurrency.active;
      const queued = (host.concurrency?.queued ?? 0) + (host.rateLimit?.queued ?? 0);
      if (host.concurrency || host.rateLimit) state.queued = queued;
      if (host.budget) state.budgetTokens = host.budget.tokens;
      out.push([key, state]);
    }
    return Object.fromEntries(out);
  }

  #add(key: string): HttpHost {
    if (this.#hosts.size >= this.#sweepAt) this.#sweep();
    const host = this.#create(key, this.#policyOf(this.#overrides.get(key)));
    this.#hosts.set(key, host);
    return host;
  }

  /**
   * Forgets the keys at rest (a fresh entry would be identical to them). When most keys hold state,
   * the next sweep waits until the map has doubled, so that sweeps cost O(1) per new key.
   */
  #sweep(): void {
    for (const [key, host] of this.#hosts) {
      if (!isAtRest(host)) continue;
      this.#hosts.delete(key);
      (this.#overriddenBreakers.has(key) ? this.#overriddenBreakers.get(key) : this.#breakers)?.delete(key);
    }
    this.#sweepAt = Math.max(this.#maxHosts, 2 * this.#hosts.size);
  }

  #policyOf(override: HttpHostPolicy | undefined): HttpHostPolicy {
    return override === undefined ? this.#defaults : { ...this.#defaults, ...override };
  }

  #breakerRegistry(options: HttpHostPolicy['breaker']): CircuitBreakerRegistry | undefined {
    return options === false
      ? undefined
      : new CircuitBreakerRegistry({
          ...options,
          isFailure: options?.isFailure ?? hostFailure(options?.openMs ?? 300_000),
          clock: this.#clock,
        });
  }

  #create(key: string, policy: HttpHostPolicy): HttpHost {
    const registry = this.#overriddenBreakers.has(key) ? this.#overriddenBreakers.get(key) : this.#breakers;
    return {
      key,
      breaker: registry?.get(key),
      budget: policy.budget === false ? undefined : new RetryBudget({ name: key, ...policy.budget }),
      concurrency:
        policy.maxConcurrent === undefined ? undefined : new ConcurrencyLimit(policy.maxConcurrent),
      rateLimit: policy.rateLimit === undefined ? undefined : new RateLimit(policy.rateLimit, this.#clock),
    };
  }
}

/** The fields of a host policy, as `checkOptions` reads them. */
const POLICY_SPEC: OptionSpec = {
  breaker: ['object', 'boolean'],
  budget: ['object', 'boolean'],
  maxConcurrent: 'number',
  rateLimit: 'object',
};

const REGISTRY_SPEC: OptionSpec = { ...POLICY_SPEC, hosts: 'object', clock: 'clock', maxHosts: 'number' };

/** Default `maxHosts`. */
const DEFAULT_MAX_HOSTS = 10_000;

/** An override key as the registry looks it up; refuses a URL, which would never match a host. */
function overrideKey(written: string): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(written)) {
    let host = written;
    try {
      host = new URL(written).host;
    } catch {
      // Not a URL either: the message below still says what a key looks like.
    }
    throw new TypeError(
      `HttpHostRegistry hosts key '${written}' is a URL, not a host: write it as a URL's host reads ('${host}')`,
    );
  }
  return written.toLowerCase();
}

function isAtRest(host: HttpHost): boolean {
  const { breaker, budget, concurrency, rateLimit } = host;
  return (
    (breaker === undefined || atRest(breaker)) &&
    (budget === undefined || budget.tokens === budget.maxTokens) &&
    (concurrency === undefined || (concurrency.active === 0 && concurrency.queued === 0)) &&
    (rateLimit === undefined || (rateLimit.queued === 0 && rateLimit.tokens >= rateLimit.burst))
  );
}

function validateLimits(policy: HttpHostPolicy): void {
  if (policy.budget !== false) new RetryBudget(policy.budget ?? {});
  if (policy.maxConcurrent !== undefined) new ConcurrencyLimit(policy.maxConcurrent);
  if (policy.rateLimit !== undefined) new RateLimit(policy.rateLimit);
}
