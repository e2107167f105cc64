import { toPipelineError } from './classify.js';
import type { PipelineError } from './pipeline-error.js';

/**
 * The outcome of {@link settle}: the value, or the typed error.
 *
 * @example
 * ```ts
 * import { type Result, settle } from 'gcp-pipeline-resilience';
 * function report(result: Result<number>): void {
 *   if (result.ok) console.log(result.value);
 *   else console.error(result.error.code);
 * }
 * report(await settle(() => 42));
 * ```
 */
export type Result<T> = { ok: true; value: T } | { ok: false; error: PipelineError };

/**
 * Runs work and returns a {@link Result} instead of throwing, for callers that prefer results to
 * exceptions. Failures, including a synchronous throw from
 * `work`, come back as `toPipelineError(err)`. Never rejects.
 *
 * @example
 * ```ts
 * import { BigQueryExecutor, settle } from 'gcp-pipeline-resilience';
 * const executor = new BigQueryExecutor({ projectId: 'nba-props-platform' });
 * declare function requeue(): void;
 *
 * const result = await settle(() => executor.query('SELECT 1 AS x'));
 * if (result.ok) console.log(result.value);
 * else if (result.error.transient) requeue();
 * ```
 */
export async function settle<T>(work: PromiseLike<T> | (() => PromiseLike<T> | T)): Promise<Result<T>> {
  try {
    const value = await (typeof work === 'function' ? work() : work);
    return { ok: true, value };
  } catch (err) {
    return { ok: false, error: toPipelineError(err) };
  }
}
