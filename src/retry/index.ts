export { type BackoffOptions, backoffDelays, type JitterMode } from './backoff.js';
export { RetryBudget, type RetryBudgetEvent, type RetryBudgetOptions } from './budget.js';
export {
  CircuitBreaker,
  type CircuitBreakerOptions,
  type CircuitState,
  type CircuitStateChange,
} from './circuit-breaker.js';
export { CircuitBreakerRegistry } from './circuit-breaker-registry.js';
export { type Clock, systemClock } from './clock.js';
export { cappedExponential, type JitterParams, type JitterStrategy } from './jitter/index.js';
export type {
  ErrorClass,
  GiveUpInfo,
  GiveUpReason,
  RetryContext,
  RetryFunction,
  RetryInfo,
  RetryOptions,
  RetryPredicate,
  RetrySuccessInfo,
} from './options.js';
export {
  bigQueryRetry,
  retryAggressive,
  retryFast,
  retryPatient,
  retryStandard,
  scraperRetry,
} from './presets.js';
export { retry } from './retry.js';
export { type Awaitable, retryWithJitter, withRetry } from './with-retry.js';
