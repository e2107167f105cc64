import { describeValue } from './check-options.js';

/**
 * The answer of a user's yes/no predicate (`retryOn`, `isFailure`), which must be a boolean. Anything
 * else cannot answer and throws a `TypeError` for the caller to log: an `async` predicate's Promise
 * is truthy whatever it resolves to, so read as an answer it said yes to every error, permanent ones
 * too. Its rejection is caught, which would otherwise end the process. Internal: not exported.
 */
export function booleanAnswer(what: string, answer: unknown): boolean {
  if (typeof answer === 'boolean') return answer;
  Promise.resolve(answer).catch(() => {});
  throw new TypeError(`${what} returned ${describeValue(answer)}, not a boolean`);
}
