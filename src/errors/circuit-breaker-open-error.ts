import { brandClass } from './brand.js';
import { PipelineError } from './pipeline-error.js';

/**
 * Options of {@link CircuitBreakerOpenError}.
 *
 * @example
 * ```ts
 * import { CircuitBreakerOpenError, type CircuitBreakerOpenErrorOptions } from 'gcp-pipeline-resilience';
 * // A fake dependency in a test refuses as an open breaker would.
 * const openFor = (ms: number): CircuitBreakerOpenErrorOptions => ({ retryAfterMs: ms, key: 'bigquery' });
 * const refuse = async (): Promise<never> => {
 *   throw new CircuitBreakerOpenError('circuit open for bigquery', openFor(240_000));
 * };
 * ```
 */
export interface CircuitBreakerOpenErrorOptions {
  /** How long until the breaker lets a trial call through (half-open). */
  retryAfterMs: number;
  /** The breaker's key in a registry, if it has one. */
  key?: string;
}

/**
 * A call was refused without being made because its circuit breaker is open. Code
 * `'CIRCUIT_BREAKER_OPEN'`, not transient: retrying inside the same call would only hammer the breaker;
 * wait `retryAfterMs` (or let the message be redelivered).
 *
 * @example
 * ```ts
 * import { CircuitBreakerOpenError } from 'gcp-pipeline-resilience';
 *
 * const err = new CircuitBreakerOpenError('Circuit "bigquery" is open', { retryAfterMs: 240_000, key: 'bigquery' });
 * err.transient; // false
 * ```
 */
export class CircuitBreakerOpenError extends PipelineError {
  protected static override readonly brand: symbol = /* @__PURE__ */ brandClass(
    CircuitBreakerOpenError,
    'CircuitBreakerOpenError',
  );

  /** How long until the breaker lets a trial call through. */
  declare readonly retryAfterMs: number;
  /** The breaker's key, if it has one. */
  declare readonly key?: string;

  constructor(message: string, options: CircuitBreakerOpenErrorOptions) {
    super(message, { code: 'CIRCUIT_BREAKER_OPEN', transient: false });
    this.retryAfterMs = options.retryAfterMs;
    this.key = options.key;
  }
}
