import { describeValue, readOptions } from '../shared/check-options.js';
import type { RetryOptions } from './options.js';
import { validateRetryOptions } from './options.js';
import { executeRetry } from './retry.js';

/**
 * A value or a promise of it: the return type to declare on a synchronous method decorated with
 * `@retryWithJitter`, which becomes asynchronous.
 *
 * @example
 * ```ts
 * import { type Awaitable, retryWithJitter } from 'gcp-pipeline-resilience';
 * class Parser { @retryWithJitter() parse(): Awaitable<number> { return 1; } }
 * ```
 */
export type Awaitable<T> = T | Promise<T>;

/**
 * The options as checked, kept for every later call: each key is read once (a getter cannot answer
 * the check and then something else) and the `retryOn` list is copied, so that a caller mutating
 * the object or the list afterwards cannot slip past the check (`maxAttempts: NaN` retried forever).
 */
function checked(options: RetryOptions, where: string): RetryOptions {
  const copy = readOptions(where, options);
  if (Array.isArray(copy?.retryOn)) copy.retryOn = Array.from(copy.retryOn);
  const invalid = validateRetryOptions(copy, where);
  if (invalid !== undefined) throw invalid;
  return copy;
}

/**
 * Wraps `fn` so that every call is retried with `options`. `this` and the arguments are passed
 * through; the result is always a promise. `fn` and the options are checked once, here: a `fn` that
 * is not a function or a bad option throws a `TypeError` (a `RangeError` for a number out of range)
 * at definition time, not at the first call.
 * The operation is named after `fn` in logs unless `options.name` says otherwise.
 * `fn` does not receive the attempt's signal: call `retry` directly when it needs one.
 *
 * @example
 * ```ts
 * import { BigQueryExecutor, retryStandard, withRetry } from 'gcp-pipeline-resilience';
 * const executor = new BigQueryExecutor({ projectId: 'nba-props-platform' });
 * const sql = 'SELECT game_id FROM `nba_raw.schedule` WHERE game_date = @date';
 * const loadGames = withRetry(async (date: string) => executor.query(sql, { params: { date } }), retryStandard);
 * const rows = await loadGames('2026-01-24');
 * ```
 */
export function withRetry<This, Args extends unknown[], R>(
  fn: (this: This, ...args: Args) => R,
  options: RetryOptions = {},
): (this: This, ...args: Args) => Promise<Awaited<R>> {
  if (typeof fn !== 'function') {
    throw new TypeError(`withRetry: fn must be the function to retry, got ${describeValue(fn)}`);
  }
  return wrap(fn, checked(options, 'withRetry'), fn.name);
}

/** The retried function, named `name` in logs unless the options name it. */
function wrap<This, Args extends unknown[], R>(
  fn: (this: This, ...args: Args) => R,
  options: RetryOptions,
  name: string,
): (this: This, ...args: Args) => Promise<Awaited<R>> {
  const resolved = options.name === undefined && name !== '' ? { ...options, name } : options;
  return function retried(this: This, ...args: Args): Promise<Awaited<R>> {
    return executeRetry(() => fn.apply(this, args) as Awaited<R> | Promise<Awaited<R>>, resolved);
  };
}

/**
 * {@link withRetry} as a standard (TC39, TypeScript 5) method decorator: no `experimentalDecorators`.
 * `this` and the arguments are passed through and the method's name is the operation's name in logs.
 *
 * A decorated method always returns a promise, also when its body is synchronous: a sync method
 * becomes async. TypeScript cannot change a method's declared type from a decorator, so it asks you
 * to say so: a synchronous method must declare a return type that admits a promise (for example
 * {@link Awaitable}), otherwise tsc reports that the decorator's return type is not assignable.
 * Anywhere but on a method (a field, a getter, an `accessor`, a class: JavaScript callers, since
 * TypeScript refuses them), or run as a legacy `experimentalDecorators` decorator, it throws a
 * `TypeError` when the class is defined.
 *
 * @example
 * ```ts
 * import {
 *   BigQueryExecutor,
 *   cloudLoggingLogger,
 *   retryStandard,
 *   retryWithJitter,
 * } from 'gcp-pipeline-resilience';
 * class GamesProcessor {
 *   constructor(private readonly executor: BigQueryExecutor) {}
 *
 *   @retryWithJitter({ ...retryStandard, logger: cloudLoggingLogger() })
 *   async loadDay(date: string) {
 *     return this.executor.query('SELECT * FROM nba_raw.games WHERE game_date = @date', { params: { date } });
 *   }
 * }
 * ```
 */
export function retryWithJitter(options: RetryOptions = {}) {
  const kept = checked(options, '@retryWithJitter');
  return function decorate<This, Args extends unknown[], R>(
    method: (this: This, ...args: Args) => R,
    context: ClassMethodDecoratorContext<This, (this: This, ...args: Args) => R>,
  ): (this: This, ...args: Args) => Promise<Awaited<R>> {
    // TypeScript refuses the others; in JavaScript a field's value became a rejected Promise per
    // instance, a class's `new` returned a Promise, a getter's property a Promise. Under
    // experimentalDecorators `context` is the property key (no kind), and the method ran unretried.
    // There `context?.kind` reads undefined from the key string, and the key is the name.
    const kind = context?.kind;
    const name = String(context?.name ?? context);
    if (kind !== 'method') {
      throw new TypeError(
        `@retryWithJitter (TC39) decorates methods, not ${kind ?? 'under experimentalDecorators:'} ${name}`,
      );
    }
    return wrap(method, kept, name);
  };
}
