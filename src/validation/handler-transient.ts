import { CircuitBreakerOpenError, isTransientError, type PipelineError } from '../errors/index.js';
import { redactSecrets } from '../errors/redact.js';
import { isAsyncFunction } from '../shared/is-async-function.js';
import { isThenable } from '../shared/is-thenable.js';
import { describeThrown } from './parse.js';

/** The `isTransient` option after its check: the caller's predicate, or the default. */
export type TransientPredicate = (error: PipelineError) => boolean;

/**
 * Checks `isTransient` when the handler is made. It is called synchronously, for every failure, and
 * only `true` or `false` mean anything: an `async` function returns a Promise, which is truthy, so
 * every permanent failure would be redelivered for ever. Such a function (one declared `async`,
 * which the engine says reliably) is refused here; any other non-boolean answer is caught per call
 * by `transientVerdict`.
 */
export function transientOption(value: unknown, where: string): TransientPredicate {
  // An open breaker says the service is down for now, not that the message is bad: dead-lettering
  // would send every valid message of the open window to the dead-letter queue.
  if (value === undefined)
    return (error) => isTransientError(error) || error instanceof CircuitBreakerOpenError;
  if (isAsyncFunction(value)) {
    throw new TypeError(`${where}: isTransient must be synchronous (a Promise counts as true)`);
  }
  return value as TransientPredicate;
}

/**
 * Asks `isTransient` about `error`. An answer that is not a boolean (a Promise from a function that
 * is not declared `async`, `undefined` from a missing `return`), or a throw, is a configuration error: `misuse`
 * is told (the handler logs it at error level) and the failure counts as transient, the answer that
 * neither acks nor dead-letters a message on a broken predicate's word. `maxDeliveryAttempts` and
 * the subscription's dead-letter policy still bound the redeliveries.
 */
export function transientVerdict(
  isTransient: TransientPredicate,
  error: PipelineError,
  misuse: (message: string) => void,
): boolean {
  let verdict: unknown;
  try {
    verdict = isTransient(error);
  } catch (thrown) {
    // A predicate with a bug: as for an answer that is not a boolean. Before, the throw escaped
    // the handling: the message was redelivered with no log line and never dead-lettered on
    // `maxDeliveryAttempts`, with the predicate's error reported instead of the handler's.
    misuse(`isTransient threw ${redactSecrets(describeThrown(thrown))}; counted as transient`);
    return true;
  }
  if (typeof verdict === 'boolean') return verdict;
  if (isThenable(verdict)) {
    // Nobody waits for it: a rejection must not become an unhandled one.
    Promise.resolve(verdict).catch(() => {});
  }
  misuse(
    `isTransient returned ${isThenable(verdict) ? 'a Promise' : String(verdict)}, not a boolean; counted as transient`,
  );
  return true;
}
